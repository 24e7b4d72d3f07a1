#pragma once
/// Math shared by the value rules, for scalars and for SIMD batches.
///
/// Every function takes either a built-in arithmetic type (the scalar path) or
/// an `xsimd::batch<T, A>` (the vector path used by `kernels/`). Polynomial
/// and rational operations (and sqrt, by Newton's method) work in constant
/// expressions for scalars, so `static_assert(tn::eval(...) == ...)` holds for
/// them; transcendental functions use <cmath> and are run-time only.
///
/// This header does not include xsimd: the batch versions call xsimd's
/// functions unqualified, so argument-dependent lookup finds them in namespace
/// xsimd. The symbolic core (types, simplification, constant evaluation) never
/// pays for parsing xsimd; whoever holds a batch has already included it.
///
/// The scalar and batch versions of each function use the same formula, so the
/// two paths agree exactly for + - * / sqrt and comparisons, and within the
/// accuracy of xsimd's exp/log/tanh/pow (a few ulps) for the rest; xsimd's
/// exp also flushes results below the smallest normal number to 0 where libm
/// returns subnormals.
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

namespace typenet::math {

/// The scalar path: built-in arithmetic types. Anything else is treated as a
/// SIMD batch with a `value_type`.
template <class T>
inline constexpr bool is_scalar = std::is_arithmetic_v<T>;

namespace detail {
template <class T, bool = is_scalar<T>>
struct element {
  using type = T;
};
template <class T>
struct element<T, false> {
  using type = typename T::value_type;
};
}  // namespace detail

/// The element type: T for scalars, T::value_type for batches.
template <class T>
using element_t = typename detail::element<T>::type;

namespace batch_calls {
// Poison pills: they hide the typenet::math functions of the same names from
// the unqualified calls below (which would otherwise recurse), so only
// argument-dependent lookup (namespace xsimd) can answer them.
void exp() = delete;
void log() = delete;
void tanh() = delete;
void sqrt() = delete;
void pow() = delete;
void abs() = delete;
void select() = delete;

template <class B>
B call_exp(const B& x) noexcept {
  return exp(x);
}
template <class B>
B call_log(const B& x) noexcept {
  return log(x);
}
template <class B>
B call_tanh(const B& x) noexcept {
  return tanh(x);
}
template <class B>
B call_sqrt(const B& x) noexcept {
  return sqrt(x);
}
template <class B>
B call_pow(const B& x, const B& y) noexcept {
  return pow(x, y);
}
template <class B>
B call_abs(const B& x) noexcept {
  return abs(x);
}
template <class C, class B>
B call_select(const C& condition, const B& if_true, const B& if_false) noexcept {
  return select(condition, if_true, if_false);
}
}  // namespace batch_calls

/// Lane-wise `condition ? if_true : if_false` (a condition from a comparison).
template <class C, class T>
constexpr T select(const C& condition, const T& if_true, const T& if_false) noexcept {
  if constexpr (is_scalar<T>) return condition ? if_true : if_false;
  else return batch_calls::call_select(condition, if_true, if_false);
}

/// x^n by binary powering; n < 0 gives 1 / x^-n. The same products in the same
/// order for scalars and batches, so both paths agree exactly.
template <class T>
constexpr T integer_power(T x, std::intmax_t n) noexcept {
  const T unit = T(element_t<T>(1));
  T result = unit;
  T base = x;
  std::uintmax_t e = n < 0 ? static_cast<std::uintmax_t>(-(n + 1)) + 1u : static_cast<std::uintmax_t>(n);
  while (e != 0) {
    if (e & 1u) result *= base;
    e >>= 1u;
    if (e != 0) base *= base;
  }
  return n < 0 ? unit / result : result;
}

/// Correctly rounded square root (IEEE), also in constant expressions for scalars.
template <class T>
constexpr T sqrt(T x) noexcept {
  if constexpr (!is_scalar<T>) {
    return batch_calls::call_sqrt(x);
  } else {
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
}

template <class T>
T abs(T x) noexcept {
  if constexpr (is_scalar<T>) return std::abs(x);
  else return batch_calls::call_abs(x);
}

template <class T>
T exp(T x) noexcept {
  if constexpr (is_scalar<T>) return std::exp(x);
  else return batch_calls::call_exp(x);
}

template <class T>
T log(T x) noexcept {
  if constexpr (is_scalar<T>) return std::log(x);
  else return batch_calls::call_log(x);
}

template <class T>
T tanh(T x) noexcept {
  if constexpr (is_scalar<T>) return std::tanh(x);
  else return batch_calls::call_tanh(x);
}

/// x^y for a run-time exponent (scalar or batch).
template <class T>
T pow(T x, T y) noexcept {
  if constexpr (is_scalar<T>) return std::pow(x, y);
  else return batch_calls::call_pow(x, y);
}

/// x^y for a batch base and one exponent for every lane.
template <class T>
  requires(!is_scalar<T>)
T pow(T x, element_t<T> y) noexcept {
  return batch_calls::call_pow(x, T(y));
}

/// 1 / (1 + e^-x) = (x >= 0 ? 1 : e) / (1 + e) with e = e^-|x| in (0, 1]:
/// the exponential never overflows, so no inf/inf = NaN for large |x|, and the
/// tails go smoothly to 0 and 1. One formula for scalars and batches.
template <class T>
T sigmoid(T x) noexcept {
  using E = element_t<T>;
  const T zero = T(E(0));
  const T one = T(E(1));
  const T e = math::exp(-math::abs(x));
  return math::select(x >= zero, one, e) / (one + e);
}

/// max(x, 0); 0 for NaN (the comparison is false), as on the scalar path.
template <class T>
constexpr T relu(T x) noexcept {
  const T zero = T(element_t<T>(0));
  return math::select(x > zero, x, zero);
}

/// [x > 0]: 1 or 0.
template <class T>
constexpr T step(T x) noexcept {
  using E = element_t<T>;
  return math::select(x > T(E(0)), T(E(1)), T(E(0)));
}

/// x if x > 0 else alpha x.
template <class T>
constexpr T leaky_relu(T x, element_t<T> alpha) noexcept {
  using E = element_t<T>;
  return math::select(x > T(E(0)), x, x * T(alpha));
}

/// 1 if x > 0 else alpha.
template <class T>
constexpr T leaky_step(T x, element_t<T> alpha) noexcept {
  using E = element_t<T>;
  return math::select(x > T(E(0)), T(E(1)), T(alpha));
}

}  // namespace typenet::math
