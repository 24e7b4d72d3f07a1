// The elementwise product needs shapes that broadcast.
// EXPECT: (hadamard\(a, b\): shapes do not broadcast|hadamard_shapes)
// EXPECT: 16(x|, )784
// EXPECT: 784(x|, )32
#include "../support/shape_vars.hpp"
int main() {
#ifdef TYPENET_CONTROL
  [[maybe_unused]] auto f = tn::hadamard(W, R);
#else
  [[maybe_unused]] auto f = tn::hadamard(W, X);
#endif
  return 0;
}
