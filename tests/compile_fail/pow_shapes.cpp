// An elementwise power needs shapes that broadcast.
// EXPECT: (pow\(base, exponent\): shapes do not broadcast|pow_shapes)
// EXPECT: 16(x|, )784
// EXPECT: 32(x|, )1
#include "../support/shape_vars.hpp"
int main() {
#ifdef TYPENET_CONTROL
  [[maybe_unused]] auto f = tn::pow(W, R);
#else
  [[maybe_unused]] auto f = tn::pow(W, V);
#endif
  return 0;
}
