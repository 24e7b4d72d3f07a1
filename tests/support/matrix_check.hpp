#pragma once
// Test support for matrix expressions: random matrices, a long-double
// reference, and a finite-difference check of tn::grad for every element of
// every bound variable.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <random>
#include <string>
#include <tuple>
#include <utility>

#include <boost/test/unit_test.hpp>
#include <typenet/typenet.hpp>

namespace typenet_test {

namespace tn = typenet;

template <class T, std::size_t R, std::size_t C>
tn::matrix<T, R, C> random_matrix(std::mt19937& rng, double lo = -1.0, double hi = 1.0) {
  std::uniform_real_distribution<double> d(lo, hi);
  tn::matrix<T, R, C> m;
  for (auto& v : m) v = static_cast<T>(d(rng));
  return m;
}

/// The value of a bound variable as a flat array view (scalars too).
template <class V>
auto* flat(V& v) {
  if constexpr (tn::Matrix<V>) return v.data();
  else return &v;
}
template <class V>
constexpr std::size_t flat_size() {
  if constexpr (tn::Matrix<V>) return V::size;
  else return 1;
}

/// Checks d f / d v for every bound variable v and every element of v against
/// central differences in double: |symbolic - numeric| <= tol * max(1, |symbolic|, |numeric|).
template <class F, class... Bs>
void check_gradients(const F& f, double tol, const Bs&... binds) {
  const std::tuple<Bs...> base{binds...};
  auto check_one = [&]<std::size_t I>(std::integral_constant<std::size_t, I>) {
    using B = std::tuple_element_t<I, std::tuple<Bs...>>;
    using V = typename B::value_type;
    constexpr auto var = tn::var<B::name, tn::detail::value_shape<V>::rows, tn::detail::value_shape<V>::cols>;
    auto symbolic = tn::eval(tn::grad(f, var), binds...);
    for (std::size_t k = 0; k < flat_size<V>(); ++k) {
      auto at = [&](double delta) {
        auto shifted = base;
        flat(std::get<I>(shifted).value)[k] += delta;
        return static_cast<double>(std::apply([&](const auto&... b) { return tn::eval(f, b...); }, shifted));
      };
      const double x = static_cast<double>(flat(std::get<I>(base).value)[k]);
      const double h = std::cbrt(std::numeric_limits<double>::epsilon()) * std::max(1.0, std::abs(x));
      const double numeric = (at(h) - at(-h)) / (2 * h);
      const double s = static_cast<double>(flat(symbolic)[k]);
      const double scale = std::max({1.0, std::abs(s), std::abs(numeric)});
      BOOST_TEST(std::abs(s - numeric) <= tol * scale,
                 "d/d" << std::string{B::name.view()} << "[" << k << "]: symbolic " << s << ", numeric " << numeric);
    }
  };
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (check_one(std::integral_constant<std::size_t, I>{}), ...);
  }(std::index_sequence_for<Bs...>{});
}

/// sum(G .* f) for an expression under test f and a weighting G of f's shape:
/// its gradient checks f's derivative against an arbitrary upstream gradient.
template <class F>
auto weighted(F f) {
  using S = tn::shape_of_t<F>;
  constexpr auto G = tn::var<"G", S::rows, S::cols>;
  return tn::sum(tn::hadamard(G, f));
}
/// A random binding of weighted(f)'s G.
template <class F>
auto weights(std::mt19937& rng) {
  using S = tn::shape_of_t<F>;
  constexpr auto G = tn::var<"G", S::rows, S::cols>;
  if constexpr (S::is_scalar) return G = 0.7;
  else return G = random_matrix<double, S::rows, S::cols>(rng);
}

}  // namespace typenet_test
