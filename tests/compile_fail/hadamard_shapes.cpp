// The elementwise product needs shapes that broadcast.
// EXPECT: typenet: hadamard\(a, b\): shapes do not broadcast: 16x784 and 784x32
#include "../support/shape_vars.hpp"
int main() {
#ifdef TYPENET_CONTROL
  [[maybe_unused]] auto f = tn::hadamard(W, R);
#else
  [[maybe_unused]] auto f = tn::hadamard(W, X);
#endif
  return 0;
}
