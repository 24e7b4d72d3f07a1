#pragma once
/// `+ - * /`, unary minus, `pow` and `sqrt` on expressions. Each checks its
/// operands at the call (one readable error, then poison: no cascade) and
/// builds the canonical form.
#include <typenet/expr/diagnostics.hpp>
#include <typenet/ops/log.hpp>
#include <typenet/simplify/sum.hpp>

namespace typenet {

namespace detail {
template <class L, class R>
inline constexpr bool any_poison = Poisoned<L> || Poisoned<R>;
}  // namespace detail

/// a + b;  d/da = d/db = 1.
template <class L, class R>
  requires(Operand<L> || Operand<R>)
constexpr auto operator+(const L&, const R&) {
  static_assert(diag::operands_are_expressions<L, R>,
                "typenet: operator+: both operands must be typenet expressions; write numbers as exact constants, e.g. x + 2_c");
  if constexpr (!diag::operands_are_expressions<L, R> || detail::any_poison<L, R>) return poison{};
  else return handle_t<add_t<raw_t<L>, raw_t<R>>>{};
}

/// a - b = a + (-1) b.
template <class L, class R>
  requires(Operand<L> || Operand<R>)
constexpr auto operator-(const L&, const R&) {
  static_assert(diag::operands_are_expressions<L, R>,
                "typenet: operator-: both operands must be typenet expressions; write numbers as exact constants, e.g. x - 2_c");
  if constexpr (!diag::operands_are_expressions<L, R> || detail::any_poison<L, R>) return poison{};
  else return handle_t<sub_t<raw_t<L>, raw_t<R>>>{};
}

/// -a = (-1) a.
template <class A>
  requires Operand<A>
constexpr auto operator-(const A&) {
  if constexpr (Poisoned<A>) return poison{};
  else return handle_t<neg_t<raw_t<A>>>{};
}

/// a * b;  d/da = b, d/db = a.
template <class L, class R>
  requires(Operand<L> || Operand<R>)
constexpr auto operator*(const L&, const R&) {
  static_assert(diag::operands_are_expressions<L, R>,
                "typenet: operator*: both operands must be typenet expressions; write numbers as exact constants, e.g. 2_c * x");
  if constexpr (!diag::operands_are_expressions<L, R> || detail::any_poison<L, R>) return poison{};
  else return handle_t<mul_t<raw_t<L>, raw_t<R>>>{};
}

/// a / b = a b^-1;  d/da = 1/b, d/db = -a/b^2.
template <class L, class R>
  requires(Operand<L> || Operand<R>)
constexpr auto operator/(const L&, const R&) {
  static_assert(diag::operands_are_expressions<L, R>,
                "typenet: operator/: both operands must be typenet expressions; write numbers as exact constants, e.g. x / 2_c");
  if constexpr (!diag::operands_are_expressions<L, R> || detail::any_poison<L, R>) {
    return poison{};
  } else {
    static_assert(diag::divisor_is_not_zero<raw_t<R>>, "typenet: operator/: division by the exact constant 0");
    if constexpr (!diag::divisor_is_not_zero<raw_t<R>>) return poison{};
    else return handle_t<div_t<raw_t<L>, raw_t<R>>>{};
  }
}

/// `tn::pow(b, e)`: b^e for an exact exponent (`pow(x, 2_c)`, `pow(x, 1_c / 3_c)`) or any expression.
struct pow_function {
  template <class B, class E>
  constexpr auto operator()(const B&, const E&) const {
    static_assert(diag::operands_are_expressions<B, E>,
                  "typenet: pow(base, exponent): both must be typenet expressions; write numbers as exact constants, "
                  "e.g. pow(x, 2_c)");
    if constexpr (!diag::operands_are_expressions<B, E> || detail::any_poison<B, E>) return poison{};
    else return handle_t<pow_t<raw_t<B>, raw_t<E>>>{};
  }
};
inline constexpr pow_function pow{};

/// `tn::sqrt(a)` = a^(1/2);  d/da = 1 / (2 sqrt(a)).
struct sqrt_function {
  template <class A>
  constexpr auto operator()(const A&) const {
    static_assert(diag::argument_is_expression<sqrt_function, A>,
                  "typenet: the argument of an elementary function (exp, log, sqrt, sigmoid, tanh, relu, ...) must be a "
                  "typenet expression; write numbers as exact constants, e.g. 2_c");
    if constexpr (!Expr<A>) return poison{};
    else return handle_t<pow_t<raw_t<A>, constant<1, 2>>>{};
  }
};
inline constexpr sqrt_function sqrt{};

/// `tn::square(a)` = a^2.
struct square_function {
  template <class A>
  constexpr auto operator()(const A& a) const {
    return pow(a, constant<2>{});
  }
};
inline constexpr square_function square{};

}  // namespace typenet
