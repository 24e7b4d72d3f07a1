// Solving c(x) = sqrt(ln(x^2)) = 2.13 with Newton's method, using the
// symbolic derivative:  x_{k+1} = x_k - (c(x_k) - 2.13) / c'(x_k).
//
// c'(x) = 1 / (x sqrt(ln(x^2))) is derived and simplified at compile time
// and checked against finite differences. The root is x = exp(2.13^2 / 2)
// = 9.66441 (within 1e-3 of the often quoted 9.6653). The program exits
// with 1 if a check fails.
#include <cmath>
#include <cstdio>
#include <iostream>
#include <tuple>

#include <typenet/typenet.hpp>

namespace tn = typenet;
using namespace tn::literals;

int main() {
  bool ok = true;
  auto fail = [&](const char* what) {
    std::cerr << "solve_sqrt_log: " << what << "\n";
    ok = false;
  };

  constexpr auto x = tn::var<"x">;
  constexpr auto c = tn::sqrt(tn::log(tn::pow(x, 2_c)));
  constexpr auto dc = tn::grad(c, x);

  std::cout << "c(x)   = " << tn::to_string(c) << "\n"
            << "c'(x)  = " << tn::to_string(dc) << "\n\n";

  // The symbolic derivative against central finite differences.
  for (double at : {-3.0, 1.5, 5.0, 9.6653, 100.0}) {
    const auto check = tn::gradient_check(c, x = at);
    std::cout << "at x = " << at << ": " << check;
    if (!check.passed()) fail("gradient check of c'(x) failed");
  }

  // c'(x) = 1/(x sqrt(ln x^2)) is what the simplifier should have produced.
  for (double at : {-3.0, 1.5, 5.0}) {
    const double expected = 1.0 / (at * std::sqrt(std::log(at * at)));
    if (std::abs(tn::eval(dc, x = at) - expected) > 1e-12 * std::abs(expected)) fail("c'(x) != 1/(x sqrt(ln x^2))");
  }

  // Newton's method. One eval of the tuple (c, c') per step: the shared
  // nodes (x^2, its log, its square root) are computed once.
  constexpr double target = 2.13;
  double xk = 5.0;
  bool converged = false;
  std::cout << "\nNewton's method for c(x) = " << target << ", from x0 = " << xk << ":\n";
  std::printf("  %2s  %18s  %22s\n", "k", "x_k", "c(x_k) - 2.13");
  for (int k = 0; k < 50; ++k) {
    const auto [value, slope] = tn::eval(std::tuple{c, dc}, x = xk);
    std::printf("  %2d  %18.12f  %22.15e\n", k, xk, value - target);
    const double step = (value - target) / slope;
    xk -= step;
    if (std::abs(step) <= 1e-13 * std::abs(xk)) {
      converged = true;
      std::printf("  %2d  %18.12f  %22.15e\n", k + 1, xk, tn::eval(c, x = xk) - target);
      break;
    }
  }
  if (!converged) fail("Newton's method did not converge in 50 steps");

  const double closed_form = std::exp(target * target / 2.0);
  std::printf("\nx = %.12f;  closed form exp(2.13^2 / 2) = %.12f\n", xk, closed_form);

  if (!(std::abs(xk - 9.6653) < 1e-3)) fail("the root is not within 1e-3 of 9.6653");
  if (!(std::abs(xk - closed_form) < 1e-10 * closed_form)) fail("the root differs from exp(2.13^2 / 2)");
  if (!(std::abs(tn::eval(c, x = xk) - target) < 1e-12)) fail("c(root) != 2.13");

  if (!ok) {
    std::cerr << "solve_sqrt_log: FAILED\n";
    return 1;
  }
  return 0;
}
