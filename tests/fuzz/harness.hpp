#pragma once
// The bodies of the libFuzzer targets (tests/fuzz/fuzz_<loader>.cpp), shared
// with tests/unit/fuzz_regressions.cpp, which runs the seed corpora and every
// reproducer through the same code. Each function feeds one input to a
// loader through its public entry point and returns true if it was loaded,
// false if it was refused with typenet::io_error (json: json_error). Any
// other exception escapes: for libFuzzer that is a crash. A broken promise of
// the loader (a destination changed by a refused load, a loaded value out of
// its documented range, a JSON value that does not survive being written and
// read again) throws fuzz::violation.
#include <unistd.h>  // getpid

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <typenet/data/csv.hpp>
#include <typenet/data/idx.hpp>
#include <typenet/io/error.hpp>
#include <typenet/io/json.hpp>
#include <typenet/io/npy.hpp>
#include <typenet/nn/serialize.hpp>
#include <typenet/typenet.hpp>  // the layers of `net`

namespace typenet_fuzz {

namespace tn = typenet;
namespace fs = std::filesystem;
using bytes_view = std::span<const std::uint8_t>;

struct violation : std::logic_error {
  using std::logic_error::logic_error;
};

inline void require(bool ok, const std::string& what) {
  if (!ok) throw violation("typenet fuzz: " + what);
}

/// `data` written to a file of this process in $TMPDIR (the loaders read paths).
inline fs::path as_file(std::string_view tag, bytes_view data) {
  const char* dir = std::getenv("TMPDIR");
  const fs::path path = fs::path(dir && *dir ? dir : "/tmp") /
                        ("typenet-fuzz-" + std::to_string(::getpid()) + "-" + std::string(tag));
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) throw std::runtime_error("typenet fuzz: cannot create " + path.string());
  const bool ok = std::fwrite(data.data(), 1, data.size(), f) == data.size();
  if (std::fclose(f) != 0 || !ok) throw std::runtime_error("typenet fuzz: cannot write " + path.string());
  return path;
}

/// The network whose parameters the safetensors target loads.
using net = tn::network<tn::input<5>, tn::dense<4>, tn::tanh, tn::dense<3>, tn::softmax>;

/// Every parameter value of `p`, in the order of its safetensors file.
template <class T>
std::vector<T> values(const tn::params<net, T>& p) {
  std::vector<T> out;
  for (const auto& r : tn::detail::tensor_refs<net, T>(p)) {
    const T* data = [&] { if constexpr (std::is_same_v<T, float>) return r.f32; else return r.f64; }();
    out.insert(out.end(), data, data + r.elements());
  }
  return out;
}

template <class D>
void check_dataset(const D& d, const std::string& what) {
  require(d.features() > 0 && d.classes() > 0, what + ": a dataset without features or classes");
  require(d.all_features().size() == d.size() * d.features(), what + ": features do not fill size x features");
  for (const auto v : d.all_features()) require(std::isfinite(v), what + ": a non-finite feature was returned");
  for (const auto y : d.all_labels())
    require(y >= 0 && static_cast<std::size_t>(y) < d.classes(), what + ": a label outside [0, classes)");
}

// --- IDX: input = 4-byte little-endian length k, k bytes of images, then labels.
// Without a valid prefix the whole input is the image file and the labels are empty.

/// The IDX target's input for an image file and a label file.
inline std::vector<std::uint8_t> idx_pair(bytes_view images, bytes_view labels) {
  std::vector<std::uint8_t> out(4 + images.size() + labels.size());
  for (std::size_t k = 0; k < 4; ++k) out[k] = static_cast<std::uint8_t>(images.size() >> (8 * k));
  std::copy(labels.begin(), labels.end(), std::copy(images.begin(), images.end(), out.begin() + 4));
  return out;
}

inline bool idx(bytes_view in) {
  bytes_view images = in, labels;
  if (in.size() >= 4) {
    const std::size_t k = in[0] | (std::size_t{in[1]} << 8) | (std::size_t{in[2]} << 16) | (std::size_t{in[3]} << 24);
    if (k <= in.size() - 4) {
      images = in.subspan(4, k);
      labels = in.subspan(4 + k);
    }
  }
  const fs::path image_file = as_file("images.idx", images), label_file = as_file("labels.idx", labels);
  bool loaded = true;
  try {
    const auto d = tn::data::load_idx<float>(image_file, label_file);
    check_dataset(d, "load_idx");
    for (const auto v : d.all_features()) require(v >= 0.0f && v <= 1.0f, "load_idx: a pixel outside [0, 1]");
  } catch (const tn::io_error&) {
    loaded = false;
  }
  try {  // the label file on its own, whatever became of the images
    const auto a = tn::data::read_idx(label_file, 1);
    require(a.dims.size() == 1 && a.values.size() == a.dims[0], "read_idx: values do not match the dimensions");
  } catch (const tn::io_error&) {
    loaded = false;
  }
  return loaded;
}

// --- CSV with a class-label column, read with two option sets.

inline bool csv(bytes_view in) {
  const fs::path file = as_file("data.csv", in);
  bool loaded = false;
  try {
    const auto d = tn::data::load_csv<float>(file);
    check_dataset(d, "load_csv");
    require(d.size() > 0, "load_csv: a dataset without rows (the loader refuses files without data rows)");
    loaded = true;
  } catch (const tn::io_error&) {
  }
  try {
    check_dataset(tn::data::load_csv<double>(file, {.label_column = 0, .has_header = true, .classes = 10}),
                  "load_csv(label_column 0, header, 10 classes)");
    loaded = true;
  } catch (const tn::io_error&) {
  }
  return loaded;
}

// --- safetensors into a network's parameters (float and double); a refused load changes nothing.

template <class T>
bool safetensors_into(const fs::path& file) {
  auto p = tn::init<net, T>(tn::glorot_uniform{}, 7);
  const auto before = values(p);
  try {
    tn::load(p, file);
    return true;
  } catch (const tn::io_error&) {
    require(values(p) == before, "tn::load changed the parameters and then threw io_error");
    return false;
  }
}

inline bool safetensors(bytes_view in) {
  const fs::path file = as_file("params.safetensors", in);
  const bool f = safetensors_into<float>(file);
  const bool d = safetensors_into<double>(file);
  return f || d;
}

// --- .npy: inspect_npy, then into an array of the file's shape, a 3x4 float matrix and a 2x3x2 double
// array; a refused load changes nothing.

inline bool npy(bytes_view in) {
  const fs::path file = as_file("array.npy", in);
  bool loaded = false;
  try {  // the header, and the data into an array of the file's own shape (up to 4096 values)
    const auto h = tn::io::inspect_npy(file);
    require(h.data_start <= in.size(), "inspect_npy: data starts past the end of the file");
    std::size_t n = 1;
    for (const auto d : h.shape) n = d == 0 || n <= 4096 / d ? n * d : 4097;
    if (n <= 4096) {
      std::vector<double> any(n, 0.25);
      tn::io::load_npy(file, tn::io::ref("any", std::span<double>(any), h.shape));
      loaded = true;
    }
  } catch (const tn::io_error&) {
  }
  tn::matrix<float, 3, 4> m;
  for (std::size_t i = 0; i < 12; ++i) m.data()[i] = static_cast<float>(i) + 0.5f;
  const auto m_before = m;
  try {
    tn::io::load_npy(file, tn::io::ref("m", m));
    loaded = true;
  } catch (const tn::io_error&) {
    require(m == m_before, "load_npy changed a float matrix and then threw io_error");
  }
  std::array<double, 12> a{};
  for (std::size_t i = 0; i < a.size(); ++i) a[i] = -static_cast<double>(i);
  const auto a_before = a;
  try {
    tn::io::load_npy(file, tn::io::ref("a", std::span<double>(a), {2, 3, 2}));
    loaded = true;
  } catch (const tn::io_error&) {
    require(a == a_before, "load_npy changed a double array and then threw io_error");
  }
  return loaded;
}

// --- the JSON parser of file headers: what parses survives being written and read again.

inline std::string dump(const tn::detail::json::value& v) {
  using kind = tn::detail::json::value::kind;
  switch (v.type) {
    case kind::null: return "null";
    case kind::boolean: return v.boolean ? "true" : "false";
    case kind::number: return v.text;
    case kind::string: return tn::detail::json::quote(v.text);
    case kind::array: {
      std::string s = "[";
      for (std::size_t i = 0; i < v.items.size(); ++i) s += (i ? "," : "") + dump(v.items[i]);
      return s + "]";
    }
    case kind::object: {
      require(v.keys.size() == v.items.size(), "json: an object with keys and values of different counts");
      std::string s = "{";
      for (std::size_t i = 0; i < v.items.size(); ++i)
        s += (i ? "," : "") + tn::detail::json::quote(v.keys[i]) + ":" + dump(v.items[i]);
      return s + "}";
    }
  }
  return "?";
}

inline bool json(bytes_view in) {
  const std::string_view text(reinterpret_cast<const char*>(in.data()), in.size());
  std::string once;
  try {
    once = dump(tn::detail::json::parser(text).parse_document());
  } catch (const tn::detail::json::json_error& e) {
    require(e.offset <= text.size(), "json: an error offset past the end of the input");
    return false;
  }
  try {
    require(dump(tn::detail::json::parser(once).parse_document()) == once, "json: written and read again, a value changed");
  } catch (const tn::detail::json::json_error& e) {
    throw violation("typenet fuzz: json: a parsed value, written again, does not parse: " + e.what + " in " + once);
  }
  return true;
}

}  // namespace typenet_fuzz
