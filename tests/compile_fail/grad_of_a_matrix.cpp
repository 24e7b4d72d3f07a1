// Gradients are of scalar functions (a loss); a matrix must be reduced first.
// EXPECT: typenet: grad\(f, v\): f must be 1x1 .*, but f is 16x32
#include "../support/shape_vars.hpp"
int main() {
#ifdef TYPENET_CONTROL
  [[maybe_unused]] auto g = tn::grad(tn::sum(W * X), W);
#else
  [[maybe_unused]] auto g = tn::grad(W * X, W);
#endif
  return 0;
}
