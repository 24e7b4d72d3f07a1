// A plain number is not an expression: the user meant 2_c.
// EXPECT: typenet: operator\*: both operands must be typenet expressions
#include <typenet/typenet.hpp>
namespace tn = typenet;
using namespace tn::literals;
int main() {
  constexpr auto x = tn::var<"x">;
#ifdef TYPENET_CONTROL
  auto f = x * 2_c;
#else
  auto f = x * 2;
#endif
  return static_cast<int>(tn::eval(f, x = 1.0)) - 2;
}
