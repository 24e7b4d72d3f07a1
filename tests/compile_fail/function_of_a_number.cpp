// Elementary functions take expressions, not run-time numbers.
// EXPECT: typenet: the argument of an elementary function .* must be a typenet expression
#include <typenet/typenet.hpp>
namespace tn = typenet;
using namespace tn::literals;
int main() {
#ifdef TYPENET_CONTROL
  auto f = tn::exp(0_c);
#else
  auto f = tn::exp(0.0);
#endif
  return static_cast<int>(tn::eval(f)) - 1;
}
