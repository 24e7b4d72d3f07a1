#pragma once
#include <string_view>

#include <typenet/core/math.hpp>
#include <typenet/ops/unary.hpp>
#include <typenet/simplify/sum.hpp>

namespace typenet {

/// f = 1 / (1 + e^-a);  df/da = f (1 - f), from the forward value.
struct sigmoid_op : unary_op_base<sigmoid_op> {
  static constexpr std::string_view name = "sigmoid";
  template <class Info, class T, std::size_t K>
  static constexpr T eval(Info, const std::array<T, K>& x) {
    return math::sigmoid(x[0]);
  }
  template <class Self, class A>
  static constexpr mul_t<Self, sub_t<one, Self>> derivative(Self, A) {
    return {};
  }
  static constexpr constant<1, 2> simplify(zero) { return {}; }
};

inline constexpr unary_function<sigmoid_op> sigmoid{};

}  // namespace typenet
