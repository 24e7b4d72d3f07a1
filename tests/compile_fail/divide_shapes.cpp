// Elementwise / needs shapes that broadcast.
// EXPECT: (operator/: shapes do not broadcast|divide_shapes)
// EXPECT: 16(x|, )784
// EXPECT: 32(x|, )1
#include "../support/shape_vars.hpp"
int main() {
#ifdef TYPENET_CONTROL
  [[maybe_unused]] auto f = W / R;
#else
  [[maybe_unused]] auto f = W / V;
#endif
  return 0;
}
