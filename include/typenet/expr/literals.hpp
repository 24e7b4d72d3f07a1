#pragma once
/// Exact compile-time constants: `2_c`, `0.3_c` (= 3/10), `1'000_c`.
#include <cstdint>

#include <typenet/expr/node.hpp>

namespace typenet {

/// `tn::c<N, D>`: the exact constant N/D (reduced).
template <std::intmax_t N, std::intmax_t D = 1>
inline constexpr constant<make_rational(N, D).num, make_rational(N, D).den> c{};

namespace detail {
template <char... Cs>
constexpr rational parse_constant_literal() {
  constexpr char s[] = {Cs...};
  std::intmax_t num = 0;
  std::intmax_t den = 1;
  bool fraction = false;
  for (char ch : s) {
    if (ch == '\'') continue;
    if (ch == '.') {
      if (fraction) throw "typenet: _c literal has two decimal points";
      fraction = true;
      continue;
    }
    if (ch < '0' || ch > '9') throw "typenet: _c literals are plain decimal numbers such as 2_c or 0.25_c";
    num = checked_add(checked_mul(num, 10), ch - '0');
    if (fraction) den = checked_mul(den, 10);
  }
  return make_rational(num, den);
}
}  // namespace detail

namespace literals {
/// `2_c` is the exact integer 2; `0.3_c` is exactly 3/10 (decimal, not binary).
template <char... Cs>
constexpr auto operator""_c() {
  constexpr rational r = detail::parse_constant_literal<Cs...>();
  return constant<r.num, r.den>{};
}
}  // namespace literals

}  // namespace typenet
