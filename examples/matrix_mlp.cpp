// A three-layer perceptron written as one matrix expression: the loss is a
// type, tn::grad derives all six parameter gradients at once, and plain
// gradient descent on tn::eval of those gradients learns to separate two
// interleaved spirals. Prints the derived gradient of the output layer and
// the loss as it falls; exits 1 if it does not learn.
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <iostream>
#include <numbers>
#include <random>
#include <tuple>

#include <typenet/typenet.hpp>

namespace tn = typenet;
using namespace tn::literals;

namespace {

constexpr std::size_t n = 64;  // points (batch as rows), two classes

constexpr auto X = tn::var<"X", n, 2>;
constexpr auto Y = tn::var<"Y", n, 2>;  // one-hot
constexpr auto W1 = tn::var<"W1", 16, 2>;
constexpr auto b1 = tn::var<"b1", 1, 16>;
constexpr auto W2 = tn::var<"W2", 16, 16>;
constexpr auto b2 = tn::var<"b2", 1, 16>;
constexpr auto W3 = tn::var<"W3", 2, 16>;
constexpr auto b3 = tn::var<"b3", 1, 2>;

// weights out x in (PyTorch's layout), so each layer is X W^T + b
constexpr auto H1 = tn::tanh(X * tn::transpose(W1) + b1);
constexpr auto H2 = tn::tanh(H1 * tn::transpose(W2) + b2);
constexpr auto logits = H2 * tn::transpose(W3) + b3;
constexpr auto loss = -tn::sum(tn::hadamard(Y, tn::log_softmax(logits))) / tn::c<n>;

template <std::size_t R, std::size_t C>
tn::matrix<double, R, C> glorot(std::mt19937& rng) {
  std::uniform_real_distribution<double> d(-std::sqrt(6.0 / (R + C)), std::sqrt(6.0 / (R + C)));
  tn::matrix<double, R, C> m;
  for (auto& v : m) v = d(rng);
  return m;
}

}  // namespace

int main() {
  std::cout << "dloss/dW3 = " << tn::to_string(tn::grad(loss, W3)) << "\n\n";

  // two spirals, 32 points each
  tn::matrix<double, n, 2> x;
  tn::matrix<double, n, 2> y{};
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t cls = i % 2;
    const double t = 0.5 + 2.5 * static_cast<double>(i / 2) / (n / 2);
    const double a = t * 1.8 + (cls ? std::numbers::pi : 0.0);
    x(i, 0) = t * std::cos(a) / 3;
    x(i, 1) = t * std::sin(a) / 3;
    y(i, cls) = 1;
  }

  std::mt19937 rng(7);
  auto w1 = glorot<16, 2>(rng);
  auto w2 = glorot<16, 16>(rng);
  auto w3 = glorot<2, 16>(rng);
  tn::matrix<double, 1, 16> c1{}, c2{};
  tn::matrix<double, 1, 2> c3{};

  const auto gradients = tn::grad(loss, W1, b1, W2, b2, W3, b3);
  auto step = [](auto& param, const auto& g, double rate) {
    for (std::size_t i = 0; i < param.size; ++i) param.values[i] -= rate * g.values[i];
  };
  const double first = tn::eval(loss, X = x, Y = y, W1 = w1, b1 = c1, W2 = w2, b2 = c2, W3 = w3, b3 = c3);
  double last = first;
  for (int epoch = 0; epoch <= 3000; ++epoch) {
    const auto [g1, gb1, g2, gb2, g3, gb3] =
        tn::eval(gradients, X = x, Y = y, W1 = w1, b1 = c1, W2 = w2, b2 = c2, W3 = w3, b3 = c3);
    const double rate = 0.5;
    step(w1, g1, rate), step(c1, gb1, rate), step(w2, g2, rate), step(c2, gb2, rate), step(w3, g3, rate),
        step(c3, gb3, rate);
    if (epoch % 500 == 0) {
      last = tn::eval(loss, X = x, Y = y, W1 = w1, b1 = c1, W2 = w2, b2 = c2, W3 = w3, b3 = c3);
      std::printf("step %4d  loss %.4f\n", epoch, last);
    }
  }
  const auto p = tn::eval(tn::softmax(logits), X = x, W1 = w1, b1 = c1, W2 = w2, b2 = c2, W3 = w3, b3 = c3);
  std::size_t correct = 0;
  for (std::size_t i = 0; i < n; ++i) correct += (p(i, 1) > p(i, 0)) == (y(i, 1) > 0.5) ? 1 : 0;
  std::printf("training accuracy %zu/%zu\n", correct, n);
  const bool learned = last < first / 4 && correct >= n * 9 / 10;
  if (!learned) std::printf("FAILED: the network did not learn the spirals\n");
  return learned ? 0 : 1;
}
