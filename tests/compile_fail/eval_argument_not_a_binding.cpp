// Values are bound by name, never by position.
// EXPECT: typenet: eval\(expr, bindings...\): every argument after the expression must be a binding
#include <typenet/typenet.hpp>
namespace tn = typenet;
int main() {
  constexpr auto x = tn::var<"x">;
#ifdef TYPENET_CONTROL
  const double v = tn::eval(x * x, x = 3.0);
#else
  const double v = tn::eval(x * x, 3.0);
#endif
  return static_cast<int>(v) - 9;
}
