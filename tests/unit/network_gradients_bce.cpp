// tn::grad of a network's binary_cross_entropy loss against central finite
// differences in double, with respect to every parameter, the input and the
// targets: after a sigmoid, where the loss is mean(softplus(Z) - Y .* Z) on
// the logits, and after outputs already in (0, 1) (softmax, tn::identity, a
// final dense entry), where it is -mean(Y log A + (1 - Y) log(1 - A)); soft
// targets in (0, 1) and hard 0/1 targets, every hidden activation. The loss
// value is checked against a plain C++ -mean(y log a + (1 - y) log(1 - a))
// over the network's evaluated output.
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


/// The binary_cross_entropy gradients of Net at batch B (input, targets and
/// every parameter), and the loss against one computed here from the output.
/// `squeeze`: scale the last layer's weights to 0.1 of themselves and set
/// its biases to 0.5, so that an identity output stays inside (0, 1).
template <class Net, std::size_t B, class Init>
void check_bce(Init init, std::uint64_t seed, bool hard_targets = false, bool squeeze = false) {
  std::mt19937 rng(static_cast<std::mt19937::result_type>(seed));
  auto p = tn::init<Net, double>(init, seed);
  randomize_biases(p, rng);
  if (squeeze) {
    for (auto& w : p.template get<Net::parameter_count - 2>()) w *= 0.1;
    for (auto& b : p.template get<Net::parameter_count - 1>()) b = 0.5;
  }
  const auto x = random_matrix<double, B, Net::input_size>(rng, -1.0, 1.0);
  auto y = random_matrix<double, B, Net::output_size>(rng, 0.05, 0.95);
  if (hard_targets)
    for (auto& v : y) v = v < 0.5 ? 0.0 : 1.0;
  constexpr auto X = typename Net::template input_t<B>{};
  constexpr auto Y = tn::target<Net, B>;
  constexpr auto L = tn::binary_cross_entropy::expression<Net, B>();

  const auto params = param_bindings(p);
  const auto a = std::apply([&](const auto&... b) { return tn::eval(Net::template output<B>(), X = x, b...); }, params);
  double expected = 0;
  for (std::size_t i = 0; i < a.size; ++i) {
    BOOST_TEST_REQUIRE((a.data()[i] > 0.0 && a.data()[i] < 1.0), "output " << i << " = " << a.data()[i]);
    expected -= y.data()[i] * std::log(a.data()[i]) + (1 - y.data()[i]) * std::log(1 - a.data()[i]);
  }
  expected /= static_cast<double>(a.size);
  const double loss = std::apply([&](const auto&... b) { return tn::eval(L, X = x, Y = y, b...); }, params);
  BOOST_TEST(loss == expected, boost::test_tools::tolerance(1e-12));

  std::apply([&](const auto&... b) { check_network(L, std::tuple{}, X = x, Y = y, b...); }, params);
}

}  // namespace

BOOST_AUTO_TEST_CASE(sigmoid_output_tanh_hidden) {
  check_bce<tn::network<tn::input<5>, tn::dense<4>, tn::tanh, tn::dense<3>, tn::sigmoid>, 4>(tn::glorot_uniform{}, 21);
}

BOOST_AUTO_TEST_CASE(sigmoid_output_hard_targets_deeper) {
  check_bce<tn::network<tn::input<5>, tn::dense<5, 4>, tn::leaky_relu, tn::dense<4, 4>, tn::relu, tn::dense<4, 3>,
                        tn::sigmoid>,
            3>(tn::he_normal{}, 22, true);
}

BOOST_AUTO_TEST_CASE(softmax_output) {
  check_bce<tn::network<tn::input<5>, tn::dense<4>, tn::relu, tn::dense<3>, tn::softmax>, 4>(tn::he_uniform{}, 23);
}

BOOST_AUTO_TEST_CASE(identity_output) {
  check_bce<tn::network<tn::input<5>, tn::dense<4>, tn::sigmoid, tn::dense<3>, tn::identity>, 4>(
      tn::pytorch_default{}, 24, false, true);
}

BOOST_AUTO_TEST_CASE(final_dense_output) {
  check_bce<tn::network<tn::input<5>, tn::dense<5, 4>, tn::softmax, tn::dense<4, 2>>, 3>(tn::glorot_uniform{}, 25,
                                                                                         true, true);
}
