#pragma once
/// The canonical constructors. Every sum, product and power is built through
/// them, so each new node is already in normal form: rewriting is local (it
/// looks at already-normal operands) and never re-walks a tree.
///
/// Normal forms:
///  - sum<T...>:      >= 2 terms, flattened, sorted by monomial, like terms
///                    collected (`2*x + 3*x` -> `5*x`), at most one constant, no 0.
///  - product<F...>:  flattened, an optional rational coefficient first (never 0
///                    or 1), factors sorted by base, equal bases merged
///                    (`x * x^2` -> `x^3`, `x/x` -> 1).
///  - pow<B, E>:      E an exact exponent other than 0 and 1 (or any expression);
///                    integer powers of constants, powers and products folded.
#include <type_traits>

#include <typenet/expr/node.hpp>
#include <typenet/expr/shape.hpp>

namespace typenet {

struct sum_op;
struct product_op;
struct pow_op;
struct log_op;

namespace detail {
template <class A, class B>
struct add_impl;
template <class A, class B>
struct mul_impl;
template <class B, class E>
struct pow_impl;

/// The operand of a broadcast node (ops/reduce.hpp), or E itself.
template <class E>
struct broadcast_operand {
  using type = E;
};
/// Broadcasts float up: `broadcast(x) * y` is `broadcast(x * y)` (for
/// elementwise ops that is always the same value). So constants and scalars
/// meet inside, and a broadcast next to an operand of the full shape
/// disappears: `broadcast(1, Rx1) * S` is `S` for an R x C S.
template <std::size_t R, std::size_t C, class A, bool Same = std::is_same_v<shape_of_t<A>, shape<R, C>>>
struct broadcast_impl;  // ops/reduce.hpp

template <class A, class B>
using combined_shape_t = typename broadcast_shape<shape_of_t<A>, shape_of_t<B>>::type;

template <template <class, class> class Impl, class A, class B,
          bool BroadcastA = !std::is_same_v<typename broadcast_operand<A>::type, A>,
          bool BroadcastB = !std::is_same_v<typename broadcast_operand<B>::type, B>>
struct elementwise_entry {
  using type = typename Impl<A, B>::type;
};
template <template <class, class> class Impl, class A, class B, bool BroadcastB>
struct elementwise_entry<Impl, A, B, true, BroadcastB> {
  using S = combined_shape_t<A, B>;
  using type = typename broadcast_impl<S::rows, S::cols,
                                       typename elementwise_entry<Impl, typename broadcast_operand<A>::type, B>::type>::type;
};
template <template <class, class> class Impl, class A, class B>
struct elementwise_entry<Impl, A, B, false, true> {
  using S = combined_shape_t<A, B>;
  using type = typename broadcast_impl<S::rows, S::cols,
                                       typename elementwise_entry<Impl, A, typename broadcast_operand<B>::type>::type>::type;
};
}  // namespace detail

/// Canonical A + B.
template <class A, class B>
using add_t = typename detail::elementwise_entry<detail::add_impl, A, B>::type;
/// Canonical A * B (elementwise, broadcasting).
template <class A, class B>
using mul_t = typename detail::elementwise_entry<detail::mul_impl, A, B>::type;
/// Canonical B ^ E.
template <class B, class E>
using pow_t = typename detail::pow_impl<B, E>::type;

template <class A>
using neg_t = mul_t<constant<-1>, A>;
template <class A, class B>
using sub_t = add_t<A, neg_t<B>>;
template <class A, class B>
using div_t = mul_t<A, pow_t<B, constant<-1>>>;

}  // namespace typenet
