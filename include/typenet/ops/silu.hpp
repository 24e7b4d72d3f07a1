#pragma once
/// silu(x) = x sigmoid(x) (PyTorch's nn.SiLU, also called swish);
/// d/dx = s + silu(x) (1 - s) with s = sigmoid(x), which reuses the forward
/// value. silu(-inf) is its limit 0 (x s would be -inf * 0); silu(+inf) = +inf.
#include <limits>
#include <string_view>

#include <typenet/core/math.hpp>
#include <typenet/ops/sigmoid.hpp>
#include <typenet/ops/unary.hpp>
#include <typenet/simplify/sum.hpp>

namespace typenet {

struct silu_op : unary_op_base<silu_op> {
  static constexpr std::string_view name = "silu";
  template <class Info, class T, std::size_t K>
  static constexpr T eval(Info, const std::array<T, K>& x) {
    using E = math::element_t<T>;
    return math::select(x[0] == T(-std::numeric_limits<E>::infinity()), T(E(0)), x[0] * math::sigmoid(x[0]));
  }
  template <class Self, class A>
  static constexpr add_t<unary_t<sigmoid_op, A>, mul_t<Self, sub_t<one, unary_t<sigmoid_op, A>>>> derivative(Self, A) {
    return {};
  }
  static constexpr zero simplify(zero) { return {}; }
};

inline constexpr unary_function<silu_op> silu{};

}  // namespace typenet
