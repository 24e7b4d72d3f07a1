#pragma once
/// `shape<R, C>` and shape errors whose first line names the operation and
/// the shapes. No dependency on expressions, so every header can report one.
#include <cstddef>
#include <initializer_list>
#include <string_view>
#include <utility>

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
// Messages with numbers in them. A static_assert message must be a literal
// (a computed one needs C++26, P2741), so the text is built at compile time
// and carried by the type whose use is the error: naming an undefined class
// template whose arguments are the message. Both compilers print such an
// argument as a string on the first error line; g++ prints it whole,
//   error: invalid application of 'sizeof' to incomplete type 'typenet::errors::typenet_error<
//   typenet::fixed_string<55>{"typenet: matmul: inner dimensions differ: 16x784 * 32x1"}>'
// while clang cuts a string of more than 36 characters ("abc[...]"), so for
// clang the message comes in parts of at most 36 characters, broken after a
// space; read one after the other they are the message:
//   error: implicit instantiation of undefined template 'typenet::errors::typenet_error<
//   fixed_string<35>{"typenet: matmul: inner dimensions "}, fixed_string<20>{"differ: 16x784 * 32x1"}>'

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
/// The N characters of `b` from `first` on.
template <std::size_t N>
constexpr fixed_string<N> to_fixed_string(const message_buffer& b, std::size_t first = 0) {
  char chars[N + 1]{};
  for (std::size_t i = 0; i < N; ++i) chars[i] = b.chars[first + i];
  return fixed_string<N>{chars};
}
/// "typenet: <Error::text>16x784<Error::separator>32x1", or "typenet: <Error::build()>"
template <class Error, class... Shapes>
constexpr message_buffer shape_message() {
  message_buffer b;
  b << std::string_view{"typenet: "};
  if constexpr (requires { Error::build(); }) {
    // an error that writes its own sentence (and has no `text`)
    const message_buffer text = Error::build();
    b << std::string_view{text.chars, text.size};
  } else {
    b << Error::text;
    std::size_t i = 0;
    (void)std::initializer_list<int>{((i++ == 0 ? b : b << Error::separator) << Shapes{}, 0)...};
  }
  return b;
}

/// The longest string argument a compiler prints whole on an error line.
#if defined(__clang__)
inline constexpr std::size_t message_part_width = 36;
#else
inline constexpr std::size_t message_part_width = sizeof(message_buffer::chars);
#endif

/// A message cut into parts of at most `width` characters, each (but one
/// with no space in it) ending after a space; the parts concatenate to it.
struct message_parts {
  std::size_t count = 0;
  std::size_t first[sizeof(message_buffer::chars)]{};
  std::size_t size[sizeof(message_buffer::chars)]{};
};
constexpr message_parts split_message(const message_buffer& m, std::size_t width) {
  message_parts parts;
  for (std::size_t start = 0; start < m.size;) {
    std::size_t end = m.size - start > width ? start + width : m.size;
    if (end < m.size && m.chars[end] != ' ') {
      std::size_t cut = end;
      while (cut > start && m.chars[cut - 1] != ' ') --cut;
      if (cut > start) end = cut;
    }
    parts.first[parts.count] = start;
    parts.size[parts.count] = end - start;
    ++parts.count;
    start = end;
  }
  return parts;
}

template <class Error, class... Shapes>
struct shape_error_message {
  static constexpr message_buffer text = shape_message<Error, Shapes...>();
  static constexpr message_parts parts = split_message(text, message_part_width);
  template <std::size_t I>
  static constexpr auto part() {
    return to_fixed_string<parts.size[I]>(text, parts.first[I]);
  }
};
}  // namespace detail

namespace errors {
/// Never defined: naming it is the error. Its arguments, one after the
/// other, are the message.
template <fixed_string... Message>
struct typenet_error;

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

namespace detail {
template <class Message, class Parts = std::make_index_sequence<Message::parts.count>>
struct report_message;
/// Naming the undefined typenet_error<message...> is the error. Each
/// compiler gets the form after which it reports nothing more: clang goes on
/// with a function whose body held an ill-formed typedef (not with a class
/// whose member did, nor with a function whose statement did), g++ with a
/// class whose member held one (not with such a function).
template <class Message, std::size_t... I>
struct report_message<Message, std::index_sequence<I...>> {
#if defined(__clang__)
  static constexpr bool report() {
    using incomplete [[maybe_unused]] = decltype(sizeof(errors::typenet_error<Message::template part<I>()...>));
    return false;
  }
#else
  using report = decltype(sizeof(errors::typenet_error<Message::template part<I>()...>));
  static constexpr bool value = false;
#endif
};
}  // namespace detail

/// Reports the error `Error` (a struct in namespace typenet::errors with
/// `text` and `separator`, or with `build()` that writes the whole sentence)
/// for the given operand shapes when instantiated:
/// `return shape_error<Error, Shapes...>::value;` (false) in the branch where
/// the error is real. The error is the only one: `value` is a plain false.
template <class Error, class... Shapes>
struct shape_error {
  using message = detail::report_message<detail::shape_error_message<Error, Shapes...>>;
#if defined(__clang__)
  static constexpr bool value = message::report();
#else
  static constexpr bool value = message::value;
#endif
};

}  // namespace typenet
