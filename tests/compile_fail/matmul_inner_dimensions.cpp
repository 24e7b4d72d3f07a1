// A matrix product needs the inner dimensions to agree; the error names both shapes.
// EXPECT: typenet: matmul: inner dimensions differ: 16x784 \* 32x1
#include "../support/shape_vars.hpp"
int main() {
#ifdef TYPENET_CONTROL
  [[maybe_unused]] auto f = W * X;
#else
  [[maybe_unused]] auto f = W * V;
#endif
  return 0;
}
