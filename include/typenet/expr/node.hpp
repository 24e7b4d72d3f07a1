#pragma once
/// Expression nodes. An expression is a stateless, empty type: the type *is*
/// the graph. Leaves are exact constants and named variables; every inner
/// node is `node<Op, Args...>` where `Op` (one file in ops/ or simplify/)
/// carries the value rule, the derivative rule and the printing rule.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>

#include <typenet/core/fixed_string.hpp>
#include <typenet/core/rational.hpp>
#include <typenet/core/type_list.hpp>
#include <typenet/expr/shape_error.hpp>

namespace typenet {

struct expr_base {};

/// Anything that is a typenet expression (a constant, a variable or a node).
template <class T>
concept Expr = std::is_base_of_v<expr_base, std::remove_cvref_t<T>>;

/// An exact rational constant N/D (always reduced, D > 0). Written `2_c` or `tn::c<1, 2>`.
template <std::intmax_t N, std::intmax_t D = 1>
struct constant : expr_base {
  static_assert(D > 0, "typenet: constant<N, D> needs D > 0");
  static constexpr rational value{N, D};
};

using zero = constant<0>;
using one = constant<1>;

/// What an operation returns after it has reported an error: every further
/// operation on it quietly yields poison again, so the user sees one error.
struct poison {
  // so that `double v = tn::eval(bad...)` adds no second error after the first
  template <class T>
    requires std::is_arithmetic_v<T>
  constexpr operator T() const noexcept {  // NOLINT(google-explicit-constructor)
    return T{};
  }
};

/// A matrix bound by reference: `W = tn::ref(w)` reads w when evaluated
/// instead of copying it into the binding.
template <class M>
struct matrix_ref {
  using value_type = typename M::value_type;
  static constexpr std::size_t rows = M::rows;
  static constexpr std::size_t cols = M::cols;
  const M* pointer;
};
template <class M>
constexpr matrix_ref<M> ref(const M& m) noexcept {
  return {&m};
}

/// A bound value: what `x = 3.0` produces.
template <fixed_string Name, class T>
struct binding {
  static constexpr fixed_string name = Name;
  using value_type = T;
  T value;
};

namespace detail {
template <class T>
struct matrix_shape_of {  // a matrix-like value: T::rows x T::cols; anything else is a scalar
  static constexpr std::size_t rows = 1;
  static constexpr std::size_t cols = 1;
  static constexpr bool is_matrix = false;
};
template <class T>
  requires requires {
    T::rows;
    T::cols;
    typename T::value_type;
  }
struct matrix_shape_of<T> {
  static constexpr std::size_t rows = T::rows;
  static constexpr std::size_t cols = T::cols;
  static constexpr bool is_matrix = true;
};
}  // namespace detail

namespace diag {
template <fixed_string Name, std::size_t Rows, std::size_t Cols>
inline constexpr bool matrix_variable_is_bound_to_a_matrix = false;
}  // namespace diag

/// A named variable of shape Rows x Cols (1 x 1: a scalar). `x = 3.0` or
/// `W = tn::matrix<float, R, C>{...}` binds it for eval.
template <fixed_string Name, std::size_t Rows = 1, std::size_t Cols = 1>
struct variable : expr_base {
  static_assert(Name.size() > 0, "typenet: a variable needs a non-empty name");
  static_assert(Rows > 0 && Cols > 0, "typenet: var<name, rows, cols>: rows and cols must be positive");
  static constexpr fixed_string name = Name;
  static constexpr std::size_t rows = Rows;
  static constexpr std::size_t cols = Cols;

  template <class T>
    requires(!Expr<T>)
  constexpr auto operator=(const T& value) const {  // NOLINT(misc-unconventional-assign-operator)
    using S = detail::matrix_shape_of<T>;
    if constexpr (std::is_arithmetic_v<T>) {
      using V = std::conditional_t<std::is_floating_point_v<T>, T, double>;
      static_assert(diag::matrix_variable_is_bound_to_a_matrix<Name, Rows, Cols> || (Rows == 1 && Cols == 1),
                    "typenet: binding: a matrix variable is bound to a number; bind a tn::matrix of its shape");
      return binding<Name, V>{static_cast<V>(value)};
    } else {
      if constexpr (Rows != S::rows || Cols != S::cols) {
        static_assert(!shape_error<errors::bound_value_shape<Name>, shape<Rows, Cols>, shape<S::rows, S::cols>>::value);
        return poison{};
      } else {
        return binding<Name, T>{value};
      }
    }
  }
};

/// An inner node: operation Op applied to Args.
template <class Op, class... Args>
struct node : expr_base {
  using op = Op;
  using args = type_list<Args...>;
};

/// What a value rule may know about its node at compile time besides the
/// operands' values: `no_info`, or `Op::info<Args...>` (pow's exact exponent).
/// Kept small on purpose: value rules are instantiated per (op, info), not per
/// node, so emitted symbol names never spell out a whole graph.
struct no_info {};
template <class Op, class... A>
struct op_info {
  using type = no_info;  // specialized by the ops that need more (pow)
};

/// The object users hold for an inner node. It is a function-local class, so
/// argument-dependent lookup associates it with namespace typenet only and
/// never walks `Raw`'s template arguments: g++ and clang both walk those
/// without remembering what they visited, which is exponential for DAG-shaped
/// types (a gradient 12 levels deep took 85 s and 5 GB for one `a + b`).
/// The same Raw always gives the same handle type, so type identity (and with
/// it common-subexpression sharing) is kept.
/// Marks handles. Not a template, so ADL gains nothing to walk.
struct handle_base {};

template <class Raw>
constexpr auto expression_handle() noexcept {
  struct expression : expr_base, handle_base {
    using raw [[maybe_unused]] = Raw;
  };
  return expression{};
}

namespace detail {
template <class T>
struct wrap {
  using type = T;  // constants and variables are cheap for ADL: no type arguments
};
template <class Op, class... A>
struct wrap<node<Op, A...>> {
  using type = decltype(expression_handle<node<Op, A...>>());
};
// A trait, not a `requires` check: clang formats the message of every failed
// requires-expression into a string, and printing a DAG-shaped type as text
// is exponential in its depth.
template <class T, bool IsHandle = std::is_base_of_v<handle_base, T>>
struct unwrap {
  using type = T;
};
template <class T>
struct unwrap<T, true> {
  using type = typename T::raw;
};
}  // namespace detail

/// The public type for a raw expression type (a handle for inner nodes).
template <class Raw>
using handle_t = typename detail::wrap<Raw>::type;
/// The raw expression type behind a public one.
template <class T>
using raw_t = typename detail::unwrap<std::remove_cvref_t<T>>::type;

template <class T>
concept Poisoned = std::is_same_v<std::remove_cvref_t<T>, poison>;

/// An operand that may appear in typenet arithmetic without a new diagnostic.
template <class T>
concept Operand = Expr<T> || Poisoned<T>;

namespace detail {
template <class T>
struct is_constant : std::false_type {};
template <std::intmax_t N, std::intmax_t D>
struct is_constant<constant<N, D>> : std::true_type {};
template <class T>
struct is_variable : std::false_type {};
template <fixed_string Name, std::size_t R, std::size_t C>
struct is_variable<variable<Name, R, C>> : std::true_type {};
template <class T, class Op>
struct is_node_of : std::false_type {};
template <class Op, class... A>
struct is_node_of<node<Op, A...>, Op> : std::true_type {};

template <class T>
struct children {
  using type = type_list<>;
};
template <class Op, class... A>
struct children<node<Op, A...>> {
  using type = type_list<A...>;
};
}  // namespace detail

template <class T>
concept Constant = detail::is_constant<std::remove_cvref_t<T>>::value;
template <class T>
concept Variable = detail::is_variable<std::remove_cvref_t<T>>::value;
template <class T, class Op>
concept NodeOf = detail::is_node_of<std::remove_cvref_t<T>, Op>::value;

template <class T>
using children_t = typename detail::children<T>::type;

}  // namespace typenet
