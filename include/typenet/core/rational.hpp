#pragma once
/// Exact rational arithmetic for compile-time constants (`2_c`, `1/2` exponents).
/// Every operation is checked: an overflow of std::intmax_t during constant
/// evaluation stops compilation instead of silently wrapping.
#include <cstdint>
#include <numeric>

namespace typenet {

struct rational {
  std::intmax_t num = 0;
  std::intmax_t den = 1;

  [[nodiscard]] constexpr bool is_integer() const noexcept { return den == 1; }
  [[nodiscard]] constexpr bool is_zero() const noexcept { return num == 0; }
  [[nodiscard]] constexpr bool is_one() const noexcept { return num == 1 && den == 1; }
  [[nodiscard]] constexpr bool is_negative() const noexcept { return num < 0; }
  friend constexpr bool operator==(rational, rational) = default;
};

namespace detail {

// Reached only in constant evaluation, where a throw is not a constant
// expression: the compiler reports this line and its message.
constexpr std::intmax_t overflow(const char* what, bool fail = true) {
  if (fail) throw what;  // typenet: exact constant arithmetic overflows std::intmax_t
  return 0;
}

constexpr std::intmax_t checked_mul(std::intmax_t a, std::intmax_t b) {
  std::intmax_t r{};
  if (__builtin_mul_overflow(a, b, &r)) return overflow("typenet: exact constant overflows std::intmax_t");
  return r;
}
constexpr std::intmax_t checked_add(std::intmax_t a, std::intmax_t b) {
  std::intmax_t r{};
  if (__builtin_add_overflow(a, b, &r)) return overflow("typenet: exact constant overflows std::intmax_t");
  return r;
}
constexpr std::intmax_t abs_value(std::intmax_t a) { return a < 0 ? checked_mul(a, -1) : a; }

}  // namespace detail

[[nodiscard]] constexpr rational make_rational(std::intmax_t n, std::intmax_t d = 1) {
  if (d == 0) detail::overflow("typenet: division by zero in an exact constant");
  if (d < 0) {
    n = detail::checked_mul(n, -1);
    d = detail::checked_mul(d, -1);
  }
  const std::intmax_t g = std::gcd(detail::abs_value(n), d);
  return {n / g, d / g};
}

[[nodiscard]] constexpr rational operator+(rational a, rational b) {
  const std::intmax_t g = std::gcd(a.den, b.den);
  const std::intmax_t l = detail::checked_mul(a.den / g, b.den);
  return make_rational(detail::checked_add(detail::checked_mul(a.num, l / a.den), detail::checked_mul(b.num, l / b.den)), l);
}
[[nodiscard]] constexpr rational operator-(rational a) { return {detail::checked_mul(a.num, -1), a.den}; }
[[nodiscard]] constexpr rational operator-(rational a, rational b) { return a + (-b); }
[[nodiscard]] constexpr rational operator*(rational a, rational b) {
  // cross-reduce first so that products of already reduced fractions rarely overflow
  const std::intmax_t g1 = std::gcd(detail::abs_value(a.num), b.den);
  const std::intmax_t g2 = std::gcd(detail::abs_value(b.num), a.den);
  return make_rational(detail::checked_mul(a.num / (g1 ? g1 : 1), b.num / (g2 ? g2 : 1)),
                       detail::checked_mul(a.den / (g2 ? g2 : 1), b.den / (g1 ? g1 : 1)));
}
[[nodiscard]] constexpr rational reciprocal(rational a) { return make_rational(a.den, a.num); }
[[nodiscard]] constexpr rational operator/(rational a, rational b) { return a * reciprocal(b); }

/// Three-way comparison without overflow (128-bit cross products).
[[nodiscard]] constexpr int compare(rational a, rational b) noexcept {
  __extension__ using wide = __int128;  // exact cross products of two intmax_t
  const wide l = static_cast<wide>(a.num) * b.den;
  const wide r = static_cast<wide>(b.num) * a.den;
  return l < r ? -1 : (l > r ? 1 : 0);
}

/// a^n for an integer n (negative n inverts; 0^negative is a division by zero).
[[nodiscard]] constexpr rational integer_power(rational a, std::intmax_t n) {
  rational result{1, 1};
  rational base = n < 0 ? reciprocal(a) : a;
  std::intmax_t e = n < 0 ? -n : n;
  while (e > 0) {
    if (e & 1) result = result * base;
    e >>= 1;
    if (e > 0) base = base * base;
  }
  return result;
}

namespace detail {
/// Exact k-th root of a non-negative integer, or -1 when it is not a perfect power.
constexpr std::intmax_t exact_root(std::intmax_t v, std::intmax_t k) {
  if (v < 0) return -1;
  if (v < 2) return v;
  std::intmax_t lo = 1, hi = v;
  while (lo <= hi) {
    const std::intmax_t mid = lo + (hi - lo) / 2;
    // mid^k compared to v without overflow
    std::intmax_t p = 1;
    bool over = false;
    for (std::intmax_t i = 0; i < k; ++i) {
      if (__builtin_mul_overflow(p, mid, &p) || p > v) {
        over = true;
        break;
      }
    }
    if (!over && p == v) return mid;
    if (over) hi = mid - 1;
    else lo = mid + 1;
  }
  return -1;
}
}  // namespace detail

/// True when a^e is an exact rational (e integer, or a a perfect power of e's denominator).
[[nodiscard]] constexpr bool has_exact_power(rational a, rational e) {
  if (e.is_integer()) return !(a.is_zero() && e.is_negative());
  if (a.num < 0 || (a.is_zero() && e.is_negative())) return false;
  return detail::exact_root(a.num, e.den) >= 0 && detail::exact_root(a.den, e.den) >= 0;
}
[[nodiscard]] constexpr rational exact_power(rational a, rational e) {
  if (e.is_integer()) return integer_power(a, e.num);
  return integer_power(make_rational(detail::exact_root(a.num, e.den), detail::exact_root(a.den, e.den)), e.num);
}

}  // namespace typenet
