#pragma once
/// `tn::var<"name">`: the user-facing variable object.
#include <typenet/expr/node.hpp>

namespace typenet {

/// A variable named `Name`: a scalar (`constexpr auto w = tn::var<"w">;`, bound
/// with `w = 3.0`) or a Rows x Cols matrix (`tn::var<"W1", 16, 784>`, bound with
/// `W1 = m` for a `tn::matrix<float, 16, 784> m`).
template <fixed_string Name, std::size_t Rows = 1, std::size_t Cols = 1>
inline constexpr variable<Name, Rows, Cols> var{};

}  // namespace typenet
