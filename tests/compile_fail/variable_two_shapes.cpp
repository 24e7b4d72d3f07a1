// One name, one shape: the same variable name with two shapes in one expression is an error.
// EXPECT: typenet: a variable name is used with two different shapes in one expression
#include <typenet/typenet.hpp>
namespace tn = typenet;
using namespace tn::literals;
int main() {
  constexpr auto W = tn::var<"W", 16, 784>;
  constexpr auto X = tn::var<"X", 784, 32>;
  constexpr auto V = tn::var<"V", 32, 1>;
  [[maybe_unused]] constexpr auto R = tn::var<"R", 1, 784>;
#ifdef TYPENET_CONTROL
  constexpr auto W2 = tn::var<"W2", 784, 16>; [[maybe_unused]] auto v = tn::eval(tn::sum(W) + tn::sum(W2), W = tn::matrix<double, 16, 784>{}, W2 = tn::matrix<double, 784, 16>{});
#else
  constexpr auto W2 = tn::var<"W", 784, 16>; [[maybe_unused]] auto v = tn::eval(tn::sum(W) + tn::sum(W2), W = tn::matrix<double, 16, 784>{});
#endif
  (void)W; (void)X; (void)V;
  return 0;
}
