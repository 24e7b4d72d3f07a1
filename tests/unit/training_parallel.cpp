// A batch split into parts on several threads (tn::threads<N>) makes the same
// step as one thread, up to the order of float additions: same losses, same
// weights after many steps, for every optimizer, for class-index targets,
// short batches, parts that are copied (unaligned) and fit's gathered batches.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "../support/matrix_check.hpp"

namespace tn = typenet;
using typenet_test::random_matrix;

namespace {

using net = tn::network<tn::input<24>, tn::dense<16>, tn::sigmoid, tn::dense<8>, tn::tanh, tn::dense<5>, tn::softmax>;
constexpr std::size_t B = 32;

/// Largest difference between two parameter sets relative to the larger magnitude.
template <class P>
double max_relative_difference(const P& a, const P& b) {
  double worst = 0;
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (
        [&] {
          const auto& u = a.template get<I>();
          const auto& v = b.template get<I>();
          double scale = 1e-30;
          for (std::size_t i = 0; i < u.size; ++i) scale = std::max(scale, std::abs(double(u.values[i])));
          for (std::size_t i = 0; i < u.size; ++i)
            worst = std::max(worst, std::abs(double(u.values[i]) - double(v.values[i])) / scale);
        }(),
        ...);
  }(std::make_index_sequence<P::count>{});
  return worst;
}

/// Steps with N threads and with one, from the same weights and batches.
template <class T, std::size_t Parts, class Loss, class Opt>
void compare_steps(typename Opt::config config, double tolerance) {
  auto p1 = tn::init<net, T>(tn::glorot_uniform{}, 5);
  auto pn = p1;
  tn::trainer<net, Loss, Opt, tn::batch<B>, T, tn::threads<1>> one{p1, config};
  tn::trainer<net, Loss, Opt, tn::batch<B>, T, tn::threads<Parts>> many{pn, config};
  static_assert(decltype(one)::parts == 1 && decltype(many)::parts == Parts);
  BOOST_TEST(many.threads_used() >= 1u);
  BOOST_TEST(many.threads_used() <= Parts);
  std::mt19937 rng(9);
  for (int s = 0; s < 25; ++s) {
    const auto x = random_matrix<T, B, 24>(rng);
    tn::matrix<T, B, 5> y{};
    std::array<int, B> labels{};
    for (std::size_t r = 0; r < B; ++r) {
      labels[r] = static_cast<int>((r * 7 + static_cast<std::size_t>(s)) % 5);
      y(r, static_cast<std::size_t>(labels[r])) = T(1);
    }
    T l1, ln;
    if (s % 3 == 0) {
      l1 = one.step(x, std::span<const int, B>(labels));
      ln = many.step(x, std::span<const int, B>(labels));
    } else if (s % 3 == 1) {
      l1 = one.step(x, y);
      ln = many.step(x, y);
    } else {
      l1 = one.step(x, y, 21);  // a short batch: 21 real rows
      ln = many.step(x, y, 21);
    }
    BOOST_TEST(std::abs(double(l1 - ln)) <= tolerance * std::abs(double(l1)), "step " << s << ": " << l1 << " vs " << ln);
    for (std::size_t i = 0; i < one.last_output().size; ++i)
      BOOST_TEST(std::abs(double(one.last_output().values[i] - many.last_output().values[i])) <= tolerance);
  }
  BOOST_TEST(max_relative_difference(p1, pn) <= tolerance * 25);
  BOOST_TEST(max_relative_difference(p1, tn::init<net, T>(tn::glorot_uniform{}, 5)) > 1e-3);  // they did train
}

}  // namespace

BOOST_AUTO_TEST_CASE(parts_are_chosen_from_the_shapes) {
  using seeds = tn::network<tn::input<784>, tn::dense<16>, tn::sigmoid, tn::dense<16>, tn::sigmoid, tn::dense<10>,
                            tn::softmax>;
  using xor_net = tn::network<tn::input<2>, tn::dense<4>, tn::sigmoid, tn::dense<1>, tn::sigmoid>;
  // the seeds' network stays on one thread (tests/static/thread_policy.cpp has the workloads)
  static_assert(tn::trainer<seeds, tn::cross_entropy, tn::sgd, tn::batch<32>>::parts == 1);
  static_assert(tn::trainer<seeds, tn::cross_entropy, tn::sgd, tn::batch<32>, float, tn::threads<2>>::part_rows == 16);
  static_assert(tn::trainer<seeds, tn::cross_entropy, tn::sgd, tn::batch<8>>::parts == 1);  // halves too small
  static_assert(tn::trainer<xor_net, tn::mse, tn::sgd, tn::batch<4>>::parts == 1);
  static_assert(tn::trainer<seeds, tn::cross_entropy, tn::sgd, tn::batch<32>, float, tn::threads<1>>::parts == 1);
  static_assert(tn::trainer<net, tn::mse, tn::sgd, tn::batch<B>, float, tn::threads<4>>::part_rows == 8);
  BOOST_TEST(true);
}

BOOST_AUTO_TEST_CASE(two_parts_make_the_one_thread_step) {
  compare_steps<float, 2, tn::cross_entropy, tn::sgd>({.learning_rate = 0.5f}, 2e-5);
  compare_steps<double, 2, tn::cross_entropy, tn::sgd>({.learning_rate = 0.5f}, 1e-12);
  compare_steps<float, 2, tn::mse, tn::momentum>({.learning_rate = 0.2f}, 2e-5);
  compare_steps<float, 2, tn::cross_entropy, tn::adam>({.learning_rate = 0.01f}, 5e-5);
  // weight decay, also where plain SGD is folded into the combination of the parts
  compare_steps<double, 2, tn::cross_entropy, tn::sgd>({.learning_rate = 0.5f, .weight_decay = 0.1f}, 1e-12);
  compare_steps<float, 2, tn::cross_entropy, tn::adamw>({.learning_rate = 0.01f, .weight_decay = 0.1f}, 5e-5);
}

BOOST_AUTO_TEST_CASE(four_parts_make_the_one_thread_step) {
  // 8 rows of 24 floats a part: 768 bytes, read in place
  compare_steps<float, 4, tn::cross_entropy, tn::sgd>({.learning_rate = 0.5f}, 2e-5);
  compare_steps<double, 4, tn::mse, tn::nesterov>({.learning_rate = 0.1f}, 1e-12);
}

BOOST_AUTO_TEST_CASE(unaligned_parts_are_copied) {
  // 3 rows of 5 doubles a part (120 bytes): each part's rows are staged
  using small = tn::network<tn::input<5>, tn::dense<4>, tn::tanh, tn::dense<3>, tn::softmax>;
  auto p1 = tn::init<small, double>(tn::glorot_uniform{}, 3);
  auto p2 = p1;
  tn::trainer<small, tn::cross_entropy, tn::sgd, tn::batch<6>, double, tn::threads<1>> one{p1, {.learning_rate = 0.3f}};
  tn::trainer<small, tn::cross_entropy, tn::sgd, tn::batch<6>, double, tn::threads<2>> two{p2, {.learning_rate = 0.3f}};
  std::mt19937 rng(4);
  for (int s = 0; s < 10; ++s) {
    const auto x = random_matrix<double, 6, 5>(rng);
    tn::matrix<double, 6, 3> y{};
    for (std::size_t r = 0; r < 6; ++r) y(r, (r + static_cast<std::size_t>(s)) % 3) = 1;
    const double a = one.step(x, y);
    const double b = two.step(x, y);
    BOOST_TEST(std::abs(a - b) < 1e-13);
  }
  BOOST_TEST(max_relative_difference(p1, p2) < 1e-12);
}

BOOST_AUTO_TEST_CASE(a_one_output_network_combines_its_scalar_bias_gradient) {
  // the last layer's 1 x 1 bias has a gradient that is a number, not a matrix
  using regression = tn::network<tn::input<6>, tn::dense<8>, tn::tanh, tn::dense<1>>;
  std::mt19937 rng(11);
  auto run = [&](auto opt_tag, auto config) {
    using Opt = decltype(opt_tag);
    const auto start = tn::init<regression, float>(tn::glorot_uniform{}, 8);
    auto p1 = start;
    auto p2 = start;
    tn::trainer<regression, tn::mse, Opt, tn::batch<32>, float, tn::threads<1>> one{p1, config};
    tn::trainer<regression, tn::mse, Opt, tn::batch<32>, float, tn::threads<2>> two{p2, config};
    static_assert(decltype(two)::parts == 2);
    for (int s = 0; s < 20; ++s) {
      const auto x = random_matrix<float, 32, 6>(rng);
      const auto y = random_matrix<float, 32, 1>(rng);
      const float a = one.step(x, y);
      const float b = two.step(x, y);
      BOOST_TEST(std::abs(a - b) <= 2e-5f * std::abs(a), "step " << s << ": " << a << " vs " << b);
    }
    BOOST_TEST(max_relative_difference(p1, p2) <= 5e-4);
    BOOST_TEST(std::abs(p1.template get<3>().values[0] - start.template get<3>().values[0]) > 1e-4f);  // the bias trained
  };
  run(tn::sgd{}, tn::sgd::config{.learning_rate = 0.1f});
  run(tn::adam{}, tn::adam::config{.learning_rate = 0.01f});
}

BOOST_AUTO_TEST_CASE(fit_gathers_each_part_on_its_thread) {
  // 150 rows, batch 32: four full steps and a short one of 22 rows per epoch
  struct rows {
    std::vector<float> x;
    std::vector<int> y;
    std::size_t size() const { return y.size(); }
    const float* row_data(std::size_t i) const { return x.data() + 24 * i; }
    int label(std::size_t i) const { return y[i]; }
  } data;
  std::mt19937 rng(13);
  std::normal_distribution<float> noise(0.f, 0.3f);
  for (int i = 0; i < 150; ++i) {
    const int c = i % 5;
    for (int j = 0; j < 24; ++j) data.x.push_back((j % 5 == c ? 1.5f : 0.f) + noise(rng));
    data.y.push_back(c);
  }
  auto p1 = tn::init<net>(tn::glorot_uniform{}, 14);
  auto p2 = p1;
  tn::trainer<net, tn::cross_entropy, tn::sgd, tn::batch<B>, float, tn::threads<1>> one{p1, {.learning_rate = 0.5f}};
  tn::trainer<net, tn::cross_entropy, tn::sgd, tn::batch<B>, float, tn::threads<2>> two{p2, {.learning_rate = 0.5f}};
  const auto h1 = one.fit(data, {.epochs = 8, .shuffle_seed = 3, .progress = false});
  const auto h2 = two.fit(data, {.epochs = 8, .shuffle_seed = 3, .progress = false});
  for (std::size_t e = 0; e < 8; ++e) {
    BOOST_TEST(std::abs(h1.epochs[e].loss - h2.epochs[e].loss) < 1e-4 * h1.epochs[e].loss, "epoch " << e);
    BOOST_TEST(h1.epochs[e].accuracy == h2.epochs[e].accuracy);
  }
  BOOST_TEST(h2.epochs.back().loss < h2.epochs.front().loss / 2);
  BOOST_TEST(max_relative_difference(p1, p2) < 1e-4);
}

BOOST_AUTO_TEST_CASE(nan_in_one_part_stops_the_step_before_any_weight_changes) {
  auto p = tn::init<net>(tn::glorot_uniform{}, 6);
  tn::trainer<net, tn::cross_entropy, tn::sgd, tn::batch<B>, float, tn::threads<2>> t{p, {.learning_rate = 0.1f}};
  std::mt19937 rng(1);
  auto x = random_matrix<float, B, 24>(rng);
  tn::matrix<float, B, 5> y{};
  for (std::size_t r = 0; r < B; ++r) y(r, r % 5) = 1;
  t.step(x, y);
  const auto good = p;
  x(B - 1, 3) = std::numeric_limits<float>::quiet_NaN();  // in the second part
  BOOST_CHECK_THROW(t.step(x, y), tn::training_error);
  BOOST_TEST(max_relative_difference(p, good) == 0.0);
  x(B - 1, 3) = 0.5f;
  BOOST_TEST(std::isfinite(t.step(x, y)));  // and training goes on
}
