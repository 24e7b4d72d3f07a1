#pragma once
/// gelu(x) = x/2 (1 + tanh(u)), u = sqrt(2/pi) (x + 0.044715 x^3): PyTorch's
/// nn.GELU(approximate='tanh'). Computed as x sigmoid(2u) (1 + tanh(u) =
/// 2 sigmoid(2u)), which has no cancellation for negative x where 1 + tanh(u)
/// loses every digit; gelu(-inf) is its limit 0, gelu(+inf) = +inf.
/// d/dx = s + gelu(x) (1 - s) 2u' with s = sigmoid(2u),
/// 2u' = 2 sqrt(2/pi) (1 + 3 * 0.044715 x^2).
#include <cstdint>
#include <limits>
#include <string_view>

#include <typenet/core/math.hpp>
#include <typenet/ops/sigmoid.hpp>
#include <typenet/ops/unary.hpp>
#include <typenet/simplify/power.hpp>
#include <typenet/simplify/sum.hpp>

namespace typenet {

struct gelu_op : unary_op_base<gelu_op> {
  static constexpr std::string_view name = "gelu";
  /// 2 sqrt(2/pi) and 2 sqrt(2/pi) 0.044715 for the value rule.
  static constexpr long double two_c = 1.5957691216057307117597842397375274738L;
  static constexpr long double two_ck = two_c * 0.044715L;
  /// The same as exact constants for the derivative: 2 sqrt(2/pi) to within
  /// 1.6e-16 of itself (a continued-fraction convergent), 0.044715 exactly.
  using two_c_exact = constant<2 * 65840739, 82519129>;
  using k_exact = constant<8943, 200000>;
  template <class A>
  using twice_u = add_t<mul_t<two_c_exact, A>, mul_t<mul_t<two_c_exact, k_exact>, pow_t<A, constant<3>>>>;

  template <class Info, class T, std::size_t K>
  static constexpr T eval(Info, const std::array<T, K>& x) {
    using E = math::element_t<T>;
    const T v = x[0];
    const T s = math::sigmoid(v * (T(E(two_c)) + T(E(two_ck)) * (v * v)));
    return math::select(v == T(-std::numeric_limits<E>::infinity()), T(E(0)), v * s);
  }
  template <class Self, class A>
  static constexpr auto derivative(Self, A) {
    using s = unary_t<sigmoid_op, twice_u<A>>;
    using twice_du = add_t<two_c_exact, mul_t<mul_t<constant<3>, mul_t<two_c_exact, k_exact>>, pow_t<A, constant<2>>>>;
    return add_t<s, mul_t<mul_t<Self, sub_t<one, s>>, twice_du>>{};
  }
  static constexpr zero simplify(zero) { return {}; }
};

inline constexpr unary_function<gelu_op> gelu{};

}  // namespace typenet
