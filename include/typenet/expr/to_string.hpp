#pragma once
/// `tn::to_string(expr)`: readable infix with the fewest parentheses.
/// Sums print their constant last and negative terms as subtractions;
/// products print negative powers as a denominator (`2*x/y`), exponent 1/2 as sqrt.
/// The printed form is a tree: a sub-expression shared k times is printed k times.
#include <cstdint>
#include <string>
#include <string_view>

#include <typenet/expr/node.hpp>
#include <typenet/ops/distribution.hpp>
#include <typenet/ops/leaky_relu.hpp>
#include <typenet/ops/matmul.hpp>
#include <typenet/ops/reduce.hpp>
#include <typenet/ops/transpose.hpp>
#include <typenet/simplify/sum.hpp>

namespace typenet {

namespace detail {

enum class precedence : int { sum = 1, product = 2, matmul = 3, power = 4, atom = 5 };

struct printed {
  std::string text;
  precedence prec;
};

inline std::string integer_text(std::intmax_t v) { return std::to_string(v); }
inline std::string rational_text(rational r) {
  return r.den == 1 ? integer_text(r.num) : integer_text(r.num) + "/" + integer_text(r.den);
}

inline std::string parenthesize(const printed& p, precedence at_least) {
  return p.prec < at_least ? "(" + p.text + ")" : p.text;
}

/// factors with exact negative exponents go below the fraction bar
template <class F>
inline constexpr bool in_denominator = false;
template <class B, std::intmax_t N, std::intmax_t D>
inline constexpr bool in_denominator<node<pow_op, B, constant<N, D>>> = (N < 0);

template <class F>
struct reciprocal_factor {
  using type = F;
};
template <class B, std::intmax_t N, std::intmax_t D>
struct reciprocal_factor<node<pow_op, B, constant<N, D>>> {
  using type = pow_t<B, constant<-N, D>>;
};

template <class T>
inline constexpr bool is_negative_term = false;
template <std::intmax_t N, std::intmax_t D>
inline constexpr bool is_negative_term<constant<N, D>> = (N < 0);
template <std::intmax_t N, std::intmax_t D, class... F>
inline constexpr bool is_negative_term<node<product_op, constant<N, D>, F...>> = (N < 0);

struct printer {

template <std::intmax_t N, std::intmax_t D>
static printed print(constant<N, D>) {
  if constexpr (D == 1) return {integer_text(N), N < 0 ? precedence::sum : precedence::atom};
  else return {integer_text(N) + "/" + integer_text(D), precedence::product};
}

template <fixed_string Name, std::size_t R, std::size_t C>
static printed print(variable<Name, R, C>) {
  return {std::string{Name.view()}, precedence::atom};
}

template <class Op, class A>
static printed print(node<Op, A>) {
  std::string text = std::string{Op::name} + "(" + print(A{}).text;
  if constexpr (requires { Op::parameter; }) {
    text += ", " + rational_text(Op::parameter);
  }
  return {text + ")", precedence::atom};
}

/// Matrix product `A @ B` (as in NumPy and PyTorch: `*` is elementwise in
/// printed formulas), transpose `W^T`.
template <class A, class B>
static printed print(node<matmul_op, A, B>) {
  return {parenthesize(print(A{}), precedence::matmul) + " @ " + parenthesize(print(B{}), precedence::power),
          precedence::matmul};
}
template <class A>
static printed print(node<transpose_op, A>) {
  return {parenthesize(print(A{}), precedence::atom) + "^T", precedence::power};
}
template <class A>
static printed print(node<distribution_op, A>) {
  return print(A{});  // a promise about the data, not an operation
}
template <std::size_t R, std::size_t C, class A>
static printed print(node<broadcast_op<R, C>, A>) {
  return {"broadcast(" + print(A{}).text + ", " + std::to_string(R) + "x" + std::to_string(C) + ")", precedence::atom};
}

/// x^e on its own (inside a product, negative powers go to the denominator).
template <class B, class E>
static printed print_power(B, E) {
  const printed base = print(B{});
  if constexpr (Constant<E>) {
    constexpr rational e = E::value;
    if constexpr (e == rational{1, 1}) {
      return base;
    } else if constexpr (e == rational{1, 2}) {
      return {"sqrt(" + base.text + ")", precedence::atom};
    } else if constexpr (e.is_negative()) {
      const printed inverse = print_power(B{}, constant<-e.num, e.den>{});
      return {"1/" + parenthesize(inverse, precedence::power), precedence::product};
    } else if constexpr (e.is_integer()) {
      return {parenthesize(base, precedence::atom) + "^" + integer_text(e.num), precedence::power};
    } else {
      return {parenthesize(base, precedence::atom) + "^(" + integer_text(e.num) + "/" + integer_text(e.den) + ")",
              precedence::power};
    }
  } else {
    return {parenthesize(base, precedence::atom) + "^" + parenthesize(print(E{}), precedence::atom), precedence::power};
  }
}
template <class B, class E>
static printed print(node<pow_op, B, E>) {
  return print_power(B{}, E{});
}


template <class... F>
static printed print_product(rational c, type_list<F...>) {
  std::string numerator;
  std::string denominator;
  int numerator_count = 0;
  int denominator_count = 0;
  bool denominator_is_simple = true;
  auto append = [](std::string& to, const std::string& what) { to += (to.empty() ? "" : "*") + what; };
  const std::intmax_t magnitude = c.num < 0 ? -c.num : c.num;
  if (magnitude != 1) {
    append(numerator, integer_text(magnitude));
    ++numerator_count;
  }
  if (c.den != 1) {
    append(denominator, integer_text(c.den));
    ++denominator_count;
  }
  auto add_factor = [&]<class G>(G) {
    if constexpr (in_denominator<G>) {
      const printed p = print(typename reciprocal_factor<G>::type{});
      append(denominator, parenthesize(p, precedence::power));
      denominator_is_simple = denominator_is_simple && p.prec >= precedence::power;
      ++denominator_count;
    } else {
      append(numerator, parenthesize(print(G{}), precedence::power));
      ++numerator_count;
    }
  };
  (void)std::initializer_list<int>{(add_factor(F{}), 0)...};
  std::string text = numerator_count == 0 ? "1" : numerator;
  if (denominator_count > 0)
    text += "/" + (denominator_count == 1 && denominator_is_simple ? denominator : "(" + denominator + ")");
  if (c.num < 0) text = "-" + text;
  return {text, c.num < 0 ? precedence::sum : precedence::product};
}
template <class... F>
static printed print(node<product_op, F...>) {
  return print_product(rational{1, 1}, type_list<F...>{});
}
template <std::intmax_t N, std::intmax_t D, class... F>
static printed print(node<product_op, constant<N, D>, F...>) {
  return print_product(rational{N, D}, type_list<F...>{});
}


template <class... T>
static printed print(node<sum_op, T...>) {
  std::string text;
  auto add_term = [&]<class U>(U) {
    if constexpr (is_negative_term<U>) {
      // `x - (y - z)`: the magnitude of a negative term keeps its parentheses
      const std::string magnitude = parenthesize(print(neg_t<U>{}), precedence::product);
      text += text.empty() ? "-" + magnitude : " - " + magnitude;
    } else {
      text += (text.empty() ? "" : " + ") + print(U{}).text;
    }
  };
  // Reading order: positive terms, then negative ones, constants last in each
  // group: `2*b + 1`, `1 - sigmoid(x)`, `x - y - 1`. (The stored order puts
  // the constant first; it sorts lowest.)
  auto add_if = [&]<class U>(U, bool negative, bool want_constant) {
    if (is_negative_term<U> == negative && Constant<U> == want_constant) add_term(U{});
  };
  for (bool negative : {false, true})
    for (bool want_constant : {false, true})
      (void)std::initializer_list<int>{(add_if(T{}, negative, want_constant), 0)...};
  return {text, precedence::sum};
}

};

}  // namespace detail

/// Readable infix form of an expression, e.g. `2*(2*b + 1)`.
template <class E>
std::string to_string(const E&) {
  static_assert(diag::is_expression<E>, "typenet: to_string(expr): the argument must be a typenet expression");
  if constexpr (Poisoned<E>) return "<error>";
  else return detail::printer::print(raw_t<E>{}).text;
}

}  // namespace typenet
