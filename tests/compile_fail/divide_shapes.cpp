// Elementwise / needs shapes that broadcast.
// EXPECT: typenet: operator/: shapes do not broadcast: 16x784 / 32x1
#include "../support/shape_vars.hpp"
int main() {
#ifdef TYPENET_CONTROL
  [[maybe_unused]] auto f = W / R;
#else
  [[maybe_unused]] auto f = W / V;
#endif
  return 0;
}
