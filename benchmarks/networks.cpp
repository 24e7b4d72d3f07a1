// The network workloads of /work/shared/BENCHMARKS.md, typenet against a
// hand-written Eigen 3.4 version of the same steps (and, in networks_torch,
// which includes this file, against LibTorch), fp32, one thread:
//
//   W1   784-16-16-10 sigmoid/softmax, batch 32, cross-entropy, SGD 0.1: one training step
//   W1i  the same network, inference of one sample
//   W2   784-256-128-10 ReLU/softmax, batch 128, cross-entropy, SGD 0.1: one training step
//   W3   XOR 2-4-1 sigmoid/sigmoid, batch 4, MSE, SGD 0.5: one training step
//   W4   W1 trained on Fashion-MNIST, 5 epochs, shuffled: seconds per epoch, test accuracy
//   W6   784-100-10 ReLU/softmax on Fashion-MNIST through fit, Adam 1e-3, batch 64, 5 epochs
//        (a typical user configuration): seconds per epoch and test accuracy, the default
//        thread decision next to 1 and 2 threads
//
// Every implementation starts each round from the same weights (typenet's
// glorot_uniform, seed 1, copied into the others) and steps through the same
// pool of batches (uniform [0,1) pixels, random labels), so the training
// trajectories agree and the table's "loss" column checks that all of them
// compute the same thing.
//
// Method: per round, each implementation is reset, warmed up (200 steps) and
// then timed step by step with steady_clock (steps under ~1 us are timed in
// groups); a round's figure is the median step. Rounds are interleaved
// across implementations; the table gives the median round, the spread of
// the middle rounds, minor+major page faults per step (getrusage around the
// timed steps, worst round) and CPU time over wall time (below 1: the machine
// was shared).
//
// Usage: networks [--rounds N] [--samples-scale X] [--seeds N] [--epochs N] [--no-w4] [--only W1,W2,...]
//                 [--impl PREFIX]  (only implementations whose name starts with PREFIX, e.g. for perf record)
//                 [--check STEPS]   (print each implementation's first losses from the same start, then exit)
#include <typenet/data/idx.hpp>
#include <typenet/typenet.hpp>

#include "common.hpp"

#include <Eigen/Core>
#include <sys/resource.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <numeric>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace tn = typenet;
using bench::clock_type;

namespace netbench {

using bench::keep;

// --- the networks ------------------------------------------------------------------------

using net_w1 = tn::network<tn::input<784>, tn::dense<16>, tn::sigmoid, tn::dense<16>, tn::sigmoid, tn::dense<10>,
                           tn::softmax>;
using net_w2 = tn::network<tn::input<784>, tn::dense<256>, tn::relu, tn::dense<128>, tn::relu, tn::dense<10>,
                           tn::softmax>;
using net_w3 = tn::network<tn::input<2>, tn::dense<4>, tn::sigmoid, tn::dense<1>, tn::sigmoid>;

// FLOPs of a training step (BENCHMARKS.md): 2*B*in*out forward, the same for
// the weight gradient, and again for the input gradient except in layer 1.
constexpr double step_flops(std::size_t b, std::initializer_list<std::size_t> widths) {
  double f = 0;
  std::size_t layer = 0;
  const std::size_t* w = widths.begin();
  for (std::size_t i = 0; i + 1 < widths.size(); ++i, ++layer) {
    const double mac = 2.0 * double(b) * double(w[i]) * double(w[i + 1]);
    f += 2 * mac + (layer > 0 ? mac : 0.0);
  }
  return f;
}
constexpr double forward_flops(std::size_t b, std::initializer_list<std::size_t> widths) {
  double f = 0;
  const std::size_t* w = widths.begin();
  for (std::size_t i = 0; i + 1 < widths.size(); ++i) f += 2.0 * double(b) * double(w[i]) * double(w[i + 1]);
  return f;
}

// --- data shared by every implementation ------------------------------------------------

/// A pool of batches: B x In inputs (uniform [0,1)), labels and one-hot targets.
template <std::size_t B, std::size_t In, std::size_t Out>
struct batch_pool {
  static constexpr std::size_t batch = B, inputs = In, outputs = Out;
  std::vector<tn::matrix<float, B, In>> x;
  std::vector<tn::matrix<float, B, Out>> y;               // one-hot
  std::vector<std::array<std::int64_t, B>> labels;        // class indices
  batch_pool(std::size_t n, std::uint64_t seed) : x(n), y(n), labels(n) {
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<float> pixel(0.f, 1.f);
    std::uniform_int_distribution<int> label(0, int(Out) - 1);
    for (std::size_t k = 0; k < n; ++k) {
      for (auto& v : x[k]) v = pixel(rng);
      for (auto& v : y[k]) v = 0.f;
      for (std::size_t r = 0; r < B; ++r) {
        labels[k][r] = label(rng);
        y[k](r, std::size_t(labels[k][r])) = 1.f;
      }
    }
  }
  std::size_t size() const { return x.size(); }
};

struct xor_data {
  tn::matrix<float, 4, 2> x;
  tn::matrix<float, 4, 1> y;
  xor_data() {
    const float xs[8] = {0, 0, 0, 1, 1, 0, 1, 1};
    const float ys[4] = {0, 1, 1, 0};
    std::copy_n(xs, 8, x.data());
    std::copy_n(ys, 4, y.data());
  }
};

struct shared_data {
  batch_pool<32, 784, 10> w1{8, 11};     // 8 x 100 KB: stays in L2
  batch_pool<128, 784, 10> w2{4, 12};    // 4 x 400 KB
  xor_data w3;
  tn::params<net_w1> p1 = tn::init<net_w1>(tn::glorot_uniform{}, 1);
  tn::params<net_w2> p2 = tn::init<net_w2>(tn::he_uniform{}, 1);
  tn::params<net_w3> p3 = tn::init<net_w3>(tn::glorot_uniform{}, 1);
};

// --- timing ---------------------------------------------------------------------------------

struct measurement {
  double median_us = 0;
  double faults_per_step = 0;
  double cpu_over_wall = 0;
  double last_value = 0;  // the loss of the last step (training) or an output (inference)
};

/// An implementation of a workload: `reset` restores the initial weights,
/// `step` runs one step and returns its loss (or an output value).
struct impl {
  std::string name;
  std::function<void()> reset;
  std::function<float()> step;
  double flops = 0;  // FLOP per call when not the workload's (a forward pass alone)
};

measurement measure(const impl& im, std::size_t samples) {
  im.reset();
  volatile float sink = 0;
  constexpr std::size_t warmup = 200;
  const auto w0 = clock_type::now();
  for (std::size_t i = 0; i < warmup; ++i) sink = im.step();
  const double estimate = std::chrono::duration<double>(clock_type::now() - w0).count() / double(warmup);
  // Group steps so one sample lasts >= 1 us (the clock costs ~20 ns).
  const std::size_t group = std::max<std::size_t>(1, std::size_t(std::ceil(1e-6 / std::max(estimate, 1e-10))));
  std::vector<double> times(samples);
  float last = 0;
  bench::usage_window usage;
  for (std::size_t s = 0; s < samples; ++s) {
    const auto start = clock_type::now();
    for (std::size_t g = 0; g < group; ++g) last = im.step();
    times[s] = std::chrono::duration<double, std::micro>(clock_type::now() - start).count() / double(group);
    keep(&last);
  }
  usage.finish(samples * group);
  sink = last;
  (void)sink;
  std::nth_element(times.begin(), times.begin() + long(samples / 2), times.end());
  measurement m;
  m.median_us = times[samples / 2];
  m.faults_per_step = usage.faults_per_call;
  m.cpu_over_wall = usage.cpu_over_wall;
  m.last_value = last;
  return m;
}

struct bench_case {
  std::string workload;
  double flops = 0;
  std::size_t samples = 2000;
  std::vector<impl> impls;
  std::vector<std::vector<measurement>> rounds;  // [impl][round]
};

// --- typenet ----------------------------------------------------------------------------------

template <class Net, class Loss, std::size_t B, std::size_t Threads = 1, class Pool>
impl typenet_training(std::string name, const tn::params<Net>& init, const Pool& pool, float lr) {
  struct state {
    tn::params<Net> p;
    tn::trainer<Net, Loss, tn::sgd, tn::batch<B>, float, tn::threads<Threads>> t;
    std::size_t k = 0;
    explicit state(const tn::params<Net>& i, float rate) : p(i), t(p, {.learning_rate = rate}) {}
  };
  auto s = std::make_shared<state>(init, lr);
  return {std::move(name), [s, &init] { s->p = init; s->k = 0; },
          [s, &pool] {
            const std::size_t k = s->k++ % pool.size();
            return s->t.step(pool.x[k], pool.y[k]);
          }};
}

/// The forward pass alone on a whole batch (the output, nothing kept for a backward pass).
template <class Net, std::size_t B, class Pool>
impl typenet_forward(std::string name, const tn::params<Net>& p, const Pool& pool, double flops) {
  struct state {
    tn::evaluator<float, decltype(Net::template output<B>())> e;
    std::size_t k = 0;
  };
  auto s = std::make_shared<state>();
  return {std::move(name), [s] { s->k = 0; },
          [s, &p, &pool] {
            const std::size_t k = s->k++ % pool.size();
            std::apply([&](const auto&... b) { s->e.run(typename Net::template input_t<B>{} = tn::ref(pool.x[k]), b...); },
                       p.bindings());
            return s->e.template get<0>().values[k % 10];
          },
          flops};
}

template <std::size_t Chunk>
impl typenet_predict_one(std::string name, const tn::params<net_w1>& p, const batch_pool<32, 784, 10>& pool) {
  struct state {
    tn::predictor<net_w1, float, Chunk> pr;
    std::array<float, 10> out{};
    std::size_t k = 0;
  };
  auto s = std::make_shared<state>();
  return {std::move(name), [s] { s->k = 0; },
          [s, &p, &pool] {
            const std::size_t k = s->k++ % (pool.size() * 32);
            s->pr.run(p, pool.x[k / 32].data() + (k % 32) * 784, 1, s->out.data());
            return s->out[k % 10];
          }};
}

// --- hand-written Eigen ---------------------------------------------------------------------
// Batches as rows, weights out x in (row-major), biases 1 x out, explicit
// backward pass; SGD is folded into the weight-gradient products
// (W -= (lr G^T) A) after every gradient that needs the old weights is computed.
// Fixed sizes throughout; weights and activations live on the heap (W2's are
// past Eigen's stack limit for fixed-size objects) and are used through
// fixed-size Maps.

template <int R, int C>
using rm = Eigen::Matrix<float, R, C, (C == 1 && R != 1) ? Eigen::ColMajor : Eigen::RowMajor>;
template <int R, int C>
using map = Eigen::Map<rm<R, C>, Eigen::Aligned64>;
template <int R, int C>
using cmap = Eigen::Map<const rm<R, C>, Eigen::Aligned64>;

struct aligned_buffer {
  std::unique_ptr<float[], decltype(&std::free)> data{nullptr, &std::free};
  explicit aligned_buffer(std::size_t n) {
    data.reset(static_cast<float*>(std::aligned_alloc(64, (n * sizeof(float) + 63) / 64 * 64)));
    std::fill_n(data.get(), n, 0.f);
  }
  float* get() const { return data.get(); }
};

template <int R, int C>
struct eig {
  aligned_buffer buf{std::size_t(R) * std::size_t(C)};
  map<R, C> m() { return map<R, C>(buf.get()); }
  cmap<R, C> c() const { return cmap<R, C>(buf.get()); }
};

/// The sigmoid in place (Eigen's vectorised exp).
template <class M>
void sigmoid_inplace(M&& a) {
  a.array() = 1.f / (1.f + (-a.array()).exp());
}

/// A 3-layer MLP In-H1-H2-Out, sigmoid or ReLU hidden, softmax out, cross-entropy.
template <int B, int In, int H1, int H2, int Out, bool Relu>
struct eigen_mlp {
  eig<H1, In> w1;
  eig<1, H1> b1;
  eig<H2, H1> w2;
  eig<1, H2> b2;
  eig<Out, H2> w3;
  eig<1, Out> b3;
  eig<B, H1> a1, g1;
  eig<B, H2> a2, g2;
  eig<B, Out> z3, g3;

  template <class Net>
  void load(const tn::params<Net>& p) {
    std::copy_n(p.template get<0>().data(), H1 * In, w1.buf.get());
    std::copy_n(p.template get<1>().data(), H1, b1.buf.get());
    std::copy_n(p.template get<2>().data(), H2 * H1, w2.buf.get());
    std::copy_n(p.template get<3>().data(), H2, b2.buf.get());
    std::copy_n(p.template get<4>().data(), Out * H2, w3.buf.get());
    std::copy_n(p.template get<5>().data(), Out, b3.buf.get());
  }

  template <class M>
  static void activate(M&& a) {
    if constexpr (Relu) a = a.cwiseMax(0.f);
    else sigmoid_inplace(a);
  }
  /// g *= f'(a), f'(a) from the activation's output a.
  template <class G, class A>
  static void backprop(G&& g, const A& a) {
    if constexpr (Relu) g.array() *= (a.array() > 0.f).template cast<float>();
    else g.array() *= a.array() * (1.f - a.array());
  }

  /// One step on x (B x In) and one-hot y (B x Out); returns the loss before the update.
  float step(const float* xp, const float* yp, float lr) {
    cmap<B, In> x(xp);
    cmap<B, Out> y(yp);
    auto A1 = a1.m();
    auto A2 = a2.m();
    auto Z3 = z3.m();
    auto G1 = g1.m();
    auto G2 = g2.m();
    auto G3 = g3.m();
    auto W1 = w1.m();
    auto W2 = w2.m();
    auto W3 = w3.m();
    A1.noalias() = x * W1.transpose();
    A1.rowwise() += b1.c();
    activate(A1);
    A2.noalias() = A1 * W2.transpose();
    A2.rowwise() += b2.c();
    activate(A2);
    Z3.noalias() = A2 * W3.transpose();
    Z3.rowwise() += b3.c();
    // softmax rows and the cross-entropy -mean(sum(y log p)) = mean(log sum exp(z - m) + m - y.z)
    float loss = 0;
    for (int r = 0; r < B; ++r) {
      auto z = Z3.row(r);
      const float m = z.maxCoeff();
      auto e = G3.row(r);
      e.array() = (z.array() - m).exp();
      const float s = e.sum();
      loss += std::log(s) + m - y.row(r).dot(z);
      e.array() = (e.array() / s - y.row(r).array()) * (1.f / float(B));  // dL/dz = (p - y) / B
    }
    G2.noalias() = G3 * W3;
    backprop(G2, A2);
    G1.noalias() = G2 * W2;
    backprop(G1, A1);
    W3.noalias() -= (lr * G3.transpose()) * A2;
    b3.m() -= lr * G3.colwise().sum();
    W2.noalias() -= (lr * G2.transpose()) * A1;
    b2.m() -= lr * G2.colwise().sum();
    W1.noalias() -= (lr * G1.transpose()) * x;
    b1.m() -= lr * G1.colwise().sum();
    return loss / float(B);
  }

  /// Softmax outputs of one row.
  void infer1(const float* xp, float* out) const {
    cmap<1, In> x(xp);
    rm<1, H1> h1 = x * w1.c().transpose() + b1.c();
    if constexpr (Relu) h1 = h1.cwiseMax(0.f);
    else sigmoid_inplace(h1);
    rm<1, H2> h2 = h1 * w2.c().transpose() + b2.c();
    if constexpr (Relu) h2 = h2.cwiseMax(0.f);
    else sigmoid_inplace(h2);
    rm<1, Out> z = h2 * w3.c().transpose() + b3.c();
    z.array() = (z.array() - z.maxCoeff()).exp();
    Eigen::Map<rm<1, Out>> o(out);
    o = z / z.sum();
  }
};

template <int B, int In, int H1, int H2, int Out, bool Relu, class Net, class Pool>
impl eigen_training(std::string name, const tn::params<Net>& init, const Pool& pool, float lr) {
  auto s = std::make_shared<eigen_mlp<B, In, H1, H2, Out, Relu>>();
  auto k = std::make_shared<std::size_t>(0);
  return {std::move(name), [s, k, &init] { s->load(init); *k = 0; },
          [s, k, &pool, lr] {
            const std::size_t i = (*k)++ % pool.size();
            return s->step(pool.x[i].data(), pool.y[i].data(), lr);
          }};
}

impl eigen_predict_one(std::string name, const tn::params<net_w1>& p, const batch_pool<32, 784, 10>& pool) {
  auto s = std::make_shared<eigen_mlp<32, 784, 16, 16, 10, false>>();
  auto k = std::make_shared<std::size_t>(0);
  auto out = std::make_shared<std::array<float, 10>>();
  return {std::move(name), [s, k, &p] { s->load(p); *k = 0; },
          [s, k, out, &pool] {
            const std::size_t i = (*k)++ % (pool.size() * 32);
            s->infer1(pool.x[i / 32].data() + (i % 32) * 784, out->data());
            return (*out)[i % 10];
          }};
}

/// XOR 2-4-1, sigmoid, sigmoid, MSE (mean over the 4 outputs), fixed-size Eigen.
struct eigen_xor {
  rm<4, 2> w1;
  rm<1, 4> b1;
  rm<1, 4> w2;
  rm<1, 1> b2;
  rm<4, 4> a1, g1;
  rm<4, 1> a2, g2;
  void load(const tn::params<net_w3>& p) {
    std::copy_n(p.get<0>().data(), 8, w1.data());
    std::copy_n(p.get<1>().data(), 4, b1.data());
    std::copy_n(p.get<2>().data(), 4, w2.data());
    std::copy_n(p.get<3>().data(), 1, b2.data());
  }
  float step(const rm<4, 2>& x, const rm<4, 1>& y, float lr) {
    a1.noalias() = x * w1.transpose();
    a1.rowwise() += b1;
    sigmoid_inplace(a1);
    a2.noalias() = a1 * w2.transpose();
    a2.array() += b2(0, 0);
    sigmoid_inplace(a2);
    const float loss = (a2 - y).squaredNorm() / 4.f;
    g2.array() = (a2 - y).array() * (2.f / 4.f) * a2.array() * (1.f - a2.array());
    g1.noalias() = g2 * w2;
    g1.array() *= a1.array() * (1.f - a1.array());
    w2.noalias() -= (lr * g2.transpose()) * a1;
    b2(0, 0) -= lr * g2.sum();
    w1.noalias() -= (lr * g1.transpose()) * x;
    b1 -= lr * g1.colwise().sum();
    return loss;
  }
};

impl eigen_xor_training(std::string name, const tn::params<net_w3>& init, const xor_data& d) {
  struct state {
    eigen_xor e;
    rm<4, 2> x;
    rm<4, 1> y;
  };
  auto s = std::make_shared<state>();
  s->x = cmap<4, 2>(d.x.data());
  s->y = Eigen::Map<const rm<4, 1>>(d.y.data());
  return {std::move(name), [s, &init] { s->e.load(init); }, [s] { return s->e.step(s->x, s->y, 0.5f); }};
}

// --- the cases -----------------------------------------------------------------------------

constexpr double w1_flops = step_flops(32, {784, 16, 16, 10});
constexpr double w1i_flops = forward_flops(1, {784, 16, 16, 10});
constexpr double w2_flops = step_flops(128, {784, 256, 128, 10});
constexpr double w3_flops = step_flops(4, {2, 4, 1});
constexpr double w2_forward_flops = forward_flops(128, {784, 256, 128, 10});

std::vector<bench_case> make_cases(const shared_data& d, double scale) {
  auto samples = [scale](double n) { return std::max<std::size_t>(50, std::size_t(n * scale)); };
  std::vector<bench_case> cases(4);
  cases[0] = {"W1", w1_flops, samples(2000), {}, {}};
  cases[0].impls.push_back(typenet_training<net_w1, tn::cross_entropy, 32>("typenet trainer", d.p1, d.w1, 0.1f));
  cases[0].impls.push_back(eigen_training<32, 784, 16, 16, 10, false>("Eigen", d.p1, d.w1, 0.1f));
  cases[0].impls.push_back(
      typenet_training<net_w1, tn::cross_entropy, 32, 2>("typenet trainer, 2 threads", d.p1, d.w1, 0.1f));

  cases[1] = {"W1i", w1i_flops, samples(5000), {}, {}};
  cases[1].impls.push_back(typenet_predict_one<1>("typenet predictor<.,1>", d.p1, d.w1));
  cases[1].impls.push_back(typenet_predict_one<64>("typenet predictor", d.p1, d.w1));
  cases[1].impls.push_back(eigen_predict_one("Eigen", d.p1, d.w1));

  cases[2] = {"W2", w2_flops, samples(1000), {}, {}};
  cases[2].impls.push_back(typenet_training<net_w2, tn::cross_entropy, 128>("typenet trainer", d.p2, d.w2, 0.1f));
  cases[2].impls.push_back(eigen_training<128, 784, 256, 128, 10, true>("Eigen", d.p2, d.w2, 0.1f));
  cases[2].impls.push_back(
      typenet_training<net_w2, tn::cross_entropy, 128, 2>("typenet trainer, 2 threads", d.p2, d.w2, 0.1f));
  cases[2].impls.push_back(typenet_forward<net_w2, 128>("typenet forward only", d.p2, d.w2, w2_forward_flops));

  cases[3] = {"W3", w3_flops, samples(5000), {}, {}};
  {
    struct xor_pool {
      std::vector<tn::matrix<float, 4, 2>> x;
      std::vector<tn::matrix<float, 4, 1>> y;
      std::size_t size() const { return 1; }
    };
    static const xor_pool xp{{d.w3.x}, {d.w3.y}};
    cases[3].impls.push_back(typenet_training<net_w3, tn::mse, 4>("typenet trainer", d.p3, xp, 0.5f));
  }
  cases[3].impls.push_back(eigen_xor_training("Eigen", d.p3, d.w3));
  return cases;
}

// --- W4: Fashion-MNIST ------------------------------------------------------------------------

using fashion = tn::data::dataset<float, 784, 10>;

struct w4_result {
  std::string name;
  std::vector<double> epoch_seconds;  // every epoch of every seed
  std::vector<double> accuracy;       // per seed, after the last epoch
};

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

/// The order of the rows in each epoch, as trainer::fit shuffles them.
struct epoch_order {
  std::vector<std::uint32_t> order;
  std::uint64_t seed;
  epoch_order(std::size_t n, std::uint64_t s) : order(n), seed(s) {}
  void shuffle(std::size_t epoch) { tn::epoch_order(order, order.size(), seed, epoch, true); }
};

template <std::size_t Threads>
void w4_typenet(w4_result& res, const fashion& train, const fashion& test, std::uint64_t seed, std::size_t epochs) {
  auto p = tn::init<net_w1>(tn::glorot_uniform{}, seed);
  tn::trainer<net_w1, tn::cross_entropy, tn::sgd, tn::batch<32>, float, tn::threads<Threads>> t{p, {.learning_rate = 0.1f}};
  const auto h = t.fit(train, {.epochs = epochs, .shuffle_seed = seed, .progress = false});
  for (const auto& e : h.epochs) res.epoch_seconds.push_back(e.seconds);
  res.accuracy.push_back(tn::accuracy(p, test));
}

using net_w6 = tn::network<tn::input<784>, tn::dense<100>, tn::relu, tn::dense<10>, tn::softmax>;

/// W6 through fit; Threads 0 is the default decision.
template <std::size_t Threads>
void w6_typenet(w4_result& res, const fashion& train, const fashion& test, std::uint64_t seed, std::size_t epochs) {
  auto p = tn::init<net_w6>(tn::glorot_uniform{}, seed);
  tn::trainer<net_w6, tn::cross_entropy, tn::adam, tn::batch<64>, float, tn::threads<Threads>> t{p, {.learning_rate = 1e-3f}};
  const auto h = t.fit(train, {.epochs = epochs, .shuffle_seed = seed, .progress = false});
  for (const auto& e : h.epochs) res.epoch_seconds.push_back(e.seconds);
  res.accuracy.push_back(tn::accuracy(p, test));
}

/// One table of per-epoch results, ratios against the first row.
void print_epochs(const std::vector<w4_result>& res) {
  std::printf("%-24s %14s %11s %11s %10s %12s %12s %12s\n", "impl", "median epoch s", "fastest s", "slowest s",
              "vs typenet", "mean acc %", "min acc %", "max acc %");
  const double first = median(res[0].epoch_seconds);
  for (const auto& r : res) {
    const double mean = std::accumulate(r.accuracy.begin(), r.accuracy.end(), 0.0) / double(r.accuracy.size());
    std::printf("%-24s %14.4f %11.4f %11.4f %9.2fx %12.2f %12.2f %12.2f\n", r.name.c_str(), median(r.epoch_seconds),
                *std::min_element(r.epoch_seconds.begin(), r.epoch_seconds.end()),
                *std::max_element(r.epoch_seconds.begin(), r.epoch_seconds.end()), median(r.epoch_seconds) / first,
                100 * mean, 100 * *std::min_element(r.accuracy.begin(), r.accuracy.end()),
                100 * *std::max_element(r.accuracy.begin(), r.accuracy.end()));
  }
}

void w4_eigen(w4_result& res, const fashion& train, const fashion& test, std::uint64_t seed, std::size_t epochs) {
  const auto init = tn::init<net_w1>(tn::glorot_uniform{}, seed);
  auto e = std::make_unique<eigen_mlp<32, 784, 16, 16, 10, false>>();
  e->load(init);
  aligned_buffer x(32 * 784), y(32 * 10);
  epoch_order o(train.size(), seed);
  const std::size_t n = train.size(), steps = n / 32;  // 60000 = 1875 x 32
  volatile float sink = 0;
  for (std::size_t ep = 0; ep < epochs; ++ep) {
    const auto t0 = clock_type::now();
    o.shuffle(ep);
    float loss = 0;
    for (std::size_t s = 0; s < steps; ++s) {
      std::fill_n(y.get(), 320, 0.f);
      for (std::size_t r = 0; r < 32; ++r) {
        const std::size_t i = o.order[s * 32 + r];
        std::copy_n(train.row_data(i), 784, x.get() + r * 784);
        y.get()[r * 10 + std::size_t(train.label(i))] = 1.f;
      }
      loss += e->step(x.get(), y.get(), 0.1f);
    }
    sink = loss;
    res.epoch_seconds.push_back(std::chrono::duration<double>(clock_type::now() - t0).count());
  }
  (void)sink;
  std::size_t correct = 0;
  std::array<float, 10> out{};
  for (std::size_t i = 0; i < test.size(); ++i) {
    e->infer1(test.row_data(i), out.data());
    correct += std::size_t(std::max_element(out.begin(), out.end()) - out.begin()) == std::size_t(test.label(i));
  }
  res.accuracy.push_back(double(correct) / double(test.size()));
}

}  // namespace netbench

#ifdef TYPENET_NETBENCH_TORCH
namespace netbench {
// Defined in networks_torch.cpp, which includes this file.
void torch_setup();
void add_torch_impls(std::vector<bench_case>& cases, const shared_data& d);
void w4_torch(w4_result& res, const fashion& train, const fashion& test, std::uint64_t seed, std::size_t epochs);
void w6_torch(w4_result& res, const fashion& train, const fashion& test, std::uint64_t seed, std::size_t epochs);
std::string torch_description();
}  // namespace netbench
#endif

int main(int argc, char** argv) {
  using namespace netbench;
  int rounds = 5;
  double scale = 1.0;
  std::size_t seeds = 3, epochs = 5;
  bool w4 = true;
  int check = 0;
  std::string only, impl_prefix;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--rounds") && i + 1 < argc) rounds = std::max(1, std::atoi(argv[++i]));
    else if (!std::strcmp(argv[i], "--samples-scale") && i + 1 < argc) scale = std::atof(argv[++i]);
    else if (!std::strcmp(argv[i], "--seeds") && i + 1 < argc) seeds = std::size_t(std::max(1, std::atoi(argv[++i])));
    else if (!std::strcmp(argv[i], "--epochs") && i + 1 < argc) epochs = std::size_t(std::max(1, std::atoi(argv[++i])));
    else if (!std::strcmp(argv[i], "--no-w4")) w4 = false;
    else if (!std::strcmp(argv[i], "--impl") && i + 1 < argc) impl_prefix = argv[++i];
    else if (!std::strcmp(argv[i], "--check") && i + 1 < argc) check = std::max(1, std::atoi(argv[++i]));
    else if (!std::strcmp(argv[i], "--only") && i + 1 < argc) only = std::string(",") + argv[++i] + ",";
    else {
      std::fprintf(stderr,
                   "usage: %s [--rounds N] [--samples-scale X] [--seeds N] [--epochs N] [--no-w4] [--only W1,W1i,W2,W3,W4,W6] [--impl PREFIX] [--check STEPS]\n",
                   argv[0]);
      return 2;
    }
  }
  auto wanted = [&](const std::string& w) { return only.empty() || only.find("," + w + ",") != std::string::npos; };
#ifdef TYPENET_NETBENCH_TORCH
  torch_setup();
#endif
  auto data = std::make_unique<shared_data>();
  std::vector<bench_case> all = make_cases(*data, scale);
#ifdef TYPENET_NETBENCH_TORCH
  add_torch_impls(all, *data);
#endif
  std::vector<bench_case> cases;
  for (auto& c : all)
    if (wanted(c.workload)) {
      // --impl: only the implementations whose name starts with PREFIX (e.g. for a profile)
      std::erase_if(c.impls, [&](const impl& im) { return im.name.rfind(impl_prefix, 0) != 0; });
      if (!c.impls.empty()) cases.push_back(std::move(c));
    }
  for (auto& c : cases) c.rounds.resize(c.impls.size());
  if (check) {
    // The first steps of every implementation from the same start: the losses (outputs) must agree.
    for (auto& c : cases)
      for (auto& im : c.impls) {
        im.reset();
        std::printf("%-5s %-24s", c.workload.c_str(), im.name.c_str());
        for (int k = 0; k < check; ++k) std::printf(" %.6g", double(im.step()));
        std::printf("\n");
      }
    return 0;
  }

  for (int r = 0; r < rounds; ++r)
    for (auto& c : cases)
      for (std::size_t i = 0; i < c.impls.size(); ++i) c.rounds[i].push_back(measure(c.impls[i], c.samples));

  const double peak = bench::best_peak(50);
  double load[3] = {0, 0, 0};
  if (getloadavg(load, 3) < 0) load[0] = -1;
  std::printf("fp32, one thread (the rows named 2 threads: two); median of %d interleaved rounds, each the median of individually timed steps "
              "after 200 warm-up steps; load average %.2f %.2f %.2f\n",
              rounds, load[0], load[1], load[2]);
#ifdef TYPENET_NETBENCH_TORCH
  std::printf("%s\n", torch_description().c_str());
#endif
  std::printf("FMA peak, one core (%s), best of 50 runs of ~1 ms: %.1f GFLOP/s\n", xsimd::default_arch::name(), peak);
  std::printf("%-5s %-24s %11s %9s %7s %10s %7s %9s %8s %11s\n", "work", "impl", "median us", "GFLOP/s", "% peak",
              "vs typenet", "spread", "faults", "cpu/wall", "loss/out");
  for (auto& c : cases) {
    double typenet_us = 0;
    for (std::size_t i = 0; i < c.impls.size(); ++i) {
      const bench::round_summary mid = bench::summarize(c.rounds[i], &measurement::faults_per_step);
      if (i == 0) typenet_us = mid.median_us;
      const double gflops = (c.impls[i].flops > 0 ? c.impls[i].flops : c.flops) / mid.median_us * 1e-3;
      std::printf("%-5s %-24s %11.*f %9.2f %6.1f%% %9.2fx %6.1f%% %9.3f %8.2f %11.5g\n", c.workload.c_str(),
                  c.impls[i].name.c_str(), mid.median_us < 1 ? 4 : 2, mid.median_us, gflops, 100.0 * gflops / peak,
                  mid.median_us / typenet_us, 100.0 * mid.spread, mid.faults, mid.cpu_over_wall,
                  c.rounds[i].back().last_value);
    }
  }
  for (auto& c : cases) {
    // the cost of training relative to inference, and of one thread relative to two
    double one = 0, two = 0, forward = 0;
    for (std::size_t i = 0; i < c.impls.size(); ++i) {
      const double us = bench::summarize(c.rounds[i], &measurement::faults_per_step).median_us;
      if (c.impls[i].name == "typenet trainer") one = us;
      if (c.impls[i].name == "typenet trainer, 2 threads") two = us;
      if (c.impls[i].name == "typenet forward only") forward = us;
    }
    if (one > 0 && forward > 0)
      std::printf("%s: forward + backward + update = %.2fx the forward pass (one thread)\n", c.workload.c_str(), one / forward);
    if (one > 0 && two > 0) std::printf("%s: 2 threads are %.2fx one thread\n", c.workload.c_str(), one / two);
  }
  std::printf("FLOP per step: W1 %.4g, W1i %.4g, W2 %.4g, W3 %.4g. vs typenet: time / typenet's time (> 1: typenet "
              "is faster).\nspread: (slowest - fastest) / median over the rounds, without the extremes when there are "
              "5 or more.\nfaults: minor + major page faults per step, worst round. loss/out: the last step's loss "
              "(W1i: an output) in the last round;\nthe training steps start from the same weights and batches, so "
              "the losses of one workload should agree (W3: steps grouped differently per impl).\n",
              w1_flops, w1i_flops, w2_flops, w3_flops);

  // W4 and W6 train on Fashion-MNIST, loaded once for both
  const bool run_w4 = w4 && wanted("W4"), run_w6 = w4 && wanted("W6");
  fashion train, test;
  if (run_w4 || run_w6) {
    const std::string dir = "/usr/share/datasets/fashion-mnist/";
    train = tn::data::load_idx<784>(dir + "train-images-idx3-ubyte.gz", dir + "train-labels-idx1-ubyte.gz");
    test = tn::data::load_idx<784>(dir + "t10k-images-idx3-ubyte.gz", dir + "t10k-labels-idx1-ubyte.gz");
  }
  if (run_w4) {
    std::vector<w4_result> res{{"typenet trainer::fit", {}, {}}, {"Eigen", {}, {}}, {"typenet fit, 2 threads", {}, {}}};
#ifdef TYPENET_NETBENCH_TORCH
    res.push_back({"LibTorch", {}, {}});
#endif
    for (std::size_t seed = 1; seed <= seeds; ++seed) {
      w4_typenet<1>(res[0], train, test, seed, epochs);
      w4_eigen(res[1], train, test, seed, epochs);
      w4_typenet<2>(res[2], train, test, seed, epochs);
#ifdef TYPENET_NETBENCH_TORCH
      w4_torch(res[3], train, test, seed, epochs);
#endif
    }
    if (getloadavg(load, 3) < 0) load[0] = -1;
    std::printf("\nW4: 784-16-16-10 on Fashion-MNIST (60k/10k), batch 32, SGD 0.1, %zu epochs, seeds 1..%zu; "
                "load average %.2f %.2f %.2f\n",
                epochs, seeds, load[0], load[1], load[2]);
    print_epochs(res);
    const double typenet_epoch = median(res[0].epoch_seconds);
    std::printf("W4: 2 threads are %.2fx one thread (median epochs)\n", typenet_epoch / median(res[2].epoch_seconds));
    std::printf("median epoch: over every epoch of every seed (the first pass over the data included). Each seed "
                "gives every implementation the same initial weights and the same shuffled order.\n");
  }
  if (run_w6) {
    std::vector<w4_result> res{{"typenet fit, 1 thread", {}, {}}, {"typenet fit, default", {}, {}},
                               {"typenet fit, 2 threads", {}, {}}};
#ifdef TYPENET_NETBENCH_TORCH
    res.push_back({"LibTorch", {}, {}});
#endif
    for (std::size_t seed = 1; seed <= seeds; ++seed) {
      w6_typenet<1>(res[0], train, test, seed, epochs);
      w6_typenet<0>(res[1], train, test, seed, epochs);
      w6_typenet<2>(res[2], train, test, seed, epochs);
#ifdef TYPENET_NETBENCH_TORCH
      w6_torch(res[3], train, test, seed, epochs);
#endif
    }
    if (getloadavg(load, 3) < 0) load[0] = -1;
    std::printf("\nW6: 784-100-10 ReLU on Fashion-MNIST through fit, batch 64, Adam 1e-3, %zu epochs, seeds 1..%zu "
                "(the default takes %zu part(s)); load average %.2f %.2f %.2f\n",
                epochs, seeds, tn::trainer<net_w6, tn::cross_entropy, tn::adam, tn::batch<64>>::parts, load[0], load[1],
                load[2]);
    print_epochs(res);
    std::printf("W6: the default is %.2fx one thread, 2 threads %.2fx (median epochs; > 1: faster)\n",
                median(res[0].epoch_seconds) / median(res[1].epoch_seconds),
                median(res[0].epoch_seconds) / median(res[2].epoch_seconds));
  }
  return 0;
}
