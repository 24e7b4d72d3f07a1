#pragma once
/// A total order on expression types. Sums and products keep their operands
/// sorted by it, so `x*y` and `y*x` (or `a + b + c` in any grouping) are the
/// same type, and equal sub-expressions are shared for free.
///
/// Order: constants (by value) < variables (by name) < nodes (by op name,
/// then op parameter, then arity, then operands lexicographically).
#include <string_view>
#include <type_traits>

#include <typenet/expr/node.hpp>

namespace typenet {

namespace detail {

template <class T>
inline constexpr int kind_rank = 2;
template <std::intmax_t N, std::intmax_t D>
inline constexpr int kind_rank<constant<N, D>> = 0;
template <fixed_string Name>
inline constexpr int kind_rank<variable<Name>> = 1;

constexpr int sign(int v) noexcept { return v < 0 ? -1 : (v > 0 ? 1 : 0); }

template <class Op>
constexpr rational op_parameter() {
  if constexpr (requires { Op::parameter; }) return Op::parameter;
  else return rational{};
}

template <class A, class B>
constexpr int compare_types();

template <std::intmax_t N1, std::intmax_t D1, std::intmax_t N2, std::intmax_t D2>
constexpr int compare_same_kind(constant<N1, D1>*, constant<N2, D2>*) {
  return compare(rational{N1, D1}, rational{N2, D2});
}
template <fixed_string A, fixed_string B>
constexpr int compare_same_kind(variable<A>*, variable<B>*) {
  return sign(A.view().compare(B.view()));
}
template <class... A, class... B>
constexpr int compare_lexicographic(type_list<A...>, type_list<B...>) {
  for (int r : {compare_types<A, B>()...})
    if (r != 0) return r;
  return 0;
}
template <class O1, class... A, class O2, class... B>
constexpr int compare_same_kind(node<O1, A...>*, node<O2, B...>*) {
  if constexpr (constexpr int by_name = sign(std::string_view{O1::name}.compare(std::string_view{O2::name})); by_name != 0)
    return by_name;
  else if constexpr (constexpr int by_param = compare(op_parameter<O1>(), op_parameter<O2>()); by_param != 0)
    return by_param;
  else if constexpr (sizeof...(A) != sizeof...(B))
    return sizeof...(A) < sizeof...(B) ? -1 : 1;
  else
    return compare_lexicographic(type_list<A...>{}, type_list<B...>{});
}

template <class A, class B>
constexpr int compare_types() {
  if constexpr (std::is_same_v<A, B>) return 0;
  else if constexpr (kind_rank<A> != kind_rank<B>) return kind_rank<A> < kind_rank<B> ? -1 : 1;
  else return compare_same_kind(static_cast<A*>(nullptr), static_cast<B*>(nullptr));
}

}  // namespace detail

/// -1, 0 or 1: the canonical order of two expression types.
template <class A, class B>
inline constexpr int order_v = detail::compare_types<A, B>();

}  // namespace typenet
