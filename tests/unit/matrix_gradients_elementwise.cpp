// The elementwise matrix derivative rules against central finite differences
// in double, on random non-square shapes and on 1xN / Nx1. Each op is wrapped
// as sum(G .* op(...)) with a random G, so the check covers an arbitrary
// upstream gradient, not just ones.
#include <boost/test/unit_test.hpp>

#include <random>

#include "../support/matrix_check.hpp"

namespace tn = typenet;
using namespace tn::literals;
using typenet_test::check_gradients;
using typenet_test::random_matrix;
using typenet_test::weighted;
using typenet_test::weights;

namespace {
constexpr double tol = 1e-6;

template <std::size_t R, std::size_t C>
void check_elementwise(std::mt19937& rng) {
  constexpr auto X = tn::var<"X", R, C>;
  constexpr auto Y = tn::var<"Y", R, C>;
  const auto x = random_matrix<double, R, C>(rng, -2.0, 2.0);
  const auto y = random_matrix<double, R, C>(rng, 0.5, 2.0);  // positive: log, sqrt, division
  auto check = [&](auto f) { check_gradients(weighted(f), tol, X = x, Y = y, weights<decltype(f)>(rng)); };
  check(X + Y);
  check(X - Y);
  check(X / Y);
  check(tn::hadamard(X, Y));
  check(tn::square(X) + Y);
  check(tn::pow(Y, 3_c / 2_c) + X);
  check(tn::pow(Y, X));
  check(tn::exp(X) + Y);
  check(tn::log(Y) + X);
  check(tn::sqrt(Y) + X);
  check(tn::tanh(X) + Y);
  check(tn::sigmoid(X) + Y);
  check(tn::relu(X) + Y);
  check(tn::leaky_relu(X) + Y);
  check(tn::transpose(X) + tn::transpose(Y));
  check(tn::hadamard(tn::sigmoid(X), tn::tanh(Y)) / (Y + 1_c));
}

}  // namespace

BOOST_AUTO_TEST_CASE(elementwise) {
  std::mt19937 rng(12);
  check_elementwise<3, 5>(rng);
  check_elementwise<1, 6>(rng);
  check_elementwise<6, 1>(rng);
}
