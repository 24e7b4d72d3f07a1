#pragma once
/// `tn::grad(f, v...)`: reverse accumulation over the expression DAG.
///
/// Helpers that only run at compile time are `consteval`: g++ gives every
/// instantiated constexpr function a symbol name, and names that spell a
/// whole graph cost more to mangle than everything else together.
///
/// The nodes of f are listed once each, children before parents. The adjoint
/// of node j is the sum, over the edges (parent i -> j at position p), of
/// Op_i::vjp<p>(node_i, adjoint_i). Each adjoint is one memoized template
/// instantiation, so a node shared by many parents is differentiated once:
/// compile time and the size of the result grow with the number of edges,
/// never with the number of paths. Only ancestors of the requested variables
/// get adjoints at all (no adjoint for constants, data, or unrelated branches).
#include <array>
#include <cstddef>
#include <initializer_list>
#include <tuple>
#include <utility>

#include <typenet/expr/diagnostics.hpp>
#include <typenet/expr/graph.hpp>
#include <typenet/expr/shape.hpp>
#include <typenet/ops/reduce.hpp>
#include <typenet/simplify/sum.hpp>

namespace typenet {

namespace errors {
struct grad_of_a_matrix {
  static constexpr std::string_view text =
      "grad(f, v): f must be 1x1 (a scalar such as a loss; reduce it with tn::sum or tn::mean), but f is ";
  static constexpr std::string_view separator = "";
};
}  // namespace errors

namespace detail {

struct edge {
  std::size_t parent;
  std::size_t position;
  std::size_t child;
};

template <class Order, class E>
struct child_indices {
  static constexpr std::array<std::size_t, 0> value{};
};
template <class Order, class Op, class... A>
struct child_indices<Order, node<Op, A...>> {
  static constexpr std::array<std::size_t, sizeof...(A)> value{index_of<Order, A>::value...};
};

template <class Order>
struct edge_table;
template <class... Ns>
struct edge_table<type_list<Ns...>> {
  using order = type_list<Ns...>;
  static constexpr std::size_t count = []() consteval {
    std::size_t n = 0;
    for (std::size_t a : {std::size_t{0}, child_indices<order, Ns>::value.size()...}) n += a;
    return n;
  }();
  static constexpr std::array<edge, count> edges = []() consteval {
    std::array<edge, count> out{};
    std::size_t n = 0;
    std::size_t parent = 0;
    auto add = [&](const auto& children) {
      for (std::size_t p = 0; p < children.size(); ++p) out[n++] = edge{parent, p, children[p]};
      ++parent;
    };
    (void)std::initializer_list<int>{(add(child_indices<order, Ns>::value), 0)...};
    return out;
  }();
  template <std::size_t Child>
  static consteval auto incoming() {
    constexpr std::size_t k = []() consteval {
      std::size_t n = 0;
      for (const edge& e : edges) n += e.child == Child ? 1 : 0;
      return n;
    }();
    std::array<edge, k> out{};
    std::size_t n = 0;
    for (const edge& e : edges)
      if (e.child == Child) out[n++] = e;
    return out;
  }
};

template <class Acc, class List>
struct sum_all;
template <class Acc>
struct sum_all<Acc, type_list<>> {
  using type = Acc;
};
template <class Acc, class T, class... Ts>
struct sum_all<Acc, type_list<T, Ts...>> {
  using type = typename sum_all<add_t<Acc, T>, type_list<Ts...>>::type;
};

template <class Order, std::size_t J>
struct adjoint;

/// What node number Parent passes down to its operand at Position.
/// (Plain integers, not an `edge` template argument: g++ 12 crashes on a
/// member of a class-type template argument used in a default argument.)
template <class Order, std::size_t Parent, std::size_t Position, class ParentAdjoint = typename adjoint<Order, Parent>::type>
struct contribution {
  using parent = at_t<Parent, Order>;
  using type = decltype(parent::op::template vjp<Position>(parent{}, ParentAdjoint{}));
};
template <class Order, std::size_t Parent, std::size_t Position>
struct contribution<Order, Parent, Position, zero> {
  using type = zero;
};

template <class Order, std::size_t J>
struct adjoint {
  static constexpr auto in = edge_table<Order>::template incoming<J>();
  template <std::size_t... K>
  static auto collect(std::index_sequence<K...>) -> type_list<typename contribution<Order, in[K].parent, in[K].position>::type...>;
  // Every adjoint has its node's shape: contributions from broadcasting
  // parents are summed back, a scalar seed is repeated.
  using type = std::conditional_t<
      J + 1 == Order::size, one,
      fit_shape_t<shape_of_t<at_t<J, Order>>,
                  typename sum_all<zero, decltype(collect(std::make_index_sequence<in.size()>{}))>::type>>;
};


template <class F, class V, bool Present = (index_of<topological_order_t<F>, V>::value < topological_order_t<F>::size)>
struct gradient_of {
  using type = broadcast_t<shape_of_t<V>::rows, shape_of_t<V>::cols, zero>;  // f does not depend on v
};
template <class F, class V>
struct gradient_of<F, V, true> {
  using order = topological_order_t<F>;
  using type = typename adjoint<order, index_of<order, V>::value>::type;
};

template <class F>
constexpr bool check_scalar_function() {
  if constexpr (Poisoned<F> || !Expr<F>) {
    return true;
  } else if constexpr (!shape_of_t<F>::is_scalar) {
    return shape_error<errors::grad_of_a_matrix, shape_of_t<F>>::value;
  } else {
    return true;
  }
}

template <class V>
constexpr bool check_wrt() {
  static_assert(diag::is_not_a_constant<V>,
                "typenet: grad(f, v): v is a constant; differentiate with respect to a variable such as tn::var<\"x\">");
  static_assert(!diag::is_not_a_constant<V> || diag::differentiates_with_respect_to_variable<V>,
                "typenet: grad(f, v): v must be a variable such as tn::var<\"x\">, not a compound expression or a value");
  return diag::differentiates_with_respect_to_variable<V>;
}

}  // namespace detail

/// df/dv as an expression. With several variables, a std::tuple of the
/// gradients; they share every adjoint, and `tn::eval` of the tuple computes
/// each shared node once.
///
///     auto dz = tn::grad(x * y, x);              // y
///     auto [dx, dy] = tn::grad(x * y, x, y);     // y, x
template <class F, class... V>
constexpr auto grad(const F&, const V&...) {
  static_assert(sizeof...(V) > 0, "typenet: grad(f, v...): name at least one variable to differentiate with respect to");
  static_assert(diag::is_expression<F>, "typenet: grad(f, v...): f must be a typenet expression");
  constexpr bool ok = diag::is_expression<F> && detail::check_scalar_function<F>() &&
                      detail::all_of({detail::check_wrt<V>()...});
  if constexpr (!ok || Poisoned<F> || sizeof...(V) == 0) return poison{};
  else if constexpr (sizeof...(V) == 1) return handle_t<typename detail::gradient_of<raw_t<F>, V...>::type>{};
  else return std::tuple<handle_t<typename detail::gradient_of<raw_t<F>, V>::type>...>{};
}

}  // namespace typenet
