// One name, one shape: the same variable name with two shapes in one expression is an error.
// EXPECT: typenet: a variable name is used with two different shapes in one expression
#include "../support/shape_vars.hpp"
int main() {
#ifdef TYPENET_CONTROL
  constexpr auto W2 = tn::var<"W2", 784, 16>; [[maybe_unused]] auto v = tn::eval(tn::sum(W) + tn::sum(W2), W = tn::matrix<double, 16, 784>{}, W2 = tn::matrix<double, 784, 16>{});
#else
  constexpr auto W2 = tn::var<"W", 784, 16>; [[maybe_unused]] auto v = tn::eval(tn::sum(W) + tn::sum(W2), W = tn::matrix<double, 16, 784>{});
#endif
  return 0;
}
