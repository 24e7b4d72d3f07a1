#pragma once
/// A string usable as a template argument: `tn::var<"W1">` carries the user's
/// name in the type, so printed formulas and diagnostics read in their words.
#include <cstddef>
#include <string_view>

namespace typenet {

template <std::size_t N>
struct fixed_string {
  char chars[N + 1]{};

  constexpr fixed_string(const char (&s)[N + 1]) noexcept {  // NOLINT(google-explicit-constructor)
    for (std::size_t i = 0; i <= N; ++i) chars[i] = s[i];
  }
  [[nodiscard]] constexpr std::string_view view() const noexcept { return {chars, N}; }
  [[nodiscard]] static constexpr std::size_t size() noexcept { return N; }

  template <std::size_t M>
  [[nodiscard]] constexpr bool operator==(const fixed_string<M>& other) const noexcept {
    return view() == other.view();
  }
};

template <std::size_t N>
fixed_string(const char (&)[N]) -> fixed_string<N - 1>;

}  // namespace typenet
