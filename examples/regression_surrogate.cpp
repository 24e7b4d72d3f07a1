// A surrogate model: a network learns a smooth 2-D function from samples,
// as an engineer replaces an expensive simulation by a cheap fit.
//
//   f(x, y) = sin(pi x) cos(pi y / 2) + 0.5 x y,  (x, y) in [-1, 1]^2
//
// The example writes the samples as a CSV file (features x, y; target f),
// loads them with real-valued targets, standardizes the features with
// statistics of the training rows, holds out a validation part, trains with
// Adam and early stopping, and reports test MSE, MAE and R^2. It exits with
// 1 if the surrogate is not accurate (R^2 below 0.98).
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <numbers>
#include <random>

#include <typenet/typenet.hpp>

namespace tn = typenet;

namespace {

double f(double x, double y) { return std::sin(std::numbers::pi * x) * std::cos(std::numbers::pi * y / 2) + 0.5 * x * y; }

void write_samples(const std::filesystem::path& path, int n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  std::ofstream out(path);
  out << "x,y,f\n";
  for (int i = 0; i < n; ++i) {
    const double x = u(rng), y = u(rng);
    out << x << ',' << y << ',' << f(x, y) << '\n';
  }
}

}  // namespace

int main() {
  const auto dir = std::filesystem::temp_directory_path();
  const auto train_csv = dir / "typenet_surrogate_train.csv", test_csv = dir / "typenet_surrogate_test.csv";
  write_samples(train_csv, 2000, 1);
  write_samples(test_csv, 500, 2);

  auto train = tn::data::load_csv<2, tn::data::real<1>>(train_csv, {.has_header = true});
  auto test = tn::data::load_csv<2, tn::data::real<1>>(test_csv, {.has_header = true});
  const auto scale = tn::data::standardizer<2>::fit(train);
  scale.apply(train);
  scale.apply(test);
  auto [fit_part, valid] = tn::data::split(train, 0.8, /*seed=*/1);

  using net = tn::network<tn::input<2>, tn::dense<64>, tn::tanh, tn::dense<64>, tn::tanh, tn::dense<1>>;
  auto p = tn::init<net>(tn::glorot_uniform{}, 3);
  tn::trainer<net, tn::mse, tn::adam, tn::batch<32>> t{p, {.learning_rate = 0.003f}};
  const auto h = t.fit(fit_part, {.epochs = 150, .shuffle_seed = 1, .progress = false,
                                  .validation = &valid,
                                  .early_stopping = {.patience = 15, .restore_best = true}});
  const tn::metrics m = tn::evaluate<tn::mse>(p, test);
  std::printf("%zu epochs (best %zu%s), validation mse %.5f; test mse %.5f, mae %.4f, r2 %.4f\n", h.epochs.size(),
              h.best_epoch, h.stopped_early ? ", stopped early" : "", h.epochs[h.best_epoch - 1].validation_loss, m.loss,
              m.mae, m.r2);
  std::filesystem::remove(train_csv);
  std::filesystem::remove(test_csv);
  return m.r2 >= 0.98 ? 0 : 1;
}
