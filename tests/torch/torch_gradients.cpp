// typenet against LibTorch (float): the same weights, the same batch, the
// loss and the gradient of every parameter and of the input from tn::grad
// against torch autograd, and one step of tn::trainer with tn::sgd against
// torch::optim::SGD.
//
//   sigmoid_softmax_cross_entropy: 784-16-16-10, sigmoid, softmax,
//     cross_entropy, batch 32 (the seeds' network). typenet's softmax +
//     cross_entropy on one-hot rows is torch's cross_entropy on the logits
//     with class-index targets.
//   relu_mse: 784-32-10, relu, a linear output, mse, batch 32.
//
// Comparison: |a - b| <= 1e-4 * max(|a|, |b|, floor) per element, with floor
// = 1e-2 * the largest |b| of that tensor. Why a floor, and why that one: an
// element is a float sum over the batch (after sums over 784 inputs
// upstream), so its rounding error is about eps * (sum of |terms|), which
// follows the tensor's scale, not the element's. Measured, the difference is
// about 1e-7 of the tensor's largest element; an element that cancels to near
// 0 carries that same absolute error and cannot be held to 1e-4 of itself.
// Elements above 1% of the largest (most of them) are held to 1e-4 of
// themselves; those below, to 1e-6 of the largest. The messages
// (--log_level=message) give the worst relative difference per tensor.
//
// SGD step: both sides compute p - 0.1 g in float; the updates (new - old)
// are compared as gradients are, plus one float ulp of the weight for the
// rounding of each side's new weight.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <span>
#include <string>
#include <tuple>
#include <utility>

#include <torch/nn/functional/loss.h>
#include <torch/nn/modules/linear.h>
#include <torch/optim/sgd.h>
#include <torch/torch.h>

#include <typenet/typenet.hpp>

namespace tn = typenet;

namespace {

constexpr std::size_t B = 32;
constexpr double rel_tol = 1e-4;
constexpr double floor_fraction = 1e-2;

/// Element-wise comparison of typenet's values (a) and torch's (t); returns
/// the largest relative difference. `weights`, if given, adds one float ulp
/// of weights[i] to the allowed difference of element i.
double compare(const std::string& what, const float* a, const torch::Tensor& t, const float* weights = nullptr) {
  const torch::Tensor c = t.detach().contiguous();
  const float* b = c.data_ptr<float>();
  const auto n = static_cast<std::size_t>(c.numel());
  double scale = 0;
  for (std::size_t i = 0; i < n; ++i) scale = std::max(scale, std::abs(static_cast<double>(b[i])));
  BOOST_TEST_REQUIRE(scale > 0.0, what << ": torch's values are all zero");
  const double floor = floor_fraction * scale;
  double worst = 0;
  std::size_t bad = 0;
  std::size_t below = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double x = a[i];
    const double y = b[i];
    const double slack = weights ? std::numeric_limits<float>::epsilon() * std::abs(weights[i]) : 0.0;
    const double err = std::max(0.0, std::abs(x - y) - slack) / std::max({std::abs(x), std::abs(y), floor});
    worst = std::max(worst, err);
    below += std::max(std::abs(x), std::abs(y)) < floor ? 1 : 0;
    if (!(err <= rel_tol) && bad++ < 5)
      BOOST_ERROR(what << "[" << i << "]: typenet " << x << ", torch " << y << " (relative " << err << ")");
  }
  BOOST_TEST(bad == 0u, what << ": " << bad << " of " << n << " elements differ by more than " << rel_tol);
  BOOST_TEST_MESSAGE(what << ": " << n << " elements (" << below << " below the floor), largest |torch| " << scale
                          << ", worst relative difference " << worst);
  return worst;
}

template <class M>
torch::Tensor to_torch(const M& m) {
  return torch::from_blob(const_cast<float*>(m.data()), {static_cast<long>(M::rows), static_cast<long>(M::cols)},
                          torch::kFloat)
      .clone();
}

/// Torch's Linear layers with typenet's weights (both out x in).
template <class P>
std::vector<torch::nn::Linear> linears_from(const P& p) {
  std::vector<torch::nn::Linear> layers;
  torch::NoGradGuard no_grad;
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (
        [&] {
          const auto& w = p.template get<2 * I>();
          const auto& b = p.template get<2 * I + 1>();
          using W = std::remove_cvref_t<decltype(w)>;
          torch::nn::Linear l(torch::nn::LinearOptions(W::cols, W::rows));
          l->weight.copy_(to_torch(w));
          l->bias.copy_(to_torch(b).reshape({static_cast<long>(W::rows)}));
          layers.push_back(l);
        }(),
        ...);
  }(std::make_index_sequence<P::count / 2>{});
  return layers;
}

/// The torch parameters in nn.Sequential order: weight, bias of each layer.
std::vector<torch::Tensor> torch_params(const std::vector<torch::nn::Linear>& layers) {
  std::vector<torch::Tensor> out;
  for (const auto& l : layers) {
    out.push_back(l->weight);
    out.push_back(l->bias);
  }
  return out;
}

struct batch_data {
  tn::matrix<float, B, 784> x{};
  tn::matrix<float, B, 10> y{};  // one-hot
  std::array<std::int64_t, B> labels{};
  torch::Tensor tx, ty, tlabels;
};

batch_data make_batch(std::uint32_t seed) {
  batch_data d;
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> pixel(0.0f, 1.0f);
  std::uniform_int_distribution<int> cls(0, 9);
  for (auto& v : d.x) v = pixel(rng);
  for (std::size_t r = 0; r < B; ++r) {
    d.labels[r] = cls(rng);
    d.y(r, static_cast<std::size_t>(d.labels[r])) = 1.0f;
  }
  d.tx = to_torch(d.x);
  d.ty = to_torch(d.y);
  d.tlabels = torch::from_blob(d.labels.data(), {static_cast<long>(B)}, torch::kLong).clone();
  return d;
}

/// typenet's loss and gradients: tn::eval of tn::grad(L, every parameter, the input),
/// as one tuple (loss, d/d parameters..., d/d input).
template <class Net, class Loss, class P>
auto typenet_gradients(const P& p, const batch_data& d) {
  constexpr auto L = Loss::template expression<Net, B>();
  constexpr auto X = typename Net::template input_t<B>{};
  constexpr auto Y = tn::target<Net, B>;
  return std::apply(
      [&](const auto&... bs) {
        return [&]<class... V>(tn::type_list<V...>) {
          return tn::eval(std::tuple_cat(std::tuple{L}, tn::grad(L, V{}..., X)), X = tn::ref(d.x), Y = tn::ref(d.y),
                          bs...);
        }(typename Net::parameters{});
      },
      p.bindings());
}

}  // namespace

/// Loss, every gradient, and one SGD step (lr 0.1) of Net against torch.
/// `forward` is torch's network on the layers, `torch_loss` its loss.
template <class Net, class Loss, class Forward, class TorchLoss>
void check_against_torch(const char* label, std::uint64_t seed, Forward forward, TorchLoss torch_loss) {
  torch::manual_seed(0);
  const auto p = tn::init<Net, float>(tn::pytorch_default{}, seed);
  const batch_data d = make_batch(static_cast<std::uint32_t>(seed));

  // --- loss and gradients -------------------------------------------------------
  const auto values = typenet_gradients<Net, Loss>(p, d);
  auto layers = linears_from(p);
  auto tparams = torch_params(layers);
  const torch::Tensor tx = d.tx.clone().requires_grad_(true);
  const torch::Tensor loss = torch_loss(forward(layers, tx), d);
  loss.backward();
  const double tl = loss.item<float>();
  const double ol = std::get<0>(values);
  BOOST_TEST_MESSAGE(label << ": loss typenet " << ol << ", torch " << tl);
  BOOST_TEST(std::abs(ol - tl) <= rel_tol * std::abs(tl), label << ": loss typenet " << ol << ", torch " << tl);
  double worst = 0;
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    ((worst = std::max(worst, compare(std::string{label} + ": d/d" + std::string{p.template name<I>},
                                      std::get<I + 1>(values).data(), tparams[I].grad()))),
     ...);
  }(std::make_index_sequence<Net::parameter_count>{});
  worst = std::max(worst, compare(std::string{label} + ": d/dinput",
                                  std::get<Net::parameter_count + 1>(values).data(), tx.grad()));
  BOOST_TEST_MESSAGE(label << ": worst relative gradient difference " << worst);

  // --- one SGD step -------------------------------------------------------------
  auto stepped = p;
  tn::trainer<Net, Loss, tn::sgd, tn::batch<B>> t{stepped, {.learning_rate = 0.1f}};
  const float step_loss = t.step(d.x, d.y);
  BOOST_TEST(std::abs(step_loss - tl) <= rel_tol * std::abs(tl));

  auto layers2 = linears_from(p);
  auto tparams2 = torch_params(layers2);
  torch::optim::SGD opt(tparams2, torch::optim::SGDOptions(0.1));
  opt.zero_grad();
  torch_loss(forward(layers2, d.tx), d).backward();
  opt.step();
  // the updates (new - old) compared as gradients are; the weights themselves to 1e-6
  double worst_step = 0;
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (
        [&] {
          const auto& before = p.template get<I>();
          const auto& after = stepped.template get<I>();
          std::remove_cvref_t<decltype(after)> delta;
          for (std::size_t k = 0; k < delta.size; ++k) delta.data()[k] = after.data()[k] - before.data()[k];
          const torch::Tensor tdelta = tparams2[I].detach().reshape(
                                           {static_cast<long>(delta.rows), static_cast<long>(delta.cols)}) -
                                       to_torch(before);
          const std::string name = std::string{label} + ": sgd step of " + std::string{p.template name<I>};
          worst_step = std::max(worst_step, compare(name, delta.data(), tdelta, before.data()));
          const torch::Tensor tafter = tparams2[I].detach().contiguous();
          const float* ta = tafter.data_ptr<float>();
          double far = 0;
          for (std::size_t k = 0; k < after.size; ++k)
            far = std::max(far, static_cast<double>(std::abs(after.data()[k] - ta[k])));
          BOOST_TEST(far <= 1e-6, name << ": weights differ by " << far);
        }(),
        ...);
  }(std::make_index_sequence<Net::parameter_count>{});
  BOOST_TEST_MESSAGE(label << ": worst relative difference of the sgd updates " << worst_step);

  // class indices give the same step as one-hot rows
  if constexpr (std::is_same_v<Loss, tn::cross_entropy>) {
    auto by_index = p;
    tn::trainer<Net, Loss, tn::sgd, tn::batch<B>> ti{by_index, {.learning_rate = 0.1f}};
    const float index_loss = ti.step(d.x, std::span<const std::int64_t, B>(d.labels));
    BOOST_TEST(index_loss == step_loss);
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (
          [&] {
            BOOST_TEST(std::equal(by_index.template get<I>().begin(), by_index.template get<I>().end(),
                                  stepped.template get<I>().begin()));
          }(),
          ...);
    }(std::make_index_sequence<Net::parameter_count>{});
  }
}

BOOST_AUTO_TEST_CASE(sigmoid_softmax_cross_entropy) {
  using net = tn::network<tn::input<784>, tn::dense<16>, tn::sigmoid, tn::dense<16>, tn::sigmoid, tn::dense<10>,
                          tn::softmax>;
  auto forward = [](std::vector<torch::nn::Linear>& l, const torch::Tensor& x) {
    return l[2]->forward(torch::sigmoid(l[1]->forward(torch::sigmoid(l[0]->forward(x)))));  // logits
  };
  auto loss = [](const torch::Tensor& logits, const batch_data& d) {
    return torch::nn::functional::cross_entropy(logits, d.tlabels);
  };
  check_against_torch<net, tn::cross_entropy>("784-16-16-10 sigmoid/softmax, cross_entropy", 42, forward, loss);
}

BOOST_AUTO_TEST_CASE(relu_mse) {
  using net = tn::network<tn::input<784>, tn::dense<32>, tn::relu, tn::dense<10>>;
  auto forward = [](std::vector<torch::nn::Linear>& l, const torch::Tensor& x) {
    return l[1]->forward(torch::relu(l[0]->forward(x)));
  };
  auto loss = [](const torch::Tensor& out, const batch_data& d) { return torch::nn::functional::mse_loss(out, d.ty); };
  check_against_torch<net, tn::mse>("784-32-10 relu, mse", 7, forward, loss);
}
