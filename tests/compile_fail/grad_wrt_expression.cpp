// grad takes variables, not compound expressions.
// EXPECT: typenet: grad\(f, v\): v must be a variable
#include <typenet/typenet.hpp>
namespace tn = typenet;
using namespace tn::literals;
int main() {
  constexpr auto x = tn::var<"x">;
  constexpr auto y = tn::var<"y">;
  auto f = x * y;
#ifdef TYPENET_CONTROL
  auto g = tn::grad(f, y);
#else
  auto g = tn::grad(f, x * y);
#endif
  return static_cast<int>(tn::eval(g, x = 1.0, y = 2.0)) - 1;
}
