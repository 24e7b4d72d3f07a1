// Small problems beyond classification, typenet against PyTorch with the
// same network, optimizer, hyperparameters and initialisation (PyTorch's
// default, drawn from different generators), one thread each:
//   R  regression: a smooth 2-D function, 2-64-64-1 tanh, mse, Adam 3e-3,
//      batch 32, 40 epochs, 4000 training / 1000 test rows
//   B  binary classification: inside a circle (2 informative + 2 noise
//      features), 4-16-16-1 relu + sigmoid, binary cross-entropy, Adam 1e-2,
//      batch 32, 30 epochs, 4000 / 1000 rows
// Both read the same CSV files, written here. Prints test MSE / accuracy and
// the median seconds per epoch of both, and their ratio. PyTorch runs
// through Debian's /usr/bin/python3 (benchmarks/problems_torch.py); where it
// cannot import torch its rows are left out.
//
// Usage: problems [--seeds N]
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <numbers>
#include <random>
#include <string>
#include <vector>

#include <typenet/typenet.hpp>

namespace tn = typenet;

namespace {

double surface(double x, double y) { return std::sin(std::numbers::pi * x) * std::cos(std::numbers::pi * y / 2) + 0.5 * x * y; }

void write_regression(const std::filesystem::path& path, int n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  std::ofstream out(path);
  for (int i = 0; i < n; ++i) {
    const double x = u(rng), y = u(rng);
    out << x << ',' << y << ',' << surface(x, y) << '\n';
  }
}
void write_circle(const std::filesystem::path& path, int n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  std::ofstream out(path);
  for (int i = 0; i < n; ++i) {
    const double x = u(rng), y = u(rng);
    out << x << ',' << y << ',' << u(rng) << ',' << u(rng) << ',' << (x * x + y * y < 0.36 ? 1 : 0) << '\n';
  }
}

double median_seconds(const tn::history& h) {
  std::vector<double> s;
  for (const auto& e : h.epochs) s.push_back(e.seconds);
  std::sort(s.begin(), s.end());
  return s[s.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  int seeds = 3;
  for (int i = 1; i < argc; ++i)
    if (std::strcmp(argv[i], "--seeds") == 0 && i + 1 < argc) seeds = std::atoi(argv[++i]);
  const auto dir = std::filesystem::temp_directory_path() / "typenet-bench-problems";
  std::filesystem::create_directories(dir);
  write_regression(dir / "r_train.csv", 4000, 1);
  write_regression(dir / "r_test.csv", 1000, 2);
  write_circle(dir / "b_train.csv", 4000, 3);
  write_circle(dir / "b_test.csv", 1000, 4);

  const auto rtrain = tn::data::load_csv<2, tn::data::real<1>>(dir / "r_train.csv");
  const auto rtest = tn::data::load_csv<2, tn::data::real<1>>(dir / "r_test.csv");
  const auto btrain = tn::data::load_csv<4, 2>(dir / "b_train.csv");
  const auto btest = tn::data::load_csv<4, 2>(dir / "b_test.csv");
  using rnet = tn::network<tn::input<2>, tn::dense<64>, tn::tanh, tn::dense<64>, tn::tanh, tn::dense<1>>;
  using bnet = tn::network<tn::input<4>, tn::dense<16>, tn::relu, tn::dense<16>, tn::relu, tn::dense<1>, tn::sigmoid>;

  std::printf("%-34s %6s %12s %14s\n", "problem, implementation", "seed", "test", "s per epoch");
  double r_time = 0, b_time = 0;
  for (int seed = 1; seed <= seeds; ++seed) {
    auto p = tn::init<rnet>(tn::pytorch_default{}, static_cast<std::uint64_t>(seed));
    tn::trainer<rnet, tn::mse, tn::adam, tn::batch<32>> t{p, {.learning_rate = 0.003f}};
    const auto h = t.fit(rtrain, {.epochs = 40, .shuffle_seed = static_cast<std::uint64_t>(seed), .progress = false});
    const auto m = tn::evaluate<tn::mse>(p, rtest);
    r_time += median_seconds(h) / seeds;
    std::printf("%-34s %6d %8.5f mse %12.5f\n", "R regression, typenet", seed, m.loss, median_seconds(h));
  }
  for (int seed = 1; seed <= seeds; ++seed) {
    auto p = tn::init<bnet>(tn::pytorch_default{}, static_cast<std::uint64_t>(seed));
    tn::trainer<bnet, tn::binary_cross_entropy, tn::adam, tn::batch<32>> t{p, {.learning_rate = 0.01f}};
    const auto h = t.fit(btrain, {.epochs = 30, .shuffle_seed = static_cast<std::uint64_t>(seed), .progress = false});
    const auto m = tn::evaluate<tn::binary_cross_entropy>(p, btest);
    b_time += median_seconds(h) / seeds;
    std::printf("%-34s %6d %7.2f%% acc %12.5f\n", "B binary, typenet", seed, 100 * m.accuracy, median_seconds(h));
  }
  std::fflush(stdout);
  const std::string script = std::string(TYPENET_BENCH_DIR) + "/problems_torch.py";
  const std::string command = "/usr/bin/python3 '" + script + "' '" + dir.string() + "' " + std::to_string(seeds) +
                              " " + std::to_string(r_time) + " " + std::to_string(b_time);
  const int rc = std::system(command.c_str());
  if (rc != 0) std::printf("(PyTorch rows left out: %s exited with %d)\n", script.c_str(), rc);
  std::filesystem::remove_all(dir);
  return 0;
}
