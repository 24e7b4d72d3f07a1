// A variable bound twice is ambiguous.
// EXPECT: typenet: eval: a variable is bound twice
#include <typenet/typenet.hpp>
namespace tn = typenet;
int main() {
  constexpr auto x = tn::var<"x">;
#ifdef TYPENET_CONTROL
  const double v = tn::eval(x + x, x = 1.0);
#else
  const double v = tn::eval(x + x, x = 1.0, x = 2.0);
#endif
  return static_cast<int>(v) - 2;
}
