// tn::silu and tn::gelu as network entries: the derived gradient of a
// network's loss against finite differences (double), and a trainer that
// lowers the loss in a few steps.
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <random>
#include <tuple>

#include "../support/matrix_check.hpp"
#include "../support/network_check.hpp"

namespace tn = typenet;
using typenet_test::check_network;
using typenet_test::param_bindings;
using typenet_test::random_matrix;
using typenet_test::randomize_biases;

namespace {

using silu_net = tn::network<tn::input<4>, tn::dense<8>, tn::silu, tn::dense<3>, tn::softmax>;
using gelu_net = tn::network<tn::input<4>, tn::dense<8>, tn::gelu, tn::dense<6>, tn::silu, tn::dense<3>, tn::softmax>;

template <class Net>
void check_gradient(unsigned seed) {
  constexpr std::size_t B = 5;
  std::mt19937 rng(seed);
  auto p = tn::init<Net, double>(tn::glorot_uniform{}, seed);
  randomize_biases(p, rng);
  const auto x = random_matrix<double, B, 4>(rng, -2.0, 2.0);
  tn::matrix<double, B, 3> y{};
  for (std::size_t r = 0; r < B; ++r) y(r, r % 3) = 1;
  constexpr auto X = typename Net::template input_t<B>{};
  constexpr auto Y = tn::target<Net, B>;
  constexpr auto L = tn::cross_entropy::expression<Net, B>();
  std::apply([&](const auto&... b) { check_network(L, std::tuple{}, X = x, Y = y, b...); }, param_bindings(p));
}

template <class Net>
void check_training(unsigned seed) {
  constexpr std::size_t B = 8;
  auto p = tn::init<Net>(tn::pytorch_default{}, seed);
  std::mt19937 rng(seed);
  const auto x = random_matrix<float, B, 4>(rng, -1.0, 1.0);
  tn::matrix<float, B, 3> y{};
  for (std::size_t r = 0; r < B; ++r) y(r, (r * 5) % 3) = 1;
  tn::trainer<Net, tn::cross_entropy, tn::sgd, tn::batch<B>> t{p, {.learning_rate = 0.5f}};
  const float first = t.step(x, y);
  float last = first;
  for (int i = 0; i < 50; ++i) last = t.step(x, y);
  BOOST_TEST_MESSAGE("sgd: loss " << first << " -> " << last << " in 51 steps");
  BOOST_TEST(std::isfinite(last));
  BOOST_TEST(last < 0.8f * first);
}

}  // namespace

BOOST_AUTO_TEST_CASE(silu_network_gradient) { check_gradient<silu_net>(1); }
BOOST_AUTO_TEST_CASE(gelu_network_gradient) { check_gradient<gelu_net>(2); }
BOOST_AUTO_TEST_CASE(silu_network_trains) { check_training<silu_net>(3); }
BOOST_AUTO_TEST_CASE(gelu_network_trains) { check_training<gelu_net>(4); }
