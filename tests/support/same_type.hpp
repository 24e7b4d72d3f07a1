#pragma once
// SAME(a, b): the two expressions have the same type (cv and references ignored).
// Arguments containing commas go in parentheses: SAME((tn::c<1, 2>), x).
#include <type_traits>

namespace typenet_test {
template <class A, class B>
inline constexpr bool same = std::is_same_v<std::remove_cvref_t<A>, std::remove_cvref_t<B>>;
}  // namespace typenet_test

#define SAME(a, b) static_assert(typenet_test::same<decltype(a), decltype(b)>)
