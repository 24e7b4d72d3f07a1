#pragma once
// Test support for the kernels: the SIMD width, reproducible random inputs,
// and the tail sizes every kernel is checked at.
#include <cstddef>
#include <random>
#include <utility>
#include <vector>

#include <typenet/kernels/simd.hpp>

namespace typenet_test {

template <class T>
constexpr std::size_t W = typenet::kernels::width<T>;

template <class T>
std::vector<T> random_values(std::size_t n, T lo, T hi, unsigned seed) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<T> dist(lo, hi);
  std::vector<T> v(n);
  for (auto& x : v) x = dist(gen);
  return v;
}

/// Calls f(integral_constant<N>) for the tail sizes 1, W-1, W, W+1, 3W+1.
template <class T, class F>
void for_tail_sizes(F f) {
  [&]<std::size_t... N>(std::index_sequence<N...>) {
    (f(std::integral_constant<std::size_t, N>{}), ...);
  }(std::index_sequence<1, W<T> - 1, W<T>, W<T> + 1, 3 * W<T> + 1>{});
}

}  // namespace typenet_test
