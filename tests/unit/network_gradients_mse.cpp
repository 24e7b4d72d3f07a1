// tn::grad of a network's loss against central finite differences in double,
// with respect to every parameter, the input and the targets: mean squared
// error after every kind of output activation (sigmoid, tanh, relu,
// leaky_relu, softmax, tn::identity, a final dense entry), with every hidden
// activation, random weights from each initializer and random inputs. The
// loss value itself is checked against a plain C++ mean of (A - Y)^2 over
// the network's evaluated output.
//
// The helper below is repeated in each network_gradients_*.cpp so that every
// file stays one translation unit the glob builds on its own.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <tuple>
#include <utility>

#include "../support/matrix_check.hpp"
#include "../support/network_check.hpp"

namespace tn = typenet;
using typenet_test::random_matrix;
using typenet_test::check_network;
using typenet_test::param_bindings;
using typenet_test::randomize_biases;
using typenet_test::tol;

namespace {


/// The mse gradients of Net at batch B (input, targets and every parameter),
/// and the loss value against mean((A - Y)^2) computed here.
template <class Net, std::size_t B, class Init>
void check_mse(Init init, std::uint64_t seed, bool random_biases = true) {
  std::mt19937 rng(static_cast<std::mt19937::result_type>(seed));
  auto p = tn::init<Net, double>(init, seed);
  if (random_biases) randomize_biases(p, rng);
  const auto x = random_matrix<double, B, Net::input_size>(rng, -1.0, 1.0);
  const auto y = random_matrix<double, B, Net::output_size>(rng, -0.5, 1.0);
  constexpr auto X = typename Net::template input_t<B>{};
  constexpr auto Y = tn::target<Net, B>;
  constexpr auto L = tn::mse::expression<Net, B>();

  const auto params = param_bindings(p);
  const auto a = std::apply([&](const auto&... b) { return tn::eval(Net::template output<B>(), X = x, b...); }, params);
  double expected = 0;
  for (std::size_t i = 0; i < a.size; ++i) expected += (a.data()[i] - y.data()[i]) * (a.data()[i] - y.data()[i]);
  expected /= static_cast<double>(a.size);
  const double loss = std::apply([&](const auto&... b) { return tn::eval(L, X = x, Y = y, b...); }, params);
  BOOST_TEST(loss == expected, boost::test_tools::tolerance(1e-12));

  std::apply([&](const auto&... b) { check_network(L, std::tuple{}, X = x, Y = y, b...); }, params);
}

}  // namespace

BOOST_AUTO_TEST_CASE(sigmoid_output_sigmoid_hidden) {
  check_mse<tn::network<tn::input<5>, tn::dense<4>, tn::sigmoid, tn::dense<3>, tn::sigmoid>, 4>(tn::glorot_uniform{},
                                                                                             1);
}

BOOST_AUTO_TEST_CASE(tanh_output_relu_hidden) {
  check_mse<tn::network<tn::input<5>, tn::dense<4>, tn::relu, tn::dense<3>, tn::tanh>, 3>(tn::he_normal{}, 2);
}

BOOST_AUTO_TEST_CASE(relu_output_tanh_hidden) {
  check_mse<tn::network<tn::input<5>, tn::dense<4>, tn::tanh, tn::dense<3>, tn::relu>, 4>(tn::he_uniform{}, 3);
}

BOOST_AUTO_TEST_CASE(leaky_relu_output_and_hidden) {
  // He weights, biases 0 as the initializer leaves them
  check_mse<tn::network<tn::input<5>, tn::dense<4>, tn::leaky_relu, tn::dense<3>, tn::leaky_relu>, 4>(
      tn::he_normal{}, 4, false);
}

BOOST_AUTO_TEST_CASE(softmax_output_identity_hidden) {
  check_mse<tn::network<tn::input<5>, tn::dense<4>, tn::identity, tn::dense<3>, tn::softmax>, 3>(
      tn::pytorch_default{}, 5);
}

BOOST_AUTO_TEST_CASE(identity_output_softmax_hidden) {
  check_mse<tn::network<tn::input<5>, tn::dense<4>, tn::softmax, tn::dense<3>, tn::identity>, 4>(
      tn::glorot_uniform{}, 6);
}

BOOST_AUTO_TEST_CASE(dense_output_stated_widths) {
  // dense<In, Out> throughout, three dense entries, the last without an activation
  check_mse<tn::network<tn::input<5>, tn::dense<5, 4>, tn::sigmoid, tn::dense<4, 4>, tn::relu, tn::dense<4, 2>>, 3>(
      tn::he_uniform{}, 7);
}
