// fit beyond multi-class classification: real-valued targets, one sigmoid
// output on two classes, validation, early stopping, epochs as a total,
// checkpoints that resume bit for bit, and the errors before training.
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include <typenet/typenet.hpp>

#include "../support/temp_dir.hpp"

namespace tn = typenet;
using typenet_test::temp_dir;

namespace {

/// Real-valued targets: the read interface fit and evaluate use.
template <std::size_t F, std::size_t K>
struct real_rows {
  using value_type = float;
  static constexpr std::size_t static_features = F;
  static constexpr std::size_t static_targets = K;
  std::vector<float> x, y;
  std::string name = "real_rows";
  [[nodiscard]] std::size_t size() const { return y.size() / K; }
  [[nodiscard]] std::size_t features() const { return F; }
  [[nodiscard]] std::size_t targets() const { return K; }
  [[nodiscard]] const std::string& source() const { return name; }
  [[nodiscard]] const float* row_data(std::size_t i) const { return x.data() + i * F; }
  [[nodiscard]] const float* target_data(std::size_t i) const { return y.data() + i * K; }
};

/// y = (sin(2 x0) + x1^2, x0 - x1) over n points of [-1, 1]^2.
real_rows<2, 2> surface(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  real_rows<2, 2> d;
  for (std::size_t i = 0; i < n; ++i) {
    const float a = u(rng), b = u(rng);
    d.x.insert(d.x.end(), {a, b});
    d.y.insert(d.y.end(), {std::sin(2 * a) + b * b, a - b});
  }
  return d;
}

/// Two classes on either side of the line x0 + 2 x1 = 0.3.
tn::data::dataset<float, 3, 2> two_classes(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  std::vector<float> x;
  std::vector<tn::data::label_type> y;
  for (std::size_t i = 0; i < n; ++i) {
    const float a = u(rng), b = u(rng), c = u(rng);
    x.insert(x.end(), {a, b, c});
    y.push_back(a + 2 * b > 0.3f ? 1 : 0);
  }
  return tn::data::dataset<float, 3, 2>(3, 2, std::move(x), std::move(y), "two_classes");
}

using regressor = tn::network<tn::input<2>, tn::dense<32>, tn::tanh, tn::dense<2>>;
using binary_net = tn::network<tn::input<3>, tn::dense<8>, tn::relu, tn::dense<1>, tn::sigmoid>;

template <class P>
bool same_weights(const P& a, const P& b) {
  bool same = true;
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    ((same = same && std::equal(a.template get<I>().begin(), a.template get<I>().end(), b.template get<I>().begin())), ...);
  }(std::make_index_sequence<P::count>{});
  return same;
}

}  // namespace

BOOST_AUTO_TEST_CASE(regression_with_two_real_targets_trains_through_fit) {
  const auto train = surface(600, 1), test = surface(200, 2);
  auto p = tn::init<regressor>(tn::glorot_uniform{}, 3);
  const double before = tn::evaluate<tn::mse>(p, test).loss;
  tn::trainer<regressor, tn::mse, tn::adam, tn::batch<32>> t{p, {.learning_rate = 0.01f}};
  const auto h = t.fit(train, {.epochs = 60, .shuffle_seed = 4, .progress = false});
  BOOST_TEST(h.epochs.size() == 60u);
  BOOST_TEST(std::isnan(h.epochs.back().accuracy));  // no accuracy for real targets
  const tn::metrics m = tn::evaluate<tn::mse>(p, test);
  BOOST_TEST(m.rows == 200u);
  BOOST_TEST(std::isnan(m.accuracy));
  BOOST_TEST(m.loss < before / 20, "test mse " << m.loss << " from " << before);
  BOOST_TEST(m.r2 > 0.95, "r2 " << m.r2);
  // mae and r2 by hand from predictions
  std::vector<float> out(200 * 2);
  tn::predictor<regressor> run;
  run.run(p, test.x.data(), 200, out.data());
  double abs = 0, sq = 0;
  for (std::size_t i = 0; i < out.size(); ++i) {
    abs += std::abs(double(out[i]) - double(test.y[i]));
    sq += (double(out[i]) - double(test.y[i])) * (double(out[i]) - double(test.y[i]));
  }
  BOOST_TEST(std::abs(m.mae - abs / 400) < 1e-9);
  BOOST_TEST(std::abs(m.loss - sq / 400) < 1e-9);
}

BOOST_AUTO_TEST_CASE(two_classes_train_a_single_sigmoid_output) {
  const auto train = two_classes(800, 5), test = two_classes(300, 6);
  auto p = tn::init<binary_net>(tn::glorot_uniform{}, 7);
  tn::trainer<binary_net, tn::binary_cross_entropy, tn::sgd, tn::batch<32>> t{p, {.learning_rate = 0.5f}};
  const auto h = t.fit(train, {.epochs = 30, .progress = false});
  BOOST_TEST(h.epochs.back().accuracy > 0.9);
  const double acc = tn::accuracy<binary_net>(p, test);
  BOOST_TEST(acc > 0.93, "test accuracy " << acc);
  // accuracy thresholds the one output at 0.5, by hand
  std::vector<float> out(300);
  tn::predictor<binary_net>{}.run(p, test.row_data(0), 300, out.data());
  std::size_t right = 0;
  for (std::size_t i = 0; i < 300; ++i) right += (out[i] >= 0.5f) == (test.label(i) == 1) ? 1 : 0;
  BOOST_TEST(acc == double(right) / 300.0);
  const tn::metrics m = tn::evaluate<tn::binary_cross_entropy>(p, test);
  BOOST_TEST(m.accuracy == acc);
  BOOST_TEST(std::isnan(m.mae));
  double bce = 0;
  for (std::size_t i = 0; i < 300; ++i) bce -= test.label(i) == 1 ? std::log(double(out[i])) : std::log(1.0 - double(out[i]));
  BOOST_TEST(std::abs(m.loss - bce / 300) < 1e-6);
}

BOOST_AUTO_TEST_CASE(a_dataset_whose_classes_do_not_fit_is_refused_naming_both_counts) {
  using three = tn::network<tn::input<3>, tn::dense<4>, tn::relu, tn::dense<3>, tn::softmax>;
  auto fixed = two_classes(40, 1);
  // classes known only at run time: the error comes before training
  tn::data::dataset<float> dynamic(3, 2, std::vector<float>(fixed.all_features().begin(), fixed.all_features().end()),
                                   std::vector<tn::data::label_type>(fixed.all_labels().begin(), fixed.all_labels().end()),
                                   "dynamic");
  auto p = tn::init<three>(tn::glorot_uniform{}, 1);
  const auto before = p;
  tn::trainer<three, tn::cross_entropy, tn::sgd, tn::batch<8>> t{p, {.learning_rate = 0.1f}};
  try {
    t.fit(dynamic, {.progress = false});
    BOOST_ERROR("fit accepted 2 classes for 3 outputs");
  } catch (const std::invalid_argument& e) {
    const std::string what = e.what();
    BOOST_TEST(what.find("3 outputs") != std::string::npos, what);
    BOOST_TEST(what.find("2 classes") != std::string::npos, what);
  }
  BOOST_CHECK_THROW((void)tn::accuracy<three>(p, dynamic), std::invalid_argument);
  BOOST_TEST(same_weights(p, before));
  BOOST_TEST(t.steps_done() == 0u);
}

BOOST_AUTO_TEST_CASE(validation_loss_is_evaluate_of_that_epochs_weights) {
  const auto train = surface(300, 8), valid = surface(100, 9);
  auto p = tn::init<regressor>(tn::glorot_uniform{}, 10);
  tn::trainer<regressor, tn::mse, tn::adam, tn::batch<16>> t{p, {.learning_rate = 0.01f}};
  std::vector<tn::metrics> seen;
  const auto h = t.fit(train, {.epochs = 4, .progress = false, .on_epoch = [&](const tn::epoch_record&) {
                                 seen.push_back(tn::evaluate<tn::mse>(p, valid));
                               },
                               .validation = &valid});
  BOOST_TEST_REQUIRE(h.epochs.size() == 4u);
  for (std::size_t e = 0; e < 4; ++e) {
    BOOST_TEST(h.epochs[e].validation_loss == seen[e].loss);
    BOOST_TEST(h.epochs[e].validation_mae == seen[e].mae);
    BOOST_TEST(h.epochs[e].validation_r2 == seen[e].r2);
    BOOST_TEST(std::isnan(h.epochs[e].validation_accuracy));
  }
  BOOST_TEST(h.epochs[3].validation_loss < h.epochs[0].validation_loss);
}

BOOST_AUTO_TEST_CASE(early_stopping_stops_after_patience_and_restores_the_best_epoch) {
  const auto train = two_classes(400, 11), valid = two_classes(200, 12);
  auto p = tn::init<binary_net>(tn::glorot_uniform{}, 13);
  tn::trainer<binary_net, tn::binary_cross_entropy, tn::sgd, tn::batch<32>> t{p, {.learning_rate = 0.5f}};
  // min_delta so large that no epoch after the first counts as better: stops after 1 + patience epochs
  std::vector<tn::params<binary_net>> weights;
  auto h = t.fit(train, {.epochs = 50, .progress = false,
                         .on_epoch = [&](const tn::epoch_record&) { weights.push_back(p); },
                         .validation = &valid,
                         .early_stopping = {.patience = 3, .min_delta = 1e9, .restore_best = true}});
  BOOST_TEST(h.epochs.size() == 4u);
  BOOST_TEST(h.stopped_early);
  BOOST_TEST(h.best_epoch == 1u);
  BOOST_TEST(same_weights(p, weights[0]));  // epoch 1's weights are back
  BOOST_TEST(t.epochs_done() == 4u);

  // the usual use: the best of the epochs run is restored
  auto q = tn::init<binary_net>(tn::glorot_uniform{}, 14);
  tn::trainer<binary_net, tn::binary_cross_entropy, tn::sgd, tn::batch<32>> u{q, {.learning_rate = 2.0f}};
  std::vector<tn::params<binary_net>> all;
  h = u.fit(train, {.epochs = 12, .progress = false, .on_epoch = [&](const tn::epoch_record&) { all.push_back(q); },
                    .validation = &valid, .early_stopping = {.patience = 4, .restore_best = true}});
  std::size_t best = 0;
  for (std::size_t e = 1; e < h.epochs.size(); ++e)
    if (h.epochs[e].validation_loss < h.epochs[best].validation_loss) best = e;
  BOOST_TEST(h.best_epoch == best + 1);
  BOOST_TEST(same_weights(q, all[best]));
  BOOST_TEST(tn::evaluate<tn::binary_cross_entropy>(q, valid).loss == h.epochs[best].validation_loss);
}

BOOST_AUTO_TEST_CASE(bad_fit_options_are_refused_before_training) {
  const auto train = two_classes(64, 15);
  const tn::data::dataset<float, 3, 2> empty;
  auto p = tn::init<binary_net>(tn::glorot_uniform{}, 16);
  const auto before = p;
  tn::trainer<binary_net, tn::binary_cross_entropy, tn::sgd, tn::batch<32>> t{p, {.learning_rate = 0.5f}};
  auto refused = [&](const tn::fit_options& o, const std::string& words) {
    try {
      t.fit(train, o);
      BOOST_ERROR("accepted: " << words);
    } catch (const std::invalid_argument& e) {
      BOOST_TEST(std::string(e.what()).find(words) != std::string::npos, e.what());
    }
  };
  refused({.progress = false, .validation = &train, .early_stopping = {.patience = 0}}, "patience is 0");
  refused({.progress = false, .early_stopping = {.patience = 3}}, "needs a validation set");
  refused({.progress = false, .validation = &empty}, "is empty");
  refused({.progress = false, .validation = &train, .early_stopping = {.patience = 2, .min_delta = -1}}, "min_delta");
  const auto wrong = surface(20, 1);  // 2 features, 2 real targets
  refused({.progress = false, .validation = &wrong}, "3 inputs");
  BOOST_TEST(same_weights(p, before));
  BOOST_TEST(t.steps_done() == 0u);
}

BOOST_AUTO_TEST_CASE(epochs_is_the_total) {
  const auto train = two_classes(100, 17);
  auto p = tn::init<binary_net>(tn::glorot_uniform{}, 18);
  tn::trainer<binary_net, tn::binary_cross_entropy, tn::sgd, tn::batch<32>> t{p, {.learning_rate = 0.5f}};
  BOOST_TEST(t.fit(train, {.epochs = 2, .progress = false}).epochs.size() == 2u);
  BOOST_TEST(t.fit(train, {.epochs = 2, .progress = false}).epochs.empty());
  const auto h = t.fit(train, {.epochs = 3, .progress = false});
  BOOST_TEST_REQUIRE(h.epochs.size() == 1u);
  BOOST_TEST(h.epochs[0].epoch == 3u);
  BOOST_TEST(t.steps_done() == 3u * 4u);  // 100 rows: 4 steps an epoch, the last short
}

BOOST_AUTO_TEST_CASE(a_checkpoint_resumes_bit_for_bit) {
  temp_dir dir;
  const auto train = surface(250, 19);  // 250 = 7 x 32 + 26: a short last batch
  const auto start = tn::init<regressor>(tn::glorot_uniform{}, 20);
  using trainer_t = tn::trainer<regressor, tn::mse, tn::adam, tn::batch<32>>;
  const tn::fit_options six{.epochs = 6, .shuffle_seed = 21, .progress = false};

  auto whole = start;
  trainer_t a{whole, {.learning_rate = 0.01f}};
  a.fit(train, six);

  auto first = start;
  trainer_t b{first, {.learning_rate = 0.01f}};
  b.fit(train, {.epochs = 3, .shuffle_seed = 21, .progress = false});
  b.save_checkpoint(dir.path / "run.safetensors");

  auto resumed = tn::init<regressor>(tn::glorot_uniform{}, 99);  // other weights: all come from the file
  trainer_t c{resumed, {.learning_rate = 0.01f}};
  c.load_checkpoint(dir.path / "run.safetensors");
  BOOST_TEST(c.epochs_done() == 3u);
  BOOST_TEST(c.steps_done() == b.steps_done());
  const auto h = c.fit(train, six);
  BOOST_TEST_REQUIRE(h.epochs.size() == 3u);
  BOOST_TEST(h.epochs.front().epoch == 4u);
  BOOST_TEST(same_weights(resumed, whole));
  BOOST_TEST(c.steps_done() == a.steps_done());

  // the checkpoint's weights load as a model file, with their usual names
  auto model = tn::init<regressor>(tn::glorot_uniform{}, 5);
  tn::load(model, dir.path / "run.safetensors");
  BOOST_TEST(same_weights(model, first));
}

BOOST_AUTO_TEST_CASE(a_checkpoint_of_another_trainer_or_a_broken_one_is_refused_and_changes_nothing) {
  temp_dir dir;
  const auto train = surface(64, 22);
  auto p = tn::init<regressor>(tn::glorot_uniform{}, 23);
  tn::trainer<regressor, tn::mse, tn::adam, tn::batch<32>> t{p, {.learning_rate = 0.01f}};
  t.fit(train, {.epochs = 1, .progress = false});
  t.save_checkpoint(dir.path / "adam.safetensors");

  // the same layer sizes with another activation
  using other = tn::network<tn::input<2>, tn::dense<32>, tn::sigmoid, tn::dense<2>>;
  auto q = tn::init<other>(tn::glorot_uniform{}, 24);
  const auto q0 = q;
  tn::trainer<other, tn::mse, tn::adam, tn::batch<32>> u{q, {.learning_rate = 0.01f}};
  auto refused = [&](auto& trainer, const std::filesystem::path& file, const std::string& words) {
    try {
      trainer.load_checkpoint(file);
      BOOST_ERROR("accepted " << file);
    } catch (const tn::io_error& e) {
      BOOST_TEST(std::string(e.what()).find(words) != std::string::npos, e.what());
    }
  };
  refused(u, dir.path / "adam.safetensors", "typenet.network");
  BOOST_TEST(same_weights(q, q0));
  BOOST_TEST(u.steps_done() == 0u);

  // another optimizer
  auto r = tn::init<regressor>(tn::glorot_uniform{}, 25);
  const auto r0 = r;
  tn::trainer<regressor, tn::mse, tn::sgd, tn::batch<32>> v{r, {.learning_rate = 0.01f}};
  refused(v, dir.path / "adam.safetensors", "typenet.optimizer");
  BOOST_TEST(same_weights(r, r0));

  // a truncated file, and a model file that is no checkpoint
  {
    std::ifstream in(dir.path / "adam.safetensors", std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::ofstream(dir.path / "cut.safetensors", std::ios::binary).write(bytes.data(), std::streamsize(bytes.size() - 40));
  }
  tn::trainer<regressor, tn::mse, tn::adam, tn::batch<32>> w{r, {.learning_rate = 0.01f}};
  BOOST_CHECK_THROW(w.load_checkpoint(dir.path / "cut.safetensors"), tn::io_error);
  tn::save(p, dir.path / "model.safetensors");
  refused(w, dir.path / "model.safetensors", "not a typenet checkpoint");
  BOOST_TEST(same_weights(r, r0));
  BOOST_TEST(w.steps_done() == 0u);
  BOOST_TEST(w.epochs_done() == 0u);
}

BOOST_AUTO_TEST_CASE(multi_label_targets_train_k_sigmoid_outputs_with_bce) {
  // 3 independent 0/1 labels per row: x0 > 0, x1 > 0, x0 + x1 > 0.5
  real_rows<2, 3> train, test;
  std::mt19937 rng(30);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  for (auto* d : {&train, &test})
    for (int i = 0; i < 600; ++i) {
      const float a = u(rng), b = u(rng);
      d->x.insert(d->x.end(), {a, b});
      d->y.insert(d->y.end(), {a > 0 ? 1.0f : 0.0f, b > 0 ? 1.0f : 0.0f, a + b > 0.5f ? 1.0f : 0.0f});
    }
  using labels_net = tn::network<tn::input<2>, tn::dense<16>, tn::relu, tn::dense<3>, tn::sigmoid>;
  auto p = tn::init<labels_net>(tn::he_uniform{}, 31);
  const double before = tn::evaluate<tn::binary_cross_entropy>(p, test).loss;
  tn::trainer<labels_net, tn::binary_cross_entropy, tn::adam, tn::batch<32>> t{p, {.learning_rate = 0.01f}};
  t.fit(train, {.epochs = 40, .progress = false});
  const tn::metrics m = tn::evaluate<tn::binary_cross_entropy>(p, test);
  BOOST_TEST(m.loss < before / 4, m.loss << " from " << before);
  // per-label accuracy at 0.5, by hand
  std::vector<float> out(600 * 3);
  tn::predictor<labels_net>{}.run(p, test.x.data(), 600, out.data());
  std::size_t right = 0;
  for (std::size_t i = 0; i < out.size(); ++i) right += (out[i] >= 0.5f) == (test.y[i] == 1.0f) ? 1 : 0;
  BOOST_TEST(double(right) / double(out.size()) > 0.95);
}
