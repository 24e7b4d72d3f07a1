// A matrix product needs the inner dimensions to agree; the error names both shapes.
// EXPECT: matmul(: |_)inner.dimensions.differ
// EXPECT: 16(x|, )784
// EXPECT: 32(x|, )1
#include "../support/shape_vars.hpp"
int main() {
#ifdef TYPENET_CONTROL
  [[maybe_unused]] auto f = W * X;
#else
  [[maybe_unused]] auto f = W * V;
#endif
  return 0;
}
