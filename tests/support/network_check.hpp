#pragma once
// Test support for network gradients: finite differences (double) of tn::grad
// of a loss with respect to parameters and inputs, with the network's own
// bindings. Used by the network_gradients_* tests.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <random>
#include <string>
#include <tuple>
#include <utility>

#include <boost/test/unit_test.hpp>
#include <typenet/typenet.hpp>

namespace typenet_test {

namespace tn = typenet;

// |symbolic - numeric| <= tol * max(floor, |symbolic|, |numeric|). Central
// differences with h = cbrt(eps) max(1, |x|) are accurate to about 1e-10
// here (losses and gradients are O(1) or smaller); the floor keeps elements
// that are zero or nearly so from demanding more than that.
constexpr double tol = 1e-6;
constexpr double floor_abs = 1e-4;

/// Every parameter of p bound by value, in nn.Sequential order.
template <class P>
auto param_bindings(const P& p) {
  return [&]<std::size_t... I>(std::index_sequence<I...>) {
    return std::tuple{(typename P::template variable_t<I>{} = p.template get<I>())...};
  }(std::make_index_sequence<P::count>{});
}

/// d f / d v for every element of every binding in `checked` against central
/// differences; `fixed` are bound but not differentiated. Also requires each
/// checked gradient to have an element of magnitude above 1e-6 (a check
/// against an all-zero gradient would pass trivially).
template <class F, class Fixed, class... Bs>
void check_network(const F& f, const Fixed& fixed, const Bs&... checked) {
  const std::tuple<Bs...> base{checked...};
  auto value = [&](const std::tuple<Bs...>& bs) {
    return std::apply(
        [&](const auto&... c) {
          return std::apply([&](const auto&... b) { return static_cast<double>(tn::eval(f, c..., b...)); }, bs);
        },
        fixed);
  };
  BOOST_TEST_REQUIRE(std::isfinite(value(base)));
  auto check_one = [&]<std::size_t I>(std::integral_constant<std::size_t, I>) {
    using B = std::tuple_element_t<I, std::tuple<Bs...>>;
    using V = typename B::value_type;
    constexpr auto v = tn::var<B::name, V::rows, V::cols>;
    const V symbolic =
        std::apply([&](const auto&... c) { return tn::eval(tn::grad(f, v), c..., checked...); }, fixed);
    double largest = 0;
    double worst = 0;
    for (std::size_t k = 0; k < V::size; ++k) {
      auto at = [&](double delta) {
        auto shifted = base;
        std::get<I>(shifted).value.data()[k] += delta;
        return value(shifted);
      };
      const double x = std::get<I>(base).value.data()[k];
      const double h = std::cbrt(std::numeric_limits<double>::epsilon()) * std::max(1.0, std::abs(x));
      const double numeric = (at(h) - at(-h)) / (2 * h);
      const double s = symbolic.data()[k];
      const double err = std::abs(s - numeric) / std::max({floor_abs, std::abs(s), std::abs(numeric)});
      worst = std::max(worst, err);
      largest = std::max(largest, std::abs(s));
      BOOST_TEST(err <= tol, "d/d" << std::string{B::name.view()} << "[" << k << "]: symbolic " << s
                                   << ", numeric " << numeric);
    }
    BOOST_TEST(largest > 1e-6, "d/d" << std::string{B::name.view()} << " is zero everywhere");
    BOOST_TEST_MESSAGE("d/d" << std::string{B::name.view()} << ": worst relative error " << worst);
  };
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (check_one(std::integral_constant<std::size_t, I>{}), ...);
  }(std::index_sequence_for<Bs...>{});
}

/// Every bias filled from U(-0.5, 0.5) (initializers other than
/// pytorch_default leave them 0, a special point).
template <class P>
void randomize_biases(P& p, std::mt19937& rng) {
  std::uniform_real_distribution<double> d(-0.5, 0.5);
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (
        [&] {
          if constexpr (I % 2 == 1)
            for (auto& b : p.template get<I>()) b = d(rng);
        }(),
        ...);
  }(std::make_index_sequence<P::count>{});
}

}  // namespace typenet_test
