#pragma once
#include <cmath>
#include <string_view>

#include <typenet/ops/unary.hpp>
#include <typenet/simplify/sum.hpp>

namespace typenet {

/// f = tanh a;  df/da = 1 - f^2, from the forward value.
struct tanh_op : unary_op_base<tanh_op> {
  static constexpr std::string_view name = "tanh";
  template <class Info, class T, std::size_t K>
  static constexpr T eval(Info, const std::array<T, K>& x) {
    return math::tanh(x[0]);
  }
  template <class Self, class A>
  static constexpr sub_t<one, pow_t<Self, constant<2>>> derivative(Self, A) {
    return {};
  }
  static constexpr zero simplify(zero) { return {}; }
};

inline constexpr unary_function<tanh_op> tanh{};

}  // namespace typenet
