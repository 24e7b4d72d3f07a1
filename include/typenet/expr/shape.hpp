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

namespace typenet {

template <std::size_t Rows, std::size_t Cols>
struct shape {
  static constexpr std::size_t rows = Rows;
  static constexpr std::size_t cols = Cols;
  static constexpr std::size_t size = Rows * Cols;
  static constexpr bool is_scalar = Rows == 1 && Cols == 1;
};
using scalar_shape = shape<1, 1>;

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

// ---------------------------------------------------------------------------
// Messages with numbers in them. A static_assert message must be a literal,
// so for g++ the text is built at compile time and carried by the type whose
// use is the error: g++ prints a string template argument as text on the
// first error line,
//   error: invalid application of 'sizeof' to incomplete type
//   'typenet::errors::typenet_shape_error<...{"typenet: matmul: inner dimensions differ: 16x784 * 32x1"}>'
// clang prints such an argument as character codes, so for clang a
// static_assert fails whose condition spells the error and the shapes:
//   error: static assertion failed due to requirement 'typenet::diag::shapes_agree<
//   typenet::error::matmul_inner_dimensions_differ, typenet::shape<16, 784>, typenet::shape<32, 1>>'

namespace detail {
struct message_buffer {
  char chars[256]{};
  std::size_t size = 0;
  constexpr message_buffer& operator<<(std::string_view s) {
    for (char c : s)
      if (size + 1 < sizeof chars) chars[size++] = c;
    return *this;
  }
  constexpr message_buffer& operator<<(std::size_t v) {
    char digits[24]{};
    std::size_t n = 0;
    do {
      digits[n++] = static_cast<char>('0' + v % 10);
      v /= 10;
    } while (v != 0);
    while (n > 0) *this << std::string_view{&digits[--n], 1};
    return *this;
  }
  template <std::size_t R, std::size_t C>
  constexpr message_buffer& operator<<(shape<R, C>) {
    return *this << R << std::string_view{"x"} << C;
  }
};
template <std::size_t N>
constexpr fixed_string<N> to_fixed_string(const message_buffer& b) {
  char chars[N + 1]{};
  for (std::size_t i = 0; i < N; ++i) chars[i] = b.chars[i];
  return fixed_string<N>{chars};
}
/// "typenet: <Error::text>16x784<Error::separator>32x1"
template <class Error, class... Shapes>
constexpr message_buffer shape_message() {
  message_buffer b;
  b << std::string_view{"typenet: "} << Error::text;
  std::size_t i = 0;
  (void)std::initializer_list<int>{((i++ == 0 ? b : b << Error::separator) << Shapes{}, 0)...};
  return b;
}
}  // namespace detail

namespace errors {
/// Never defined: naming it is the error. Its argument is the message.
template <fixed_string Message>
struct typenet_shape_error;
}  // namespace error

namespace diag {
template <class Error, class... Shapes>
inline constexpr bool shapes_agree = false;
}  // namespace diag

/// Reports the shape error `Error` (a struct in namespace typenet::errors with
/// `text` and `separator`) for the given operand shapes. Instantiate it only
/// when the error is real (in a discarded `if constexpr` branch otherwise).
template <class Error, class... Shapes>
constexpr void shape_error() {
#if defined(__clang__)
  static_assert(diag::shapes_agree<Error, Shapes...>, "typenet: shapes do not agree (the operation and shapes are named above)");
#else
  constexpr detail::message_buffer message = detail::shape_message<Error, Shapes...>();
  (void)sizeof(errors::typenet_shape_error<detail::to_fixed_string<message.size>(message)>);
#endif
}

}  // namespace typenet
