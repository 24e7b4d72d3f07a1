// The chain rule, done by the compiler.
//
// (a) f = (x + y) z at x = -2, y = 5, z = -4:
//     f = -12, df/dx = z = -4, df/dy = z = -4, df/dz = x + y = 3.
// (b) a staged computation: x = 2w + 3b, y = 2b + 1, z = x y at w = 3, b = 4:
//     z = 162, dz/dw = 2y = 18, dz/db = 3y + 2x = 63.
//
// The gradients are expressions (types) derived at compile time, so their
// values at these rational points are checked by static_assert; the program
// checks them again at run time and exits with 1 if any of them is off.
#include <cmath>
#include <fstream>
#include <iostream>
#include <string_view>
#include <tuple>

#include <typenet/typenet.hpp>

namespace tn = typenet;
using namespace tn::literals;

namespace {

bool all_ok = true;

void check(std::string_view what, double got, double expected) {
  if (std::abs(got - expected) > 1e-12) {
    std::cerr << "chain_rule: " << what << " = " << got << ", expected " << expected << "\n";
    all_ok = false;
  }
}

void simple_product() {
  constexpr auto x = tn::var<"x">;
  constexpr auto y = tn::var<"y">;
  constexpr auto z = tn::var<"z">;

  constexpr auto f = (x + y) * z;
  constexpr auto df = tn::grad(f, x, y, z);  // std::tuple (df/dx, df/dy, df/dz), sharing work
  constexpr auto dfdx = std::get<0>(df);
  constexpr auto dfdy = std::get<1>(df);
  constexpr auto dfdz = std::get<2>(df);

  static_assert(tn::eval(f, x = -2.0, y = 5.0, z = -4.0) == -12.0);
  static_assert(tn::eval(dfdx, x = -2.0, y = 5.0, z = -4.0) == -4.0);
  static_assert(tn::eval(dfdy, x = -2.0, y = 5.0, z = -4.0) == -4.0);
  static_assert(tn::eval(dfdz, x = -2.0, y = 5.0, z = -4.0) == 3.0);

  // The same at run time, with values the compiler does not see as constants.
  volatile double x0 = -2.0, y0 = 5.0, z0 = -4.0;
  const double fv = tn::eval(f, x = x0, y = y0, z = z0);
  const auto g = tn::eval(df, x = x0, y = y0, z = z0);  // std::array<double, 3>

  std::cout << "(a) f = " << tn::to_string(f) << "   at x = -2, y = 5, z = -4\n"
            << "    f     = " << fv << "\n"
            << "    df/dx = " << tn::to_string(dfdx) << " = " << g[0] << "\n"
            << "    df/dy = " << tn::to_string(dfdy) << " = " << g[1] << "\n"
            << "    df/dz = " << tn::to_string(dfdz) << " = " << g[2] << "\n\n";

  check("(a) f", fv, -12.0);
  check("(a) df/dx", g[0], -4.0);
  check("(a) df/dy", g[1], -4.0);
  check("(a) df/dz", g[2], 3.0);
}

void staged_computation() {
  constexpr auto w = tn::var<"w">;
  constexpr auto b = tn::var<"b">;

  // Intermediate results are ordinary C++ variables holding expressions.
  constexpr auto x = 2_c * w + 3_c * b;
  constexpr auto y = 2_c * b + 1_c;
  constexpr auto z = x * y;
  constexpr auto dz = tn::grad(z, w, b);
  constexpr auto dzdw = std::get<0>(dz);
  constexpr auto dzdb = std::get<1>(dz);

  static_assert(tn::eval(z, w = 3.0, b = 4.0) == 162.0);
  static_assert(tn::eval(dzdw, w = 3.0, b = 4.0) == 18.0);
  static_assert(tn::eval(dzdb, w = 3.0, b = 4.0) == 63.0);

  volatile double w0 = 3.0, b0 = 4.0;
  const double zv = tn::eval(z, w = w0, b = b0);
  const auto g = tn::eval(dz, w = w0, b = b0);

  std::cout << "(b) x = " << tn::to_string(x) << ",  y = " << tn::to_string(y) << ",  z = x*y\n"
            << "    at w = 3, b = 4:\n"
            << "    z     = " << zv << "\n"
            << "    dz/dw = " << tn::to_string(dzdw) << " = " << g[0] << "\n"
            << "    dz/db = " << tn::to_string(dzdb) << " = " << g[1] << "\n\n";

  check("(b) z", zv, 162.0);
  check("(b) dz/dw", g[0], 18.0);
  check("(b) dz/db", g[1], 63.0);

  // The DAG of z together with dz/dw and dz/db: the gradients reuse forward nodes.
  const char* file = "chain_rule.dot";
  std::ofstream out(file);
  out << tn::to_dot(z, w, b);
  if (!out) {
    std::cerr << "chain_rule: could not write " << file << "\n";
    all_ok = false;
    return;
  }
  std::cout << "    graph of z, dz/dw and dz/db written to " << file
            << " (render it with: dot -Tpng " << file << " -o chain_rule.png)\n";
}

}  // namespace

int main() {
  simple_product();
  staged_computation();
  if (!all_ok) {
    std::cerr << "chain_rule: FAILED\n";
    return 1;
  }
  return 0;
}
