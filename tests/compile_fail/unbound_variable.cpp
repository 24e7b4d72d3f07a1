// Every variable of the expression needs a value at eval (clang also names it
// on this line: variable_is_bound<"y", false>; g++ names it in the next note).
// EXPECT: typenet: eval: a variable of the expression is not bound
#include <typenet/typenet.hpp>
namespace tn = typenet;
int main() {
  constexpr auto x = tn::var<"x">;
  constexpr auto y = tn::var<"y">;
#ifdef TYPENET_CONTROL
  const double v = tn::eval(x * y, x = 1.0, y = 2.0);
#else
  const double v = tn::eval(x * y, x = 1.0);
#endif
  return static_cast<int>(v) - 2;
}
