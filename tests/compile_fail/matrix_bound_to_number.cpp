// A matrix variable cannot be bound to a number.
// EXPECT: typenet: binding: a matrix variable is bound to a number
#include <typenet/typenet.hpp>
namespace tn = typenet;
using namespace tn::literals;
int main() {
  constexpr auto W = tn::var<"W", 16, 784>;
  constexpr auto X = tn::var<"X", 784, 32>;
  constexpr auto V = tn::var<"V", 32, 1>;
  [[maybe_unused]] constexpr auto R = tn::var<"R", 1, 784>;
#ifdef TYPENET_CONTROL
  [[maybe_unused]] auto b = (V = tn::matrix<double, 32, 1>{});
#else
  [[maybe_unused]] auto b = (V = 1.0);
#endif
  (void)W; (void)X; (void)V;
  return 0;
}
