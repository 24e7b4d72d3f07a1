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

#include <memory>

#include <typenet/expr/diagnostics.hpp>
#include <typenet/expr/graph.hpp>
#include <typenet/expr/node.hpp>
#include <typenet/expr/shape.hpp>
#include <typenet/kernels/elementwise.hpp>
#include <typenet/plan/memory.hpp>
#include <typenet/plan/roles.hpp>
#include <typenet/plan/steps.hpp>
#include <typenet/tensor/access.hpp>

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

template <fixed_string Name, class... Vars>
consteval std::size_t variable_name_count() {
  std::size_t n = 0;
  for (bool same : {(Vars::name == Name)...}) n += same ? 1 : 0;
  return n;
}

template <class... Bs>
struct value_type_of {
  using type = std::common_type_t<element_t<typename Bs::value_type>...>;
};
template <>
struct value_type_of<> {
  using type = double;
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
template <fixed_string Name>
struct run<read_binding<Name>> {
  template <class T, std::size_t K, class Binds>
  static constexpr T value(const std::array<T, K>&, const Binds& binds) {
    const auto& v = std::get<binding_index<Name, Binds>::value>(binds).value;
    if constexpr (Matrix<decltype(v)>) return static_cast<T>(v(0, 0));  // a 1 x 1 matrix
    else return static_cast<T>(v);
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
        (values[I] = run<typename plan_of<order, Ns>::type>::value(values, binds), 0)...};
  }(std::index_sequence_for<Ns...>{});
  return values;
}

// --- the matrix path: each node's value is a number or a tn::matrix ----------

/// Stores the value of one node (slot Out) from the values already computed.
template <class Plan>
struct run_into;
template <std::intmax_t N, std::intmax_t D>
struct run_into<constant<N, D>> {
  template <std::size_t Out, class Slots, class Binds>
  static void exec(Slots& s, const Binds&) {
    auto& out = node_value<Out>(s);
    using T = element_t<decltype(out)>;
    out = static_cast<T>(N) / static_cast<T>(D);
  }
};
template <fixed_string Name>
struct run_into<read_binding<Name>> {
  template <std::size_t Out, class Slots, class Binds>
  static void exec(Slots& s, const Binds& binds) {
    auto& out = node_value<Out>(s);  // (read_binding)
    const auto& bound = std::get<binding_index<Name, Binds>::value>(binds).value;
    const auto& v = operand(bound);
    using O = std::remove_cvref_t<decltype(out)>;
    if constexpr (is_variable_slot<O>::value) {
      using M = typename decltype(out.converted)::element_type;
      if constexpr (!std::is_same_v<std::remove_cvref_t<decltype(bound)>, M> && std::is_same_v<std::remove_cvref_t<decltype(v)>, M>) {
        out.pointer = &v;  // by reference, same type: read in place
      } else {
        if (!out.converted) out.converted = std::make_unique<M>();
        for (std::size_t i = 0; i < M::size; ++i) out.converted->values[i] = static_cast<typename M::value_type>(v.values[i]);
        out.pointer = out.converted.get();
      }
    } else if constexpr (Matrix<decltype(v)>) {  // a number (matrix variables have variable slots)
      out = static_cast<O>(v(0, 0));
    } else {
      out = static_cast<O>(v);
    }
  }
};
/// A node value as an operand of an R x C elementwise kernel.
template <std::size_t R, std::size_t C, class V>
auto kernel_operand(const V& v) noexcept {
  if constexpr (!Matrix<V>) return kernels::scalar<V>{v};
  else if constexpr (V::rows == R && V::cols == C) return kernels::full<typename V::value_type>{v.data()};
  else if constexpr (V::rows == 1) return kernels::row_vector<typename V::value_type>{v.data()};
  else return kernels::column_vector<typename V::value_type>{v.data()};
}

template <class Op, class Info, std::size_t... I>
struct run_into<apply_op<Op, Info, I...>> {
  template <std::size_t Out, class Slots, class Binds>
  static void exec(Slots& s, const Binds&) {
    auto& out = node_value<Out>(s);
    using V = std::remove_cvref_t<decltype(out)>;
    using T = element_t<V>;
    // (elementwise matrix nodes run as fused SIMD passes: run_fused)
    if constexpr (!is_elementwise<Op>()) {
      Op::compute(Info{}, out, operand(node_value<I>(s))...);
    } else {
      static_assert(!Matrix<V>, "typenet: internal: elementwise matrix nodes are evaluated by run_fused");
      out = Op::eval(Info{}, std::array<T, sizeof...(I)>{static_cast<T>(operand(node_value<I>(s)))...});
    }
  }
};

/// One SIMD pass computing node Out and every node inlined into it.
template <class Plans, class Roles, std::size_t Out, class Slots>
void run_fused(Slots& s) {
  using F = fused_plan<Plans, Roles, at_t<Out, Plans>>;
  auto& out = node_value<Out>(s);
  using V = std::remove_cvref_t<decltype(out)>;
  [&]<std::size_t... L>(type_list<index_constant<L>...>) {
    kernels::map<V::rows, V::cols>(
        out.data(),
        [](const auto& first, const auto&... rest) {
          using B = std::remove_cvref_t<decltype(first)>;
          const std::array<B, 1 + sizeof...(rest)> a{first, rest...};
          return F::template value<0>(a);
        },
        kernel_operand<V::rows, V::cols>(operand(node_value<L>(s)))...);
  }(typename F::leaves{});
}

/// Computes the nodes of `order` the roots need into `values` (a node_storage
/// of `order`), one step after another: fused passes, gemms and the rest.
template <class Storage, class... Ns, class... Bs>
void evaluate_into(Storage& values, type_list<Ns...>, const std::tuple<Bs...>& binds) {
  using order = type_list<Ns...>;
  using plans = typename Storage::plan::plans;
  using roles = typename Storage::roles;
  auto one = [&]<std::size_t I, class Plan>(index_constant<I>, Plan*) {
    if constexpr (!roles::value.needed[I] || roles::value.inlined[I]) {
      return;
    } else if constexpr (runs_as_map<Plan, at_t<I, order>>) {
      detail::run_fused<plans, roles, I>(values);
      detail::storage_fence();
    } else {
      run_into<Plan>::template exec<I>(values, binds);
      detail::storage_fence();
    }
  };
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (void)std::initializer_list<int>{(one(index_constant<I>{}, static_cast<typename plan_of<order, Ns>::type*>(nullptr)), 0)...};
  }(std::index_sequence_for<Ns...>{});
}

template <class T, class Roots, class... Ns, class... Bs>
auto evaluate_all_matrix(Roots, type_list<Ns...>, const std::tuple<Bs...>& binds) {
  using order = type_list<Ns...>;
  auto values = std::make_unique<node_storage<T, order, Roots>>();
  detail::evaluate_into(*values, order{}, binds);
  return values;
}

template <class... Ns>
constexpr bool all_scalar(type_list<Ns...>) {
  return all_of({shape_of_t<Ns>::is_scalar...});
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
  if constexpr ((Poisoned<Bs> || ...)) {
    return false;  // a binding whose error was reported where it was made (`W = wrong_shape`)
  } else if constexpr (!all_bindings) {
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
    constexpr bool one_shape_each = all_of({variable_name_count<Vars::name, Vars...>() == 1 ...});
    static_assert(all_of({diag::variable_has_one_shape<Vars::name, variable_name_count<Vars::name, Vars...>() == 1>...}),
                  "typenet: a variable name is used with two different shapes in one expression");
    if constexpr (!one_shape_each) return false;
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
  if constexpr (detail::all_scalar(order{})) {
    const auto values = detail::evaluate_all<T>(order{}, std::tuple<Bs...>{binds...});
    return std::array<T, sizeof...(Roots)>{values[index_of<order, Roots>::value]...};
  } else {
    const auto values = detail::evaluate_all_matrix<T>(std::index_sequence<index_of<order, Roots>::value...>{},
                                                       order{}, std::tuple<Bs...>{binds...});
    return std::tuple<node_value_t<T, Roots>...>{operand(node_value<index_of<order, Roots>::value>(*values))...};
  }
}

}  // namespace detail

/// Evaluates a fixed set of roots again and again into storage allocated
/// once: `evaluator<float, decltype(loss), decltype(dW)> e;` then
/// `e.run(W = tn::ref(w), ...)` and `e.get<0>()`. No allocation per run
/// (a matrix bound by value or with another element type is converted into
/// a copy that the first such run allocates). Only the roots' values are
/// kept after a run: the memory of every other value is reused.
template <class T, class... Roots>
class evaluator {
 public:
  using order = topological_order_t<Roots...>;
  using storage = detail::node_storage<T, order, std::index_sequence<index_of<order, raw_t<Roots>>::value...>>;
  /// Bytes of the one workspace that holds every stored matrix of a run,
  /// planned at compile time: values whose lifetimes do not overlap share memory.
  static constexpr std::size_t workspace_bytes = storage::plan::value.bytes;
  /// What the workspace would take if every stored value had its own memory.
  static constexpr std::size_t unshared_bytes = storage::plan::value.unshared_bytes;

  evaluator() : values_(std::make_unique<storage>()) {}

  template <class... Bs>
  void run(const Bs&... binds) {
    // check_bindings reports what is wrong (once)
    if constexpr (detail::check_bindings(variables_t<Roots...>{}, type_list<Bs...>{}))
      detail::evaluate_into(*values_, order{}, std::tuple<Bs...>{binds...});  // bind matrices with tn::ref: no copy
  }
  /// The value of root I from the last run.
  template <std::size_t I>
  [[nodiscard]] const auto& get() const noexcept {
    return detail::operand(detail::node_value<index_of<order, raw_t<at_t<I, type_list<Roots...>>>>::value>(*values_));
  }
 private:
  std::unique_ptr<storage> values_;
};

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
    else return std::get<0>(detail::evaluate_roots<raw_t<E>>(binds...));
  } else {
    return [&]<class... Roots>(std::tuple<Roots...>*) {
      if constexpr (!detail::check_bindings(variables_t<Roots...>{}, type_list<Bs...>{})) return poison{};
      else return detail::evaluate_roots<raw_t<Roots>...>(binds...);
    }(static_cast<E*>(nullptr));
  }
}

}  // namespace typenet
