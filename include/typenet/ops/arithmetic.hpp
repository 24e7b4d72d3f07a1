#pragma once
/// `+ - * /`, unary minus, `pow` and `sqrt` on expressions. Each checks its
/// operands at the call (one readable error, then poison: no cascade) and
/// builds the canonical form.
#include <typenet/expr/diagnostics.hpp>
#include <typenet/expr/shape.hpp>
#include <typenet/ops/log.hpp>
#include <typenet/ops/matmul.hpp>
#include <typenet/ops/reduce.hpp>
#include <typenet/simplify/sum.hpp>

namespace typenet {

namespace errors {
struct add_shapes {
  static constexpr std::string_view text = "operator+: shapes do not broadcast: ";
  static constexpr std::string_view separator = " + ";
};
struct subtract_shapes {
  static constexpr std::string_view text = "operator-: shapes do not broadcast: ";
  static constexpr std::string_view separator = " - ";
};
struct divide_shapes {
  static constexpr std::string_view text = "operator/: shapes do not broadcast: ";
  static constexpr std::string_view separator = " / ";
};
struct hadamard_shapes {
  static constexpr std::string_view text = "hadamard(a, b): shapes do not broadcast: ";
  static constexpr std::string_view separator = " and ";
};
struct pow_shapes {
  static constexpr std::string_view text = "pow(base, exponent): shapes do not broadcast: ";
  static constexpr std::string_view separator = " and ";
};
}  // namespace errors

namespace detail {
template <class L, class R>
inline constexpr bool any_poison = Poisoned<L> || Poisoned<R>;

/// Elementwise operands must broadcast: equal shapes, or 1 along a dimension.
template <class Error, class L, class R>
constexpr bool check_broadcast() {
  if constexpr (broadcastable_v<shape_of_t<L>, shape_of_t<R>>) {
    return true;
  } else {
    return shape_error<Error, shape_of_t<L>, shape_of_t<R>>::value;
  }
}
/// The result of an elementwise op keeps the broadcast shape of its operands
/// even where the simplifier folds it to a constant (`W - W` is a zero matrix).
template <class L, class R, class Result>
using elementwise_result_t = handle_t<
    broadcast_t<detail::broadcast_shape<shape_of_t<L>, shape_of_t<R>>::type::rows,
                detail::broadcast_shape<shape_of_t<L>, shape_of_t<R>>::type::cols, Result>>;

/// `L * R` is a matrix product unless one side is 1 x 1 (a scaling).
template <class L, class R>
inline constexpr bool is_matrix_product = !shape_of_t<L>::is_scalar && !shape_of_t<R>::is_scalar;
template <class L, class R>
constexpr bool check_matmul() {
  if constexpr (shape_of_t<L>::cols == shape_of_t<R>::rows) {
    return true;
  } else {
    return shape_error<errors::matmul_inner_dimensions_differ, shape_of_t<L>, shape_of_t<R>>::value;
  }
}
}  // namespace detail

/// a + b;  d/da = d/db = 1.
template <class L, class R>
  requires(Operand<L> || Operand<R>)
constexpr auto operator+(const L&, const R&) {
  static_assert(diag::operands_are_expressions<L, R>,
                "typenet: operator+: both operands must be typenet expressions; write numbers as exact constants, e.g. x + 2_c");
  if constexpr (!diag::operands_are_expressions<L, R> || detail::any_poison<L, R>) return poison{};
  else if constexpr (!detail::check_broadcast<errors::add_shapes, L, R>()) return poison{};
  else return detail::elementwise_result_t<L, R, add_t<raw_t<L>, raw_t<R>>>{};
}

/// a - b = a + (-1) b.
template <class L, class R>
  requires(Operand<L> || Operand<R>)
constexpr auto operator-(const L&, const R&) {
  static_assert(diag::operands_are_expressions<L, R>,
                "typenet: operator-: both operands must be typenet expressions; write numbers as exact constants, e.g. x - 2_c");
  if constexpr (!diag::operands_are_expressions<L, R> || detail::any_poison<L, R>) return poison{};
  else if constexpr (!detail::check_broadcast<errors::subtract_shapes, L, R>()) return poison{};
  else return detail::elementwise_result_t<L, R, sub_t<raw_t<L>, raw_t<R>>>{};
}

/// -a = (-1) a.
template <class A>
  requires Operand<A>
constexpr auto operator-(const A&) {
  if constexpr (Poisoned<A>) return poison{};
  else return handle_t<neg_t<raw_t<A>>>{};
}

/// a * b: a matrix product when both are matrices (M x K times K x N), else a
/// scaling (either side 1 x 1).  Scaling: d/da = b, d/db = a.
template <class L, class R>
  requires(Operand<L> || Operand<R>)
constexpr auto operator*(const L&, const R&) {
  static_assert(diag::operands_are_expressions<L, R>,
                "typenet: operator*: both operands must be typenet expressions; write numbers as exact constants, e.g. 2_c * x");
  if constexpr (!diag::operands_are_expressions<L, R> || detail::any_poison<L, R>) return poison{};
  else if constexpr (!detail::is_matrix_product<L, R>) return detail::elementwise_result_t<L, R, mul_t<raw_t<L>, raw_t<R>>>{};
  else if constexpr (!detail::check_matmul<L, R>()) return poison{};
  else return handle_t<matmul_t<raw_t<L>, raw_t<R>>>{};
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
    else if constexpr (!detail::check_broadcast<errors::divide_shapes, L, R>()) return poison{};
    else return detail::elementwise_result_t<L, R, div_t<raw_t<L>, raw_t<R>>>{};
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
    else if constexpr (!detail::check_broadcast<errors::pow_shapes, B, E>()) return poison{};
    else return detail::elementwise_result_t<B, E, pow_t<raw_t<B>, raw_t<E>>>{};
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

/// `tn::hadamard(a, b)`: the elementwise product (with broadcasting).
struct hadamard_function {
  template <class L, class R>
  constexpr auto operator()(const L&, const R&) const {
    static_assert(diag::operands_are_expressions<L, R>, "typenet: hadamard(a, b): both must be typenet expressions");
    if constexpr (!diag::operands_are_expressions<L, R> || detail::any_poison<L, R>) return poison{};
    else if constexpr (!detail::check_broadcast<errors::hadamard_shapes, L, R>()) return poison{};
    else return detail::elementwise_result_t<L, R, mul_t<raw_t<L>, raw_t<R>>>{};
  }
};
inline constexpr hadamard_function hadamard{};

/// `tn::square(a)` = a^2 (elementwise).
struct square_function {
  template <class A>
  constexpr auto operator()(const A& a) const {
    return pow(a, constant<2>{});
  }
};
inline constexpr square_function square{};

}  // namespace typenet
