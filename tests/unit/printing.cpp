// to_string (readable infix, fewest parentheses) and to_dot (Graphviz).
#include <boost/test/unit_test.hpp>

#include <string>

#include <typenet/typenet.hpp>

namespace tn = typenet;
using namespace tn::literals;

namespace {
constexpr auto w = tn::var<"w">;
constexpr auto b = tn::var<"b">;
constexpr auto x = tn::var<"x">;
constexpr auto y = tn::var<"y">;
constexpr auto z = tn::var<"z">;
}  // namespace

BOOST_AUTO_TEST_CASE(seeds_formulas) {
  const auto xs = 2_c * w + 3_c * b;
  const auto ys = 2_c * b + 1_c;
  const auto zs = xs * ys;
  BOOST_TEST(tn::to_string(zs) == "(2*b + 1)*(3*b + 2*w)");
  BOOST_TEST(tn::to_string(tn::grad(zs, w)) == "2*(2*b + 1)");
  BOOST_TEST(tn::to_string(tn::grad(zs, b)) == "3*(2*b + 1) + 2*(3*b + 2*w)");
  BOOST_TEST(tn::to_string(tn::grad(x * x, x)) == "2*x");
  BOOST_TEST(tn::to_string(x - 0.3_c * tn::grad(x * x, x)) == "2*x/5");
  BOOST_TEST(tn::to_string(tn::grad(tn::sqrt(tn::log(tn::pow(x, 2_c))), x)) == "1/(x*sqrt(log(x^2)))");
}

BOOST_AUTO_TEST_CASE(fewest_parentheses) {
  BOOST_TEST(tn::to_string((x + y) * z) == "z*(x + y)");
  BOOST_TEST(tn::to_string(x + y * z) == "x + y*z");
  BOOST_TEST(tn::to_string(x - y - z) == "x - y - z");
  BOOST_TEST(tn::to_string(x - (y - z)) == "x - (y - z)");  // constants are not distributed over sums
  BOOST_TEST(tn::to_string(x - 2_c * (y + z)) == "x - 2*(y + z)");
  BOOST_TEST(tn::to_string(-x) == "-x");
  BOOST_TEST(tn::to_string(x / (y * z)) == "x/(y*z)");
  BOOST_TEST(tn::to_string((x + 1_c) / 2_c) == "(x + 1)/2");
  BOOST_TEST(tn::to_string(1_c / (x + 1_c)) == "1/(x + 1)");
  BOOST_TEST(tn::to_string(tn::pow(x + y, 2_c)) == "(x + y)^2");
  BOOST_TEST(tn::to_string(tn::pow(x, 1_c / 3_c)) == "x^(1/3)");
  BOOST_TEST(tn::to_string(tn::pow(x, y - 1_c)) == "x^(y - 1)");
  BOOST_TEST(tn::to_string(tn::exp(x) * tn::exp(x)) == "exp(x)^2");
  BOOST_TEST(tn::to_string(1_c - tn::sigmoid(x)) == "1 - sigmoid(x)");
  BOOST_TEST(tn::to_string(3_c / 2_c) == "3/2");
  BOOST_TEST(tn::to_string(0_c - 3_c) == "-3");
  BOOST_TEST(tn::to_string(tn::leaky_relu(x, 1_c / 5_c)) == "leaky_relu(x, 1/5)");
}

BOOST_AUTO_TEST_CASE(derivatives_read_like_the_textbook) {
  BOOST_TEST(tn::to_string(tn::grad(tn::sigmoid(x), x)) == "sigmoid(x)*(1 - sigmoid(x))");
  BOOST_TEST(tn::to_string(tn::grad(tn::tanh(x), x)) == "1 - tanh(x)^2");
  BOOST_TEST(tn::to_string(tn::grad(tn::relu(x), x)) == "step(relu(x))");
  BOOST_TEST(tn::to_string(tn::grad(tn::log(x), x)) == "1/x");
}

BOOST_AUTO_TEST_CASE(dot_draws_the_shared_dag) {
  const auto f = x * y + tn::exp(x);
  const std::string dot = tn::to_dot(f, x);
  BOOST_TEST(dot.rfind("digraph typenet {", 0) == 0);
  BOOST_TEST(dot.find("label=\"df/dx\"") != std::string::npos);
  BOOST_TEST(dot.find("label=\"exp\"") != std::string::npos);
  // x, y, exp, x*y, f, and the gradient y + exp(x): six distinct nodes, exp(x) drawn once
  std::size_t boxes = 0, pos = 0;
  while ((pos = dot.find("shape=", pos)) != std::string::npos) {
    ++boxes;
    ++pos;
  }
  BOOST_TEST(boxes == 6u + 2u);  // six nodes plus the two root labels f and df/dx
  std::size_t exps = 0;
  pos = 0;
  while ((pos = dot.find("label=\"exp\"", pos)) != std::string::npos) {
    ++exps;
    ++pos;
  }
  BOOST_TEST(exps == 1u);
}
