#pragma once
/// `shape<R, C>` and shape errors whose first line names the operation and
/// the shapes. No dependency on expressions, so every header can report one.
#include <cstddef>
#include <initializer_list>
#include <string_view>

#include <typenet/core/fixed_string.hpp>

namespace typenet {

template <std::size_t Rows, std::size_t Cols>
struct shape {
  static constexpr std::size_t rows = Rows;
  static constexpr std::size_t cols = Cols;
  static constexpr std::size_t size = Rows * Cols;
  static constexpr bool is_scalar = Rows == 1 && Cols == 1;
};
using scalar_shape = shape<1, 1>;

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
  if constexpr (requires { Error::build(); }) {
    // an error that writes its own sentence
    message_buffer b;
    b << std::string_view{"typenet: "};
    const message_buffer text = Error::build();
    return b << std::string_view{text.chars, text.size};
  } else {
    message_buffer b;
    b << std::string_view{"typenet: "} << Error::text;
    std::size_t i = 0;
    (void)std::initializer_list<int>{((i++ == 0 ? b : b << Error::separator) << Shapes{}, 0)...};
    return b;
  }
}
}  // namespace detail

namespace errors {
/// Never defined: naming it is the error. Its argument is the message.
template <fixed_string Message>
struct typenet_shape_error;

/// `binding W = value: W is 16x784, the value is 3x4`
template <fixed_string Name>
struct bound_value_shape {
  static constexpr detail::message_buffer make_text() {
    detail::message_buffer b;
    b << std::string_view{"binding "} << Name.view() << std::string_view{" = value: "} << Name.view()
      << std::string_view{" is "};
    return b;
  }
  static constexpr detail::message_buffer buffer = make_text();
  static constexpr std::string_view text{buffer.chars, buffer.size};
  static constexpr std::string_view separator = ", the value is ";
};
}  // namespace errors

namespace diag {
template <class Error, class... Shapes>
inline constexpr bool shapes_agree = false;
}  // namespace diag

namespace detail {
#if defined(__clang__)
template <class Error, class... Shapes>
constexpr bool report_shape_error() {
  static_assert(diag::shapes_agree<Error, Shapes...>,
                "typenet: shape error: the operation and the shapes are named in the requirement");
  return false;
}
#else
template <class Error, class... Shapes>
struct shape_error_message {
  static constexpr message_buffer message = shape_message<Error, Shapes...>();
};
#endif
}  // namespace detail

/// Reports the shape error `Error` (a struct in namespace typenet::errors with
/// `text` and `separator`) for the given operand shapes when instantiated:
/// `return shape_error<Error, Shapes...>::value;` (false) in the branch where
/// the error is real. Each compiler gets the form after which it reports
/// nothing more (g++ adds a second error for an ill-formed function called
/// in a constant expression; clang for a class whose static_assert failed).
template <class Error, class... Shapes>
struct shape_error {
#if defined(__clang__)
  static constexpr bool value = detail::report_shape_error<Error, Shapes...>();
#else
  // instantiated with the class; `value` does not depend on it, so it stays a plain false
  using report = decltype(sizeof(errors::typenet_shape_error<detail::to_fixed_string<
                                     detail::shape_error_message<Error, Shapes...>::message.size>(
                                     detail::shape_error_message<Error, Shapes...>::message)>));
  static constexpr bool value = false;
#endif
};

}  // namespace typenet
