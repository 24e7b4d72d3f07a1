// Gradients are of scalar functions (a loss); a matrix must be reduced first.
// EXPECT: (grad\(f, v\): f must be 1x1|grad_of_a_matrix)
// EXPECT: 16(x|, )32
#include "../support/shape_vars.hpp"
int main() {
#ifdef TYPENET_CONTROL
  [[maybe_unused]] auto g = tn::grad(tn::sum(W * X), W);
#else
  [[maybe_unused]] auto g = tn::grad(W * X, W);
#endif
  return 0;
}
