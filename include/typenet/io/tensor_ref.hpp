#pragma once
/// `tn::io::tensor_ref`: a named, shaped, row-major view of float or double
/// storage, the currency of the weight-file readers and writers
/// (safetensors.hpp, npy.hpp), and `ref` / `ref_1d` to make one from a
/// `tn::matrix` or a span.
#include <cmath>
#include <cstddef>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <typenet/io/error.hpp>
#include <typenet/tensor/matrix.hpp>

namespace typenet::io {

/// A named, shaped view of a tensor's storage (row-major), float or double:
/// exactly one of f32 and f64 is set. `read_only` views (made from const
/// objects) can be saved but not loaded into.
struct tensor_ref {
  std::string name;
  std::vector<std::size_t> shape;
  float* f32 = nullptr;
  double* f64 = nullptr;
  bool read_only = false;

  /// The product of the shape (1 for a scalar, shape {}).
  [[nodiscard]] std::size_t elements() const noexcept {
    std::size_t n = 1;
    for (const std::size_t d : shape) n *= d;
    return n;
  }
};

/// `m` with shape {R, C}.
template <class T, std::size_t R, std::size_t C>
[[nodiscard]] tensor_ref ref(std::string name, matrix<T, R, C>& m) {
  tensor_ref t{std::move(name), {R, C}};
  if constexpr (std::is_same_v<T, float>) t.f32 = m.data(); else t.f64 = m.data();
  return t;
}
/// Read-only (for saving) `m` with shape {R, C}.
template <class T, std::size_t R, std::size_t C>
[[nodiscard]] tensor_ref ref(std::string name, const matrix<T, R, C>& m) {
  tensor_ref t = ref(std::move(name), const_cast<matrix<T, R, C>&>(m));  // never written: read_only
  t.read_only = true;
  return t;
}
/// A 1 x n or n x 1 matrix with the 1-D shape {n}: how PyTorch stores a bias
/// (nn.Linear's state_dict has `bias` of shape [out_features]).
template <class T, std::size_t R, std::size_t C>
[[nodiscard]] tensor_ref ref_1d(std::string name, matrix<T, R, C>& m) {
  static_assert(R == 1 || C == 1, "typenet: io::ref_1d(name, m) requires a 1 x n or n x 1 matrix");
  tensor_ref t = ref(std::move(name), m);
  t.shape = {R * C};
  return t;
}
template <class T, std::size_t R, std::size_t C>
[[nodiscard]] tensor_ref ref_1d(std::string name, const matrix<T, R, C>& m) {
  static_assert(R == 1 || C == 1, "typenet: io::ref_1d(name, m) requires a 1 x n or n x 1 matrix");
  tensor_ref t = ref(std::move(name), m);
  t.shape = {R * C};
  return t;
}
/// Any contiguous float/double storage with the given shape; `data.size()` must equal the shape's product.
template <class T>
  requires(std::is_same_v<std::remove_const_t<T>, float> || std::is_same_v<std::remove_const_t<T>, double>)
[[nodiscard]] tensor_ref ref(std::string name, std::span<T> data, std::vector<std::size_t> shape) {
  tensor_ref t{std::move(name), std::move(shape)};
  if (t.elements() != data.size())
    throw io_error("typenet: io::ref(" + t.name + "): " + std::to_string(data.size()) +
                   " values do not fill the shape (" + std::to_string(t.elements()) + " elements)");
  using U = std::remove_const_t<T>;
  // An empty span may have no address; the dtype still needs a non-null pointer (never dereferenced).
  static U no_elements;
  U* p = data.empty() ? &no_elements : const_cast<U*>(data.data());
  if constexpr (std::is_same_v<U, float>) t.f32 = p; else t.f64 = p;
  t.read_only = std::is_const_v<T>;
  return t;
}

/// Options of the weight-file loaders (load_safetensors, load_npy, tn::load).
struct load_options {
  /// Accept NaN and infinite values. Off: a tensor holding one is refused,
  /// naming the tensor and the first bad element, and nothing is loaded.
  bool allow_non_finite = false;
};

namespace detail {

/// "16x784", "3" (1-D), "[] (a scalar)".
inline std::string shape_string(const std::vector<std::size_t>& shape) {
  if (shape.empty()) return "[] (a scalar)";
  std::string s;
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? "x" : "") + std::to_string(shape[i]);
  return s;
}

/// The first non-finite value of `values` as "NaN at element 3", or "" if all are finite.
template <class T>
std::string first_non_finite(std::span<const T> values) {
  for (std::size_t i = 0; i < values.size(); ++i)
    if (!std::isfinite(values[i]))
      return std::string(std::isnan(values[i]) ? "NaN" : values[i] > 0 ? "inf" : "-inf") + " at element " +
             std::to_string(i);
  return {};
}

}  // namespace detail

}  // namespace typenet::io
