#pragma once
#include <cmath>
#include <string_view>

#include <typenet/ops/exp.hpp>
#include <typenet/ops/unary.hpp>
#include <typenet/simplify/sum.hpp>

namespace typenet {

/// f = ln a;  df/da = 1/a.
struct log_op : unary_op_base<log_op> {
  static constexpr std::string_view name = "log";
  template <class Info, class T, std::size_t K>
  static constexpr T eval(Info, const std::array<T, K>& x) {
    return math::log(x[0]);
  }
  template <class Self, class A>
  static constexpr pow_t<A, constant<-1>> derivative(Self, A) {
    return {};
  }
  static constexpr zero simplify(one) { return {}; }
  template <class X>
  static constexpr X simplify(node<exp_op, X>) {  // log(e^x) = x
    return {};
  }
};

/// Natural logarithm.
inline constexpr unary_function<log_op> log{};

}  // namespace typenet
