// A value bound to a matrix variable must have its shape; the error names the variable's shape and the value's.
// EXPECT: typenet: binding W = value: W is 16x784, the value is 784x16
#include "../support/shape_vars.hpp"
int main() {
#ifdef TYPENET_CONTROL
  [[maybe_unused]] auto b = (W = tn::matrix<float, 16, 784>{});
#else
  [[maybe_unused]] auto b = (W = tn::matrix<float, 784, 16>{});
#endif
  return 0;
}
