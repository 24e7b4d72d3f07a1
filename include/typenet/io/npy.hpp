#pragma once
/// NumPy `.npy` files (numpy.lib.format, versions 1.0, 2.0 and 3.0) of
/// float32 or float64:
///
///   tn::io::save_npy("w.npy", tn::io::ref("w", W));   // np.load("w.npy") -> float32 array, W's shape
///   tn::io::load_npy("w.npy", tn::io::ref("w", W));   // shape must match exactly
///
/// Saving writes '<f4' for float and '<f8' for double, C order, atomically
/// (temporary file, fsync, rename). Loading accepts '<f4' and '<f8' in C or
/// Fortran order (converted to the destination's type and to row-major),
/// checks the header, the shape, the data length and (unless
/// load_options::allow_non_finite) that every value is finite, and writes
/// nothing unless all of it is valid.
#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <typenet/io/atomic_file.hpp>
#include <typenet/io/error.hpp>
#include <typenet/io/file.hpp>
#include <typenet/io/tensor_ref.hpp>

namespace typenet::io {

static_assert(std::endian::native == std::endian::little,
              "typenet: io/npy.hpp assumes a little-endian host ('<f4' and '<f8' data)");

/// A validated .npy header.
struct npy_header {
  int major_version = 1;
  std::string descr;  // "<f4", "<f8", "<i8", ...
  bool fortran_order = false;
  std::vector<std::size_t> shape;
  std::size_t data_start = 0;  // file offset of the data
};

namespace detail {

/// The header dict, a Python literal: {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }
class npy_dict_parser {
 public:
  npy_dict_parser(std::string_view s, const std::filesystem::path& path) : s_(s), path_(path) {}

  void parse(npy_header& h) {
    bool have_descr = false, have_order = false, have_shape = false;
    expect('{');
    for (;;) {
      skip_ws();
      if (peek() == '}') break;
      const std::string key = string();
      expect(':');
      if (key == "descr") {
        h.descr = string();
        have_descr = true;
      } else if (key == "fortran_order") {
        skip_ws();
        if (s_.substr(i_, 4) == "True") {
          h.fortran_order = true;
          i_ += 4;
        } else if (s_.substr(i_, 5) == "False") {
          h.fortran_order = false;
          i_ += 5;
        } else {
          fail("'fortran_order' is not True or False");
        }
        have_order = true;
      } else if (key == "shape") {
        expect('(');
        for (;;) {
          skip_ws();
          if (peek() == ')') break;
          h.shape.push_back(integer());
          skip_ws();
          if (peek() == ',') ++i_;
          else if (peek() != ')') fail("expected ',' or ')' in 'shape'");
        }
        ++i_;
        have_shape = true;
      } else {
        fail("unexpected key '" + key + "'");
      }
      skip_ws();
      if (peek() == ',') {
        ++i_;
        continue;
      }
      if (peek() != '}') fail("expected ',' or '}'");
    }
    ++i_;
    skip_ws();
    if (i_ != s_.size()) fail("unexpected text after the header dict");
    if (!have_descr || !have_order || !have_shape) fail("the header needs 'descr', 'fortran_order' and 'shape'");
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    typenet::detail::throw_io_error("load", path_, "malformed .npy header at byte " + std::to_string(i_) + ": " + what);
  }
  char peek() const { return i_ < s_.size() ? s_[i_] : '\0'; }
  void skip_ws() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
  }
  void expect(char c) {
    skip_ws();
    if (peek() != c) fail(std::string("expected '") + c + "'");
    ++i_;
  }
  std::string string() {
    skip_ws();
    const char q = peek();
    if (q != '\'' && q != '"') fail("expected a quoted string");
    const std::size_t end = s_.find(q, i_ + 1);
    if (end == std::string_view::npos) fail("unterminated string");
    std::string out(s_.substr(i_ + 1, end - i_ - 1));
    i_ = end + 1;
    return out;
  }
  std::size_t integer() {
    std::uint64_t v = 0;
    const auto r = std::from_chars(s_.data() + i_, s_.data() + s_.size(), v);
    if (r.ec != std::errc{} || v > std::numeric_limits<std::size_t>::max()) fail("'shape' entries must be non-negative integers");
    i_ = static_cast<std::size_t>(r.ptr - s_.data());
    if (peek() == 'L') ++i_;  // Python 2's long literals
    return static_cast<std::size_t>(v);
  }

  std::string_view s_;
  const std::filesystem::path& path_;
  std::size_t i_ = 0;
};

inline npy_header parse_npy(std::span<const std::uint8_t> bytes, const std::filesystem::path& path) {
  const auto fail = [&](const std::string& problem) { typenet::detail::throw_io_error("load", path, problem); };
  static constexpr std::uint8_t magic[] = {0x93, 'N', 'U', 'M', 'P', 'Y'};
  if (bytes.size() < 10) fail("truncated: " + std::to_string(bytes.size()) + " bytes, too short for a .npy header");
  if (!std::equal(std::begin(magic), std::end(magic), bytes.begin())) fail("not a .npy file (bad magic bytes)");
  npy_header h;
  h.major_version = bytes[6];
  if (bytes[7] != 0 || h.major_version < 1 || h.major_version > 3)
    fail(".npy format version " + std::to_string(h.major_version) + "." + std::to_string(bytes[7]) +
         " is not supported (1.0, 2.0 and 3.0 are)");
  std::size_t len = 0, start = 0;
  if (h.major_version == 1) {
    len = bytes[8] | (std::size_t{bytes[9]} << 8);
    start = 10;
  } else {
    if (bytes.size() < 12) fail("truncated: " + std::to_string(bytes.size()) + " bytes, too short for a .npy header");
    len = bytes[8] | (std::size_t{bytes[9]} << 8) | (std::size_t{bytes[10]} << 16) | (std::size_t{bytes[11]} << 24);
    start = 12;
  }
  if (len > bytes.size() - start)
    fail("header length " + std::to_string(len) + " is larger than the rest of the file (" +
         std::to_string(bytes.size() - start) + " bytes): truncated");
  const std::string_view text(reinterpret_cast<const char*>(bytes.data()) + start, len);
  npy_dict_parser(text, path).parse(h);
  h.data_start = start + len;
  return h;
}

/// n = the shape's element count; false if n * item would overflow.
inline bool shape_elements(const std::vector<std::size_t>& shape, std::size_t item, std::size_t& n) {
  n = 1;
  for (const std::size_t d : shape) {
    if (d != 0 && n > std::numeric_limits<std::size_t>::max() / d) return false;
    n *= d;
  }
  return n <= std::numeric_limits<std::size_t>::max() / item;
}

}  // namespace detail

/// The validated header of a .npy file.
[[nodiscard]] inline npy_header inspect_npy(const std::filesystem::path& path) {
  const auto bytes = typenet::detail::read_file_bytes(path, "load");
  return detail::parse_npy(bytes, path);
}

/// Fills `to` from the .npy file; its shape must equal `to.shape`. An array
/// holding NaN or infinity is refused (naming the first bad element, in
/// row-major order) unless `options.allow_non_finite`.
inline void load_npy(const std::filesystem::path& path, const tensor_ref& to, load_options options = {}) {
  const auto fail = [&](const std::string& problem) { typenet::detail::throw_io_error("load", path, problem); };
  if ((to.f32 == nullptr) == (to.f64 == nullptr))
    fail("tensor_ref " + to.name + " must point to exactly one of float and double storage");
  if (to.read_only) fail("tensor_ref " + to.name + " is read-only (made from a const object)");
  const auto bytes = typenet::detail::read_file_bytes(path, "load");
  const npy_header h = detail::parse_npy(bytes, path);
  std::size_t item = 0;
  if (h.descr == "<f4") item = 4;
  else if (h.descr == "<f8") item = 8;
  else fail("the array has dtype '" + h.descr + "', expected '<f4' (float32) or '<f8' (float64)");
  std::size_t n = 0;
  if (!detail::shape_elements(h.shape, item, n)) fail("shape " + detail::shape_string(h.shape) + " is too large");
  const std::size_t have = bytes.size() - h.data_start;
  if (have < n * item)
    fail("truncated: shape " + detail::shape_string(h.shape) + " of '" + h.descr + "' needs " + std::to_string(n * item) +
         " bytes of data, the file has " + std::to_string(have));
  if (have > n * item) fail(std::to_string(have - n * item) + " unexpected bytes after the data");
  if (h.shape != to.shape)
    fail("the array has shape " + detail::shape_string(h.shape) + " in the file, " + to.name + " expects " +
         detail::shape_string(to.shape));

  // Stage converted values in row-major order, check float range, then write.
  const std::uint8_t* src = bytes.data() + h.data_start;
  std::vector<double> values(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (item == 4) {
      float v;
      std::memcpy(&v, src + 4 * i, 4);
      values[i] = v;
    } else {
      std::memcpy(&values[i], src + 8 * i, 8);
    }
  }
  if (h.fortran_order && h.shape.size() > 1) {  // element i of the file is the column-major i-th
    std::vector<double> c_order(n);
    std::vector<std::size_t> index(h.shape.size(), 0);
    for (std::size_t i = 0; i < n; ++i) {
      std::size_t c = 0;
      for (std::size_t d = 0; d < h.shape.size(); ++d) c = c * h.shape[d] + index[d];
      c_order[c] = values[i];
      for (std::size_t d = 0; d < h.shape.size(); ++d) {  // the first index runs fastest
        if (++index[d] < h.shape[d]) break;
        index[d] = 0;
      }
    }
    values.swap(c_order);
  }
  if (!options.allow_non_finite) {
    const std::string bad = detail::first_non_finite<double>(values);
    if (!bad.empty()) fail("the array for " + to.name + " holds " + bad + " (load_options::allow_non_finite accepts it)");
  }
  if (to.f32) {
    for (std::size_t i = 0; i < n; ++i)
      if (std::isfinite(values[i]) && std::abs(values[i]) > static_cast<double>(std::numeric_limits<float>::max())) {
        char text[32];
        const auto r = std::to_chars(text, text + sizeof text, values[i]);
        fail("the value " + std::string(text, r.ptr) + " (element " + std::to_string(i) + ") is out of float range");
      }
    for (std::size_t i = 0; i < n; ++i) to.f32[i] = static_cast<float>(values[i]);
  } else {
    std::copy(values.begin(), values.end(), to.f64);
  }
}

/// Writes `from` as a C-order '<f4' (float) or '<f8' (double) array, atomically.
inline void save_npy(const std::filesystem::path& path, const tensor_ref& from) {
  if ((from.f32 == nullptr) == (from.f64 == nullptr))
    typenet::detail::throw_io_error("save", path, "tensor_ref " + from.name + " must point to exactly one of float and double storage");
  std::string header = std::string("{'descr': '") + (from.f32 ? "<f4" : "<f8") + "', 'fortran_order': False, 'shape': (";
  for (std::size_t d = 0; d < from.shape.size(); ++d) header += (d ? ", " : "") + std::to_string(from.shape[d]);
  header += from.shape.size() == 1 ? ",), }" : "), }";
  // Version 1.0 (2-byte length) unless the header needs more; the data starts 64-byte aligned.
  const bool v2 = header.size() + 1 + 10 > 65535;
  const std::size_t prefix = v2 ? 12 : 10;
  header.append((64 - (prefix + header.size() + 1) % 64) % 64, ' ');
  header += '\n';
  std::vector<std::uint8_t> out = {0x93, 'N', 'U', 'M', 'P', 'Y', static_cast<std::uint8_t>(v2 ? 2 : 1), 0};
  for (std::size_t k = 0; k < (v2 ? 4u : 2u); ++k) out.push_back(static_cast<std::uint8_t>(header.size() >> (8 * k)));
  out.insert(out.end(), header.begin(), header.end());
  const std::size_t data_bytes = from.elements() * (from.f32 ? 4 : 8);
  const auto* p = from.f32 ? reinterpret_cast<const std::uint8_t*>(from.f32) : reinterpret_cast<const std::uint8_t*>(from.f64);
  out.insert(out.end(), p, p + data_bytes);
  typenet::detail::write_file_atomically(path, out, "save");
}

}  // namespace typenet::io
