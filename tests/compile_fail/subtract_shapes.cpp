// Elementwise - needs shapes that broadcast.
// EXPECT: (operator-: shapes do not broadcast|subtract_shapes)
// EXPECT: 16(x|, )784
// EXPECT: 784(x|, )32
#include "../support/shape_vars.hpp"
int main() {
#ifdef TYPENET_CONTROL
  [[maybe_unused]] auto f = W - R;
#else
  [[maybe_unused]] auto f = W - X;
#endif
  return 0;
}
