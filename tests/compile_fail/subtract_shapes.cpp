// Elementwise - needs shapes that broadcast.
// EXPECT: typenet: operator-: shapes do not broadcast: 16x784 - 784x32
#include "../support/shape_vars.hpp"
int main() {
#ifdef TYPENET_CONTROL
  [[maybe_unused]] auto f = W - R;
#else
  [[maybe_unused]] auto f = W - X;
#endif
  return 0;
}
