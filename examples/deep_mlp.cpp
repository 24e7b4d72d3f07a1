// An 8-layer perceptron trained with Adam: BENCHMARKS.md's W5 compile-time
// workload (`scripts/compile-time examples/deep_mlp.cpp`). It learns a smooth
// 2-D function on a fixed grid of points and exits 1 if the loss does not
// fall by 10x.
#include <cmath>
#include <cstdio>

#include <typenet/typenet.hpp>

namespace tn = typenet;

namespace {
using deep = tn::network<tn::input<2>,
                         tn::dense<32>, tn::tanh, tn::dense<32>, tn::tanh, tn::dense<32>, tn::relu,
                         tn::dense<32>, tn::tanh, tn::dense<32>, tn::relu, tn::dense<32>, tn::tanh,
                         tn::dense<16>, tn::tanh, tn::dense<1>, tn::identity>;
static_assert(deep::param_count == 2 * 32 + 32 + 5 * (32 * 32 + 32) + 32 * 16 + 16 + 16 + 1);
constexpr std::size_t n = 64;
}  // namespace

int main() {
  auto x = std::make_unique<tn::matrix<float, n, 2>>();
  auto y = std::make_unique<tn::matrix<float, n, 1>>();
  for (std::size_t i = 0; i < n; ++i) {
    const float a = -1.f + 2.f * static_cast<float>(i % 8) / 7.f;
    const float b = -1.f + 2.f * static_cast<float>(i / 8) / 7.f;
    (*x)(i, 0) = a;
    (*x)(i, 1) = b;
    (*y)(i, 0) = std::sin(2.f * a) * std::cos(1.5f * b);
  }
  auto p = tn::init<deep>(tn::he_uniform{}, 3);
  tn::trainer<deep, tn::mse, tn::adam, tn::batch<n>> t{p, {.learning_rate = 0.003f}};
  const float first = t.step(*x, *y);
  float last = first;
  for (int i = 1; i <= 1500; ++i) {
    last = t.step(*x, *y);
    if (i % 500 == 0) std::printf("step %4d  mse %.5f\n", i, last);
  }
  const bool learned = last < first / 10;
  std::printf("mse %.4f -> %.5f: %s\n", first, last, learned ? "learned" : "FAILED to learn");
  return learned ? 0 : 1;
}
