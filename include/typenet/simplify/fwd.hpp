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
#include <typenet/expr/node.hpp>

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
}  // namespace detail

/// Canonical A + B.
template <class A, class B>
using add_t = typename detail::add_impl<A, B>::type;
/// Canonical A * B.
template <class A, class B>
using mul_t = typename detail::mul_impl<A, B>::type;
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
