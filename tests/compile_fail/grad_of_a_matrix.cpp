// Gradients are of scalar functions (a loss); a matrix must be reduced first.
// EXPECT: (grad\(f, v\): f must be 1x1|grad_of_a_matrix)
// EXPECT: 16(x|, )32
#include <typenet/typenet.hpp>
namespace tn = typenet;
using namespace tn::literals;
int main() {
  constexpr auto W = tn::var<"W", 16, 784>;
  constexpr auto X = tn::var<"X", 784, 32>;
  constexpr auto V = tn::var<"V", 32, 1>;
  [[maybe_unused]] constexpr auto R = tn::var<"R", 1, 784>;
#ifdef TYPENET_CONTROL
  [[maybe_unused]] auto g = tn::grad(tn::sum(W * X), W);
#else
  [[maybe_unused]] auto g = tn::grad(W * X, W);
#endif
  (void)W; (void)X; (void)V;
  return 0;
}
