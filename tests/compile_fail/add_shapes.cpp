// Elementwise + needs shapes that broadcast (equal, or 1 along a dimension).
// EXPECT: (operator\+: shapes do not broadcast|add_shapes)
// EXPECT: 16(x|, )784
// EXPECT: 32(x|, )1
#include <typenet/typenet.hpp>
namespace tn = typenet;
using namespace tn::literals;
int main() {
  constexpr auto W = tn::var<"W", 16, 784>;
  constexpr auto X = tn::var<"X", 784, 32>;
  constexpr auto V = tn::var<"V", 32, 1>;
  [[maybe_unused]] constexpr auto R = tn::var<"R", 1, 784>;
#ifdef TYPENET_CONTROL
  [[maybe_unused]] auto f = W + R;
#else
  [[maybe_unused]] auto f = W + V;
#endif
  (void)W; (void)X; (void)V;
  return 0;
}
