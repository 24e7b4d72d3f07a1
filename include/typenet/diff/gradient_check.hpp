#pragma once
/// `tn::gradient_check(f, x = 1.0, y = 2.0)`: the symbolic gradient of f with
/// respect to every bound variable, against central finite differences.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <ostream>
#include <string_view>
#include <tuple>
#include <utility>

#include <typenet/diff/grad.hpp>
#include <typenet/expr/eval.hpp>

namespace typenet {

struct gradient_check_entry {
  std::string_view variable;
  double symbolic = 0;
  double numeric = 0;
  /// |symbolic - numeric| / max(1, |symbolic|, |numeric|)
  double error = 0;
};

template <std::size_t N>
struct gradient_check_result {
  std::array<gradient_check_entry, N> entries{};
  double tolerance = 0;

  [[nodiscard]] double max_error() const {
    double m = 0;
    for (const auto& e : entries) m = std::max(m, e.error);
    return m;
  }
  /// True when every partial derivative agrees within the tolerance (and none is NaN).
  [[nodiscard]] bool passed() const {
    return std::all_of(entries.begin(), entries.end(), [&](const auto& e) { return e.error <= tolerance; });
  }
  explicit operator bool() const { return passed(); }

  friend std::ostream& operator<<(std::ostream& os, const gradient_check_result& r) {
    os << "gradient check (" << (r.passed() ? "passed" : "FAILED") << ", tolerance " << r.tolerance << ")\n";
    for (const auto& e : r.entries)
      os << "  d/d" << e.variable << ": symbolic " << e.symbolic << ", finite differences " << e.numeric << ", error "
         << e.error << "\n";
    return os;
  }
};

/// Central differences with step h = eps^(1/3) max(1, |x|) (optimal for the
/// O(h^2) truncation against O(eps/h) rounding); the default tolerance is
/// 1e-6 for double bindings and 1e-2 for float.
template <class F, class... Bs>
auto gradient_check(const F& f, const Bs&... binds) {
  static_assert(diag::is_expression<F>, "typenet: gradient_check(f, bindings...): f must be a typenet expression");
  static_assert(sizeof...(Bs) > 0, "typenet: gradient_check(f, bindings...): bind every variable, e.g. x = 1.0");
  using T = typename detail::value_type_of<Bs...>::type;
  gradient_check_result<sizeof...(Bs)> result;
  result.tolerance = std::is_same_v<T, float> ? 1e-2 : 1e-6;
  const std::tuple<Bs...> base{binds...};
  [&]<std::size_t... K>(std::index_sequence<K...>) {
    const auto symbolic = typenet::eval(std::tuple{typenet::grad(f, variable<Bs::name>{})...}, binds...);
    auto check = [&]<std::size_t I>(std::integral_constant<std::size_t, I>) {
      const T x = static_cast<T>(std::get<I>(base).value);
      const T h = std::cbrt(std::numeric_limits<T>::epsilon()) * std::max(T(1), std::abs(x));
      auto at = [&](T value) {
        auto shifted = base;
        std::get<I>(shifted).value = value;
        return std::apply([&](const auto&... b) { return typenet::eval(f, b...); }, shifted);
      };
      const double numeric = (static_cast<double>(at(x + h)) - static_cast<double>(at(x - h))) /
                             (static_cast<double>(x + h) - static_cast<double>(x - h));
      const double s = static_cast<double>(symbolic[I]);
      const double scale = std::max({1.0, std::abs(s), std::abs(numeric)});
      const double err = std::abs(s - numeric) / scale;
      result.entries[I] = {std::get<I>(base).name.view(), s, numeric, std::isnan(err) ? std::numeric_limits<double>::infinity() : err};
    };
    (void)std::initializer_list<int>{(check(std::integral_constant<std::size_t, K>{}), 0)...};
  }(std::index_sequence_for<Bs...>{});
  return result;
}

}  // namespace typenet
