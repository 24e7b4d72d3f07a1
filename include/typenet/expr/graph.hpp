#pragma once
/// The expression DAG as a flat list: every distinct node once, children
/// before parents. Visiting stops at nodes already listed, so a sub-expression
/// shared n times costs one visit, not n (no tree walk, no 2^depth blow-up).
#include <typenet/core/type_list.hpp>
#include <typenet/expr/node.hpp>

namespace typenet {

namespace detail {

template <class List, class E, bool Seen = contains<List, E>::value>
struct visit {
  using type = List;
};
template <class List, class Children>
struct visit_all;
template <class List>
struct visit_all<List, type_list<>> {
  using type = List;
};
template <class List, class C, class... Cs>
struct visit_all<List, type_list<C, Cs...>> {
  using type = typename visit_all<typename visit<List, C>::type, type_list<Cs...>>::type;
};
template <class List, class E>
struct visit<List, E, false> {
  using type = push_back_t<typename visit_all<List, children_t<E>>::type, E>;
};


}  // namespace detail

/// All distinct nodes of the given roots, children before parents.
template <class... Roots>
using topological_order_t = typename detail::visit_all<type_list<>, type_list<raw_t<Roots>...>>::type;

/// Number of distinct nodes (leaves included) of an expression.
template <class E>
inline constexpr std::size_t node_count_v = topological_order_t<E>::size;

/// The distinct variables of the given roots, in topological order.
template <class... Roots>
using variables_t = filter_t<topological_order_t<Roots...>, detail::is_variable>;

}  // namespace typenet
