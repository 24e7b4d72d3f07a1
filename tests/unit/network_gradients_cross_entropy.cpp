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

namespace tn = typenet;
using typenet_test::random_matrix;

namespace {

// |symbolic - numeric| <= tol * max(floor, |symbolic|, |numeric|). Central
// differences with h = cbrt(eps) max(1, |x|) are accurate to about 1e-10
// here (losses and gradients are O(1) or smaller); the floor keeps elements
// that are zero or nearly so from demanding more than that.
constexpr double tol = 1e-6;
constexpr double floor_abs = 1e-4;

/// Every parameter of p bound by value, in nn.Sequential order.
template <class P>
auto param_bindings(const P& p) {
  return [&]<std::size_t... I>(std::index_sequence<I...>) {
    return std::tuple{(typename P::template variable_t<I>{} = p.template get<I>())...};
  }(std::make_index_sequence<P::count>{});
}

/// d f / d v for every element of every binding in `checked` against central
/// differences; `fixed` are bound but not differentiated. Also requires each
/// checked gradient to have an element of magnitude above 1e-6 (a check
/// against an all-zero gradient would pass trivially).
template <class F, class Fixed, class... Bs>
void check_network(const F& f, const Fixed& fixed, const Bs&... checked) {
  const std::tuple<Bs...> base{checked...};
  auto value = [&](const std::tuple<Bs...>& bs) {
    return std::apply(
        [&](const auto&... c) {
          return std::apply([&](const auto&... b) { return static_cast<double>(tn::eval(f, c..., b...)); }, bs);
        },
        fixed);
  };
  BOOST_TEST_REQUIRE(std::isfinite(value(base)));
  auto check_one = [&]<std::size_t I>(std::integral_constant<std::size_t, I>) {
    using B = std::tuple_element_t<I, std::tuple<Bs...>>;
    using V = typename B::value_type;
    constexpr auto v = tn::var<B::name, V::rows, V::cols>;
    const V symbolic =
        std::apply([&](const auto&... c) { return tn::eval(tn::grad(f, v), c..., checked...); }, fixed);
    double largest = 0;
    double worst = 0;
    for (std::size_t k = 0; k < V::size; ++k) {
      auto at = [&](double delta) {
        auto shifted = base;
        std::get<I>(shifted).value.data()[k] += delta;
        return value(shifted);
      };
      const double x = std::get<I>(base).value.data()[k];
      const double h = std::cbrt(std::numeric_limits<double>::epsilon()) * std::max(1.0, std::abs(x));
      const double numeric = (at(h) - at(-h)) / (2 * h);
      const double s = symbolic.data()[k];
      const double err = std::abs(s - numeric) / std::max({floor_abs, std::abs(s), std::abs(numeric)});
      worst = std::max(worst, err);
      largest = std::max(largest, std::abs(s));
      BOOST_TEST(err <= tol, "d/d" << std::string{B::name.view()} << "[" << k << "]: symbolic " << s
                                   << ", numeric " << numeric);
    }
    BOOST_TEST(largest > 1e-6, "d/d" << std::string{B::name.view()} << " is zero everywhere");
    BOOST_TEST_MESSAGE("d/d" << std::string{B::name.view()} << ": worst relative error " << worst);
  };
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (check_one(std::integral_constant<std::size_t, I>{}), ...);
  }(std::index_sequence_for<Bs...>{});
}

/// Every bias filled from U(-0.5, 0.5) (initializers other than
/// pytorch_default leave them 0, a special point).
template <class P>
void randomize_biases(P& p, std::mt19937& rng) {
  std::uniform_real_distribution<double> d(-0.5, 0.5);
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (
        [&] {
          if constexpr (I % 2 == 1)
            for (auto& b : p.template get<I>()) b = d(rng);
        }(),
        ...);
  }(std::make_index_sequence<P::count>{});
}

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
