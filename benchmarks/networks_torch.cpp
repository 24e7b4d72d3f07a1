// networks.cpp with LibTorch added to every workload: torch::nn::Linear
// modules in a torch::nn::Sequential, torch::optim::SGD, autograd;
// cross_entropy on the logits with class indices (what typenet's softmax +
// cross_entropy on one-hot rows computes), mse_loss for XOR; inference under
// torch::NoGradGuard. One thread: torch::set_num_threads(1) and OpenBLAS's
// own pool (LibTorch's matrix products run in it) pinned with
// openblas_set_num_threads(1); scripts/bench also sets OPENBLAS_NUM_THREADS=1.
// The table's cpu/wall column checks it. Built only where find_package(Torch)
// succeeds (benchmarks/networks.cmake).
#include <torch/torch.h>

#define TYPENET_NETBENCH_TORCH 1
#include "networks.cpp"

extern "C" {
// OpenBLAS's; weak so that a LibTorch linked against another BLAS still runs.
void openblas_set_num_threads(int) __attribute__((weak));
char* openblas_get_corename(void) __attribute__((weak));
int openblas_get_num_threads(void) __attribute__((weak));
}

namespace netbench {

namespace {

torch::Tensor blob(const float* p, std::initializer_list<std::int64_t> shape) {
  return torch::from_blob(const_cast<float*>(p), shape, torch::kFloat);
}

/// A Sequential of Linear layers and activations with typenet's weights.
struct torch_net {
  torch::nn::Sequential seq;
  std::vector<torch::nn::Linear> linears;
  std::vector<std::pair<std::int64_t, std::int64_t>> shapes;  // (in, out)

  torch_net(std::vector<std::pair<std::int64_t, std::int64_t>> layers, bool relu, bool sigmoid_out) : shapes(layers) {
    for (std::size_t i = 0; i < layers.size(); ++i) {
      torch::nn::Linear l(torch::nn::LinearOptions(layers[i].first, layers[i].second));
      linears.push_back(l);
      seq->push_back(l);
      const bool last = i + 1 == layers.size();
      if (!last) {
        if (relu) seq->push_back(torch::nn::ReLU());
        else seq->push_back(torch::nn::Sigmoid());
      } else if (sigmoid_out) {
        seq->push_back(torch::nn::Sigmoid());
      }
    }
  }
  template <class Net>
  void load(const tn::params<Net>& p) {
    torch::NoGradGuard no_grad;
    std::size_t i = 0;
    p.for_each([&](std::string_view, const auto& m) {
      auto& l = linears[i / 2];
      if (i % 2 == 0) l->weight.copy_(blob(m.data(), {shapes[i / 2].second, shapes[i / 2].first}));
      else l->bias.copy_(blob(m.data(), {shapes[i / 2].second}));
      ++i;
    });
  }
};

template <class Net, class Pool>
impl torch_training(std::string name, const tn::params<Net>& init, const Pool& pool,
                    std::vector<std::pair<std::int64_t, std::int64_t>> layers, bool relu, float lr) {
  struct state {
    torch_net net;
    torch::optim::SGD opt;
    std::vector<torch::Tensor> x, labels;
    std::size_t k = 0;
    state(std::vector<std::pair<std::int64_t, std::int64_t>> l, bool relu, float lr)
        : net(std::move(l), relu, false), opt(net.seq->parameters(), torch::optim::SGDOptions(lr)) {}
  };
  auto s = std::make_shared<state>(std::move(layers), relu, lr);
  constexpr auto B = std::int64_t(Pool::batch), In = std::int64_t(Pool::inputs);
  for (std::size_t k = 0; k < pool.size(); ++k) {
    s->x.push_back(blob(pool.x[k].data(), {B, In}));
    s->labels.push_back(torch::from_blob(const_cast<std::int64_t*>(pool.labels[k].data()), {B}, torch::kLong));
  }
  return {std::move(name), [s, &init] { s->net.load(init); s->k = 0; },
          [s] {
            const std::size_t k = s->k++ % s->x.size();
            s->opt.zero_grad();
            auto loss = torch::nn::functional::cross_entropy(s->net.seq->forward(s->x[k]), s->labels[k]);
            loss.backward();
            s->opt.step();
            return loss.template item<float>();
          }};
}

impl torch_predict_one(std::string name, const tn::params<net_w1>& p, const batch_pool<32, 784, 10>& pool) {
  struct state {
    torch_net net{{{784, 16}, {16, 16}, {16, 10}}, false, false};
    std::vector<torch::Tensor> rows;
    std::size_t k = 0;
  };
  auto s = std::make_shared<state>();
  for (std::size_t i = 0; i < pool.size() * 32; ++i) s->rows.push_back(blob(pool.x[i / 32].data() + (i % 32) * 784, {1, 784}));
  return {std::move(name), [s, &p] { s->net.load(p); s->k = 0; },
          [s] {
            torch::NoGradGuard no_grad;
            const std::size_t i = s->k++ % s->rows.size();
            auto out = torch::softmax(s->net.seq->forward(s->rows[i]), 1);
            return out.data_ptr<float>()[i % 10];
          }};
}

impl torch_xor(std::string name, const tn::params<net_w3>& init, const xor_data& d) {
  struct state {
    torch_net net{{{2, 4}, {4, 1}}, false, true};
    torch::optim::SGD opt{net.seq->parameters(), torch::optim::SGDOptions(0.5)};
    torch::Tensor x, y;
  };
  auto s = std::make_shared<state>();
  s->x = blob(d.x.data(), {4, 2});
  s->y = blob(d.y.data(), {4, 1});
  return {std::move(name), [s, &init] { s->net.load(init); },
          [s] {
            s->opt.zero_grad();
            auto loss = torch::mse_loss(s->net.seq->forward(s->x), s->y);
            loss.backward();
            s->opt.step();
            return loss.item<float>();
          }};
}

}  // namespace

void torch_setup() {
  torch::set_num_threads(1);
  if (openblas_set_num_threads) openblas_set_num_threads(1);
}

std::string torch_description() {
  const char* coretype = std::getenv("OPENBLAS_CORETYPE");
  std::string s = "LibTorch " TORCH_VERSION ", torch::get_num_threads() = " + std::to_string(torch::get_num_threads());
  if (openblas_get_corename) {
    s += "; OpenBLAS core " + std::string(openblas_get_corename()) + ", " +
         std::to_string(openblas_get_num_threads ? openblas_get_num_threads() : -1) +
         " thread(s) (OPENBLAS_CORETYPE=" + (coretype ? coretype : "unset") + ")";
  }
  return s;
}

void add_torch_impls(std::vector<bench_case>& cases, const shared_data& d) {
  for (auto& c : cases) {
    if (c.workload == "W1")
      c.impls.push_back(torch_training("LibTorch", d.p1, d.w1, {{784, 16}, {16, 16}, {16, 10}}, false, 0.1f));
    else if (c.workload == "W1i")
      c.impls.push_back(torch_predict_one("LibTorch NoGradGuard", d.p1, d.w1));
    else if (c.workload == "W2")
      c.impls.push_back(torch_training("LibTorch", d.p2, d.w2, {{784, 256}, {256, 128}, {128, 10}}, true, 0.1f));
    else if (c.workload == "W3")
      c.impls.push_back(torch_xor("LibTorch", d.p3, d.w3));
  }
}

/// The fraction of the test set a LibTorch network classifies right.
double test_accuracy(torch_net& net, const fashion& test) {
  torch::NoGradGuard no_grad;
  auto tx = blob(test.row_data(0), {std::int64_t(test.size()), 784});
  auto pred = net.seq->forward(tx).argmax(1);
  std::vector<std::int64_t> ty(test.all_labels().begin(), test.all_labels().end());
  auto truth = torch::from_blob(ty.data(), {std::int64_t(ty.size())}, torch::kLong);
  return pred.eq(truth).sum().item<double>() / double(test.size());
}

void w4_torch(w4_result& res, const fashion& train, const fashion& test, std::uint64_t seed, std::size_t epochs) {
  const auto init = tn::init<net_w1>(tn::glorot_uniform{}, seed);
  torch_net net({{784, 16}, {16, 16}, {16, 10}}, false, false);
  net.load(init);
  torch::optim::SGD opt(net.seq->parameters(), torch::optim::SGDOptions(0.1));
  aligned_buffer xb(32 * 784);
  std::array<std::int64_t, 32> lb{};
  auto x = blob(xb.get(), {32, 784});
  auto labels = torch::from_blob(lb.data(), {32}, torch::kLong);
  epoch_order o(train.size(), seed);
  const std::size_t steps = train.size() / 32;
  volatile float sink = 0;
  for (std::size_t ep = 0; ep < epochs; ++ep) {
    const auto t0 = clock_type::now();
    o.shuffle(ep);
    float loss_sum = 0;
    for (std::size_t s = 0; s < steps; ++s) {
      for (std::size_t r = 0; r < 32; ++r) {
        const std::size_t i = o.order[s * 32 + r];
        std::copy_n(train.row_data(i), 784, xb.get() + r * 784);
        lb[r] = train.label(i);
      }
      opt.zero_grad();
      auto loss = torch::nn::functional::cross_entropy(net.seq->forward(x), labels);
      loss.backward();
      opt.step();
      loss_sum += loss.item<float>();
    }
    sink = loss_sum;
    res.epoch_seconds.push_back(std::chrono::duration<double>(clock_type::now() - t0).count());
  }
  (void)sink;
  res.accuracy.push_back(test_accuracy(net, test));
}

/// W6 in LibTorch: the same network, initial weights, Adam, batches (fit's
/// order, the last short batch of 32 rows included) as typenet's fit.
void w6_torch(w4_result& res, const fashion& train, const fashion& test, std::uint64_t seed, std::size_t epochs) {
  const auto init = tn::init<net_w6>(tn::glorot_uniform{}, seed);
  torch_net net({{784, 100}, {100, 10}}, true, false);
  net.load(init);
  torch::optim::Adam opt(net.seq->parameters(), torch::optim::AdamOptions(1e-3));
  aligned_buffer xb(64 * 784);
  std::array<std::int64_t, 64> lb{};
  epoch_order o(train.size(), seed);
  const std::size_t n = train.size(), steps = (n + 63) / 64;
  volatile float sink = 0;
  for (std::size_t ep = 0; ep < epochs; ++ep) {
    const auto t0 = clock_type::now();
    o.shuffle(ep);
    float loss_sum = 0;
    for (std::size_t s = 0; s < steps; ++s) {
      const std::size_t rows = std::min<std::size_t>(64, n - s * 64);
      for (std::size_t r = 0; r < rows; ++r) {
        const std::size_t i = o.order[s * 64 + r];
        std::copy_n(train.row_data(i), 784, xb.get() + r * 784);
        lb[r] = train.label(i);
      }
      auto x = blob(xb.get(), {std::int64_t(rows), 784});
      auto labels = torch::from_blob(lb.data(), {std::int64_t(rows)}, torch::kLong);
      opt.zero_grad();
      auto loss = torch::nn::functional::cross_entropy(net.seq->forward(x), labels);
      loss.backward();
      opt.step();
      loss_sum += loss.item<float>();
    }
    sink = loss_sum;
    res.epoch_seconds.push_back(std::chrono::duration<double>(clock_type::now() - t0).count());
  }
  (void)sink;
  res.accuracy.push_back(test_accuracy(net, test));
}

}  // namespace netbench
