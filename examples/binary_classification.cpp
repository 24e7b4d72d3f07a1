// Binary classification with one sigmoid output: points inside or outside
// a circle of radius 0.6, with 2 noise features. The 2-class CSV trains a
// 1-output network with binary cross-entropy; accuracy thresholds the
// output at 0.5. Exits with 1 below 95% test accuracy.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>

#include <typenet/typenet.hpp>

namespace tn = typenet;

namespace {

void write_points(const std::filesystem::path& path, int n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  std::ofstream out(path);
  for (int i = 0; i < n; ++i) {
    const double x = u(rng), y = u(rng);
    out << x << ',' << y << ',' << u(rng) << ',' << u(rng) << ',' << (x * x + y * y < 0.36 ? 1 : 0) << '\n';
  }
}

}  // namespace

int main() {
  const auto dir = std::filesystem::temp_directory_path();
  const auto train_csv = dir / "typenet_circle_train.csv", test_csv = dir / "typenet_circle_test.csv";
  write_points(train_csv, 3000, 1);
  write_points(test_csv, 1000, 2);
  const auto train = tn::data::load_csv<4, 2>(train_csv);  // 4 features, 2 classes (the last column)
  const auto test = tn::data::load_csv<4, 2>(test_csv);

  using net = tn::network<tn::input<4>, tn::dense<16>, tn::relu, tn::dense<16>, tn::relu, tn::dense<1>, tn::sigmoid>;
  auto p = tn::init<net>(tn::he_uniform{}, 4);
  tn::trainer<net, tn::binary_cross_entropy, tn::adam, tn::batch<32>> t{p, {.learning_rate = 0.01f}};
  const auto h = t.fit(train, {.epochs = 40, .progress = false});
  const tn::metrics m = tn::evaluate<tn::binary_cross_entropy>(p, test);
  std::printf("train accuracy %.2f%%, test loss %.4f, test accuracy %.2f%% (tn::accuracy: %.2f%%)\n",
              100 * h.epochs.back().accuracy, m.loss, 100 * m.accuracy, 100 * tn::accuracy<net>(p, test));
  std::filesystem::remove(train_csv);
  std::filesystem::remove(test_csv);
  return m.accuracy >= 0.95 ? 0 : 1;
}
