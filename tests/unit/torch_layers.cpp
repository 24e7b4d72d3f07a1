// tn::silu, tn::gelu and tn::layer_norm networks against PyTorch (Debian's
// /usr/bin/python3 with torch): the same weights moved through safetensors
// (tn::save), the same batch; the outputs, the loss, and the gradient of
// every parameter and of the input from tn::grad against torch autograd.
//
//   silu:       Linear(4, 8), SiLU, Linear(8, 3), Softmax; cross-entropy on the logits
//   gelu:       Linear(4, 8), GELU(approximate='tanh'), Linear(8, 3), Softmax; the same
//   layer_norm: Linear(6, 8), LayerNorm(8), ReLU, Linear(8, 3); MSELoss (mean)
//
// Comparison in float: |a - b| <= 1e-4 max(|a|, |b|, 1e-2 max |b| of the
// tensor), as tests/torch/torch_gradients.cpp (an element is a float sum
// whose rounding follows the tensor's scale).
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <random>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "../support/matrix_check.hpp"
#include "../support/python_torch.hpp"
#include "../support/temp_dir.hpp"

namespace tn = typenet;
using typenet_test::random_matrix;

namespace {

constexpr std::size_t B = 16;

// files move through python/typenet_safetensors.py, the reader/writer shipped for users
const std::string script_head = R"py(
import sys
sys.path.insert(0, sys.argv[2])
import torch
import typenet_safetensors as st
read = st.load_torch
def write(path, tensors):
    st.save(path, {k: v.detach().float() for k, v in tensors.items()})
nn = torch.nn
d = sys.argv[1]
io = read(d + '/io.safetensors')
x = io['x'].requires_grad_(True); y = io['y']
)py";

// model, loss (of the model's logits / output), then gradients written as
// 2-D tensors of typenet's shapes (biases and gains as 1 x n rows)
const std::string script_tail = R"py(
model.load_state_dict(read(d + '/p.safetensors'))
out = model(x)
loss = loss_of(model, x, y)
loss.backward()
res = {'out': out, 'loss': loss.reshape(1, 1), 'grad.input': x.grad}
for k, v in model.named_parameters():
    res['grad.' + k] = v.grad.reshape(v.grad.shape[0], -1) if v.grad.dim() == 2 else v.grad.reshape(1, -1)
write(d + '/torch.safetensors', res)
)py";

template <class M>
void compare(const std::string& what, const M& a, const M& b) {
  double scale = 0;
  for (const float v : b) scale = std::max(scale, std::abs(static_cast<double>(v)));
  BOOST_TEST_REQUIRE(scale > 0.0, what << ": torch's values are all zero");
  double worst = 0;
  for (std::size_t i = 0; i < M::size; ++i) {
    const double x = a.data()[i], y = b.data()[i];
    const double err = std::abs(x - y) / std::max({std::abs(x), std::abs(y), 1e-2 * scale});
    worst = std::max(worst, err);
    BOOST_TEST(err <= 1e-4, what << "[" << i << "]: typenet " << x << ", torch " << y);
  }
  BOOST_TEST_MESSAGE(what << ": worst relative difference " << worst);
}

/// Net's output, loss and gradients (every parameter and the input) against torch's.
template <class Net, class Loss>
void check_against_torch(const tn::params<Net>& p, const tn::matrix<float, B, Net::input_size>& x,
                         const tn::matrix<float, B, Net::output_size>& y, const std::string& model_py) {
  using P = tn::params<Net>;
  typenet_test::temp_dir dir;
  tn::save(p, dir.path / "p.safetensors");
  auto xs = x;
  auto ys = y;
  tn::io::save_safetensors(dir.path / "io.safetensors", {tn::io::ref("x", xs), tn::io::ref("y", ys)});
  const auto r = typenet_test::run_python(script_head + model_py + script_tail, {dir.path.string(), typenet_test::python_module_dir()});
  BOOST_TEST_REQUIRE(r.status == 0, r.output);

  constexpr auto X = typename Net::template input_t<B>{};
  constexpr auto Y = tn::target<Net, B>;
  constexpr auto L = Loss::template expression<Net, B>();
  const auto bound = p.bindings();
  const auto out = std::apply([&](const auto&... b) { return tn::eval(Net::template output<B>(), X = x, b...); }, bound);
  const float loss = std::apply([&](const auto&... b) { return tn::eval(L, X = x, Y = y, b...); }, bound);
  const auto grads = [&]<std::size_t... I>(std::index_sequence<I...>) {
    return std::apply(
        [&](const auto&... b) { return tn::eval(tn::grad(L, typename P::template variable_t<I>{}..., X), X = x, Y = y, b...); },
        bound);
  }(std::make_index_sequence<P::count>{});

  tn::matrix<float, B, Net::output_size> torch_out;
  tn::matrix<float, 1, 1> torch_loss;
  tn::matrix<float, B, Net::input_size> torch_dx;
  std::vector<tn::io::tensor_ref> refs{tn::io::ref("out", torch_out), tn::io::ref("loss", torch_loss),
                                       tn::io::ref("grad.input", torch_dx)};
  auto want = [&]<std::size_t... I>(std::index_sequence<I...>) {
    return std::tuple<std::remove_cvref_t<decltype(p.template get<I>())>...>{};
  }(std::make_index_sequence<P::count>{});
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (refs.push_back(tn::io::ref("grad." + std::string{P::template name<I>}, std::get<I>(want))), ...);
  }(std::make_index_sequence<P::count>{});
  tn::io::load_safetensors(dir.path / "torch.safetensors", refs);

  compare("output", out, torch_out);
  BOOST_TEST(std::abs(loss - torch_loss(0, 0)) <= 1e-5f * std::max(1.0f, std::abs(loss)),
             "loss: typenet " << loss << ", torch " << torch_loss(0, 0));
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (compare("d/d" + std::string{P::template name<I>}, std::get<I>(grads), std::get<I>(want)), ...);
  }(std::make_index_sequence<P::count>{});
  compare("d/dinput", std::get<P::count>(grads), torch_dx);
}

template <std::size_t In, std::size_t Out>
void random_batch(tn::matrix<float, B, In>& x, tn::matrix<float, B, Out>& y, unsigned seed, bool one_hot) {
  std::mt19937 rng(seed);
  x = random_matrix<float, B, In>(rng, -2.0, 2.0);
  y = random_matrix<float, B, Out>(rng, -1.0, 1.0);
  if (one_hot) {
    y = {};
    for (std::size_t r = 0; r < B; ++r) y(r, (r * 7 + seed) % Out) = 1;
  }
}

const std::string classifier_loss = R"py(
def loss_of(model, x, y):
    return torch.nn.functional.cross_entropy(model[:-1](x), y.argmax(dim=1))
)py";

}  // namespace

BOOST_AUTO_TEST_SUITE(torch_layers, *boost::unit_test::precondition(typenet_test::torch_available))

BOOST_AUTO_TEST_CASE(silu_network) {
  using net = tn::network<tn::input<4>, tn::dense<8>, tn::silu, tn::dense<3>, tn::softmax>;
  tn::matrix<float, B, 4> x;
  tn::matrix<float, B, 3> y;
  random_batch(x, y, 1, true);
  check_against_torch<net, tn::cross_entropy>(
      tn::init<net>(tn::pytorch_default{}, 1), x, y,
      "model = nn.Sequential(nn.Linear(4, 8), nn.SiLU(), nn.Linear(8, 3), nn.Softmax(dim=1))\n" + classifier_loss);
}

BOOST_AUTO_TEST_CASE(gelu_network) {
  using net = tn::network<tn::input<4>, tn::dense<8>, tn::gelu, tn::dense<3>, tn::softmax>;
  tn::matrix<float, B, 4> x;
  tn::matrix<float, B, 3> y;
  random_batch(x, y, 2, true);
  check_against_torch<net, tn::cross_entropy>(
      tn::init<net>(tn::pytorch_default{}, 2), x, y,
      "model = nn.Sequential(nn.Linear(4, 8), nn.GELU(approximate='tanh'), nn.Linear(8, 3), nn.Softmax(dim=1))\n" +
          classifier_loss);
}

BOOST_AUTO_TEST_CASE(layer_norm_network) {
  using net = tn::network<tn::input<6>, tn::dense<8>, tn::layer_norm, tn::relu, tn::dense<3>>;
  tn::matrix<float, B, 6> x;
  tn::matrix<float, B, 3> y;
  random_batch(x, y, 3, false);
  auto p = tn::init<net>(tn::pytorch_default{}, 3);
  // a gain and bias away from ones and zeros, so that their use is checked too
  std::mt19937 rng(4);
  for (auto& v : p.get<2>()) v = std::uniform_real_distribution<float>(0.5f, 1.5f)(rng);
  for (auto& v : p.get<3>()) v = std::uniform_real_distribution<float>(-0.5f, 0.5f)(rng);
  check_against_torch<net, tn::mse>(p, x, y,
                                    "model = nn.Sequential(nn.Linear(6, 8), nn.LayerNorm(8), nn.ReLU(), nn.Linear(8, 3))\n"
                                    "def loss_of(model, x, y):\n    return torch.nn.functional.mse_loss(model(x), y)\n");
}

BOOST_AUTO_TEST_SUITE_END()
