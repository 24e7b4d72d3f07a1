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
#include <typenet/tensor/access.hpp>

namespace typenet {

struct matmul_op;
struct transpose_op;
struct softmax_op;
struct log_softmax_op;
struct exp_op;

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
template <class Order, fixed_string Name, std::size_t R, std::size_t C, class... Bs>
struct plan_of<Order, variable<Name, R, C>, Bs...> {
  using type = read_binding<binding_position<Name, Bs...>()>;
};
template <class Order, class Op, class... A, class... Bs>
struct plan_of<Order, node<Op, A...>, Bs...> {
  using type = apply_op<Op, typename op_info<Op, A...>::type, index_of<Order, A>::value...>;
};

/// A matrix product reads a transposed operand in place: its plan names the
/// stored matrix and the layout, not the transpose node.
template <bool TransposedA, bool TransposedB>
struct matmul_layout {};
template <class A>
struct stored_operand {
  using type = A;
  static constexpr bool transposed = false;
};
template <class X>
struct stored_operand<node<transpose_op, X>> {
  using type = X;
  static constexpr bool transposed = true;
};
template <class Order, class A, class B, class... Bs>
struct plan_of<Order, node<matmul_op, A, B>, Bs...> {
  using type = apply_op<matmul_op, matmul_layout<stored_operand<A>::transposed, stored_operand<B>::transposed>,
                        index_of<Order, typename stored_operand<A>::type>::value,
                        index_of<Order, typename stored_operand<B>::type>::value>;
};

/// softmax(x) next to log_softmax(x) (cross-entropy's gradient next to its
/// loss) is exp(log_softmax(x)): one flat SIMD pass instead of a second
/// row-wise softmax.
template <class Order, class A, bool WithLog = contains<Order, node<log_softmax_op, A>>::value>
struct softmax_plan {
  using type = apply_op<softmax_op, no_info, index_of<Order, A>::value>;
};
template <class Order, class A>
struct softmax_plan<Order, A, true> {
  using type = apply_op<exp_op, no_info, index_of<Order, node<log_softmax_op, A>>::value>;
};
template <class Order, class A, class... Bs>
struct plan_of<Order, node<softmax_op, A>, Bs...> : softmax_plan<Order, A> {};

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
    const auto& v = std::get<P>(binds).value;
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
        (values[I] = run<typename plan_of<order, Ns, Bs...>::type>::value(values, binds), 0)...};
  }(std::index_sequence_for<Ns...>{});
  return values;
}

// --- the matrix path: each node's value is a number or a tn::matrix ----------

template <std::size_t I, class V>
struct slot {
  V value;
};
template <class Is, class... V>
struct slots;
template <std::size_t... I, class... V>
struct slots<std::index_sequence<I...>, V...> : slot<I, V>... {};
template <std::size_t I, class V>
constexpr V& slot_value(slot<I, V>& s) noexcept {
  return s.value;
}
template <std::size_t I, class V>
constexpr const V& slot_value(const slot<I, V>& s) noexcept {
  return s.value;
}

template <class Op>
constexpr bool is_elementwise() {
  if constexpr (requires { Op::elementwise; }) return Op::elementwise;
  else return true;
}

/// The slot of a matrix variable: a pointer to the bound matrix when it is
/// bound by reference (`W = tn::ref(w)`) in the evaluation type, else to a
/// converted copy. Bound inputs are never copied per evaluation.
template <class M>
struct variable_slot {
  M copy;
  const M* pointer = nullptr;
};
template <class V>
constexpr const V& operand(const V& v) noexcept {
  return v;
}
template <class M>
constexpr const M& operand(const variable_slot<M>& v) noexcept {
  return *v.pointer;
}
template <class M>
constexpr const M& operand(const matrix_ref<M>& r) noexcept {
  return *r.pointer;
}
template <class V>
struct is_variable_slot : std::false_type {};
template <class M>
struct is_variable_slot<variable_slot<M>> : std::true_type {};


/// Stores the value of one node (slot Out) from the values already computed.
template <class Plan>
struct run_into;
template <std::intmax_t N, std::intmax_t D>
struct run_into<constant<N, D>> {
  template <std::size_t Out, class Slots, class Binds>
  static void exec(Slots& s, const Binds&) {
    auto& out = slot_value<Out>(s);
    using T = element_t<decltype(out)>;
    out = static_cast<T>(N) / static_cast<T>(D);
  }
};
template <std::size_t P>
struct run_into<read_binding<P>> {
  template <std::size_t Out, class Slots, class Binds>
  static void exec(Slots& s, const Binds& binds) {
    auto& out = slot_value<Out>(s);  // (read_binding)
    const auto& bound = std::get<P>(binds).value;
    const auto& v = operand(bound);
    using O = std::remove_cvref_t<decltype(out)>;
    if constexpr (is_variable_slot<O>::value) {
      using M = std::remove_cvref_t<decltype(out.copy)>;
      if constexpr (!std::is_same_v<std::remove_cvref_t<decltype(bound)>, M> && std::is_same_v<std::remove_cvref_t<decltype(v)>, M>) {
        out.pointer = &v;  // by reference, same type: read in place
      } else {
        for (std::size_t i = 0; i < M::size; ++i) out.copy.values[i] = static_cast<typename M::value_type>(v.values[i]);
        out.pointer = &out.copy;
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
    auto& out = slot_value<Out>(s);
    using V = std::remove_cvref_t<decltype(out)>;
    using T = element_t<V>;
    // (elementwise matrix nodes run as fused SIMD passes: run_fused)
    if constexpr (!is_elementwise<Op>()) {
      Op::compute(Info{}, out, operand(slot_value<I>(s))...);
    } else {
      static_assert(!Matrix<V>, "typenet: internal: elementwise matrix nodes are evaluated by run_fused");
      out = Op::eval(Info{}, std::array<T, sizeof...(I)>{static_cast<T>(operand(slot_value<I>(s)))...});
    }
  }
};

template <class T, class E>
using node_value_t = value_t<T, shape_of_t<E>::rows, shape_of_t<E>::cols>;

template <class T, class E>
struct slot_type {
  using type = node_value_t<T, E>;
};
template <class T, fixed_string Name, std::size_t R, std::size_t C>
  requires(R * C > 1)
struct slot_type<T, variable<Name, R, C>> {
  using type = variable_slot<matrix<T, R, C>>;
};

template <class T, class Order>
struct slots_for;
template <class T, class... Ns>
struct slots_for<T, type_list<Ns...>> {
  using type = slots<std::index_sequence_for<Ns...>, typename slot_type<T, Ns>::type...>;
};

/// All node values of `order`, computed once each in topological order. On
/// the heap: the values of a network's layers do not belong on the stack.
/// The slots a plan reads.
template <class Plan>
struct plan_reads {
  static constexpr std::array<std::size_t, 0> value{};
};
template <class Op, class Info, std::size_t... I>
struct plan_reads<apply_op<Op, Info, I...>> {
  static constexpr std::array<std::size_t, sizeof...(I)> value{I...};
};

template <class Plan>
struct is_elementwise_plan : std::false_type {};
template <class Op, class Info, std::size_t... I>
struct is_elementwise_plan<apply_op<Op, Info, I...>> : std::bool_constant<is_elementwise<Op>()> {};
/// Node N (with plan Plan) is computed as a SIMD map: an elementwise op with a matrix value.
template <class Plan, class N>
inline constexpr bool runs_as_map = is_elementwise_plan<Plan>::value && shape_of_t<N>::size > 1;

/// What evaluation does with each node:
///  - `needed`: computed, except a transpose that only matrix products read
///    (they read its operand in place) and that is not a root;
///  - `inlined`: an elementwise matrix node whose only reader is an elementwise
///    node of the same shape is not stored: it is computed inside its
///    reader's SIMD pass (a chain of elementwise ops is one pass over memory).
template <class Order, class Plans, class Roots>
struct node_roles;
template <class... Ns, class... Plans, std::size_t... Root>
struct node_roles<type_list<Ns...>, type_list<Plans...>, std::index_sequence<Root...>> {
  static constexpr std::size_t n = sizeof...(Ns);
  struct roles {
    std::array<bool, n> needed{};
    std::array<bool, n> inlined{};
  };
  static constexpr roles value = []() consteval {
    roles out{};
    const bool transpose[] = {is_node_of<Ns, transpose_op>::value...};
    const bool elementwise[] = {runs_as_map<Plans, Ns>...};
    const std::size_t rows[] = {shape_of_t<Ns>::rows...};
    const std::size_t cols[] = {shape_of_t<Ns>::cols...};
    std::array<bool, n> root{};
    for (std::size_t r : {std::size_t(-1), Root...})
      if (r != std::size_t(-1)) root[r] = true;
    std::array<std::size_t, n> reads{};
    std::array<std::size_t, n> reader{};
    std::size_t p = 0;
    auto count = [&](const auto& rd) {
      for (std::size_t i : rd) {
        ++reads[i];
        reader[i] = p;
      }
      ++p;
    };
    (void)std::initializer_list<int>{(count(plan_reads<Plans>::value), 0)...};
    for (std::size_t i = 0; i < n; ++i) {
      out.needed[i] = !transpose[i] || root[i] || reads[i] > 0;
      out.inlined[i] = elementwise[i] && !root[i] && reads[i] == 1 && elementwise[reader[i]] &&
                       rows[reader[i]] == rows[i] && cols[reader[i]] == cols[i];
    }
    return out;
  }();
};

template <std::size_t I>
using index_constant = std::integral_constant<std::size_t, I>;

template <class A, class B>
struct concat_lists;
template <class... A, class... B>
struct concat_lists<type_list<A...>, type_list<B...>> {
  using type = type_list<A..., B...>;
};
template <class... Lists>
struct concat_all {
  using type = type_list<>;
};
template <class L, class... Lists>
struct concat_all<L, Lists...> {
  using type = typename concat_lists<L, typename concat_all<Lists...>::type>::type;
};

/// A slot read as a kernel operand.
template <std::size_t J>
struct fused_leaf {
  using leaves = type_list<index_constant<J>>;
  static constexpr std::size_t count = 1;
  template <std::size_t Offset, class Arr>
  static auto value(const Arr& a) {
    return a[Offset];
  }
};
/// The value rule of an elementwise plan with its inlined operands expanded:
/// `leaves` are the slots the fused pass reads, in the order `value` takes them.
template <class Plans, class Roles, class Plan>
struct fused_plan;
template <class Plans, class Roles, std::size_t J>
using fused_operand = std::conditional_t<Roles::value.inlined[J], fused_plan<Plans, Roles, at_t<J, Plans>>, fused_leaf<J>>;
template <class Plans, class Roles, class Op, class Info, std::size_t... J>
struct fused_plan<Plans, Roles, apply_op<Op, Info, J...>> {
  using leaves = typename concat_all<typename fused_operand<Plans, Roles, J>::leaves...>::type;
  static constexpr std::size_t count = leaves::size;
  template <std::size_t Offset, class Arr>
  static auto value(const Arr& a) {
    constexpr std::size_t js[] = {J...};
    constexpr std::array<std::size_t, sizeof...(J)> offsets = [] {
      std::array<std::size_t, sizeof...(J)> o{};
      const std::size_t counts[] = {fused_operand<Plans, Roles, J>::count...};
      std::size_t at = Offset;
      for (std::size_t k = 0; k < sizeof...(J); ++k) {
        o[k] = at;
        at += counts[k];
      }
      return o;
    }();
    using B = typename Arr::value_type;
    return [&]<std::size_t... K>(std::index_sequence<K...>) {
      return Op::eval(Info{},
                      std::array<B, sizeof...(J)>{fused_operand<Plans, Roles, js[K]>::template value<offsets[K]>(a)...});
    }(std::make_index_sequence<sizeof...(J)>{});
  }
};

/// One SIMD pass computing node Out and every node inlined into it.
template <class Plans, class Roles, std::size_t Out, class Slots>
void run_fused(Slots& s) {
  using F = fused_plan<Plans, Roles, at_t<Out, Plans>>;
  auto& out = slot_value<Out>(s);
  using V = std::remove_cvref_t<decltype(out)>;
  [&]<std::size_t... L>(type_list<index_constant<L>...>) {
    kernels::map<V::rows, V::cols>(
        out.data(),
        [](const auto& first, const auto&... rest) {
          using B = std::remove_cvref_t<decltype(first)>;
          const std::array<B, 1 + sizeof...(rest)> a{first, rest...};
          return F::template value<0>(a);
        },
        kernel_operand<V::rows, V::cols>(operand(slot_value<L>(s)))...);
  }(typename F::leaves{});
}

/// Computes the nodes of `order` (all the roots need) into `values` (a slots_for<T, order>).
template <std::size_t... Root, class Slots, class... Ns, class... Bs>
void evaluate_into(Slots& values, type_list<Ns...>, const std::tuple<Bs...>& binds) {
  using order = type_list<Ns...>;
  using plans = type_list<typename plan_of<order, Ns, Bs...>::type...>;
  using roles = node_roles<order, plans, std::index_sequence<Root...>>;
  auto one = [&]<std::size_t I, class Plan>(index_constant<I>, Plan*) {
    if constexpr (!roles::value.needed[I] || roles::value.inlined[I]) {
      return;
    } else if constexpr (runs_as_map<Plan, at_t<I, order>>) {
      detail::run_fused<plans, roles, I>(values);
    } else {
      run_into<Plan>::template exec<I>(values, binds);
    }
  };
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (void)std::initializer_list<int>{(one(index_constant<I>{}, static_cast<typename plan_of<order, Ns, Bs...>::type*>(nullptr)), 0)...};
  }(std::index_sequence_for<Ns...>{});
}

template <class T, std::size_t... Root, class... Ns, class... Bs>
auto evaluate_all_matrix(std::index_sequence<Root...>, type_list<Ns...>, const std::tuple<Bs...>& binds) {
  using order = type_list<Ns...>;
  auto values = std::make_unique<typename slots_for<T, order>::type>();
  detail::evaluate_into<Root...>(*values, order{}, binds);
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
    return std::tuple<node_value_t<T, Roots>...>{operand(slot_value<index_of<order, Roots>::value>(*values))...};
  }
}

}  // namespace detail

/// Evaluates a fixed set of roots again and again into storage allocated
/// once: `evaluator<float, decltype(loss), decltype(dW)> e;` then
/// `e.run(W = tn::ref(w), ...)` and `e.get<0>()`. No allocation per run.
template <class T, class... Roots>
class evaluator {
 public:
  using order = topological_order_t<Roots...>;
  using storage = typename detail::slots_for<T, order>::type;

  evaluator() : values_(std::make_unique<storage>()) {}

  template <class... Bs>
  void run(const Bs&... binds) {
    static_assert(detail::check_bindings(variables_t<Roots...>{}, type_list<Bs...>{}));
    detail::evaluate_into<index_of<order, raw_t<Roots>>::value...>(*values_, order{}, std::tuple<Bs...>{binds...});  // bind matrices with tn::ref: no copy
  }
  /// The value of root I from the last run.
  template <std::size_t I>
  [[nodiscard]] const auto& get() const noexcept {
    return detail::operand(detail::slot_value<index_of<order, raw_t<at_t<I, type_list<Roots...>>>>::value>(*values_));
  }
  /// The value of a node of the roots' graph from the last run. Only roots are
  /// sure to be stored: a transpose read in place and an elementwise node
  /// fused into its reader are not.
  template <class E>
  [[nodiscard]] const auto& value_of() const noexcept {
    return detail::operand(detail::slot_value<index_of<order, raw_t<E>>::value>(*values_));
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
