// tn::gelu (tanh approximation) through the generic op suite (tests/support/op_suite.hpp).
#define TYPENET_KERNEL_COUNTERS
#include <boost/test/unit_test.hpp>

#include <cmath>

#include <typenet/ops/gelu.hpp>

#include "../support/op_suite.hpp"

namespace {
// PyTorch's definition x/2 (1 + tanh(u)), u = sqrt(2/pi) (x + 0.044715 x^3),
// in long double with 1 + tanh(u) written as 2 / (1 + e^-2u) (the same
// number, without the cancellation for u << 0); its limit 0 at -inf.
const long double c = std::sqrt(2 / 3.14159265358979323846264338327950288L);
long double gelu_ref(long double x) {
  return std::isinf(x) && x < 0 ? 0.0L : x / (1 + std::exp(-2 * c * (x + 0.044715L * x * x * x)));
}
// f' = s + x s (1 - s) 2u' with s = sigmoid(2u), 1 - s = sigmoid(-2u) (no
// cancellation in either tail)
long double gelu_ref_derivative(long double x) {
  const long double twice_u = 2 * c * (x + 0.044715L * x * x * x);
  const long double s = 1 / (1 + std::exp(-twice_u));
  const long double one_minus_s = 1 / (1 + std::exp(twice_u));
  return s + x * s * one_minus_s * 2 * c * (1 + 3 * 0.044715L * x * x);
}
}  // namespace

TYPENET_UNARY_OP_SUITE(gelu, typenet::gelu_op,
                       {.value = gelu_ref, .derivative = gelu_ref_derivative, .printed = "gelu(x)"})
