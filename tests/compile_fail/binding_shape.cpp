// A value bound to a matrix variable must have its shape; the error names the variable's shape and the value's.
// EXPECT: (binding W = value: W is 16x784, the value is 784x16|bound_value_shape.*16, 784>, typenet::shape<784, 16)
#include <typenet/typenet.hpp>
namespace tn = typenet;
using namespace tn::literals;
int main() {
  constexpr auto W = tn::var<"W", 16, 784>;
  constexpr auto X = tn::var<"X", 784, 32>;
  constexpr auto V = tn::var<"V", 32, 1>;
  [[maybe_unused]] constexpr auto R = tn::var<"R", 1, 784>;
#ifdef TYPENET_CONTROL
  [[maybe_unused]] auto b = (W = tn::matrix<float, 16, 784>{});
#else
  [[maybe_unused]] auto b = (W = tn::matrix<float, 784, 16>{});
#endif
  (void)W; (void)X; (void)V;
  return 0;
}
