// The seeds' worked examples, proven by the compiler.
#include <typenet/typenet.hpp>

namespace tn = typenet;
using namespace tn::literals;

namespace {

constexpr bool near(double a, double b, double tol = 1e-12) { return (a > b ? a - b : b - a) <= tol; }

// f = (x + y) z at (-2, 5, -4): f = -12, df/dx = z = -4, df/dy = z = -4, df/dz = x + y = 3.
namespace forward_backward {
constexpr auto x = tn::var<"x">;
constexpr auto y = tn::var<"y">;
constexpr auto z = tn::var<"z">;
constexpr auto f = (x + y) * z;
static_assert(tn::eval(f, x = -2.0, y = 5.0, z = -4.0) == -12.0);
static_assert(tn::eval(tn::grad(f, x), x = -2.0, y = 5.0, z = -4.0) == -4.0);
static_assert(tn::eval(tn::grad(f, y), x = -2.0, y = 5.0, z = -4.0) == -4.0);
static_assert(tn::eval(tn::grad(f, z), x = -2.0, y = 5.0, z = -4.0) == 3.0);
// all three at once, sharing the work
constexpr auto all = tn::eval(tn::grad(f, x, y, z), x = -2.0, y = 5.0, z = -4.0);
static_assert(all[0] == -4.0 && all[1] == -4.0 && all[2] == 3.0);
// the derivative with respect to x *is* z: no arithmetic left
static_assert(std::is_same_v<decltype(tn::grad(f, x)), std::remove_const_t<decltype(z)>>);
// in float too
static_assert(tn::eval(tn::grad(f, z), x = -2.0f, y = 5.0f, z = -4.0f) == 3.0f);
}  // namespace forward_backward

// z = x y, x = 2w + 3b, y = 2b + 1 at w = 3, b = 4: z = 162, dz/dw = 18, dz/db = 63.
namespace staged {
constexpr auto w = tn::var<"w">;
constexpr auto b = tn::var<"b">;
constexpr auto x = 2_c * w + 3_c * b;
constexpr auto y = 2_c * b + 1_c;
constexpr auto z = x * y;
static_assert(tn::eval(z, w = 3.0, b = 4.0) == 162.0);
static_assert(tn::eval(tn::grad(z, w), w = 3.0, b = 4.0) == 18.0);
static_assert(tn::eval(tn::grad(z, b), w = 3.0, b = 4.0) == 63.0);
// dz/dw = 2y: the derived expression is the canonical 2*(2b + 1)
static_assert(std::is_same_v<decltype(tn::grad(z, w)), decltype(2_c * y)>);
}  // namespace staged

// Gradient descent on J(x) = x^2 from 1.2 with eta = 0.3: 0.48, 0.192, 0.0768, 0.03072.
namespace descent {
constexpr auto x = tn::var<"x">;
constexpr auto J = x * x;
static_assert(std::is_same_v<decltype(tn::grad(J, x)), decltype(2_c * x)>);
// the update rule x - eta dJ/dx folds to 2x/5 exactly
constexpr auto update = x - 0.3_c * tn::grad(J, x);
static_assert(std::is_same_v<std::remove_const_t<decltype(update)>, decltype(2_c / 5_c * x)>);
constexpr double after(int steps) {
  double v = 1.2;
  for (int i = 0; i < steps; ++i) v = tn::eval(update, x = v);
  return v;
}
static_assert(near(after(1), 0.48));
static_assert(near(after(2), 0.192));
static_assert(near(after(3), 0.0768));
static_assert(near(after(4), 0.03072));
}  // namespace descent

// c = sqrt(ln(x^2)): dc/dx = 1/(x sqrt(ln(x^2))) after simplification
// (1/2 * 2 folds, x^-2 * x = x^-1, sqrt reused as the forward node).
namespace sqrt_log {
constexpr auto x = tn::var<"x">;
constexpr auto c = tn::sqrt(tn::log(tn::pow(x, 2_c)));
static_assert(std::is_same_v<decltype(tn::grad(c, x)), decltype(1_c / (x * c))>);
}  // namespace sqrt_log

}  // namespace
