#pragma once
// Test support for the kernels: the SIMD width, the distance in ulps,
// reproducible random inputs, and the tail sizes every kernel is checked at.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <type_traits>
#include <utility>
#include <vector>

#include <typenet/kernels/simd.hpp>

namespace typenet_test {

template <class T>
constexpr std::size_t W = typenet::kernels::width<T>;

/// Distance in units in the last place; 0 for equal values (also +-0, inf) and for two NaNs.
template <class T>
std::uint64_t ulp_distance(T a, T b) {
  if (a == b || (std::isnan(a) && std::isnan(b))) return 0;
  if (std::isnan(a) || std::isnan(b)) return std::numeric_limits<std::uint64_t>::max();
  using I = std::conditional_t<sizeof(T) == 4, std::int32_t, std::int64_t>;
  I ia, ib;
  std::memcpy(&ia, &a, sizeof(T));
  std::memcpy(&ib, &b, sizeof(T));
  const auto line = [](I i) -> long double {
    return i < 0 ? -static_cast<long double>(i - std::numeric_limits<I>::min()) : static_cast<long double>(i);
  };
  return static_cast<std::uint64_t>(std::fabs(line(ia) - line(ib)));
}

template <class T>
std::vector<T> random_values(std::size_t n, T lo, T hi, unsigned seed) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<T> dist(lo, hi);
  std::vector<T> v(n);
  for (auto& x : v) x = dist(gen);
  return v;
}

/// The kernel counters one span of n elements should produce: full batches,
/// then the tail as kernels::tail_split says (narrower batches, then scalars).
struct span_counts {
  std::size_t vector = 0, narrow = 0, scalar = 0;
  constexpr span_counts operator+(const span_counts& o) const { return {vector + o.vector, narrow + o.narrow, scalar + o.scalar}; }
  constexpr span_counts operator*(std::size_t k) const { return {vector * k, narrow * k, scalar * k}; }
  constexpr bool operator==(const span_counts&) const = default;
};
template <class T>
constexpr span_counts counts_of_span(std::size_t n) {
  const auto tail = typenet::kernels::tail_split<T>(n % W<T>);
  return {n / W<T>, tail.first, tail.second};
}

/// Calls f(integral_constant<N>) for the tail sizes 1, W-1, W, W+1, 3W+1.
template <class T, class F>
void for_tail_sizes(F f) {
  [&]<std::size_t... N>(std::index_sequence<N...>) {
    (f(std::integral_constant<std::size_t, N>{}), ...);
  }(std::index_sequence<1, W<T> - 1, W<T>, W<T> + 1, 3 * W<T> + 1>{});
}

}  // namespace typenet_test
