// tn::grad of a network's cross_entropy loss against central finite
// differences in double, with respect to every parameter and the input: after
// a softmax and on logits (tn::identity, or a final dense entry), where the
// loss is -sum(Y .* log_softmax(Z))/B, and after a sigmoid, where it is
// -sum(Y .* log(A))/B; one-hot and soft (probability) targets, hidden
// activations of every kind, one to three dense entries, dense<In, Out>.
// The targets are not differentiated: cross_entropy marks them
// tn::distribution (data whose rows sum to 1), whose gradient is 0 by design.
// The loss value is checked against a plain C++ log-softmax (or log) of the
// network's evaluated logits (or output).
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
#include <type_traits>
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


/// Random targets: one-hot rows, or rows of positive weights summing to 1.
template <std::size_t B, std::size_t N>
tn::matrix<double, B, N> targets(std::mt19937& rng, bool one_hot) {
  tn::matrix<double, B, N> y{};
  if (one_hot) {
    std::uniform_int_distribution<std::size_t> cls(0, N - 1);
    for (std::size_t r = 0; r < B; ++r) y(r, cls(rng)) = 1.0;
  } else {
    std::uniform_real_distribution<double> w(0.05, 1.0);
    for (std::size_t r = 0; r < B; ++r) {
      double s = 0;
      for (std::size_t c = 0; c < N; ++c) s += y(r, c) = w(rng);
      for (std::size_t c = 0; c < N; ++c) y(r, c) /= s;
    }
  }
  return y;
}

/// The cross_entropy gradients of Net at batch B (input and every parameter),
/// and the loss value against one computed here from the logits (softmax,
/// identity or no final activation) or from the output (otherwise).
template <class Net, std::size_t B, class Init>
void check_cross_entropy(Init init, std::uint64_t seed, bool one_hot = true) {
  std::mt19937 rng(static_cast<std::mt19937::result_type>(seed));
  auto p = tn::init<Net, double>(init, seed);
  randomize_biases(p, rng);
  const auto x = random_matrix<double, B, Net::input_size>(rng, -1.0, 1.0);
  const auto y = targets<B, Net::output_size>(rng, one_hot);
  constexpr auto X = typename Net::template input_t<B>{};
  constexpr auto Y = tn::target<Net, B>;
  constexpr auto L = tn::cross_entropy::expression<Net, B>();
  constexpr std::size_t N = Net::output_size;

  using act = typename Net::output_activation;
  constexpr bool on_logits = std::is_same_v<act, tn::softmax_op> || std::is_same_v<act, tn::identity_layer>;
  const auto params = param_bindings(p);
  double expected = 0;
  if constexpr (on_logits) {
    constexpr auto Z = tn::handle_t<typename Net::template logits_t<B>>{};
    const auto z = std::apply([&](const auto&... b) { return tn::eval(Z, X = x, b...); }, params);
    for (std::size_t r = 0; r < B; ++r) {
      double m = z(r, 0);
      for (std::size_t c = 1; c < N; ++c) m = std::max(m, z(r, c));
      double s = 0;
      for (std::size_t c = 0; c < N; ++c) s += std::exp(z(r, c) - m);
      for (std::size_t c = 0; c < N; ++c) expected -= y(r, c) * (z(r, c) - m - std::log(s));
    }
  } else {
    const auto a =
        std::apply([&](const auto&... b) { return tn::eval(Net::template output<B>(), X = x, b...); }, params);
    for (std::size_t i = 0; i < a.size; ++i) expected -= y.data()[i] * std::log(a.data()[i]);
  }
  expected /= static_cast<double>(B);
  const double loss = std::apply([&](const auto&... b) { return tn::eval(L, X = x, Y = y, b...); }, params);
  BOOST_TEST(loss == expected, boost::test_tools::tolerance(1e-12));

  std::apply([&](const auto&... b) { check_network(L, std::tuple{Y = y}, X = x, b...); }, params);
}

}  // namespace

BOOST_AUTO_TEST_CASE(softmax_output_sigmoid_hidden) {
  // the seeds' network in small: sigmoid hidden layers, softmax output
  check_cross_entropy<tn::network<tn::input<5>, tn::dense<4>, tn::sigmoid, tn::dense<4>, tn::sigmoid, tn::dense<3>,
                                  tn::softmax>,
                      4>(tn::glorot_uniform{}, 11);
}

BOOST_AUTO_TEST_CASE(softmax_output_soft_targets) {
  check_cross_entropy<tn::network<tn::input<5>, tn::dense<4>, tn::relu, tn::dense<3>, tn::softmax>, 4>(
      tn::he_normal{}, 12, false);
}

BOOST_AUTO_TEST_CASE(identity_output_is_on_logits) {
  check_cross_entropy<tn::network<tn::input<5>, tn::dense<4>, tn::tanh, tn::dense<3>, tn::identity>, 3>(
      tn::pytorch_default{}, 13);
}

BOOST_AUTO_TEST_CASE(final_dense_is_on_logits) {
  check_cross_entropy<tn::network<tn::input<5>, tn::dense<5, 4>, tn::leaky_relu, tn::dense<4, 3>>, 4>(
      tn::he_uniform{}, 14);
}

BOOST_AUTO_TEST_CASE(sigmoid_output_takes_the_log) {
  check_cross_entropy<tn::network<tn::input<5>, tn::dense<4>, tn::identity, tn::dense<3>, tn::sigmoid>, 4>(
      tn::glorot_uniform{}, 15, false);
}

BOOST_AUTO_TEST_CASE(no_hidden_layer) {
  check_cross_entropy<tn::network<tn::input<5>, tn::dense<3>, tn::softmax>, 4>(tn::pytorch_default{}, 16);
}
