// Writes the seed corpora of the fuzz targets: small VALID files, made by
// typenet's own writers where it has them (tn::save, save_safetensors,
// save_npy) and by hand where it has none (IDX, CSV; gzip(1) for .gz).
//   build/fuzz/make_corpus tests/fuzz/corpus
// Rewrites <dir>/<target>/ for every target; the output is deterministic.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "harness.hpp"

namespace tn = typenet;
namespace fs = std::filesystem;
using bytes = std::vector<std::uint8_t>;

namespace {

fs::path root;

bytes read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return bytes(std::istreambuf_iterator<char>(in), {});
}
void write(const fs::path& p, const bytes& b) {
  std::ofstream out(p, std::ios::binary);
  out.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
  if (!out) throw std::runtime_error("cannot write " + p.string());
}
void write(const fs::path& p, const std::string& s) { write(p, bytes(s.begin(), s.end())); }
bytes gzip(const bytes& b) {
  const fs::path tmp = root / ".gzip-input";
  write(tmp, b);
  if (std::system(("gzip -n -9 -f '" + tmp.string() + "'").c_str()) != 0) throw std::runtime_error("gzip failed");
  bytes out = read(tmp.string() + ".gz");
  fs::remove(tmp.string() + ".gz");
  return out;
}

/// An IDX file of unsigned bytes with the given dimensions and values i*7+seed.
bytes idx(const std::vector<std::uint32_t>& dims, unsigned seed, unsigned modulo = 256) {
  bytes b = {0, 0, 0x08, static_cast<std::uint8_t>(dims.size())};
  std::size_t n = 1;
  for (const auto d : dims) {
    for (int k = 3; k >= 0; --k) b.push_back(static_cast<std::uint8_t>(d >> (8 * k)));
    n *= d;
  }
  for (std::size_t i = 0; i < n; ++i) b.push_back(static_cast<std::uint8_t>((i * 7 + seed) % modulo));
  return b;
}

fs::path dir(const std::string& target) {
  const fs::path d = root / target;
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: make_corpus <corpus dir>\n";
    return 2;
  }
  root = argv[1];
  fs::create_directories(root);

  {  // idx: (images, labels) pairs, see typenet_fuzz::idx_pair
    const fs::path d = dir("idx");
    const auto pair = [&](const std::string& name, const bytes& images, const bytes& labels) {
      write(d / name, typenet_fuzz::idx_pair(images, labels));
    };
    pair("3x2x2", idx({3, 2, 2}, 1), idx({3}, 2, 10));
    pair("2x28x28", idx({2, 28, 28}, 3), idx({2}, 9, 10));
    pair("1x1x1", idx({1, 1, 1}, 255), idx({1}, 0, 10));
    pair("4x3x5.gz", gzip(idx({4, 3, 5}, 4)), gzip(idx({4}, 5, 10)));
    pair("2x28x28.gz", gzip(idx({2, 28, 28}, 6)), idx({2}, 1, 10));
  }
  {  // csv: numeric rows with a class label (last column, or first after a header)
    const fs::path d = dir("csv");
    write(d / "plain.csv", std::string("1.5,2,0\n-3e2,4.25,1\n0,0.0001,2\n"));
    write(d / "header.csv", std::string("label,a,b\n1,2,0.5\n3,4.5,-1\n0,1e-3,7\n"));
    write(d / "quoted-crlf-bom.csv", std::string("\xEF\xBB\xBF\"1.0\",\"2.0\",\"3\"\r\n\r\n 4 , 5 ,6\r\n+7,-8.5e+1,\"1\"\r\n"));
    std::string rows;
    for (int i = 0; i < 40; ++i)
      rows += std::to_string(i * 0.25) + "," + std::to_string(-i) + "," + std::to_string(i % 7 * 1.5) + "," +
              std::to_string(i % 3) + "\n";
    write(d / "rows.csv", rows);
    write(d / "rows.csv.gz", gzip(bytes(rows.begin(), rows.end())));
  }
  {  // safetensors: the fuzzed network's parameters, float and double, with and without metadata
    const fs::path d = dir("safetensors");
    tn::save(tn::init<typenet_fuzz::net>(tn::glorot_uniform{}, 1), d / "float");
    tn::save(tn::init<typenet_fuzz::net, double>(tn::pytorch_default{}, 2), d / "double");
    tn::save(tn::init<typenet_fuzz::net>(tn::pytorch_default{}, 3), d / "no-metadata", {});
    auto p = tn::init<typenet_fuzz::net>(tn::glorot_uniform{}, 4);
    auto refs = tn::detail::tensor_refs<typenet_fuzz::net, float>(p);
    tn::matrix<double, 2, 2> extra;
    for (std::size_t i = 0; i < 4; ++i) extra.data()[i] = 0.25 * static_cast<double>(i);
    refs.push_back(tn::io::ref("extra \"tensor\"", extra));
    tn::io::save_safetensors(d / "extra-tensor", refs, {{"k\"ey", "v\n\xC3\xA9"}, {"format", "pt"}});
  }
  {  // npy: float and double, 1-D to 3-D, a scalar, Fortran order, header versions 2.0 and 3.0
    const fs::path d = dir("npy");
    tn::matrix<float, 3, 4> m;
    for (std::size_t i = 0; i < 12; ++i) m.data()[i] = 0.5f * static_cast<float>(i) - 2.0f;
    tn::matrix<double, 3, 4> md;
    for (std::size_t i = 0; i < 12; ++i) md.data()[i] = 1.0 / (1.0 + static_cast<double>(i));
    std::vector<double> a(12);
    std::vector<float> af(12);
    for (std::size_t i = 0; i < 12; ++i) a[i] = af[i] = static_cast<float>(i) * 0.125f;
    tn::io::save_npy(d / "3x4-f4", tn::io::ref("m", m));
    tn::io::save_npy(d / "3x4-f8", tn::io::ref("md", md));
    tn::io::save_npy(d / "2x3x2-f8", tn::io::ref("a", std::span<double>(a), {2, 3, 2}));
    tn::io::save_npy(d / "2x3x2-f4", tn::io::ref("af", std::span<float>(af), {2, 3, 2}));
    tn::io::save_npy(d / "5-f4", tn::io::ref("v", std::span<float>(af.data(), 5), {5}));
    tn::io::save_npy(d / "scalar-f8", tn::io::ref("s", std::span<double>(a.data(), 1), {}));
    bytes f = read(d / "3x4-f4");
    const std::string from = "'fortran_order': False,", to = "'fortran_order': True ,";
    const auto at = std::search(f.begin(), f.end(), from.begin(), from.end());
    std::copy(to.begin(), to.end(), at);
    write(d / "3x4-f4-fortran", f);
    for (const std::uint8_t version : {2, 3}) {  // a 4-byte header length
      bytes v = read(d / "3x4-f8");
      v[6] = version;
      v.insert(v.begin() + 10, {0, 0});
      write(d / ("3x4-f8-v" + std::to_string(version)), v);
    }
  }
  {  // json: the headers of the safetensors seeds, and hand-written values
    const fs::path d = dir("json");
    for (const auto& name : {"float", "extra-tensor"}) {
      const bytes s = read(root / "safetensors" / name);
      std::size_t n = 0;
      for (int k = 7; k >= 0; --k) n = (n << 8) | s[static_cast<std::size_t>(k)];
      write(d / (std::string(name) + "-header"), bytes(s.begin() + 8, s.begin() + 8 + static_cast<std::ptrdiff_t>(n)));
    }
    write(d / "values", std::string(R"({"a": [1, -2.5e+3, 0, 0.125E-2, true, false, null], "b": {"c": "\u00e9\ud83d\ude00\n\"\\\/\b\f\r\t"}})"));
    write(d / "nested", std::string(R"( [[[{"x": {"y": [[], {}]}}]], "", -0] )"));
    write(d / "number", std::string("0.5"));
  }
  std::cout << "make_corpus: wrote " << root.string() << "\n";
  return 0;
}
