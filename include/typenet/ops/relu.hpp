#pragma once
#include <cstdint>
#include <string_view>

#include <typenet/ops/unary.hpp>
#include <typenet/simplify/sum.hpp>

namespace typenet {

/// f = [a > 0] (Heaviside step). Its derivative is 0 almost everywhere; it is
/// the mask of relu' and is evaluated on relu's output (relu(a) > 0 iff a > 0).
struct step_op : unary_op_base<step_op> {
  static constexpr std::string_view name = "step";
  template <class Info, class T, std::size_t K>
  static constexpr T eval(Info, const std::array<T, K>& x) {
    return math::step(x[0]);
  }
  template <class Self, class A>
  static constexpr zero derivative(Self, A) {
    return {};
  }
  template <std::intmax_t N, std::intmax_t D>
  static constexpr constant<(N > 0 ? 1 : 0)> simplify(constant<N, D>) {
    return {};
  }
};

/// f = max(a, 0);  df/da = step(f): the mask comes from the forward value.
struct relu_op : unary_op_base<relu_op> {
  static constexpr std::string_view name = "relu";
  template <class Info, class T, std::size_t K>
  static constexpr T eval(Info, const std::array<T, K>& x) {
    return math::relu(x[0]);
  }
  template <class Self, class A>
  static constexpr node<step_op, Self> derivative(Self, A) {
    return {};
  }
  template <std::intmax_t N, std::intmax_t D>
  static constexpr constant<(N > 0 ? N : 0), (N > 0 ? D : 1)> simplify(constant<N, D>) {
    return {};
  }
  template <class X>
  static constexpr node<relu_op, X> simplify(node<relu_op, X>) {  // relu(relu(x)) = relu(x)
    return {};
  }
};

inline constexpr unary_function<relu_op> relu{};
inline constexpr unary_function<step_op> step{};

}  // namespace typenet
