#pragma once
/// softplus(x) = log(1 + e^x), computed as max(x, 0) + log(1 + e^-|x|) so it
/// never overflows;  d/dx = sigmoid(x). Binary cross-entropy on logits is
/// mean(softplus(z) - y z), whose gradient is (sigmoid(z) - y) / n.
#include <string_view>

#include <typenet/core/math.hpp>
#include <typenet/ops/sigmoid.hpp>
#include <typenet/ops/unary.hpp>

namespace typenet {

struct softplus_op : unary_op_base<softplus_op> {
  static constexpr std::string_view name = "softplus";
  template <class Info, class T, std::size_t K>
  static constexpr T eval(Info, const std::array<T, K>& x) {
    using E = math::element_t<T>;
    return math::relu(x[0]) + math::log(T(E(1)) + math::exp(-math::abs(x[0])));
  }
  template <class Self, class A>
  static constexpr unary_t<sigmoid_op, A> derivative(Self, A) {
    return {};
  }
};

inline constexpr unary_function<softplus_op> softplus{};

}  // namespace typenet
