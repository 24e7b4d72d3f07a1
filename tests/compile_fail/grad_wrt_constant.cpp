// Differentiating with respect to a constant is meaningless.
// EXPECT: typenet: grad\(f, v\): v is a constant
#include <typenet/typenet.hpp>
namespace tn = typenet;
using namespace tn::literals;
int main() {
  constexpr auto x = tn::var<"x">;
  auto f = x * x;
#ifdef TYPENET_CONTROL
  auto g = tn::grad(f, x);
#else
  auto g = tn::grad(f, 2_c);
#endif
  return static_cast<int>(tn::eval(g, x = 1.0)) - 2;
}
