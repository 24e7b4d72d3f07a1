// Parameters, initializers, optimizers, schedules, the trainer's step and its
// NaN guard, inference in chunks. Optimizer updates are checked against the
// PyTorch formulas applied by hand to gradients from tn::eval(tn::grad(...)).
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>
#include <string>

#include "../support/matrix_check.hpp"

namespace tn = typenet;
using typenet_test::random_matrix;

namespace {

using small = tn::network<tn::input<5>, tn::dense<4>, tn::tanh, tn::dense<3>, tn::softmax>;
constexpr std::size_t B = 6;

struct batch_data {
  tn::matrix<double, B, 5> x;
  tn::matrix<double, B, 3> y{};
  explicit batch_data(unsigned seed) {
    std::mt19937 rng(seed);
    x = random_matrix<double, B, 5>(rng);
    for (std::size_t r = 0; r < B; ++r) y(r, (r + seed) % 3) = 1;
  }
};

/// The gradients of the loss at p, by tn::eval of tn::grad (independent of the trainer).
template <class Loss, class Net, std::size_t Rows, class P, class X, class Y>
auto gradients_at(const P& p, const X& x, const Y& y) {
  constexpr auto L = Loss::template expression<Net, Rows>();
  return std::apply(
      [&](const auto&... b) {
        return tn::eval(tn::grad(L, tn::at_t<0, typename Net::parameters>{}, tn::at_t<1, typename Net::parameters>{},
                                 tn::at_t<2, typename Net::parameters>{}, tn::at_t<3, typename Net::parameters>{}),
                        typename Net::template input_t<Rows>{} = x, tn::target<Net, Rows> = y, b...);
      },
      p.bindings());
}

template <class M>
double max_abs_diff(const M& a, const M& b) {
  double d = 0;
  for (std::size_t i = 0; i < M::size; ++i) d = std::max(d, std::abs(double(a.values[i]) - double(b.values[i])));
  return d;
}

}  // namespace

BOOST_AUTO_TEST_CASE(initializers_are_reproducible_and_in_range) {
  const auto a = tn::init<small>(tn::glorot_uniform{}, 7);
  const auto b = tn::init<small>(tn::glorot_uniform{}, 7);
  const auto c = tn::init<small>(tn::glorot_uniform{}, 8);
  BOOST_TEST(max_abs_diff(a.get<0>(), b.get<0>()) == 0.0);
  BOOST_TEST(max_abs_diff(a.get<2>(), b.get<2>()) == 0.0);
  BOOST_TEST(max_abs_diff(a.get<0>(), c.get<0>()) > 0.0);
  const double limit = std::sqrt(6.0 / (5 + 4));
  for (float v : a.get<0>()) BOOST_TEST(std::abs(v) <= limit);
  for (float v : a.get<1>()) BOOST_TEST(v == 0.0f);  // Glorot: zero biases
  const auto t = tn::init<small>(tn::pytorch_default{}, 3);
  bool nonzero_bias = false;
  for (float v : t.get<1>()) {
    BOOST_TEST(std::abs(v) <= 1 / std::sqrt(5.0));
    nonzero_bias = nonzero_bias || v != 0;
  }
  BOOST_TEST(nonzero_bias);
  const auto h = tn::init<small>(tn::he_normal{}, 3);
  double sq = 0;
  for (float v : h.get<0>()) sq += double(v) * v;
  BOOST_TEST(sq > 0.0);
  // copies are deep
  auto d = a;
  d.get<0>()(0, 0) += 1;
  BOOST_TEST(d.get<0>()(0, 0) != a.get<0>()(0, 0));
}

BOOST_AUTO_TEST_CASE(sgd_step_matches_the_formula) {
  auto p = tn::init<small, double>(tn::glorot_uniform{}, 1);
  const auto before = p;
  const batch_data d(1);
  const auto [g0, g1, g2, g3] = gradients_at<tn::cross_entropy, small, B>(before, d.x, d.y);
  tn::trainer<small, tn::cross_entropy, tn::sgd, tn::batch<B>, double> t{p, {.learning_rate = 0.3f}};
  const double loss = t.step(d.x, d.y);
  const double expected_loss = std::apply(
      [&](const auto&... b) {
        return tn::eval(tn::cross_entropy::expression<small, B>(), small::input_t<B>{} = d.x, tn::target<small, B> = d.y, b...);
      },
      before.bindings());
  BOOST_TEST(std::abs(loss - expected_loss) < 1e-12);
  const double lr = 0.3f;  // the config holds a float
  for (std::size_t i = 0; i < g0.size; ++i) BOOST_TEST(std::abs(p.get<0>().values[i] - (before.get<0>().values[i] - lr * g0.values[i])) < 1e-12);
  for (std::size_t i = 0; i < g3.size; ++i) BOOST_TEST(std::abs(p.get<3>().values[i] - (before.get<3>().values[i] - lr * g3.values[i])) < 1e-12);
  (void)g1;
  (void)g2;
}

BOOST_AUTO_TEST_CASE(momentum_nesterov_adam_match_pytorch_formulas) {
  const batch_data d1(2), d2(3);
  auto run = [&](auto optimizer_tag, auto cfg, auto reference) {
    using Opt = decltype(optimizer_tag);
    auto p = tn::init<small, double>(tn::he_uniform{}, 4);
    auto q = p;  // the hand-updated copy (weight 0 only is followed; every parameter uses the same code)
    tn::trainer<small, tn::cross_entropy, Opt, tn::batch<B>, double> t{p, cfg};
    tn::matrix<double, 4, 5> s1{}, s2{};  // optimizer state by hand
    int step = 0;
    for (const auto* d : {&d1, &d2}) {
      const auto g = std::get<0>(gradients_at<tn::cross_entropy, small, B>(q, d->x, d->y));
      ++step;
      // the hand update needs every parameter moved too, so reuse the trainer's
      // result for the others and compare weight 0 only
      reference(q.get<0>(), g, s1, s2, step);
      t.step(d->x, d->y);
      q.get<1>() = p.get<1>();
      q.get<2>() = p.get<2>();
      q.get<3>() = p.get<3>();
    }
    BOOST_TEST(max_abs_diff(p.get<0>(), q.get<0>()) < 1e-12);
  };
  const double lr = 0.05f, mu = 0.9f;
  run(tn::momentum{}, tn::momentum::config{.learning_rate = 0.05f, .momentum = 0.9f},
      [&](auto& w, const auto& g, auto& v, auto&, int) {
        for (std::size_t i = 0; i < w.size; ++i) {
          v.values[i] = mu * v.values[i] + g.values[i];
          w.values[i] -= lr * v.values[i];
        }
      });
  run(tn::nesterov{}, tn::nesterov::config{.learning_rate = 0.05f, .momentum = 0.9f},
      [&](auto& w, const auto& g, auto& v, auto&, int) {
        for (std::size_t i = 0; i < w.size; ++i) {
          v.values[i] = mu * v.values[i] + g.values[i];
          w.values[i] -= lr * (g.values[i] + mu * v.values[i]);
        }
      });
  const double b1 = 0.9f, b2 = 0.999f, eps = 1e-8f, alr = 0.01f;
  run(tn::adam{}, tn::adam::config{.learning_rate = 0.01f},
      [&](auto& w, const auto& g, auto& m, auto& v, int t) {
        for (std::size_t i = 0; i < w.size; ++i) {
          m.values[i] = b1 * m.values[i] + (1 - b1) * g.values[i];
          v.values[i] = b2 * v.values[i] + (1 - b2) * g.values[i] * g.values[i];
          const double mh = m.values[i] / (1 - std::pow(b1, t));
          const double vh = v.values[i] / (1 - std::pow(b2, t));
          w.values[i] -= alr * mh / (std::sqrt(vh) + eps);
        }
      });
}

BOOST_AUTO_TEST_CASE(schedules) {
  using S = tn::schedule;
  BOOST_TEST(S::constant_rate().factor(7) == 1.0);
  BOOST_TEST(S::step_decay(2, 0.5).factor(0) == 1.0);
  BOOST_TEST(S::step_decay(2, 0.5).factor(1) == 1.0);
  BOOST_TEST(S::step_decay(2, 0.5).factor(2) == 0.5);
  BOOST_TEST(S::step_decay(2, 0.5).factor(5) == 0.25);
  BOOST_TEST(std::abs(S::exponential_decay(0.9).factor(3) - 0.729) < 1e-12);
  BOOST_TEST(S::cosine_decay(10).factor(0) == 1.0);
  BOOST_TEST(std::abs(S::cosine_decay(10).factor(5) - 0.5) < 1e-12);
  BOOST_TEST(std::abs(S::cosine_decay(10, 0.1).factor(10) - 0.1) < 1e-12);
  const auto warm = S::cosine_decay(10).with_warmup(3);
  BOOST_TEST(std::abs(warm.factor(0) - 0.25) < 1e-12);
  BOOST_TEST(std::abs(warm.factor(2) - 0.75) < 1e-12);
  BOOST_TEST(warm.factor(3) == 1.0);
}

BOOST_AUTO_TEST_CASE(nan_stops_training_before_the_weights_change) {
  auto p = tn::init<small>(tn::glorot_uniform{}, 5);
  const auto before = p;
  tn::trainer<small, tn::cross_entropy, tn::sgd, tn::batch<B>> t{p, {.learning_rate = 0.1f}};
  tn::matrix<float, B, 5> x{};
  tn::matrix<float, B, 3> y{};
  for (std::size_t r = 0; r < B; ++r) y(r, 0) = 1;
  t.step(x, y);  // a good step first
  const auto good = p;
  x(2, 3) = std::numeric_limits<float>::quiet_NaN();
  bool thrown = false;
  try {
    t.step(x, y);
  } catch (const tn::training_error& e) {
    thrown = true;
    const std::string what = e.what();
    BOOST_TEST(what.find("step 2") != std::string::npos, what);
    BOOST_TEST((what.find("loss") != std::string::npos || what.find("gradient of") != std::string::npos), what);
  }
  BOOST_TEST(thrown);
  BOOST_TEST(max_abs_diff(p.get<0>(), good.get<0>()) == 0.0);
  BOOST_TEST(max_abs_diff(p.get<3>(), good.get<3>()) == 0.0);
  BOOST_TEST(max_abs_diff(p.get<3>(), before.get<3>()) > 0.0);  // the first step did move the weights (x = 0: not W0)
}

BOOST_AUTO_TEST_CASE(class_index_targets_equal_one_hot) {
  auto p = tn::init<small>(tn::glorot_uniform{}, 6);
  auto q = p;
  const batch_data d(4);
  tn::matrix<float, B, 5> x;
  tn::matrix<float, B, 3> y;
  std::array<int, B> labels{};
  for (std::size_t i = 0; i < x.size; ++i) x.values[i] = static_cast<float>(d.x.values[i]);
  for (std::size_t r = 0; r < B; ++r)
    for (std::size_t c = 0; c < 3; ++c) {
      y(r, c) = static_cast<float>(d.y(r, c));
      if (d.y(r, c) == 1) labels[r] = static_cast<int>(c);
    }
  tn::trainer<small, tn::cross_entropy, tn::sgd, tn::batch<B>> t1{p, {.learning_rate = 0.1f}};
  tn::trainer<small, tn::cross_entropy, tn::sgd, tn::batch<B>> t2{q, {.learning_rate = 0.1f}};
  BOOST_TEST(t1.step(x, y) == t2.step(x, std::span<const int, B>(labels)));
  BOOST_TEST(max_abs_diff(p.get<0>(), q.get<0>()) == 0.0);
  labels[1] = 3;
  BOOST_CHECK_THROW(t2.step(x, std::span<const int, B>(labels)), std::out_of_range);
}

BOOST_AUTO_TEST_CASE(xor_is_learned) {
  // W3's network: 2-4-1, sigmoid, MSE, SGD lr 0.5, batch 4
  using xor_net = tn::network<tn::input<2>, tn::dense<4>, tn::sigmoid, tn::dense<1>, tn::sigmoid>;
  auto p = tn::init<xor_net>(tn::pytorch_default{}, 11);
  tn::trainer<xor_net, tn::mse, tn::sgd, tn::batch<4>> t{p, {.learning_rate = 0.5f}};
  const tn::matrix<float, 4, 2> x{0, 0, 0, 1, 1, 0, 1, 1};
  const tn::matrix<float, 4, 1> y{0, 1, 1, 0};
  const float first = t.step(x, y);
  float last = first;
  for (int i = 0; i < 20000; ++i) last = t.step(x, y);
  BOOST_TEST(last < first / 10, "loss " << first << " -> " << last);
  const auto out = tn::predict<xor_net>(p, x);
  for (std::size_t r = 0; r < 4; ++r) BOOST_TEST((out(r, 0) > 0.5f) == (y(r, 0) > 0.5f), "row " << r << ": " << out(r, 0));
}

BOOST_AUTO_TEST_CASE(predict_in_chunks_equals_eval) {
  // 150 rows: two full chunks of 64 and a padded one
  auto p = tn::init<small, double>(tn::glorot_uniform{}, 9);
  std::mt19937 rng(10);
  const auto x = random_matrix<double, 150, 5>(rng);
  const auto got = tn::predict<small>(p, x);
  const auto want = std::apply([&](const auto&... b) { return tn::eval(small::output<150>(), small::input_t<150>{} = x, b...); },
                               p.bindings());
  BOOST_TEST(max_abs_diff(got, want) < 1e-12);
}

BOOST_AUTO_TEST_CASE(predict_few_rows_one_at_a_time_equals_eval) {
  auto p = tn::init<small, double>(tn::glorot_uniform{}, 15);
  std::mt19937 rng(16);
  const auto x = random_matrix<double, 3, 5>(rng);  // 3 <= single_rows: row by row
  const auto got = tn::predict<small>(p, x);
  const auto want = std::apply([&](const auto&... b) { return tn::eval(small::output<3>(), small::input_t<3>{} = x, b...); },
                               p.bindings());
  BOOST_TEST(max_abs_diff(got, want) < 1e-12);
  const auto x70 = random_matrix<double, 70, 5>(rng);  // a chunk of 64, then 6 rows one at a time
  const auto got70 = tn::predict<small>(p, x70);
  const auto want70 = std::apply(
      [&](const auto&... b) { return tn::eval(small::output<70>(), small::input_t<70>{} = x70, b...); }, p.bindings());
  BOOST_TEST(max_abs_diff(got70, want70) < 1e-12);
}

BOOST_AUTO_TEST_CASE(history_csv) {
  tn::history h;
  h.epochs.push_back({1, 0.5, 0.75, 0.1, 0.1});
  h.epochs.push_back({2, 0.25, 0.875, 0.1, 0.05});
  const std::string path = (std::filesystem::temp_directory_path() / "typenet_history_test.csv").string();
  h.write_csv(path);
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  BOOST_TEST(text.str() == "epoch,loss,accuracy,seconds,learning_rate,validation_loss,validation_accuracy,validation_mae,validation_r2\n"
                            "1,0.5,0.75,0.1,0.1,nan,nan,nan,nan\n2,0.25,0.875,0.1,0.05,nan,nan,nan,nan\n");
  std::remove(path.c_str());
  BOOST_CHECK_THROW(h.write_csv("/nonexistent-dir/x.csv"), std::runtime_error);
}

BOOST_AUTO_TEST_CASE(partial_batch_equals_a_short_batch) {
  // 4 real rows in a trainer of batch 6 must do what a trainer of batch 4 does
  auto run = [](auto loss_tag) {
    using Loss = decltype(loss_tag);
    auto p = tn::init<small, double>(tn::glorot_uniform{}, 12);
    auto q = p;
    const batch_data d(7);
    tn::matrix<double, 4, 5> x4;
    tn::matrix<double, 4, 3> y4;
    std::copy_n(d.x.data(), 4 * 5, x4.data());
    std::copy_n(d.y.data(), 4 * 3, y4.data());
    tn::trainer<small, Loss, tn::sgd, tn::batch<B>, double> t6{p, {.learning_rate = 0.25f}};
    tn::trainer<small, Loss, tn::sgd, tn::batch<4>, double> t4{q, {.learning_rate = 0.25f}};
    const double l6 = t6.step(d.x, d.y, 4);
    const double l4 = t4.step(x4, y4);
    BOOST_TEST(std::abs(l6 - l4) < 1e-12, Loss::name << ": loss " << l6 << " vs " << l4);
    BOOST_TEST(max_abs_diff(p.get<0>(), q.get<0>()) < 1e-12);
    BOOST_TEST(max_abs_diff(p.get<1>(), q.get<1>()) < 1e-12);
    BOOST_TEST(max_abs_diff(p.get<2>(), q.get<2>()) < 1e-12);
    BOOST_TEST(max_abs_diff(p.get<3>(), q.get<3>()) < 1e-12);
    BOOST_CHECK_THROW(t6.step(d.x, d.y, 7), std::invalid_argument);
  };
  run(tn::cross_entropy{});
  run(tn::mse{});
}

BOOST_AUTO_TEST_CASE(fit_runs_epochs_with_a_short_last_batch) {
  // 20 rows, batch 6: three full steps and one of 2 rows per epoch
  struct rows {
    std::vector<float> x;
    std::vector<int> y;
    std::size_t size() const { return y.size(); }
    const float* row_data(std::size_t i) const { return x.data() + 5 * i; }
    int label(std::size_t i) const { return y[i]; }
  } data;
  std::mt19937 rng(13);
  std::normal_distribution<float> noise(0.f, 0.3f);
  for (int i = 0; i < 20; ++i) {
    const int c = i % 3;
    for (int j = 0; j < 5; ++j) data.x.push_back((j == c ? 2.f : 0.f) + noise(rng));
    data.y.push_back(c);
  }
  auto p = tn::init<small>(tn::glorot_uniform{}, 14);
  tn::trainer<small, tn::cross_entropy, tn::sgd, tn::batch<B>> t{p, {.learning_rate = 0.5f}};
  std::size_t callbacks = 0;
  const auto h = t.fit(data, {.epochs = 30, .shuffle_seed = 3, .progress = false,
                              .on_epoch = [&](const tn::epoch_record&) { ++callbacks; }});
  BOOST_TEST(h.epochs.size() == 30u);
  BOOST_TEST(callbacks == 30u);
  BOOST_TEST(t.steps_done() == 30u * 4u);
  BOOST_TEST(h.epochs.back().loss < h.epochs.front().loss / 2);
  BOOST_TEST(h.epochs.back().accuracy >= 0.9);
}
