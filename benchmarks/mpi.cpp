// bench.mpi: data parallelism over MPI ranks on this machine.
//
//   mpiexec -n R mpi [--steps N] [--data DIR]
//
// 1. One MPI_Allreduce (sum, in place) of W1's 13,002 and W2's 235,146
//    floats: median over 300 calls (R >= 2).
// 2. W2 (784-256-128-10 ReLU/softmax, global batch 128, SGD 0.1) and W4's
//    network (784-16-16-10 sigmoid/softmax, global batch 32) trained by
//    tn::mpi::fit on R ranks x 128/R (32/R) rows, one thread per rank:
//    seconds per global step, of which in MPI_Allreduce, and bytes per step.
//    With R = 1, also the one-process trainer::fit on 1 and 2 threads
//    (the references scripts/bench prints beside the R = 2 row).
//    W2 trains on synthetic rows; W4 on Fashion-MNIST (if found) for one epoch.
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <typenet/mpi.hpp>
#include <typenet/typenet.hpp>
#include <typenet/data/idx.hpp>

namespace tn = typenet;

namespace {

using w2_net = tn::network<tn::input<784>, tn::dense<256>, tn::relu, tn::dense<128>, tn::relu, tn::dense<10>, tn::softmax>;
using w1_net = tn::network<tn::input<784>, tn::dense<16>, tn::sigmoid, tn::dense<16>, tn::sigmoid, tn::dense<10>,
                           tn::softmax>;
using dataset = tn::data::dataset<float, 784, 10>;

dataset synthetic(std::size_t n) {
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  std::vector<float> x(n * 784);
  for (auto& v : x) v = u(rng);
  std::vector<tn::data::label_type> y(n);
  for (std::size_t i = 0; i < n; ++i) y[i] = static_cast<tn::data::label_type>(i % 10);
  return dataset(784, 10, std::move(x), std::move(y), "synthetic");
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

void allreduce(const tn::mpi::environment& mpi, std::size_t count, const char* name) {
  std::vector<float> buffer(count, 1.0f);
  std::vector<double> times;
  for (int i = 0; i < 330; ++i) {
    const double t0 = MPI_Wtime();
    MPI_Allreduce(MPI_IN_PLACE, buffer.data(), static_cast<int>(count), MPI_FLOAT, MPI_SUM, mpi.world().get());
    if (i >= 30) times.push_back(MPI_Wtime() - t0);
  }
  if (mpi.rank() == 0)
    std::printf("allreduce %-3s %7zu floats (%8zu bytes) on %d ranks: %8.1f us (median of %zu)\n", name, count,
                count * sizeof(float), mpi.size(), 1e6 * median(times), times.size());
}

/// Seconds per global step of the data-parallel fit (R ranks x B/R rows).
template <class Net, std::size_t B, std::size_t R>
void distributed(const tn::mpi::environment& mpi, const char* name, const dataset& data, std::size_t epochs) {
  auto p = tn::init<Net>(tn::glorot_uniform{}, 1);
  tn::trainer<Net, tn::cross_entropy, tn::sgd, tn::batch<B / R>, float, tn::threads<1>> t{p, {.learning_rate = 0.1f}};
  tn::mpi::fit_statistics stats;
  tn::mpi::fit(t, mpi.world(), data, {.epochs = epochs, .progress = false, .statistics = &stats});
  if (mpi.rank() == 0)
    std::printf("%-3s %d ranks x %3zu rows, 1 thread each: %8.1f us per step, %7.1f us of it in MPI_Allreduce, %zu bytes per step\n",
                name, mpi.size(), B / R, 1e6 * stats.step_seconds / static_cast<double>(stats.steps),
                1e6 * stats.reduce_seconds / static_cast<double>(stats.steps), stats.bytes_per_step);
}

/// Seconds per step of one process (trainer::fit), on Threads threads.
template <class Net, std::size_t B, std::size_t Threads>
void one_process(const char* name, const dataset& data, std::size_t epochs) {
  auto p = tn::init<Net>(tn::glorot_uniform{}, 1);
  tn::trainer<Net, tn::cross_entropy, tn::sgd, tn::batch<B>, float, tn::threads<Threads>> t{p, {.learning_rate = 0.1f}};
  const auto start = std::chrono::steady_clock::now();
  t.fit(data, {.epochs = epochs, .progress = false});
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%-3s 1 process  x %3zu rows, %zu thread%s:     %8.1f us per step\n", name, B, t.threads_used(),
              t.threads_used() == 1 ? " " : "s", 1e6 * seconds / static_cast<double>(t.steps_done()));
}

template <std::size_t R>
void networks(const tn::mpi::environment& mpi, std::size_t w2_steps, const dataset& w2_data, const dataset& w4_data) {
  (void)w2_steps;
  distributed<w2_net, 128, R>(mpi, "W2", w2_data, 1);
  distributed<w1_net, 32, R>(mpi, "W4", w4_data, 1);
  if constexpr (R == 1) {
    one_process<w2_net, 128, 1>("W2", w2_data, 1);
    one_process<w2_net, 128, 2>("W2", w2_data, 1);
    one_process<w1_net, 32, 1>("W4", w4_data, 1);
    one_process<w1_net, 32, 2>("W4", w4_data, 1);
  }
}

}  // namespace

int main(int argc, char** argv) {
  tn::mpi::environment mpi(argc, argv);
  std::size_t steps = 200;
  std::filesystem::path dir = "/usr/share/datasets/fashion-mnist";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string_view arg = argv[i];
    if (arg == "--steps") std::from_chars(argv[i + 1], argv[i + 1] + std::string_view(argv[i + 1]).size(), steps);
    else if (arg == "--data") dir = argv[i + 1];
  }
  if (mpi.size() > 1) {
    allreduce(mpi, w1_net::param_count, "W1");
    allreduce(mpi, w2_net::param_count, "W2");
  }
  const dataset w2_data = synthetic(128 * steps);
  std::error_code ec;
  const bool real = std::filesystem::exists(dir / "train-images-idx3-ubyte.gz", ec);
  const dataset w4_data = real ? tn::data::load_idx<784, 10>(dir / "train-images-idx3-ubyte.gz", dir / "train-labels-idx1-ubyte.gz")
                               : synthetic(60000);
  if (mpi.rank() == 0)
    std::printf("W2: %zu synthetic rows; W4: %s, one epoch\n", w2_data.size(),
                real ? "Fashion-MNIST's 60,000 training images" : "60,000 synthetic rows (Fashion-MNIST not found)");
  switch (mpi.size()) {
    case 1: networks<1>(mpi, steps, w2_data, w4_data); break;
    case 2: networks<2>(mpi, steps, w2_data, w4_data); break;
    case 4: networks<4>(mpi, steps, w2_data, w4_data); break;
    default: if (mpi.rank() == 0) std::printf("networks: run on 1, 2 or 4 ranks\n");
  }
  return 0;
}
