// tn::layer_norm: the function against a long double reference, its derived
// gradient against finite differences, and the network entry (names, shapes,
// roles, init, files, training).
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <random>
#include <string_view>
#include <tuple>
#include <vector>

#include "../support/matrix_check.hpp"
#include "../support/network_check.hpp"
#include "../support/temp_dir.hpp"

namespace tn = typenet;
using typenet_test::check_network;
using typenet_test::param_bindings;
using typenet_test::random_matrix;

namespace {

using float_types = std::tuple<float, double>;

constexpr std::size_t R = 7, F = 9;
constexpr auto X = tn::var<"X", R, F>;
constexpr auto g = tn::var<"g", 1, F>;
constexpr auto b = tn::var<"b", 1, F>;

using net = tn::network<tn::input<5>, tn::dense<8>, tn::layer_norm, tn::relu, tn::dense<3>, tn::softmax>;
using plain = tn::network<tn::input<5>, tn::dense<8>, tn::relu, tn::dense<3>, tn::softmax>;

/// The gain U(0.5, 1.5) and bias U(-0.5, 0.5) of the layer norm at parameters 2, 3 (ones and zeros are special).
template <class P>
void randomize_layer_norm(P& p, std::mt19937& rng) {
  for (auto& v : p.template get<2>()) v = std::uniform_real_distribution<double>(0.5, 1.5)(rng);
  for (auto& v : p.template get<3>()) v = std::uniform_real_distribution<double>(-0.5, 0.5)(rng);
}

}  // namespace

BOOST_AUTO_TEST_CASE_TEMPLATE(values_against_long_double, T, float_types) {
  std::mt19937 rng(1);
  auto x = random_matrix<T, R, F>(rng, -3.0, 3.0);
  for (std::size_t c = 0; c < F; ++c) x(1, c) = T(100) + T(1e-2) * T(c);  // large mean, small spread
  for (std::size_t c = 0; c < F; ++c) x(2, c) = T(0.5);                   // constant row: 0 / sqrt(eps), then the bias
  const auto gv = random_matrix<T, 1, F>(rng, 0.5, 1.5);
  const auto bv = random_matrix<T, 1, F>(rng, -0.5, 0.5);
  const auto y = tn::eval(tn::layer_norm(X, g, b), X = x, g = gv, b = bv);
  double worst = 0;
  for (std::size_t r = 0; r < R; ++r) {
    long double mean = 0, var = 0;
    for (std::size_t c = 0; c < F; ++c) mean += x(r, c);
    mean /= F;
    for (std::size_t c = 0; c < F; ++c) var += (x(r, c) - mean) * (x(r, c) - mean);
    var /= F;
    for (std::size_t c = 0; c < F; ++c) {
      const long double want = (x(r, c) - mean) / std::sqrt(var + 1e-5L) * gv(0, c) + bv(0, c);
      const double err = static_cast<double>(std::fabs(y(r, c) - want));
      worst = std::max(worst, err);
      // |normalized| <= sqrt(F) = 3: rounding of the mean, the variance and
      // the division, times the gain, a few eps of 3. Row 1 (mean 100, spread
      // 0.08) loses log2(100 / 0.026) = 12 bits to cancellation in x - mean.
      const double allowed = (r == 1 ? 4096.0 : 64.0) * std::numeric_limits<T>::epsilon() * 3;
      BOOST_TEST(err <= allowed, "row " << r << " col " << c << ": " << y(r, c) << " vs " << static_cast<T>(want));
    }
  }
  for (std::size_t c = 0; c < F; ++c) BOOST_TEST(y(2, c) == bv(0, c));
  BOOST_TEST_MESSAGE("layer_norm " << (sizeof(T) == 4 ? "float" : "double") << ": worst absolute error " << worst);
}

BOOST_AUTO_TEST_CASE(gradient_is_derived_and_matches_finite_differences) {
  std::mt19937 rng(2);
  const auto x = random_matrix<double, R, F>(rng, -2.0, 2.0);
  const auto gv = random_matrix<double, 1, F>(rng, 0.5, 1.5);
  const auto bv = random_matrix<double, 1, F>(rng, -0.5, 0.5);
  constexpr auto W = tn::var<"W", F, 3>;
  const auto wv = random_matrix<double, F, 3>(rng, -1.0, 1.0);
  // a loss that weighs every output differently (a plain sum of a layer norm's outputs does not depend on x)
  constexpr auto loss = tn::sum(tn::tanh(tn::layer_norm(X, g, b) * W));
  check_network(loss, std::tuple{W = wv}, X = x, g = gv, b = bv);
}

BOOST_AUTO_TEST_CASE(network_entry_names_shapes_and_roles) {
  static_assert(net::entry_count == 5);
  static_assert(net::param_count == 5 * 8 + 8 + 2 * 8 + 8 * 3 + 3);
  static_assert(net::parameter_count == 6);
  using P = tn::params<net>;
  BOOST_TEST(P::name<2> == std::string_view{"1.weight"});
  BOOST_TEST(P::name<3> == std::string_view{"1.bias"});
  BOOST_TEST(P::name<4> == std::string_view{"3.weight"});
  static_assert(P::variable_t<2>::rows == 1 && P::variable_t<2>::cols == 8);
  static_assert(net::parameter_roles[2] == tn::parameter_role::gain && net::parameter_roles[3] == tn::parameter_role::bias);
  static_assert(net::parameter_roles[0] == tn::parameter_role::weight && net::parameter_roles[4] == tn::parameter_role::weight);
  // a layer norm last: its output is the logits
  using last = tn::network<tn::input<4>, tn::dense<6>, tn::layer_norm>;
  static_assert(std::is_same_v<last::output_activation, tn::identity_layer> && last::output_size == 6);
}

BOOST_AUTO_TEST_CASE(init_gives_gain_one_bias_zero_and_draws_nothing) {
  const auto check = [](auto how) {
    const auto p = tn::init<net>(how, 11);
    for (const float v : p.template get<2>()) BOOST_TEST(v == 1.0f);
    for (const float v : p.template get<3>()) BOOST_TEST(v == 0.0f);
    // the dense parameters are those of the same network without the layer norm
    const auto q = tn::init<plain>(how, 11);
    BOOST_TEST((p.template get<0>() == q.template get<0>()));
    BOOST_TEST((p.template get<1>() == q.template get<1>()));
    BOOST_TEST((p.template get<4>() == q.template get<2>()));
    BOOST_TEST((p.template get<5>() == q.template get<3>()));
  };
  check(tn::pytorch_default{});
  check(tn::glorot_uniform{});
  check(tn::he_normal{});
}

BOOST_AUTO_TEST_CASE(network_gradient_matches_finite_differences) {
  constexpr std::size_t B = 6;
  std::mt19937 rng(3);
  auto p = tn::init<net, double>(tn::pytorch_default{}, 4);
  randomize_layer_norm(p, rng);
  const auto x = random_matrix<double, B, 5>(rng, -1.0, 1.0);
  tn::matrix<double, B, 3> y{};
  for (std::size_t r = 0; r < B; ++r) y(r, r % 3) = 1;
  constexpr auto Xn = typename net::template input_t<B>{};
  constexpr auto Y = tn::target<net, B>;
  constexpr auto L = tn::cross_entropy::expression<net, B>();
  std::apply([&](const auto&... bs) { check_network(L, std::tuple{}, Xn = x, Y = y, bs...); }, param_bindings(p));
}

BOOST_AUTO_TEST_CASE(trainer_trains_it) {
  constexpr std::size_t B = 8;
  auto p = tn::init<net>(tn::pytorch_default{}, 5);
  std::mt19937 rng(6);
  const auto x = random_matrix<float, B, 5>(rng, -1.0, 1.0);
  tn::matrix<float, B, 3> y{};
  for (std::size_t r = 0; r < B; ++r) y(r, (r * 5) % 3) = 1;
  tn::trainer<net, tn::cross_entropy, tn::adam, tn::batch<B>> t{p, {.learning_rate = 0.01f}};
  const float first = t.step(x, y);
  float last = first;
  for (int i = 0; i < 30; ++i) last = t.step(x, y);
  BOOST_TEST_MESSAGE("layer_norm network, adam: loss " << first << " -> " << last << " in 31 steps");
  BOOST_TEST(std::isfinite(last));
  BOOST_TEST(last < 0.5f * first);
  // the gain and bias are trained too
  bool gain_moved = false, bias_moved = false;
  for (const float v : p.get<2>()) gain_moved = gain_moved || v != 1.0f;
  for (const float v : p.get<3>()) bias_moved = bias_moved || v != 0.0f;
  BOOST_TEST(gain_moved);
  BOOST_TEST(bias_moved);
}

BOOST_AUTO_TEST_CASE(saved_with_pytorch_names_and_1d_shapes) {
  typenet_test::temp_dir dir;
  auto p = tn::init<net>(tn::pytorch_default{}, 7);
  std::mt19937 rng(8);
  for (auto& v : p.get<2>()) v = std::uniform_real_distribution<float>(0.5f, 1.5f)(rng);
  tn::save(p, dir.path / "ln.safetensors");
  // nn.LayerNorm's state_dict: weight and bias of shape [8]
  const auto header = tn::io::inspect_safetensors(dir.path / "ln.safetensors");
  int found = 0;
  for (const auto& t : header.tensors)
    if (t.name == "1.weight" || t.name == "1.bias") {
      ++found;
      BOOST_TEST((t.shape == std::vector<std::size_t>{8}), t.name);
    }
  BOOST_TEST(found == 2);
  auto q = tn::init<net>(tn::pytorch_default{}, 9);
  tn::load(q, dir.path / "ln.safetensors");
  BOOST_TEST((q.get<2>() == p.get<2>()));
  BOOST_TEST((q.get<4>() == p.get<4>()));
}
