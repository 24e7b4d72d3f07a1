#pragma once
/// A total order on expression types. Sums and products keep their operands
/// sorted by it, so `x*y` and `y*x` (or `a + b + c` in any grouping) are the
/// same type, and equal sub-expressions are shared for free.
///
/// Order: constants (by value) < variables (by name) < nodes (by op name,
/// then op parameter, then arity, then operands lexicographically).
///
/// The recursion is written with class templates only, never through
/// constexpr function calls: each pair of types is then compared once and
/// memoized by the compiler. (clang re-evaluates nested constexpr calls, which
/// made comparing two deep DAG-shaped types exponential.)
#include <string_view>
#include <type_traits>

#include <typenet/expr/node.hpp>

namespace typenet {

template <class A, class B>
struct order;

namespace detail {

template <class T>
inline constexpr int kind_rank = 2;
template <std::intmax_t N, std::intmax_t D>
inline constexpr int kind_rank<constant<N, D>> = 0;
template <fixed_string Name, std::size_t R, std::size_t C>
inline constexpr int kind_rank<variable<Name, R, C>> = 1;

constexpr int sign(int v) noexcept { return v < 0 ? -1 : (v > 0 ? 1 : 0); }

template <class Op>
constexpr rational op_parameter() {
  if constexpr (requires { Op::parameter; }) return Op::parameter;
  else return rational{};
}

template <int V>
using int_constant = std::integral_constant<int, V>;

/// Lexicographic order of two equally long operand lists; only the pairs up to
/// the first difference are instantiated.
template <class A, class B>
struct order_lexicographic : int_constant<0> {};
template <class A, class... As, class B, class... Bs>
struct order_lexicographic<type_list<A, As...>, type_list<B, Bs...>>
    : std::conditional_t<order<A, B>::value != 0, int_constant<order<A, B>::value>,
                         order_lexicographic<type_list<As...>, type_list<Bs...>>> {};

template <class A, class B>
struct order_same_kind;
template <std::intmax_t N1, std::intmax_t D1, std::intmax_t N2, std::intmax_t D2>
struct order_same_kind<constant<N1, D1>, constant<N2, D2>> : int_constant<compare(rational{N1, D1}, rational{N2, D2})> {};
template <fixed_string A, std::size_t RA, std::size_t CA, fixed_string B, std::size_t RB, std::size_t CB>
struct order_same_kind<variable<A, RA, CA>, variable<B, RB, CB>>
    : int_constant<A.view() != B.view() ? sign(A.view().compare(B.view()))
                                        : (RA != RB ? (RA < RB ? -1 : 1) : (CA != CB ? (CA < CB ? -1 : 1) : 0))> {};
template <class O1, class... A, class O2, class... B>
struct order_same_kind<node<O1, A...>, node<O2, B...>> {
  static constexpr int by_name = sign(std::string_view{O1::name}.compare(std::string_view{O2::name}));
  static constexpr int by_parameter = compare(op_parameter<O1>(), op_parameter<O2>());
  static constexpr int by_arity = sizeof...(A) == sizeof...(B) ? 0 : (sizeof...(A) < sizeof...(B) ? -1 : 1);
  static constexpr int value =
      by_name != 0
          ? by_name
          : (by_parameter != 0
                 ? by_parameter
                 : (by_arity != 0
                        ? by_arity
                        : std::conditional_t<sizeof...(A) == sizeof...(B),
                                             order_lexicographic<type_list<A...>, type_list<B...>>, int_constant<0>>::value));
};

template <class A, class B, bool SameKind = (kind_rank<A> == kind_rank<B>)>
struct order_dispatch : order_same_kind<A, B> {};
template <class A, class B>
struct order_dispatch<A, B, false> : int_constant<(kind_rank<A> < kind_rank<B> ? -1 : 1)> {};

}  // namespace detail

/// -1, 0 or 1: the canonical order of two expression types.
template <class A, class B>
struct order : detail::order_dispatch<A, B> {};
template <class A>
struct order<A, A> : detail::int_constant<0> {};

template <class A, class B>
inline constexpr int order_v = order<A, B>::value;

}  // namespace typenet
