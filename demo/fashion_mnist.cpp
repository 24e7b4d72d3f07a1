// Fashion-MNIST with the seeds' network (BENCHMARKS.md, W4):
//
//   784 -> dense 16 -> sigmoid -> dense 16 -> sigmoid -> dense 10 -> softmax,
//   cross-entropy, SGD with learning rate 0.1, batch 32, 5 epochs, Glorot
//   uniform initialisation, training set shuffled each epoch.
//
// Prints the test accuracy and the median seconds per epoch, writes the
// history as CSV and, if gnuplot is installed, a loss-curve PNG (training
// loss every 100 steps, test loss and accuracy after each epoch).
//
//   fashion_mnist [--seed N | --seeds 1,2,3] [--epochs N] [--data DIR] [--out DIR]
//
// The epoch loop is trainer::fit's (same shuffle, same batches, same
// numbers), written out here so that the test accuracy can be measured after
// every epoch and the loss recorded every 100 steps for the plot.
#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <numeric>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <typenet/typenet.hpp>
#include <typenet/data/idx.hpp>
#include <typenet/io/error.hpp>
#include <typenet/nn/network.hpp>
#include <typenet/nn/metrics.hpp>
#include <typenet/nn/progress.hpp>
#include <typenet/nn/trainer.hpp>

namespace tn = typenet;
namespace fs = std::filesystem;

namespace {

using net = tn::network<tn::input<784>, tn::dense<16>, tn::sigmoid, tn::dense<16>, tn::sigmoid, tn::dense<10>,
                        tn::softmax>;
constexpr std::size_t batch_size = 32;
using trainer_type = tn::trainer<net, tn::cross_entropy, tn::sgd, tn::batch<batch_size>>;
using dataset_type = tn::data::dataset<float, 784, 10>;

constexpr float learning_rate = 0.1f;
constexpr std::size_t loss_window = 100;  // steps per point of the loss curve

// LibTorch's test accuracy for W4 over seeds 1-5 (BENCHMARKS.md).
constexpr double libtorch_min = 0.812;
constexpr double libtorch_max = 0.834;

struct usage_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct options {
  std::vector<std::uint64_t> seeds{1};
  std::size_t epochs = 5;
  fs::path data = "/usr/share/datasets/fashion-mnist";
  fs::path out = ".";
  bool plot = true;
};

constexpr std::string_view usage_text =
    "usage: fashion_mnist [--seed N | --seeds N,N,...] [--epochs N] [--data DIR] [--out DIR] [--no-plot]\n"
    "  --seed N      initialisation and shuffling seed (default 1)\n"
    "  --seeds LIST  train once per seed (e.g. 1,2,3) and report mean/min/max test accuracy\n"
    "  --epochs N    epochs per run (default 5)\n"
    "  --data DIR    Fashion-MNIST IDX files (default /usr/share/datasets/fashion-mnist,\n"
    "                Debian package dataset-fashion-mnist: scripts/setup demo)\n"
    "  --out DIR     where history.csv, steps.csv and loss.png go (default: the current directory)\n"
    "  --no-plot     do not run gnuplot\n";

std::uint64_t parse_number(std::string_view option, std::string_view text) {
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size())
    throw usage_error(std::string(option) + ": '" + std::string(text) + "' is not a non-negative integer");
  return value;
}

options parse_options(int argc, char** argv) {
  options o;
  bool seed_given = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      std::cout << usage_text;
      std::exit(0);
    }
    if (arg == "--no-plot") {
      o.plot = false;
      continue;
    }
    if (arg != "--seed" && arg != "--seeds" && arg != "--epochs" && arg != "--data" && arg != "--out")
      throw usage_error("unknown argument '" + std::string(arg) + "'");
    if (i + 1 == argc) throw usage_error(std::string(arg) + " needs a value");
    const std::string_view value = argv[++i];
    if (arg == "--seed" || arg == "--seeds") {
      if (seed_given) throw usage_error("give --seed or --seeds once");
      seed_given = true;
      o.seeds.clear();
      std::size_t start = 0;
      while (true) {
        const std::size_t comma = value.find(',', start);
        o.seeds.push_back(parse_number(arg, value.substr(start, comma - start)));
        if (comma == std::string_view::npos) break;
        if (arg == "--seed") throw usage_error("--seed takes one number; use --seeds for a list");
        start = comma + 1;
      }
    } else if (arg == "--epochs") {
      o.epochs = parse_number(arg, value);
      if (o.epochs == 0 || o.epochs > 1000) throw usage_error("--epochs must be between 1 and 1000");
    } else if (arg == "--data") {
      o.data = value;
    } else {
      o.out = value;
    }
  }
  return o;
}

struct run_result {
  std::uint64_t seed = 0;
  tn::history history;
  std::vector<double> test_accuracy;  // after each epoch
  std::vector<double> test_loss;      // after each epoch: tn::evaluate<tn::cross_entropy>
  std::vector<double> cpu_seconds;    // per epoch: differs from the wall time when other processes share the cores
  struct point {
    double epoch;  // fractional: steps done / steps per epoch
    double loss;   // mean training loss over the last loss_window steps
  };
  std::vector<point> curve;

  [[nodiscard]] double final_accuracy() const { return test_accuracy.back(); }
  [[nodiscard]] double median_seconds() const {
    std::vector<double> s;
    for (const auto& e : history.epochs) s.push_back(e.seconds);
    return median(s);
  }
  [[nodiscard]] double median_cpu_seconds() const { return median(cpu_seconds); }
  static double median(std::vector<double> s) {
    std::sort(s.begin(), s.end());
    const std::size_t n = s.size();
    return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }
};

run_result train(std::uint64_t seed, std::size_t epochs, const dataset_type& train_set, const dataset_type& test_set) {
  run_result r;
  r.seed = seed;
  auto p = tn::init<net>(tn::glorot_uniform{}, seed);
  trainer_type t{p, {.learning_rate = learning_rate}};

  // As trainer::fit: epoch e walks tn::epoch_order(seed, e); the last
  // partial batch is filled up with the epoch's first rows.
  const std::size_t n = train_set.size();
  const std::size_t steps_per_epoch = (n + batch_size - 1) / batch_size;
  std::vector<std::uint32_t> order(n);
  auto x = std::make_unique<trainer_type::input_matrix>();
  std::array<std::int32_t, batch_size> labels{};
  double window_sum = 0;  // the loss curve's windows run across epochs

  for (std::size_t epoch = 0; epoch < epochs; ++epoch) {
    t.set_epoch(epoch);
    tn::epoch_order(order, n, seed, epoch, true);
    tn::progress_bar bar(true, epoch + 1, epochs, steps_per_epoch);
    const auto start = std::chrono::steady_clock::now();
    const std::clock_t cpu_start = std::clock();
    double loss_sum = 0;
    std::size_t correct = 0;
    std::size_t seen = 0;
    for (std::size_t s = 0; s < steps_per_epoch; ++s) {
      for (std::size_t row = 0; row < batch_size; ++row) {
        const std::size_t i = order[(s * batch_size + row) % n];
        std::copy_n(train_set.row_data(i), net::input_size, &(*x)(row, 0));
        labels[row] = train_set.label(i);
      }
      const double loss = t.step(*x, std::span<const std::int32_t, batch_size>(labels));
      loss_sum += loss;
      window_sum += loss;
      const auto& out = t.last_output();
      const std::size_t rows = std::min(batch_size, n - s * batch_size);
      for (std::size_t row = 0; row < rows; ++row) {
        const float* o = &out(row, 0);
        const auto k = std::max_element(o, o + net::output_size) - o;
        correct += k == labels[row] ? 1 : 0;
      }
      seen += rows;
      bar.update(s + 1, loss_sum / static_cast<double>(s + 1), static_cast<double>(correct) / static_cast<double>(seen));
      const std::size_t step = epoch * steps_per_epoch + s + 1;
      if (step % loss_window == 0) {
        r.curve.push_back({static_cast<double>(step) / static_cast<double>(steps_per_epoch),
                           window_sum / static_cast<double>(loss_window)});
        window_sum = 0;
      }
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    r.cpu_seconds.push_back(static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC);
    const tn::epoch_record rec{epoch + 1, loss_sum / static_cast<double>(steps_per_epoch),
                               static_cast<double>(correct) / static_cast<double>(seen), seconds, t.learning_rate()};
    bar.finish(rec.loss, rec.accuracy, seconds);
    r.history.epochs.push_back(rec);
    // not part of the epoch's time
    const tn::metrics m = tn::evaluate<tn::cross_entropy>(p, test_set);
    r.test_accuracy.push_back(m.accuracy);
    r.test_loss.push_back(m.loss);
    std::fprintf(stderr, "           test loss %.4f  test acc %.2f%%\n", m.loss, 100.0 * m.accuracy);
  }
  return r;
}

void write_history(const run_result& r, const fs::path& path) {
  std::ofstream out(path);
  out << "epoch,loss,accuracy,seconds,learning_rate,test_accuracy,cpu_seconds,test_loss\n";
  for (std::size_t i = 0; i < r.history.epochs.size(); ++i) {
    const auto& e = r.history.epochs[i];
    out << e.epoch << ',' << e.loss << ',' << e.accuracy << ',' << e.seconds << ',' << e.learning_rate << ','
        << r.test_accuracy[i] << ',' << r.cpu_seconds[i] << ',' << r.test_loss[i] << '\n';
  }
  out.close();
  if (!out) throw tn::io_error("typenet: write " + path.string() + ": failed");
}

void write_steps(const run_result& r, const fs::path& path) {
  std::ofstream out(path);
  out << "epoch,loss\n";
  for (const auto& pt : r.curve) out << pt.epoch << ',' << pt.loss << '\n';
  out.close();
  if (!out) throw tn::io_error("typenet: write " + path.string() + ": failed");
}

// 'text' for gnuplot (a single-quoted string: ' is written '').
std::string gnuplot_string(const std::string& text) {
  std::string s = "'";
  for (char c : text) s += c == '\'' ? std::string("''") : std::string(1, c);
  return s + "'";
}

// 'text' for sh.
std::string shell_string(const std::string& text) {
  std::string s = "'";
  for (char c : text) s += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return s + "'";
}

// Writes <out>/loss.gp and runs gnuplot on it; returns whether loss.png was made.
bool plot(const std::vector<run_result>& runs, const std::vector<fs::path>& histories,
          const std::vector<fs::path>& steps, const fs::path& out) {
  if (std::system("command -v gnuplot >/dev/null 2>&1") != 0) {
    std::cout << "gnuplot is not installed, so there is no loss.png (Debian: apt-get install gnuplot-nox)\n";
    return false;
  }
  // pngcairo draws smoother lines; the plain png terminal (libgd) is the fallback.
  const bool cairo = std::system("gnuplot -e 'set terminal pngcairo' >/dev/null 2>&1") == 0;
  const fs::path png = out / "loss.png";
  const fs::path script = out / "loss.gp";
  {
    std::ofstream gp(script);
    gp << "# Made by fashion_mnist; run with: gnuplot loss.gp\n";
    gp << (cairo ? "set terminal pngcairo size 900,600 font 'sans,10'\n" : "set terminal png size 900,600\n");
    gp << "set output " << gnuplot_string(png.string()) << "\n";
    gp << "set datafile separator ','\n";
    gp << "set key autotitle columnhead\n";
    gp << "set title 'Fashion-MNIST, 784-16-16-10 (sigmoid, softmax), cross-entropy, SGD lr 0.1, batch 32'\n";
    gp << "set xlabel 'epoch'\nset ylabel 'loss'\nset y2label 'test accuracy (%)'\n";
    gp << "set ytics nomirror\nset y2tics\nset grid\nset key below\n";
    gp << "set xrange [0:" << runs.front().history.epochs.size() << "]\n";
    gp << "plot ";
    for (std::size_t i = 0; i < runs.size(); ++i) {
      const std::string seed = std::to_string(runs[i].seed);
      if (i) gp << ", \\\n     ";
      gp << gnuplot_string(steps[i].string()) << " using 1:2 with lines lw 1.5 lc " << i + 1
         << " title 'training loss, mean of " << loss_window << " steps (seed " << seed << ")', \\\n     "
         << gnuplot_string(histories[i].string()) << " using 1:8 with linespoints pt 5 lw 1.5 lc " << (runs.size() == 1 ? 4 : i + 1)
         << " title 'test loss (seed " << seed << ")', \\\n     "
         << gnuplot_string(histories[i].string()) << " using 1:($6*100) axes x1y2 with linespoints pt 7 dt 2 lc "
         << (runs.size() == 1 ? 2 : i + 1) << " title 'test accuracy (seed " << seed << ")'";
    }
    gp << "\n";
    if (!gp) throw tn::io_error("typenet: write " + script.string() + ": failed");
  }
  if (std::system(("gnuplot " + shell_string(script.string())).c_str()) != 0) {
    std::cout << "gnuplot failed (see above); the script is " << script.string() << "\n";
    return false;
  }
  return true;
}

int run(options o) {
  std::error_code ec;
  if (!fs::is_directory(o.data, ec))
    throw tn::io_error("fashion_mnist: the data directory " + o.data.string() +
                       " does not exist; install the Debian package dataset-fashion-mnist (scripts/setup demo) "
                       "or pass --data DIR with train-images-idx3-ubyte.gz and the three other IDX files");
  std::string missing;
  for (const char* name : {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
                           "t10k-labels-idx1-ubyte.gz"})
    if (!fs::exists(o.data / name, ec)) missing += std::string(missing.empty() ? "" : ", ") + name;
  if (!missing.empty())
    throw tn::io_error("fashion_mnist: " + o.data.string() + " has no " + missing +
                       "; install the Debian package dataset-fashion-mnist (scripts/setup demo) or pass --data DIR");
  fs::create_directories(o.out, ec);
  if (ec) throw tn::io_error("fashion_mnist: cannot create the output directory " + o.out.string() + ": " + ec.message());
  o.out = fs::weakly_canonical(fs::absolute(o.out));  // loss.gp then works from any directory

  std::cout << "loading Fashion-MNIST from " << o.data.string() << "\n";
  const auto load = [&](const char* images, const char* labels) {
    return tn::data::load_idx<784, 10>(o.data / images, o.data / labels);
  };
  const dataset_type train_set = load("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz");
  const dataset_type test_set = load("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz");
  std::cout << train_set.size() << " training and " << test_set.size() << " test images; network with "
            << net::param_count << " parameters, batch " << batch_size << ", SGD lr " << learning_rate << ", "
            << o.epochs << (o.epochs == 1 ? " epoch\n" : " epochs\n");

  std::vector<run_result> runs;
  std::vector<fs::path> histories;
  std::vector<fs::path> steps;
  for (const std::uint64_t seed : o.seeds) {
    std::cout << "\n--- seed " << seed << " ---" << std::endl;
    runs.push_back(train(seed, o.epochs, train_set, test_set));
    const run_result& r = runs.back();
    const std::string suffix = o.seeds.size() == 1 ? "" : "-seed" + std::to_string(seed);
    histories.push_back(o.out / ("history" + suffix + ".csv"));
    steps.push_back(o.out / ("steps" + suffix + ".csv"));
    write_history(r, histories.back());
    write_steps(r, steps.back());
    std::printf("seed %llu: test accuracy %.2f%%, %.3f s per epoch (median of %zu; CPU time %.3f s)\n",
                static_cast<unsigned long long>(seed), 100.0 * r.final_accuracy(), r.median_seconds(),
                r.history.epochs.size(), r.median_cpu_seconds());
    std::fflush(stdout);
  }

  std::cout << "\n";
  if (runs.size() > 1) {
    double sum = 0, lo = 1, hi = 0, seconds = 0, cpu = 0;
    std::string list;
    for (const auto& r : runs) {
      sum += r.final_accuracy();
      lo = std::min(lo, r.final_accuracy());
      hi = std::max(hi, r.final_accuracy());
      seconds += r.median_seconds();
      cpu += r.median_cpu_seconds();
      list += (list.empty() ? "" : ",") + std::to_string(r.seed);
    }
    const double mean = sum / static_cast<double>(runs.size());
    const auto k = static_cast<double>(runs.size());
    std::printf("seeds %s: test accuracy mean %.2f%%, min %.2f%%, max %.2f%%\n"
                "%.3f s per epoch (mean over the seeds of the median epoch; CPU time %.3f s)\n",
                list.c_str(), 100 * mean, 100 * lo, 100 * hi, seconds / k, cpu / k);
    if (o.epochs == 5)
      std::printf("LibTorch, same recipe, seeds 1-5: %.1f-%.1f%%; the mean is %s that range\n", 100 * libtorch_min,
                  100 * libtorch_max, mean >= libtorch_min && mean <= libtorch_max ? "within" : "OUTSIDE");
  }
  for (std::size_t i = 0; i < runs.size(); ++i)
    std::cout << "history: " << histories[i].string() << " (per epoch), " << steps[i].string() << " (loss per "
              << loss_window << " steps)\n";
  if (o.plot && plot(runs, histories, steps, o.out)) std::cout << "loss curve: " << (o.out / "loss.png").string() << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, BUFSIZ);  // keep lines in order with the progress on stderr when piped
  try {
    return run(parse_options(argc, argv));
  } catch (const usage_error& e) {
    std::cerr << "fashion_mnist: " << e.what() << "\n" << usage_text;
    return 2;
  } catch (const std::exception& e) {  // tn::io_error, tn::training_error, ...
    std::cerr << e.what() << "\n";
    return 1;
  }
}
