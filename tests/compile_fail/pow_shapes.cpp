// An elementwise power needs shapes that broadcast.
// EXPECT: typenet: pow\(base, exponent\): shapes do not broadcast: 16x784 and 32x1
#include "../support/shape_vars.hpp"
int main() {
#ifdef TYPENET_CONTROL
  [[maybe_unused]] auto f = tn::pow(W, R);
#else
  [[maybe_unused]] auto f = tn::pow(W, V);
#endif
  return 0;
}
