#pragma once
// The variables the shape compile-fail tests combine, so each test is its one
// bad line and the fixed twin.
#include <typenet/typenet.hpp>

namespace tn = typenet;
using namespace tn::literals;

namespace shape_vars {
inline constexpr auto W = tn::var<"W", 16, 784>;
inline constexpr auto X = tn::var<"X", 784, 32>;
inline constexpr auto V = tn::var<"V", 32, 1>;
inline constexpr auto R = tn::var<"R", 1, 784>;
}  // namespace shape_vars
using namespace shape_vars;
