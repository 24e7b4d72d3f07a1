// The fuzz targets' harnesses (tests/fuzz/harness.hpp) on ordinary builds:
// every seed of tests/fuzz/corpus/ loads (so the corpora stay valid as the
// loaders change), and hostile inputs of the kinds the fuzzers explore, plus
// every reproducer a fuzzer found, are refused with io_error without a
// broken promise (harness::violation) or an allocation the file cannot fill.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "../fuzz/harness.hpp"

namespace fs = std::filesystem;
namespace fz = typenet_fuzz;
using bytes = std::vector<std::uint8_t>;

namespace {

const fs::path corpus_dir = fs::path(__FILE__).parent_path().parent_path() / "fuzz" / "corpus";

bytes read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return bytes(std::istreambuf_iterator<char>(in), {});
}
bytes text(std::string_view s) { return bytes(s.begin(), s.end()); }
bytes le64(std::uint64_t n) {
  bytes b(8);
  for (int k = 0; k < 8; ++k) b[static_cast<std::size_t>(k)] = static_cast<std::uint8_t>(n >> (8 * k));
  return b;
}
bytes operator+(bytes a, const bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

/// Runs every seed of corpus/<target> through `harness`; all must load.
void seeds_load(const std::string& target, const std::function<bool(fz::bytes_view)>& harness) {
  std::size_t seeds = 0;
  for (const auto& e : fs::directory_iterator(corpus_dir / target)) {
    ++seeds;
    BOOST_TEST(harness(read(e.path())), target << " seed " << e.path().filename().string() << " was refused");
  }
  BOOST_TEST(seeds >= 4u, "corpus/" << target << " has " << seeds << " seeds");
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_seed_loads) {
  seeds_load("idx", fz::idx);
  seeds_load("csv", fz::csv);
  seeds_load("safetensors", fz::safetensors);
  seeds_load("npy", fz::npy);
  seeds_load("json", fz::json);
}

BOOST_AUTO_TEST_CASE(idx_claiming_2_to_the_40_values_is_refused_without_allocating_them) {
  // 2^20 x 2^10 x 2^10 images, 8 bytes of pixels
  const bytes images = {0, 0, 8, 3, 0, 0x10, 0, 0, 0, 0, 4, 0, 0, 0, 4, 0, 1, 2, 3, 4, 5, 6, 7, 8};
  const bytes labels = {0, 0, 8, 1, 0, 0, 0, 1, 3};
  BOOST_TEST(!fz::idx(fz::idx_pair(images, labels)));
  BOOST_TEST(!fz::idx(fz::idx_pair(images, {})));
  // a valid header on a gzip stream cut short
  const bytes corpus_gz = read(corpus_dir / "idx" / "4x3x5.gz");
  BOOST_TEST(!fz::idx(bytes(corpus_gz.begin(), corpus_gz.end() - 20)));
}

BOOST_AUTO_TEST_CASE(csv_hostile_text_is_refused) {
  BOOST_TEST(!fz::csv(text("")));
  BOOST_TEST(!fz::csv(text("1,2\n\"3,4\n")));
  BOOST_TEST(!fz::csv(text("1,nan\n")));
  BOOST_TEST(!fz::csv(text("1e999,0\n")));
  BOOST_TEST(!fz::csv(text("1,2,3\n4,5\n")));
  BOOST_TEST(!fz::csv(text(std::string("1,2\n\0,1\n", 8))));
  BOOST_TEST(!fz::csv(text("1,99999999999999999999\n")));
}

BOOST_AUTO_TEST_CASE(safetensors_hostile_headers_are_refused_and_change_nothing) {
  const auto file = [](std::string_view header, const bytes& data = {}) { return le64(header.size()) + text(header) + data; };
  BOOST_TEST(!fz::safetensors(le64(~std::uint64_t{0})));
  BOOST_TEST(!fz::safetensors(file(R"({"0.weight":{"dtype":"F32","shape":[1099511627776,1099511627776],"data_offsets":[0,0]}})")));
  BOOST_TEST(!fz::safetensors(file(R"({"0.weight":{"dtype":"F32","shape":[4,5],"data_offsets":[0,80]}})", bytes(40))));
  BOOST_TEST(!fz::safetensors(file(std::string(100000, '[') + std::string(100000, ']'))));
  // a valid file of the network with one byte of its header changed: the dtype
  bytes f = read(corpus_dir / "safetensors" / "float");
  const std::string_view f32 = "F32";
  const auto at = std::search(f.begin(), f.end(), f32.begin(), f32.end());
  BOOST_REQUIRE(at != f.end());
  at[1] = '1';
  at[2] = '6';
  BOOST_TEST(!fz::safetensors(f));
}

BOOST_AUTO_TEST_CASE(npy_hostile_headers_are_refused_and_change_nothing) {
  const auto file = [](std::string header) {
    bytes b = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, static_cast<std::uint8_t>(header.size()),
               static_cast<std::uint8_t>(header.size() >> 8)};
    return b + text(header);
  };
  BOOST_TEST(!fz::npy(file("{'descr': '<f4', 'fortran_order': False, 'shape': (1099511627776, 1099511627776), }")));
  BOOST_TEST(!fz::npy(file("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }") + bytes(47)));
  BOOST_TEST(!fz::npy(file("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3, 2), }") + bytes(97)));
  BOOST_TEST(!fz::npy(file("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4")));
  BOOST_TEST(!fz::npy(file("{'descr': '")));
  BOOST_TEST(!fz::npy(bytes{0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0, 0xff, 0xff, 0xff, 0xff}));
}

BOOST_AUTO_TEST_CASE(json_hostile_text_is_refused) {
  BOOST_TEST(!fz::json(text(std::string(100000, '[') + std::string(100000, ']'))));
  BOOST_TEST(!fz::json(text(R"({"a":1,"a":2})")));
  BOOST_TEST(!fz::json(text(R"("\ud800")")));
  BOOST_TEST(!fz::json(text(R"("\u12)")));
  BOOST_TEST(!fz::json(text("01")));
  BOOST_TEST(!fz::json(text("-")));
  BOOST_TEST(!fz::json(text("\"\\")));
  BOOST_TEST(fz::json(text(R"({"\u0000\u001f": ["\ud83d\ude00", -0.0e-0]})")));
}
