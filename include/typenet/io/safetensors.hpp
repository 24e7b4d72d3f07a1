#pragma once
/// safetensors weight files (https://github.com/huggingface/safetensors):
/// an 8-byte little-endian header length N, N bytes of JSON
///   {"0.weight": {"dtype": "F32", "shape": [16, 784], "data_offsets": [0, 50176]}, ...,
///    "__metadata__": {"key": "value"}}
/// then the tensors' bytes, row-major, offsets relative to the end of the header.
///
///   tn::matrix<float, 3, 4> W;  tn::matrix<float, 3, 1> b;
///   tn::io::save_safetensors("net.safetensors", {tn::io::ref("0.weight", W), tn::io::ref_1d("0.bias", b)});
///   tn::io::load_safetensors("net.safetensors", {tn::io::ref("0.weight", W), tn::io::ref_1d("0.bias", b)});
///
/// Saving writes F32 for float and F64 for double, atomically: a temporary
/// file in the same directory, flushed and fsync'ed, then renamed over the
/// target; on failure the temporary file is removed and an existing target
/// is untouched. Loading validates the whole file (header, offsets, every
/// requested name, dtype and shape, float range, no NaN or infinity unless
/// load_options::allow_non_finite) before it writes anything,
/// so the destination is untouched on any error. F32 and F64 are accepted
/// and converted to the destination's type. POSIX only (open, fsync, rename).
#include <algorithm>
#include <bit>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <limits>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <typenet/io/atomic_file.hpp>
#include <typenet/io/error.hpp>
#include <typenet/io/file.hpp>
#include <typenet/io/json.hpp>
#include <typenet/io/tensor_ref.hpp>

namespace typenet::io {

static_assert(std::endian::native == std::endian::little,
              "typenet: io/safetensors.hpp assumes a little-endian host (safetensors data is little-endian)");

/// One tensor of a safetensors header.
struct tensor_info {
  std::string name;
  std::string dtype;  // "F32", "F64", "I64", ...
  std::vector<std::size_t> shape;
  std::size_t begin = 0, end = 0;  // data_offsets, relative to the data buffer
};

/// A validated safetensors header.
struct safetensors_header {
  std::vector<tensor_info> tensors;  // in file order
  std::map<std::string, std::string> metadata;
  std::size_t data_start = 0;  // file offset of the data buffer
};

namespace detail {

/// Bytes per element of a safetensors dtype, 0 if unknown.
inline std::size_t dtype_size(std::string_view dtype) {
  static constexpr std::pair<std::string_view, std::size_t> sizes[] = {
      {"BOOL", 1}, {"U8", 1},  {"I8", 1},  {"F8_E5M2", 1}, {"F8_E4M3", 1}, {"I16", 2}, {"U16", 2}, {"F16", 2},
      {"BF16", 2}, {"I32", 4}, {"U32", 4}, {"F32", 4},     {"F64", 8},     {"I64", 8}, {"U64", 8}};
  for (const auto& [name, size] : sizes)
    if (name == dtype) return size;
  return 0;
}

/// The largest JSON header accepted, as in the reference implementation: 100 MB.
inline constexpr std::uint64_t max_header_bytes = 100'000'000;

/// The header length of a file of `file_size` bytes starting with `head`,
/// checked against the file's size and max_header_bytes.
inline std::uint64_t header_length(std::span<const std::uint8_t> head, std::uint64_t file_size,
                                   const std::filesystem::path& path) {
  using typenet::detail::throw_io_error;
  const auto fail = [&](const std::string& problem) { throw_io_error("load", path, problem); };
  if (file_size < 8 || head.size() < 8)
    fail("truncated: " + std::to_string(file_size) + " bytes, too short for the 8-byte header length");
  std::uint64_t n = 0;
  for (int k = 7; k >= 0; --k) n = (n << 8) | head[static_cast<std::size_t>(k)];
  if (n > file_size - 8)
    fail("header length " + std::to_string(n) + " is larger than the rest of the file (" +
         std::to_string(file_size - 8) + " bytes): truncated or not a safetensors file");
  if (n > max_header_bytes)
    fail("header length " + std::to_string(n) + " is larger than the " + std::to_string(max_header_bytes) +
         " bytes safetensors allows");
  if (n < 2) fail("header length " + std::to_string(n) + " is too small for a JSON object");
  return n;
}

/// The bytes of the safetensors file `path`; its header length is checked
/// (see header_length) before the rest is read.
inline std::vector<std::uint8_t> read_safetensors_bytes(const std::filesystem::path& path) {
  const auto head = typenet::detail::read_file_head(path, "load", 8);
  (void)header_length(head.bytes, head.size, path);
  return typenet::detail::read_file_bytes(path, "load");
}

/// Parses and validates the header of the safetensors file `bytes` read from `path`.
inline safetensors_header parse_safetensors(std::span<const std::uint8_t> bytes, const std::filesystem::path& path) {
  using typenet::detail::throw_io_error;
  const auto fail = [&](const std::string& problem) { throw_io_error("load", path, problem); };
  const std::uint64_t n = header_length(bytes, bytes.size(), path);
  const std::string_view text(reinterpret_cast<const char*>(bytes.data()) + 8, static_cast<std::size_t>(n));
  if (text[0] != '{') fail("the header does not start with '{': not a safetensors file");
  typenet::detail::json::value root;
  try {
    root = typenet::detail::json::parser(text).parse_document();
  } catch (const typenet::detail::json::json_error& e) {
    fail("malformed JSON header at byte " + std::to_string(e.offset) + ": " + e.what);
  }
  safetensors_header h;
  h.data_start = 8 + static_cast<std::size_t>(n);
  const std::size_t buffer = bytes.size() - h.data_start;
  using kind = typenet::detail::json::value::kind;
  for (std::size_t i = 0; i < root.keys.size(); ++i) {
    const std::string& key = root.keys[i];
    const auto& v = root.items[i];
    if (key == "__metadata__") {
      if (v.type != kind::object) fail("__metadata__ is not an object");
      for (std::size_t m = 0; m < v.keys.size(); ++m) {
        if (v.items[m].type != kind::string) fail("__metadata__ value of \"" + v.keys[m] + "\" is not a string");
        h.metadata[v.keys[m]] = v.items[m].text;
      }
      continue;
    }
    const auto bad = [&](const std::string& problem) { fail("tensor " + key + ": " + problem); };
    if (v.type != kind::object) bad(std::string("entry is ") + typenet::detail::json::kind_name(v.type) + ", not an object");
    tensor_info t;
    t.name = key;
    const auto* dtype = v.find("dtype");
    const auto* shape = v.find("shape");
    const auto* offsets = v.find("data_offsets");
    if (!dtype || dtype->type != kind::string) bad("\"dtype\" is missing or not a string");
    if (!shape || shape->type != kind::array) bad("\"shape\" is missing or not an array");
    if (!offsets || offsets->type != kind::array || offsets->items.size() != 2)
      bad("\"data_offsets\" is missing or not an array [begin, end]");
    t.dtype = dtype->text;
    const std::size_t elem = dtype_size(t.dtype);
    if (elem == 0) bad("unknown dtype \"" + t.dtype + "\"");
    std::size_t count = 1;
    bool overflow = false;
    for (const auto& d : shape->items) {
      const auto s = d.as_size();
      if (!s) bad("shape entries must be non-negative integers");
      t.shape.push_back(*s);
      if (*s != 0 && count > std::numeric_limits<std::size_t>::max() / *s) overflow = true;
      count *= *s;
    }
    if (overflow || count > std::numeric_limits<std::size_t>::max() / elem) bad("shape " + shape_string(t.shape) + " is too large");
    const auto b = offsets->items[0].as_size();
    const auto e = offsets->items[1].as_size();
    if (!b || !e) bad("data_offsets must be non-negative integers");
    t.begin = *b;
    t.end = *e;
    const std::string range = "[" + std::to_string(t.begin) + ", " + std::to_string(t.end) + "]";
    if (t.begin > t.end) bad("data_offsets " + range + " end before they begin");
    if (t.end > buffer)
      bad("data_offsets " + range + " reach past the end of the " + std::to_string(buffer) +
          "-byte data buffer (truncated file?)");
    if (t.end - t.begin != count * elem)
      bad("data_offsets " + range + " hold " + std::to_string(t.end - t.begin) + " bytes, but " + t.dtype + " " +
          shape_string(t.shape) + " needs " + std::to_string(count * elem));
    h.tensors.push_back(std::move(t));
  }
  // Like the reference implementation: the tensors tile the buffer exactly.
  std::vector<const tensor_info*> order;
  for (const auto& t : h.tensors) order.push_back(&t);
  std::sort(order.begin(), order.end(), [](auto* a, auto* b) { return a->begin != b->begin ? a->begin < b->begin : a->end < b->end; });
  std::size_t at = 0;
  const tensor_info* prev = nullptr;
  for (const auto* t : order) {
    if (t->begin < at) fail("tensors " + prev->name + " and " + t->name + " overlap in the data buffer");
    if (t->begin > at) fail("bytes [" + std::to_string(at) + ", " + std::to_string(t->begin) + ") of the data buffer belong to no tensor");
    at = t->end;
    prev = t;
  }
  if (at != buffer)
    fail(std::to_string(buffer - at) + " bytes after the last tensor (at " + std::to_string(at) + " of the " +
         std::to_string(buffer) + "-byte data buffer) belong to no tensor");
  return h;
}

}  // namespace detail

/// The validated header of a safetensors file: names, dtypes, shapes, offsets, metadata.
[[nodiscard]] inline safetensors_header inspect_safetensors(const std::filesystem::path& path) {
  const auto bytes = detail::read_safetensors_bytes(path);
  return detail::parse_safetensors(bytes, path);
}

/// Fills every tensor of `tensors` from the file: each name must be present
/// with exactly the given shape and dtype F32 or F64 (converted). Other
/// tensors in the file are ignored. A tensor holding NaN or infinity is
/// refused (naming it and the first bad element) unless
/// `options.allow_non_finite`. Nothing is written unless everything is
/// valid; throws io_error naming the file and every problem found.
inline void load_safetensors(const std::filesystem::path& path, const std::vector<tensor_ref>& tensors,
                             load_options options = {});

namespace detail {

/// load_safetensors on the file's `bytes` and parsed header `h`; `problems`
/// found by the caller (e.g. tn::load's structure check) are reported first.
inline void load_tensors(std::span<const std::uint8_t> bytes, const safetensors_header& h,
                         const std::filesystem::path& path, const std::vector<tensor_ref>& tensors,
                         load_options options, std::string problems = {}) {
  using typenet::detail::throw_io_error;
  const auto problem = [&](const std::string& p) { problems += (problems.empty() ? "" : "; ") + p; };
  struct staged {
    const tensor_ref* to;
    std::vector<float> f32;
    std::vector<double> f64;
  };
  std::vector<staged> stage;
  for (const auto& want : tensors) {
    if ((want.f32 == nullptr) == (want.f64 == nullptr)) {
      problem("tensor_ref " + want.name + " must point to exactly one of float and double storage");
      continue;
    }
    if (want.read_only) {
      problem("tensor_ref " + want.name + " is read-only (made from a const object)");
      continue;
    }
    const auto it = std::find_if(h.tensors.begin(), h.tensors.end(), [&](const auto& t) { return t.name == want.name; });
    if (it == h.tensors.end()) {
      problem("tensor " + want.name + " is missing");
      continue;
    }
    if (it->shape != want.shape) {
      problem("tensor " + want.name + " has shape " + detail::shape_string(it->shape) + " in the file, the model expects " +
              detail::shape_string(want.shape));
      continue;
    }
    if (it->dtype != "F32" && it->dtype != "F64") {
      problem("tensor " + want.name + " has dtype " + it->dtype + ", expected F32 or F64");
      continue;
    }
    staged s{&want, {}, {}};
    const std::size_t n = want.elements();
    const std::uint8_t* src = bytes.data() + h.data_start + it->begin;
    const auto read = [&](auto& out) {
      using U = typename std::remove_reference_t<decltype(out)>::value_type;
      out.resize(n);
      if (it->dtype == "F32") {
        for (std::size_t i = 0; i < n; ++i) {
          float v;
          std::memcpy(&v, src + 4 * i, 4);
          out[i] = static_cast<U>(v);
        }
      } else {
        for (std::size_t i = 0; i < n; ++i) {
          double v;
          std::memcpy(&v, src + 8 * i, 8);
          if constexpr (std::is_same_v<U, float>) {
            if (std::isfinite(v) && std::abs(v) > static_cast<double>(std::numeric_limits<float>::max())) {
              char text[32];
              const auto r = std::to_chars(text, text + sizeof text, v);
              problem("tensor " + want.name + " has the value " + std::string(text, r.ptr) + " (element " +
                      std::to_string(i) + "), out of float range");
              break;
            }
          }
          out[i] = static_cast<U>(v);
        }
      }
    };
    if (want.f32) read(s.f32); else read(s.f64);
    if (!options.allow_non_finite) {
      const std::string bad = want.f32 ? detail::first_non_finite<float>(s.f32) : detail::first_non_finite<double>(s.f64);
      if (!bad.empty()) problem("tensor " + want.name + " holds " + bad + " (load_options::allow_non_finite accepts it)");
    }
    stage.push_back(std::move(s));
  }
  if (!problems.empty()) throw_io_error("load", path, problems);
  for (const auto& s : stage) {
    if (s.to->f32) std::copy(s.f32.begin(), s.f32.end(), s.to->f32);
    else std::copy(s.f64.begin(), s.f64.end(), s.to->f64);
  }
}

}  // namespace detail

inline void load_safetensors(const std::filesystem::path& path, const std::vector<tensor_ref>& tensors,
                             load_options options) {
  const auto bytes = detail::read_safetensors_bytes(path);
  detail::load_tensors(bytes, detail::parse_safetensors(bytes, path), path, tensors, options);
}

/// Writes `tensors` (F32 for float, F64 for double) and the string
/// `metadata` to `path`, atomically (see the top of this file).
inline void save_safetensors(const std::filesystem::path& path, const std::vector<tensor_ref>& tensors,
                             const std::map<std::string, std::string>& metadata = {}) {
  using typenet::detail::throw_io_error;
  const auto fail = [&](const std::string& problem) { throw_io_error("save", path, problem); };
  // Everything that can be checked is checked before the file system is touched.
  std::string header = "{";
  if (!metadata.empty()) {
    header += "\"__metadata__\":{";
    bool first = true;
    for (const auto& [k, v] : metadata) {
      header += (first ? "" : ",") + typenet::detail::json::quote(k) + ":" + typenet::detail::json::quote(v);
      first = false;
    }
    header += "}";
  }
  std::size_t offset = 0;
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    const auto& t = tensors[i];
    if (t.name.empty()) fail("tensor " + std::to_string(i) + " has an empty name");
    if (t.name == "__metadata__") fail("\"__metadata__\" is reserved and cannot name a tensor");
    for (std::size_t j = 0; j < i; ++j)
      if (tensors[j].name == t.name) fail("tensor " + t.name + " is given twice");
    if ((t.f32 == nullptr) == (t.f64 == nullptr))
      fail("tensor_ref " + t.name + " must point to exactly one of float and double storage");
    const std::size_t bytes = t.elements() * (t.f32 ? 4 : 8);
    header += (header.size() > 1 ? "," : "") + typenet::detail::json::quote(t.name) + ":{\"dtype\":\"" +
              (t.f32 ? "F32" : "F64") + "\",\"shape\":[";
    for (std::size_t d = 0; d < t.shape.size(); ++d) header += (d ? "," : "") + std::to_string(t.shape[d]);
    header += "],\"data_offsets\":[" + std::to_string(offset) + "," + std::to_string(offset + bytes) + "]}";
    offset += bytes;
  }
  header += "}";
  header.append((8 - header.size() % 8) % 8, ' ');  // the data buffer starts 8-byte aligned

  std::vector<std::uint8_t> out(8);
  const std::uint64_t n = header.size();
  for (int k = 0; k < 8; ++k) out[static_cast<std::size_t>(k)] = static_cast<std::uint8_t>(n >> (8 * k));
  out.reserve(8 + header.size() + offset);
  out.insert(out.end(), header.begin(), header.end());
  for (const auto& t : tensors) {
    const auto* p = t.f32 ? reinterpret_cast<const std::uint8_t*>(t.f32) : reinterpret_cast<const std::uint8_t*>(t.f64);
    out.insert(out.end(), p, p + t.elements() * (t.f32 ? 4 : 8));
  }

  typenet::detail::write_file_atomically(path, out, "save");
}

}  // namespace typenet::io
