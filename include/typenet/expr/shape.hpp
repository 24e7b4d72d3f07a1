#pragma once
/// Static shapes. Every expression has a shape Rows x Cols, computed from its
/// type: constants and scalar variables are 1 x 1, matrix variables carry
/// theirs, and each op has a shape rule (`op_shape`). Elementwise ops follow
/// broadcasting: along each dimension the operands agree or are 1, so a
/// scalar scales a matrix and a 1 x C row (or R x 1 column) is added to
/// every row (column).
///
/// Shape errors are reported where the user builds the expression, by
/// `shape_error<Message>()`: the first error line names the operation and
/// both shapes, e.g. `matmul: inner dimensions differ: 16x784 * 32x1`.
#include <cstddef>
#include <initializer_list>
#include <string_view>

#include <typenet/core/fixed_string.hpp>
#include <typenet/expr/node.hpp>
#include <typenet/expr/shape_error.hpp>

namespace typenet {


namespace detail {
constexpr std::size_t max_of(std::initializer_list<std::size_t> v) {
  std::size_t m = 1;
  for (std::size_t x : v) m = x > m ? x : m;
  return m;
}
/// Whether the dimensions broadcast: all equal to the largest, or 1.
constexpr bool broadcastable(std::initializer_list<std::size_t> v) {
  const std::size_t m = max_of(v);
  for (std::size_t x : v)
    if (x != 1 && x != m) return false;
  return true;
}
template <class... S>
struct broadcast_shape {
  using type = shape<max_of({S::rows...}), max_of({S::cols...})>;
};
}  // namespace detail

/// The shape rule of an op, given its operands' shapes. Elementwise
/// (broadcasting) unless the op specializes it.
template <class Op, class... S>
struct op_shape : detail::broadcast_shape<S...> {};

template <class... S>
inline constexpr bool broadcastable_v =
    detail::broadcastable({S::rows...}) && detail::broadcastable({S::cols...});

namespace detail {
template <class E>
struct shape_of_impl {
  using type = scalar_shape;  // constants
};
template <fixed_string Name, std::size_t R, std::size_t C>
struct shape_of_impl<variable<Name, R, C>> {
  using type = shape<R, C>;
};
template <class Op, class... A>
struct shape_of_impl<node<Op, A...>> {
  using type = typename op_shape<Op, typename shape_of_impl<A>::type...>::type;
};
}  // namespace detail

/// The shape of an expression (raw type or handle).
template <class E>
using shape_of_t = typename detail::shape_of_impl<raw_t<E>>::type;

template <class E>
inline constexpr bool is_scalar_v = shape_of_t<E>::is_scalar;

}  // namespace typenet
