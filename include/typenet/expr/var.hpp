#pragma once
/// `tn::var<"name">`: the user-facing variable object.
#include <typenet/expr/node.hpp>

namespace typenet {

/// A scalar variable named `Name`: `constexpr auto w = tn::var<"w">;`, bound with `w = 3.0`.
template <fixed_string Name>
inline constexpr variable<Name> var{};

}  // namespace typenet
