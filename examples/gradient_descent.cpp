// Gradient descent on J(x) = x^2 with learning rate 0.3, where the update
// rule itself is an expression:  x <- x - 0.3 dJ/dx = x - 0.3 (2x) = 2x/5.
//
// From x0 = 1.2 the iterates are 0.48, 0.192, 0.0768, 0.03072. They are
// computed and checked at compile time (static_assert) and again at run
// time; the program exits with 1 if a check fails.
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <iostream>
#include <type_traits>

#include <typenet/typenet.hpp>

namespace tn = typenet;
using namespace tn::literals;

namespace {

constexpr auto x = tn::var<"x">;
constexpr auto J = tn::pow(x, 2_c);
constexpr auto dJ = tn::grad(J, x);              // 2*x
constexpr auto update = x - 0.3_c * dJ;          // 0.3_c is exactly 3/10, so this folds to 2*x/5
static_assert(std::is_same_v<std::remove_const_t<decltype(update)>, decltype(2_c * x / 5_c)>);

constexpr std::size_t steps = 4;
constexpr std::array<double, steps + 1> expected{1.2, 0.48, 0.192, 0.0768, 0.03072};

/// x_0 = x0, x_{k+1} = update(x_k); usable at compile time and at run time.
constexpr std::array<double, steps + 1> descend(double x0) {
  std::array<double, steps + 1> xs{x0};
  for (std::size_t k = 0; k < steps; ++k) xs[k + 1] = tn::eval(update, x = xs[k]);
  return xs;
}

constexpr bool near(double a, double b) { return (a > b ? a - b : b - a) <= 1e-12; }

// 0.48 etc. are not exact in binary, hence the tolerance.
static_assert([] {
  constexpr auto xs = descend(1.2);
  for (std::size_t k = 0; k <= steps; ++k)
    if (!near(xs[k], expected[k])) return false;
  return true;
}());

}  // namespace

int main() {
  std::cout << "J(x)        = " << tn::to_string(J) << "\n"
            << "dJ/dx       = " << tn::to_string(dJ) << "\n"
            << "x - 0.3*dJ  = " << tn::to_string(update) << "\n\n";

  volatile double x0 = 1.2;  // the run-time path, not constant-folded
  const auto xs = descend(x0);

  bool ok = true;
  std::printf("  %4s  %12s  %12s\n", "step", "x", "J(x)");
  for (std::size_t k = 0; k <= steps; ++k) {
    std::printf("  %4zu  %12.8g  %12.8g\n", k, xs[k], tn::eval(J, x = xs[k]));
    if (!near(xs[k], expected[k])) {
      std::cerr << "gradient_descent: step " << k << " gave x = " << xs[k] << ", expected " << expected[k] << "\n";
      ok = false;
    }
  }
  if (!ok) {
    std::cerr << "gradient_descent: FAILED\n";
    return 1;
  }
  return 0;
}
