#pragma once
#include <cmath>
#include <string_view>

#include <typenet/ops/unary.hpp>
#include <typenet/simplify/sum.hpp>

namespace typenet {

/// f = e^a;  df/da = e^a = f (the forward value is reused).
struct exp_op : unary_op_base<exp_op> {
  static constexpr std::string_view name = "exp";
  template <class Info, class T, std::size_t K>
  static constexpr T eval(Info, const std::array<T, K>& x) {
    return math::exp(x[0]);
  }
  template <class Self, class A>
  static constexpr Self derivative(Self, A) {
    return {};
  }
  static constexpr one simplify(zero) { return {}; }
  template <class X>
  static constexpr X simplify(node<log_op, X>) {  // e^log(x) = x (x > 0, where log is defined)
    return {};
  }
};

inline constexpr unary_function<exp_op> exp{};

}  // namespace typenet
