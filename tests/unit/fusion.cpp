// A chain of elementwise ops is one SIMD pass over memory: eval stores only
// the chain's result. Counted with the kernels' iteration counters, and the
// fused value checked against an element-by-element reference.
#define TYPENET_KERNEL_COUNTERS
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <random>

#include "../support/matrix_check.hpp"

namespace tn = typenet;
using namespace tn::literals;

BOOST_AUTO_TEST_CASE(an_elementwise_chain_is_one_pass) {
  constexpr auto X = tn::var<"X", 8, 32>;
  constexpr auto Y = tn::var<"Y", 8, 32>;
  constexpr auto b = tn::var<"b", 1, 32>;
  std::mt19937 rng(1);
  const auto x = typenet_test::random_matrix<float, 8, 32>(rng);
  const auto y = typenet_test::random_matrix<float, 8, 32>(rng);
  const auto bv = typenet_test::random_matrix<float, 1, 32>(rng);
  // five elementwise nodes: sum, sigmoid, product, tanh, sum
  constexpr auto f = tn::tanh(tn::hadamard(tn::sigmoid(X + b), Y)) + 2_c;
  tn::kernels::counters = {};
  const auto got = tn::eval(f, X = tn::ref(x), Y = tn::ref(y), b = tn::ref(bv));
  constexpr std::size_t W = tn::kernels::width<float>;
  BOOST_TEST(tn::kernels::counters.vector_iterations == 8 * 32 / W);  // one pass over the 8 x 32 result
  BOOST_TEST(tn::kernels::counters.scalar_iterations == 8 * 32 % W);
  for (std::size_t r = 0; r < 8; ++r)
    for (std::size_t c = 0; c < 32; ++c) {
      const double s = 1 / (1 + std::exp(-(double(x(r, c)) + bv(0, c))));
      const double want = std::tanh(s * y(r, c)) + 2;
      BOOST_TEST(std::abs(got(r, c) - want) < 1e-5, r << "," << c);
    }
}

BOOST_AUTO_TEST_CASE(a_shared_node_is_stored_once) {
  // s = sigmoid(X) is read twice (s * (1 - s)): it is stored, 1 - s is fused into the product
  constexpr auto X = tn::var<"X", 4, 16>;
  std::mt19937 rng(2);
  const auto x = typenet_test::random_matrix<float, 4, 16>(rng);
  constexpr auto s = tn::sigmoid(X);
  constexpr auto f = tn::hadamard(s, 1_c - s);
  tn::kernels::counters = {};
  const auto got = tn::eval(f, X = x);
  constexpr std::size_t W = tn::kernels::width<float>;
  BOOST_TEST(tn::kernels::counters.vector_iterations == 2 * (4 * 16 / W));  // s, then the fused product
  for (std::size_t i = 0; i < got.size; ++i) {
    const double si = 1 / (1 + std::exp(-double(x.values[i])));
    BOOST_TEST(std::abs(got.values[i] - si * (1 - si)) < 1e-6);
  }
}
