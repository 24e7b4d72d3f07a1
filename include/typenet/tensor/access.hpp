#pragma once
/// Uniform element access for the values of expressions: a 1 x 1 value is a
/// plain number, anything else a tn::matrix. `element(v, r, c)` broadcasts:
/// a dimension of size 1 is read at index 0 whatever r or c is.
#include <cstddef>
#include <type_traits>

#include <typenet/expr/node.hpp>
#include <typenet/tensor/matrix.hpp>

namespace typenet {

namespace detail {
template <class V>
struct value_shape {
  static constexpr std::size_t rows = 1;
  static constexpr std::size_t cols = 1;
};
template <class T, std::size_t R, std::size_t C>
struct value_shape<matrix<T, R, C>> {
  static constexpr std::size_t rows = R;
  static constexpr std::size_t cols = C;
};
template <class V>
struct element_type {
  using type = V;
};
template <class T, std::size_t R, std::size_t C>
struct element_type<matrix<T, R, C>> {
  using type = T;
};
template <class M>
struct element_type<matrix_ref<M>> {
  using type = typename M::value_type;
};
}  // namespace detail

/// The value type of a Rows x Cols expression evaluated in T.
template <class T, std::size_t Rows, std::size_t Cols>
using value_t = std::conditional_t<Rows == 1 && Cols == 1, T, matrix<T, Rows, Cols>>;

template <class V>
using element_t = typename detail::element_type<std::remove_cvref_t<V>>::type;

namespace detail {
/// The first element of a value (a number is one element).
template <class V>
constexpr auto* data_of(V& v) noexcept {
  if constexpr (Matrix<V>) return v.data();
  else return &v;
}
}  // namespace detail

/// v(r, c) with broadcasting (a number is the same everywhere).
template <class V>
constexpr decltype(auto) element(const V& v, std::size_t r, std::size_t c) noexcept {
  if constexpr (Matrix<V>) {
    return v(V::rows == 1 ? 0 : r, V::cols == 1 ? 0 : c);
  } else {
    (void)r;
    (void)c;
    return v;
  }
}
template <class V>
constexpr auto& element(V& v, std::size_t r, std::size_t c) noexcept {
  if constexpr (Matrix<V>) {
    return v(V::rows == 1 ? 0 : r, V::cols == 1 ? 0 : c);
  } else {
    (void)r;
    (void)c;
    return v;
  }
}

}  // namespace typenet
