// A wrong-shape binding passed to tn::eval is reported once, where it is made:
// no second error saying that it is not a binding.
// EXPECT: typenet: binding W = value: W is 16x784, the value is 784x16
#include "../support/shape_vars.hpp"
int main() {
#ifdef TYPENET_CONTROL
  const double v = tn::eval(tn::sum(W), W = tn::matrix<double, 16, 784>{});
#else
  const double v = tn::eval(tn::sum(W), W = tn::matrix<double, 784, 16>{});
#endif
  return static_cast<int>(v);
}
