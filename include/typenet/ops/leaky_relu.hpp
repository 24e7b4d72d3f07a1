#pragma once
#include <cstdint>
#include <string_view>

#include <typenet/ops/unary.hpp>
#include <typenet/simplify/sum.hpp>

namespace typenet {

/// f = 1 if a > 0 else alpha: the mask of leaky_relu', evaluated on leaky_relu's
/// output (same sign as its input for alpha > 0). Derivative 0 almost everywhere.
template <std::intmax_t N, std::intmax_t D>
struct leaky_step_op : unary_op_base<leaky_step_op<N, D>> {
  static constexpr std::string_view name = "leaky_step";
  static constexpr rational parameter{N, D};
  template <class Info, class T, std::size_t K>
  static constexpr T eval(Info, const std::array<T, K>& x) {
    return math::leaky_step(x[0], math::element_t<T>(N) / math::element_t<T>(D));
  }
  template <class Self, class A>
  static constexpr zero derivative(Self, A) {
    return {};
  }
};

/// f = a if a > 0 else alpha a (alpha = N/D, default 1/100 as in PyTorch);
/// df/da = leaky_step(f), from the forward value.
template <std::intmax_t N, std::intmax_t D>
struct leaky_relu_op : unary_op_base<leaky_relu_op<N, D>> {
  static_assert(N > 0 && N < D, "typenet: leaky_relu needs a slope alpha with 0 < alpha < 1");
  static constexpr std::string_view name = "leaky_relu";
  static constexpr rational parameter{N, D};
  template <class Info, class T, std::size_t K>
  static constexpr T eval(Info, const std::array<T, K>& x) {
    return math::leaky_relu(x[0], math::element_t<T>(N) / math::element_t<T>(D));
  }
  template <class Self, class A>
  static constexpr node<leaky_step_op<N, D>, Self> derivative(Self, A) {
    return {};
  }
  template <std::intmax_t P, std::intmax_t Q>
  static constexpr auto simplify(constant<P, Q>) {
    if constexpr (P > 0) return constant<P, Q>{};
    else {
      constexpr rational r = rational{P, Q} * rational{N, D};
      return constant<r.num, r.den>{};
    }
  }
};

/// `tn::leaky_relu(x)` (slope 1/100) or `tn::leaky_relu(x, 1_c / 5_c)`.
struct leaky_relu_function {
  template <class A>
  constexpr auto operator()(A a) const {
    return (*this)(a, constant<1, 100>{});
  }
  template <class A, class Alpha>
  constexpr auto operator()(A, Alpha) const {
    static_assert(diag::argument_is_expression<leaky_relu_function, A>,
                  "typenet: leaky_relu(x, alpha): x must be a typenet expression");
    static_assert(Constant<Alpha>, "typenet: leaky_relu(x, alpha): alpha must be an exact constant such as 1_c / 5_c");
    if constexpr (!Expr<A> || !Constant<Alpha>) return poison{};
    else return handle_t<unary_t<leaky_relu_op<Alpha::value.num, Alpha::value.den>, raw_t<A>>>{};
  }
};

inline constexpr leaky_relu_function leaky_relu{};

}  // namespace typenet
