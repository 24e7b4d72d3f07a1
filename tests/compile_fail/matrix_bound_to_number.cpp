// A matrix variable cannot be bound to a number.
// EXPECT: typenet: binding: a matrix variable is bound to a number
#include "../support/shape_vars.hpp"
int main() {
#ifdef TYPENET_CONTROL
  [[maybe_unused]] auto b = (V = tn::matrix<double, 32, 1>{});
#else
  [[maybe_unused]] auto b = (V = 1.0);
#endif
  return 0;
}
