// kernels::update_in_place: several arrays updated in one pass (the
// optimizers' kernel). The SIMD path agrees with the scalar rule element by
// element at sizes 0, 1, W-1, W, W+1, 3W+1, every element is visited once
// (counters), and nothing past the end is written. Agreement is to a few
// ulp, not exact: the compiler may contract a*b + c into one FMA in one path
// and not in the other (g++ contracts by default in C++).
#define TYPENET_KERNEL_COUNTERS
#include <boost/test/unit_test.hpp>

#include "../support/kernel_inputs.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <tuple>
#include <vector>

#include <typenet/core/math.hpp>
#include <typenet/kernels/elementwise.hpp>

namespace kernels = typenet::kernels;
using typenet_test::W;

namespace {

/// An Adam-like rule with a square root and a division: exact in IEEE for
/// scalars and lanes alike.
constexpr auto rule = [](auto p, auto m, auto v, auto g) {
  using B = decltype(p);
  m = B(0.9f) * m + B(0.1f) * g;
  v = B(0.999f) * v + B(0.001f) * g * g;
  p = p - B(0.01f) * m / (typenet::math::sqrt(v) + B(1e-8f));
  return std::tuple{p, m, v};
};

template <std::size_t N>
void check(std::integral_constant<std::size_t, N>) {
  constexpr std::size_t guard = 3;
  auto p = typenet_test::random_values<float>(N + guard, -1.f, 1.f, 1);
  auto m = typenet_test::random_values<float>(N + guard, -1.f, 1.f, 2);
  auto v = typenet_test::random_values<float>(N + guard, 0.f, 1.f, 3);
  const auto g = typenet_test::random_values<float>(N + guard, -1.f, 1.f, 4);
  auto p0 = p, m0 = m, v0 = v;
  kernels::counters = {};
  kernels::update_in_place<N>(rule, std::array<float*, 3>{p.data(), m.data(), v.data()}, g.data());
  BOOST_TEST(kernels::counters.vector_iterations * W<float> + kernels::counters.scalar_iterations == N);
  BOOST_TEST(kernels::counters.vector_iterations == N / W<float>);
  for (std::size_t i = 0; i < N; ++i) {
    const auto [pe, me, ve] = rule(p0[i], m0[i], v0[i], g[i]);
    auto close = [](float a, float b) { return std::abs(a - b) <= 4e-7f * std::max(1.0f, std::abs(b)); };
    BOOST_TEST(close(p[i], pe), "p[" << i << "] of " << N << ": " << p[i] << " vs " << pe);
    BOOST_TEST(close(m[i], me), "m[" << i << "] of " << N << ": " << m[i] << " vs " << me);
    BOOST_TEST(close(v[i], ve), "v[" << i << "] of " << N << ": " << v[i] << " vs " << ve);
  }
  for (std::size_t i = N; i < N + guard; ++i) BOOST_TEST((p[i] == p0[i] && m[i] == m0[i] && v[i] == v0[i]));
}

}  // namespace

BOOST_AUTO_TEST_CASE(simd_equals_scalar_at_every_tail_size) {
  check(std::integral_constant<std::size_t, 0>{});
  typenet_test::for_tail_sizes<float>([](auto n) { check(n); });
  check(std::integral_constant<std::size_t, 1000>{});
}
