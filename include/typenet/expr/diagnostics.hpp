#pragma once
/// Named conditions for typenet's static_asserts. clang prints the failing
/// condition with its template arguments on the first error line, g++ prints
/// it in the note right after, so the names are chosen to read as prose:
/// `typenet::diag::variable_is_bound<"y", false>`.
#include <typenet/expr/node.hpp>

namespace typenet::diag {

template <class L, class R>
inline constexpr bool operands_are_expressions = Operand<L> && Operand<R>;

template <class Function, class Argument>
inline constexpr bool argument_is_expression = Operand<Argument>;

template <fixed_string Name, bool Bound>
inline constexpr bool variable_is_bound = Bound;

template <fixed_string Name, bool Once>
inline constexpr bool variable_is_bound_once = Once;

template <class Argument>
inline constexpr bool argument_is_binding = false;

template <fixed_string Name, bool OneShape>
inline constexpr bool variable_has_one_shape = OneShape;

template <class Expression>
inline constexpr bool is_expression = Operand<Expression>;

template <class Wrt>
inline constexpr bool differentiates_with_respect_to_variable = Variable<Wrt> || Poisoned<Wrt>;

template <class Wrt>
inline constexpr bool is_not_a_constant = !Constant<Wrt>;

template <class Divisor>
inline constexpr bool divisor_is_not_zero = !std::is_same_v<Divisor, zero>;

}  // namespace typenet::diag
