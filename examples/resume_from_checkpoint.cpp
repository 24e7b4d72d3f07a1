// Training that is stopped and resumed: a run of 6 epochs is interrupted
// after epoch 3 (a checkpoint with the weights, Adam's moments and the
// counters), a new process-like trainer restores it and runs epochs 4 to 6,
// and the weights equal, bit for bit, those of a run that never stopped.
// Then early stopping on a validation set ends a long run on its own.
// Exits with 1 if the resumed weights differ.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <random>
#include <vector>

#include <typenet/typenet.hpp>

namespace tn = typenet;

namespace {

using net = tn::network<tn::input<8>, tn::dense<32>, tn::relu, tn::dense<3>, tn::softmax>;
using trainer_t = tn::trainer<net, tn::cross_entropy, tn::adam, tn::batch<16>>;

/// 3 classes: which of three fixed directions a point is closest to, plus noise.
tn::data::dataset<float, 8, 3> make_data(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> g(0.0f, 1.0f);
  std::vector<float> x;
  std::vector<tn::data::label_type> y;
  for (std::size_t i = 0; i < n; ++i) {
    float row[8];
    for (float& v : row) v = g(rng);
    const float s[3] = {row[0] + row[1], row[2] - row[3], row[4] + 0.5f * row[5]};
    y.push_back(static_cast<tn::data::label_type>(std::max_element(s, s + 3) - s));
    x.insert(x.end(), row, row + 8);
  }
  return {8, 3, std::move(x), std::move(y), "generated"};
}

template <class P>
bool same(const P& a, const P& b) {
  bool equal = true;
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    ((equal = equal && std::equal(a.template get<I>().begin(), a.template get<I>().end(), b.template get<I>().begin())), ...);
  }(std::make_index_sequence<P::count>{});
  return equal;
}

}  // namespace

int main() {
  const auto train = make_data(1000, 1), test = make_data(500, 2);
  const auto path = std::filesystem::temp_directory_path() / "typenet_resume_example.safetensors";
  const auto start = tn::init<net>(tn::glorot_uniform{}, 7);

  auto whole = start;
  trainer_t a{whole, {.learning_rate = 0.01f}};
  a.fit(train, {.epochs = 6, .shuffle_seed = 3, .progress = false});

  {
    auto p = start;
    trainer_t b{p, {.learning_rate = 0.01f}};
    b.fit(train, {.epochs = 3, .shuffle_seed = 3, .progress = false});
    b.save_checkpoint(path);  // ... and the process ends
  }
  auto resumed = tn::init<net>(tn::glorot_uniform{}, 99);
  trainer_t c{resumed, {.learning_rate = 0.01f}};
  c.load_checkpoint(path);
  const auto h = c.fit(train, {.epochs = 6, .shuffle_seed = 3, .progress = false});
  const bool equal = same(resumed, whole);
  std::printf("resumed after epoch %zu, ran epochs %zu-%zu: weights %s the uninterrupted run's; test accuracy %.2f%%\n",
              h.epochs.front().epoch - 1, h.epochs.front().epoch, h.epochs.back().epoch,
              equal ? "equal" : "DIFFER FROM", 100 * tn::accuracy<net>(resumed, test));
  std::filesystem::remove(path);

  // early stopping: up to 200 epochs, stopped once validation loss has not improved for 5
  auto [part, valid] = tn::data::split(train, 0.8, 1);
  auto p = tn::init<net>(tn::glorot_uniform{}, 8);
  trainer_t e{p, {.learning_rate = 0.01f}};
  const auto es = e.fit(part, {.epochs = 200, .progress = false, .validation = &valid,
                               .early_stopping = {.patience = 5, .restore_best = true}});
  std::printf("early stopping: %zu epochs, best epoch %zu (validation loss %.4f), test accuracy %.2f%%\n",
              es.epochs.size(), es.best_epoch, es.epochs[es.best_epoch - 1].validation_loss,
              100 * tn::accuracy<net>(p, test));
  return equal && es.stopped_early ? 0 : 1;
}
