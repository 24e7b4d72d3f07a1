#pragma once
/// `tn::eval(expr, x = 1.0, ...)`: every distinct node of the DAG is computed
/// once, in topological order, into one array of values: an expression whose
/// type shares a sub-expression n times costs it once, not n times.
/// Works in constant expressions for the rational and polynomial part.
#include <array>
#include <cstddef>
#include <initializer_list>
#include <tuple>
#include <type_traits>
#include <utility>

#include <typenet/expr/diagnostics.hpp>
#include <typenet/expr/graph.hpp>
#include <typenet/expr/node.hpp>

namespace typenet {

namespace detail {

template <class T>
struct is_binding : std::false_type {};
template <fixed_string Name, class T>
struct is_binding<binding<Name, T>> : std::true_type {};

template <class T>
struct is_expr_tuple : std::false_type {};
template <class... E>
struct is_expr_tuple<std::tuple<E...>> : std::bool_constant<all_of({Expr<E>...})> {};

template <fixed_string Name, class... Bs>
consteval std::size_t binding_count() {
  std::size_t n = 0;
  for (bool same : {(Bs::name == Name)...}) n += same ? 1 : 0;
  return n;
}
template <fixed_string Name>
consteval std::size_t binding_count() {
  return 0;
}
template <fixed_string Name, class... Bs>
consteval std::size_t binding_position() {
  std::size_t i = 0;
  for (bool same : {(Bs::name == Name)...}) {
    if (same) return i;
    ++i;
  }
  return i;
}

template <class... Bs>
struct value_type_of {
  using type = std::common_type_t<typename Bs::value_type...>;
};
template <>
struct value_type_of<> {
  using type = double;
};

/// One step of the evaluation: the value of a node from its operands' values.
/// The emitted functions are keyed by (op, info, operand positions), never by
/// the node type: a function per deep node type would spell the graph in every
/// symbol name, and mangling those made compile time grow with the cube of
/// the depth.
/// What to do for one node, as a small type: the emitted functions are keyed
/// by these plans, which never spell out the graph.
template <std::size_t Position>
struct read_binding {};
template <class Op, class Info, std::size_t... Operands>
struct apply_op {};

template <class Order, class E, class... Bs>
struct plan_of;
template <class Order, std::intmax_t N, std::intmax_t D, class... Bs>
struct plan_of<Order, constant<N, D>, Bs...> {
  using type = constant<N, D>;
};
template <class Order, fixed_string Name, class... Bs>
struct plan_of<Order, variable<Name>, Bs...> {
  using type = read_binding<binding_position<Name, Bs...>()>;
};
template <class Order, class Op, class... A, class... Bs>
struct plan_of<Order, node<Op, A...>, Bs...> {
  using type = apply_op<Op, typename op_info<Op, A...>::type, index_of<Order, A>::value...>;
};

template <class Plan>
struct run;
template <std::intmax_t N, std::intmax_t D>
struct run<constant<N, D>> {
  template <class T, std::size_t K, class Binds>
  static constexpr T value(const std::array<T, K>&, const Binds&) {
    return static_cast<T>(N) / static_cast<T>(D);
  }
};
template <std::size_t P>
struct run<read_binding<P>> {
  template <class T, std::size_t K, class Binds>
  static constexpr T value(const std::array<T, K>&, const Binds& binds) {
    return static_cast<T>(std::get<P>(binds).value);
  }
};
template <class Op, class Info, std::size_t... I>
struct run<apply_op<Op, Info, I...>> {
  template <class T, std::size_t K, class Binds>
  static constexpr T value(const std::array<T, K>& values, const Binds&) {
    return Op::eval(Info{}, std::array<T, sizeof...(I)>{values[I]...});
  }
};

template <class T, class... Ns, class... Bs>
constexpr std::array<T, sizeof...(Ns)> evaluate_all(type_list<Ns...>, const std::tuple<Bs...>& binds) {
  using order = type_list<Ns...>;
  std::array<T, sizeof...(Ns)> values{};
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    // a braced list, not a fold: evaluated in order, and no 256-operand limit
    (void)std::initializer_list<int>{
        (values[I] = run<typename plan_of<order, Ns, Bs...>::type>::value(values, binds), 0)...};
  }(std::index_sequence_for<Ns...>{});
  return values;
}

template <fixed_string Name, bool Bound>
constexpr bool check_bound() {
  static_assert(diag::variable_is_bound<Name, Bound>,
                "typenet: eval: a variable of the expression is not bound; pass it as name = value, e.g. eval(f, x = 1.0)");
  return Bound;
}

template <class... Vars, class... Bs>
constexpr bool check_bindings(type_list<Vars...>, type_list<Bs...>) {
  constexpr bool all_bindings = all_of({is_binding<Bs>::value...});
  if constexpr (!all_bindings) {
    constexpr std::size_t bad = []() consteval {
      std::size_t i = 0;
      for (bool b : {is_binding<Bs>::value...}) {
        if (!b) return i;
        ++i;
      }
      return i;
    }();
    static_assert(diag::argument_is_binding<at_t<bad, type_list<Bs...>>>,
                  "typenet: eval(expr, bindings...): every argument after the expression must be a binding such as x = 1.0");
    return false;
  } else {
    static_assert(all_of({diag::variable_is_bound_once<Bs::name, binding_count<Bs::name, Bs...>() == 1>...}),
                  "typenet: eval: a variable is bound twice");
    // One assertion per variable, so the diagnostic names the unbound one.
    bool ok = true;
    (void)std::initializer_list<int>{(ok = ok && check_bound<Vars::name, binding_count<Vars::name, Bs...>() != 0>(), 0)...};
    return ok;
  }
}

template <class... Roots, class... Bs>
constexpr auto evaluate_roots(const Bs&... binds) {
  using order = topological_order_t<Roots...>;
  using T = typename value_type_of<Bs...>::type;
  // qualified: an unqualified call would run ADL over every node type in `order`
  const auto values = detail::evaluate_all<T>(order{}, std::tuple<Bs...>{binds...});
  return std::array<T, sizeof...(Roots)>{values[index_of<order, Roots>::value]...};
}

}  // namespace detail

/// Value of an expression (or of a std::tuple of expressions, sharing all
/// common work) under the given bindings. The scalar type is the common type
/// of the bound values (double when nothing is bound).
///
///     tn::eval(x * y + 2_c, x = 3.0, y = 4.0) == 14.0
template <class E, class... Bs>
constexpr auto eval(const E&, const Bs&... binds) {
  static_assert(diag::is_expression<E> || detail::is_expr_tuple<E>::value,
                "typenet: eval(expr, bindings...): the first argument must be a typenet expression");
  if constexpr (Poisoned<E> || !(Expr<E> || detail::is_expr_tuple<E>::value)) {
    return typename detail::value_type_of<>::type{};
  } else if constexpr (Expr<E>) {
    if constexpr (!detail::check_bindings(variables_t<E>{}, type_list<Bs...>{})) return poison{};
    else return detail::evaluate_roots<raw_t<E>>(binds...)[0];
  } else {
    return [&]<class... Roots>(std::tuple<Roots...>*) {
      if constexpr (!detail::check_bindings(variables_t<Roots...>{}, type_list<Bs...>{})) return poison{};
      else return detail::evaluate_roots<raw_t<Roots>...>(binds...);
    }(static_cast<E*>(nullptr));
  }
}

}  // namespace typenet
