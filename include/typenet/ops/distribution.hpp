#pragma once
/// `tn::distribution(Y)`: Y itself, with the promise that each row sums to 1
/// (one-hot targets, probabilities). The simplifier uses it:
/// `row_sums(distribution(Y))` is 1, which turns the softmax + cross-entropy
/// gradient `softmax(z) row_sums(Y)/n - Y/n` into the textbook `(softmax(z) - Y)/n`.
/// Its value is Y's; it is never differentiated through (it marks data).
#include <cstddef>
#include <string_view>

#include <typenet/expr/diagnostics.hpp>
#include <typenet/ops/reduce.hpp>
#include <typenet/tensor/access.hpp>

namespace typenet {

struct distribution_op {
  static constexpr std::string_view name = "distribution";
  template <class Info, class T, std::size_t K>
  static constexpr T eval(Info, const std::array<T, K>& x) {
    return x[0];
  }
  template <std::size_t I, class Self, class Adj>
  static constexpr Adj vjp(Self, Adj) {
    return {};
  }
};

namespace detail {
template <class X>
struct reduce_impl<row_sums_op, node<distribution_op, X>, false> {
  using type = broadcast_t<shape_of_t<X>::rows, 1, one>;
};
}  // namespace detail

struct distribution_function {
  template <class A>
  constexpr auto operator()(const A&) const {
    static_assert(diag::argument_is_expression<distribution_op, A>,
                  "typenet: distribution(Y): Y must be a typenet expression");
    if constexpr (!Expr<A>) return poison{};
    else return handle_t<node<distribution_op, raw_t<A>>>{};
  }
};
inline constexpr distribution_function distribution{};

}  // namespace typenet
