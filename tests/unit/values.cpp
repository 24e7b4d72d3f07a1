// Values of every op against a long double reference, in float and double.
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <random>

#include <typenet/typenet.hpp>

namespace tn = typenet;
using namespace tn::literals;
namespace tt = boost::test_tools;

namespace {
constexpr auto x = tn::var<"x">;
constexpr auto y = tn::var<"y">;

long double sigmoid_ref(long double v) { return 1.0L / (1.0L + std::exp(-v)); }

template <class T, class F, class R>
void compare(const F& f, R reference, T lo, T hi, double tolerance) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<T> pick(lo, hi);
  for (int i = 0; i < 50; ++i) {
    const T a = pick(rng), b = pick(rng);
    const T got = tn::eval(f, x = a, y = b);
    static_assert(std::is_same_v<decltype(got), const T>);
    const long double want = reference(static_cast<long double>(a), static_cast<long double>(b));
    BOOST_TEST(static_cast<long double>(got) == want, tt::tolerance(static_cast<long double>(tolerance)));
  }
}

template <class F, class R>
void compare_both(const F& f, R reference, double lo, double hi) {
  compare<double>(f, reference, lo, hi, 1e-13);
  compare<float>(f, reference, static_cast<float>(lo), static_cast<float>(hi), 1e-5);
}
}  // namespace

BOOST_AUTO_TEST_CASE(arithmetic_and_powers) {
  // (+ 3, not - 3: a cancelling sum would measure rounding noise, not the op)
  compare_both(x * y + x / y + 3_c, [](long double a, long double b) { return a * b + a / b + 3; }, 0.5, 4.0);
  compare_both(tn::pow(x, 7_c) * tn::pow(y, 0_c - 2_c), [](long double a, long double b) { return std::pow(a, 7) / (b * b); }, 0.5, 2.0);
  compare_both(tn::sqrt(x) + tn::pow(y, 3_c / 2_c), [](long double a, long double b) { return std::sqrt(a) + std::pow(b, 1.5L); }, 0.1, 9.0);
  compare_both(tn::pow(x, 1_c / 3_c), [](long double a, long double) { return std::cbrt(a); }, 0.1, 9.0);
  compare_both(tn::pow(x, y), [](long double a, long double b) { return std::pow(a, b); }, 0.1, 3.0);
}

BOOST_AUTO_TEST_CASE(elementary_functions) {
  compare_both(tn::exp(x) - tn::log(y), [](long double a, long double b) { return std::exp(a) - std::log(b); }, 0.1, 5.0);
  compare_both(tn::tanh(x * y), [](long double a, long double b) { return std::tanh(a * b); }, -2.0, 2.0);
  compare_both(tn::sigmoid(x - y), [](long double a, long double b) { return sigmoid_ref(a - b); }, -8.0, 8.0);
  compare_both(tn::relu(x) - tn::leaky_relu(y), [](long double a, long double b) { return (a > 0 ? a : 0) - (b > 0 ? b : b / 100); }, -3.0, 3.0);
}

BOOST_AUTO_TEST_CASE(sigmoid_is_stable_far_from_zero) {
  BOOST_TEST(tn::eval(tn::sigmoid(x), x = -800.0) == 0.0);
  BOOST_TEST(tn::eval(tn::sigmoid(x), x = 800.0) == 1.0);
  BOOST_TEST(std::isfinite(tn::eval(tn::sigmoid(x), x = -100.0f)));
  BOOST_TEST(tn::eval(tn::sigmoid(x), x = -30.0) == static_cast<double>(sigmoid_ref(-30.0L)), tt::tolerance(1e-14));
}

BOOST_AUTO_TEST_CASE(constexpr_sqrt_matches_the_library) {
  constexpr double s = tn::eval(tn::sqrt(x), x = 2.0);
  BOOST_TEST(s == std::sqrt(2.0), tt::tolerance(1e-15));
  constexpr float sf = tn::eval(tn::sqrt(x), x = 10.0f);
  BOOST_TEST(sf == std::sqrt(10.0f), tt::tolerance(1e-6f));
}

BOOST_AUTO_TEST_CASE(shared_nodes_are_evaluated_once) {
  // exp(x) appears three times in the printed formula but is one node
  const auto e = tn::exp(x);
  const auto f = e * e + e;
  static_assert(tn::node_count_v<decltype(f)> == 5);  // x, exp(x), the exponent 2, exp(x)^2, the sum
  BOOST_TEST(tn::eval(f, x = 1.0) == std::exp(2.0) + std::exp(1.0), tt::tolerance(1e-14));
}
