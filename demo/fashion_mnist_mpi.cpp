// The Fashion-MNIST demo over MPI ranks (scripts/demo --ranks N): the seeds'
// network (W4: 784-16-16-10 sigmoid/softmax, cross-entropy, SGD 0.1, global
// batch 32, 5 epochs, Glorot uniform, shuffled each epoch) trained by
// tn::mpi::fit on N = 1, 2 or 4 ranks, each taking 32 / N rows of every
// batch; the same recipe as demo/fashion_mnist.cpp, so the same numbers up
// to the order of float additions. Rank 0 prints the lines the one-process
// demo prints (the test accuracy after every epoch).
//
//   mpirun -n 2 fashion_mnist_mpi [--seed N] [--epochs N] [--data DIR]
#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <typenet/mpi.hpp>
#include <typenet/typenet.hpp>
#include <typenet/data/idx.hpp>

namespace tn = typenet;

namespace {

using net = tn::network<tn::input<784>, tn::dense<16>, tn::sigmoid, tn::dense<16>, tn::sigmoid, tn::dense<10>,
                        tn::softmax>;
using dataset_type = tn::data::dataset<float, 784, 10>;
constexpr std::size_t global_batch = 32;
constexpr float learning_rate = 0.1f;

struct options {
  std::uint64_t seed = 1;
  std::size_t epochs = 5;
  std::filesystem::path data = "/usr/share/datasets/fashion-mnist";
};

std::uint64_t number(std::string_view option, std::string_view text) {
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size())
    throw std::invalid_argument(std::string(option) + ": '" + std::string(text) + "' is not a non-negative integer");
  return v;
}

options parse(int argc, char** argv) {
  options o;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg != "--seed" && arg != "--epochs" && arg != "--data")
      throw std::invalid_argument("unknown argument '" + std::string(arg) +
                                  "'; usage: fashion_mnist_mpi [--seed N] [--epochs N] [--data DIR]");
    if (i + 1 == argc) throw std::invalid_argument(std::string(arg) + " needs a value");
    const std::string_view value = argv[++i];
    if (arg == "--seed") o.seed = number(arg, value);
    else if (arg == "--epochs") o.epochs = std::max<std::uint64_t>(1, number(arg, value));
    else o.data = value;
  }
  return o;
}

template <std::size_t Ranks>
int train(const tn::mpi::environment& mpi, const options& o, const dataset_type& train_set,
          const dataset_type& test_set) {
  const bool root = mpi.rank() == 0;
  auto p = tn::init<net>(tn::glorot_uniform{}, o.seed);
  tn::trainer<net, tn::cross_entropy, tn::sgd, tn::batch<global_batch / Ranks>, float, tn::threads<1>> t{
      p, {.learning_rate = learning_rate}};
  std::vector<double> test_accuracy;
  if (root) std::printf("\n--- seed %llu ---\n", static_cast<unsigned long long>(o.seed));
  const tn::history h = tn::mpi::fit(t, mpi.world(), train_set,
                                     {.epochs = o.epochs, .shuffle_seed = o.seed, .on_epoch = [&](const tn::epoch_record&) {
                                        if (!root) return;  // the weights are the same on every rank
                                        test_accuracy.push_back(tn::accuracy(p, test_set));
                                        std::fprintf(stderr, "           test acc %.2f%%\n", 100.0 * test_accuracy.back());
                                      }});
  if (root) {
    std::vector<double> seconds;
    for (const auto& e : h.epochs) seconds.push_back(e.seconds);
    std::sort(seconds.begin(), seconds.end());
    const std::size_t k = seconds.size();
    const double median = k % 2 ? seconds[k / 2] : (seconds[k / 2 - 1] + seconds[k / 2]) / 2;
    std::printf("seed %llu: test accuracy %.2f%%, %.3f s per epoch (median of %zu; %d ranks x batch %zu)\n",
                static_cast<unsigned long long>(o.seed), 100.0 * test_accuracy.back(), median, k, mpi.size(),
                global_batch / Ranks);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  tn::mpi::environment mpi(argc, argv);
  std::setvbuf(stdout, nullptr, _IOLBF, BUFSIZ);
  try {
    const options o = parse(argc, argv);
    const bool root = mpi.rank() == 0;
    // every rank loads the same files; if one rank cannot, every rank stops with its message
    if (root) std::printf("loading Fashion-MNIST from %s\n", o.data.string().c_str());
    const auto load = [&](const char* images, const char* labels) {
      return tn::mpi::all_or_none(mpi.world(), [&] { return tn::data::load_idx<784, 10>(o.data / images, o.data / labels); });
    };
    const dataset_type train_set = load("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz");
    const dataset_type test_set = load("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz");
    if (root)
      std::printf("%zu training and %zu test images; network with %zu parameters, batch %zu (%d ranks x %zu), SGD lr %g, %zu %s\n",
                  train_set.size(), test_set.size(), static_cast<std::size_t>(net::param_count), global_batch,
                  mpi.size(), global_batch / static_cast<std::size_t>(mpi.size()), static_cast<double>(learning_rate),
                  o.epochs, o.epochs == 1 ? "epoch" : "epochs");
    switch (mpi.size()) {
      case 1: return train<1>(mpi, o, train_set, test_set);
      case 2: return train<2>(mpi, o, train_set, test_set);
      case 4: return train<4>(mpi, o, train_set, test_set);
      default: throw std::invalid_argument("fashion_mnist_mpi: run on 1, 2 or 4 ranks (the batch of 32 is split evenly), not " +
                                           std::to_string(mpi.size()));
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "rank %d: %s\n", mpi.rank(), e.what());
    return 1;
  }
}
