// evaluator::run checks its bindings like tn::eval, with one error.
// EXPECT: typenet: eval: a variable of the expression is not bound
#include "../support/shape_vars.hpp"
int main() {
  constexpr auto f = tn::sum(W * X);
  tn::evaluator<float, std::remove_cvref_t<decltype(f)>> e;
  tn::matrix<float, 16, 784> w{};
#ifdef TYPENET_CONTROL
  tn::matrix<float, 784, 32> x{};
  e.run(W = tn::ref(w), X = tn::ref(x));
#else
  e.run(W = tn::ref(w));
#endif
  return static_cast<int>(e.get<0>());
}
