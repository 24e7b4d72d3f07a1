#pragma once
/// The steps of an evaluation, one small type per node: what the node
/// computes and which earlier nodes it reads. The emitted functions are keyed
/// by these plans (op, info, operand positions), never by the node type: a
/// function per deep node type would spell the graph in every symbol name,
/// and mangling those made compile time grow with the cube of the depth.
#include <array>
#include <cstddef>
#include <cstdint>
#include <tuple>
#include <type_traits>

#include <typenet/core/fixed_string.hpp>
#include <typenet/core/type_list.hpp>
#include <typenet/expr/node.hpp>
#include <typenet/expr/shape.hpp>

namespace typenet {

struct matmul_op;
struct transpose_op;
struct softmax_op;
struct log_softmax_op;
struct exp_op;

namespace detail {

/// Position of the binding named Name among Bs (Bs::name); sizeof...(Bs) if
/// there is none (without bindings, 0).
template <fixed_string Name, class... Bs>
consteval std::size_t binding_position() {
  const bool same[] = {false, (Bs::name == Name)...};
  for (std::size_t i = 1; i <= sizeof...(Bs); ++i)
    if (same[i]) return i - 1;
  return sizeof...(Bs);
}

/// What to do for one node: read a binding, or apply an op to earlier nodes.
template <fixed_string Name>
struct read_binding {};

/// Position of the binding named Name in a std::tuple of bindings.
template <fixed_string Name, class Binds>
struct binding_index;
template <fixed_string Name, class... Bs>
struct binding_index<Name, std::tuple<Bs...>> {
  static constexpr std::size_t value = binding_position<Name, Bs...>();
};
template <class Op, class Info, std::size_t... Operands>
struct apply_op {};

template <class Order, class E>
struct plan_of;
template <class Order, std::intmax_t N, std::intmax_t D>
struct plan_of<Order, constant<N, D>> {
  using type = constant<N, D>;
};
template <class Order, fixed_string Name, std::size_t R, std::size_t C>
struct plan_of<Order, variable<Name, R, C>> {
  using type = read_binding<Name>;
};
template <class Order, class Op, class... A>
struct plan_of<Order, node<Op, A...>> {
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
template <class Order, class A, class B>
struct plan_of<Order, node<matmul_op, A, B>> {
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
template <class Order, class A>
struct plan_of<Order, node<softmax_op, A>> : softmax_plan<Order, A> {};

template <class Op>
constexpr bool is_elementwise() {
  if constexpr (requires { Op::elementwise; }) return Op::elementwise;
  else return true;
}

/// The node positions a plan reads.
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

/// The plans of every node of Order.
template <class Order>
struct plans_of;
template <class... Ns>
struct plans_of<type_list<Ns...>> {
  using type = type_list<typename plan_of<type_list<Ns...>, Ns>::type...>;
};

}  // namespace detail
}  // namespace typenet
