// Every derivative rule against central finite differences, at random points,
// in double (tight) and float (loose), plus the multi-variable gradient.
#include <boost/test/unit_test.hpp>

#include <random>
#include <sstream>

#include <typenet/typenet.hpp>

namespace tn = typenet;
using namespace tn::literals;

namespace {

constexpr auto x = tn::var<"x">;
constexpr auto y = tn::var<"y">;
constexpr auto z = tn::var<"z">;

// Checks f at `count` random points with x, y, z drawn from [lo, hi].
template <class T, class F>
void check_at_random_points(const F& f, T lo, T hi, int count = 25) {
  std::mt19937 rng(12345);
  std::uniform_real_distribution<T> pick(lo, hi);
  for (int i = 0; i < count; ++i) {
    const T a = pick(rng), b = pick(rng), c = pick(rng);
    const auto result = tn::gradient_check(f, x = a, y = b, z = c);
    std::ostringstream where;
    where << tn::to_string(f) << " at x=" << a << " y=" << b << " z=" << c << "\n" << result;
    BOOST_TEST(result.passed(), where.str());
  }
}

template <class F>
void check_both(const F& f, double lo, double hi) {
  check_at_random_points<double>(f, lo, hi);
  check_at_random_points<float>(f, static_cast<float>(lo), static_cast<float>(hi));
}

}  // namespace

BOOST_AUTO_TEST_CASE(arithmetic) {
  check_both(x + y * z - 3_c * x, -3.0, 3.0);
  check_both(x * y * z, -3.0, 3.0);
  check_both(x / y + z / (x * y), 0.5, 3.0);
  check_both(-x * (y - z), -3.0, 3.0);
  check_both(x * x * y - y * y * y / 3_c + 2_c, -2.0, 2.0);
}

BOOST_AUTO_TEST_CASE(powers) {
  check_both(tn::pow(x, 5_c) + tn::pow(y, 0_c - 3_c), 0.5, 2.0);
  check_both(tn::sqrt(x * y) + tn::pow(z, 1_c / 3_c), 0.5, 4.0);
  check_both(tn::pow(x, y * z), 0.5, 2.0);
  check_both(tn::square(x - y) / tn::sqrt(z), 0.5, 3.0);
}

BOOST_AUTO_TEST_CASE(elementary_functions) {
  check_both(tn::exp(x * y) + tn::log(z), 0.2, 1.5);
  check_both(tn::sigmoid(x * y - z), -3.0, 3.0);
  check_both(tn::tanh(x + y * z), -2.0, 2.0);
  check_both(tn::sqrt(tn::log(tn::pow(x, 2_c))) + y - z, 1.5, 4.0);
  check_both(tn::log(tn::sigmoid(x)) + tn::log(1_c - tn::sigmoid(y)) + z, -4.0, 4.0);
}

BOOST_AUTO_TEST_CASE(piecewise_linear) {
  // random points are almost surely away from the kink at 0
  check_both(tn::relu(x * y) + tn::relu(z - x), -3.0, 3.0);
  check_both(tn::leaky_relu(x - y) * z + tn::leaky_relu(z, 1_c / 5_c), -3.0, 3.0);
  BOOST_TEST(tn::eval(tn::grad(tn::relu(x), x), x = 2.0) == 1.0);
  BOOST_TEST(tn::eval(tn::grad(tn::relu(x), x), x = -2.0) == 0.0);
  BOOST_TEST(tn::eval(tn::grad(tn::leaky_relu(x), x), x = -2.0) == 0.01);
  BOOST_TEST(tn::eval(tn::grad(tn::leaky_relu(x, 1_c / 5_c), x), x = -2.0) == 0.2);
  BOOST_TEST(tn::eval(tn::grad(tn::leaky_relu(x, 1_c / 5_c), x), x = 3.0) == 1.0);
}

BOOST_AUTO_TEST_CASE(a_small_network) {
  // one neuron of each kind feeding a squared error, as a learner would write it
  constexpr auto w1 = tn::var<"w1">;
  constexpr auto w2 = tn::var<"w2">;
  constexpr auto b = tn::var<"b">;
  const auto hidden = tn::tanh(w1 * x + b);
  const auto out = tn::sigmoid(w2 * hidden);
  const auto loss = tn::square(out - y);
  const auto result = tn::gradient_check(loss, x = 0.7, y = 1.0, w1 = -0.3, w2 = 1.9, b = 0.1);
  BOOST_TEST(result.passed(), result);
  const auto g = tn::eval(tn::grad(loss, w1, w2, b), x = 0.7, y = 1.0, w1 = -0.3, w2 = 1.9, b = 0.1);
  // same formulas, different evaluation order of the shared graph: equal to rounding
  for (std::size_t i = 0; i < 3; ++i)
    BOOST_TEST(g[i] == result.entries[i + 2].symbolic, boost::test_tools::tolerance(1e-14));
}

BOOST_AUTO_TEST_CASE(several_variables_agree_with_one_at_a_time) {
  const auto f = tn::exp(x * y) * tn::tanh(z - x) + x / (y * y + 1_c);
  const auto all = tn::eval(tn::grad(f, x, y, z), x = 0.3, y = -0.8, z = 1.1);
  BOOST_TEST(all[0] == tn::eval(tn::grad(f, x), x = 0.3, y = -0.8, z = 1.1));
  BOOST_TEST(all[1] == tn::eval(tn::grad(f, y), x = 0.3, y = -0.8, z = 1.1));
  BOOST_TEST(all[2] == tn::eval(tn::grad(f, z), x = 0.3, y = -0.8, z = 1.1));
}

BOOST_AUTO_TEST_CASE(gradient_check_catches_a_wrong_gradient) {
  // the checker itself must be able to fail: compare f against a different function's gradient
  const auto result = tn::gradient_check(x * x, x = 3.0);
  BOOST_TEST(result.passed());
  BOOST_TEST(result.entries[0].symbolic == 6.0);
  BOOST_TEST(result.entries[0].numeric == 6.0, boost::test_tools::tolerance(1e-8));
  tn::gradient_check_result<1> wrong = result;
  wrong.entries[0].error = 1.0;
  BOOST_TEST(!wrong.passed());
  BOOST_TEST(!static_cast<bool>(wrong));
}
