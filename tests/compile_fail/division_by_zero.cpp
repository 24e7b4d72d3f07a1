// Dividing by the exact constant 0 is caught when the expression is built.
// EXPECT: typenet: operator/: division by the exact constant 0
#include <typenet/typenet.hpp>
namespace tn = typenet;
using namespace tn::literals;
int main() {
  constexpr auto x = tn::var<"x">;
#ifdef TYPENET_CONTROL
  auto f = x / (1_c - 0_c);
#else
  auto f = x / (1_c - 1_c);
#endif
  return static_cast<int>(tn::eval(f, x = 1.0)) - 1;
}
