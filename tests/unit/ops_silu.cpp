// tn::silu through the generic op suite (tests/support/op_suite.hpp).
#define TYPENET_KERNEL_COUNTERS
#include <boost/test/unit_test.hpp>

#include <cmath>

#include <typenet/ops/silu.hpp>

#include "../support/op_suite.hpp"

namespace {
// PyTorch's definition x / (1 + e^-x), with its limit 0 at -inf.
long double silu_ref(long double x) { return std::isinf(x) && x < 0 ? 0.0L : x / (1 + std::exp(-x)); }
long double silu_ref_derivative(long double x) {
  const long double s = 1 / (1 + std::exp(-x));
  return s * (1 + x * (1 - s));
}
}  // namespace

TYPENET_UNARY_OP_SUITE(silu, typenet::silu_op,
                       {.value = silu_ref, .derivative = silu_ref_derivative, .printed = "silu(x)"})
