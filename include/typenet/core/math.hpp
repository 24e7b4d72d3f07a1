#pragma once
/// Scalar math shared by the value rules. Polynomial and rational operations
/// (and sqrt, by Newton's method) work in constant expressions, so
/// `static_assert(tn::eval(...) == ...)` holds for them; transcendental
/// functions use <cmath> and are run-time only.
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

namespace typenet::math {

/// x^n by binary powering; n < 0 gives 1 / x^-n.
template <class T>
constexpr T integer_power(T x, std::intmax_t n) {
  T result = T(1);
  T base = x;
  std::uintmax_t e = n < 0 ? static_cast<std::uintmax_t>(-(n + 1)) + 1u : static_cast<std::uintmax_t>(n);
  while (e != 0) {
    if (e & 1u) result *= base;
    e >>= 1u;
    if (e != 0) base *= base;
  }
  return n < 0 ? T(1) / result : result;
}

template <class T>
constexpr T sqrt(T x) {
  if (!std::is_constant_evaluated()) return std::sqrt(x);
  if (x != x || x < T(0)) return std::numeric_limits<T>::quiet_NaN();
  if (x == T(0) || x == std::numeric_limits<T>::infinity()) return x;
  // Newton from above converges monotonically; stop when it no longer decreases.
  T y = x > T(1) ? x : T(1);
  for (;;) {
    const T next = (y + x / y) / T(2);
    if (!(next < y)) return y;
    y = next;
  }
}

template <class T>
T pow(T x, T y) {
  return std::pow(x, y);
}

/// 1 / (1 + e^-x), evaluated without overflow for large |x|.
template <class T>
T sigmoid(T x) {
  if (x >= T(0)) return T(1) / (T(1) + std::exp(-x));
  const T e = std::exp(x);
  return e / (T(1) + e);
}

}  // namespace typenet::math
