#pragma once
/// `tn::layer_norm(x, gain, bias)`: each row of x (R x F) normalized over its
/// F features, then scaled and shifted by the 1 x F rows gain and bias
/// (PyTorch's nn.LayerNorm over the last dimension, epsilon 1e-5, biased
/// variance):
///     mu = row_sums(x) / F            R x 1
///     c  = x - mu                     R x F (mu broadcast across the row)
///     v  = row_sums(c^2) / F          R x 1
///     y  = c (v + 1e-5)^(-1/2) gain + bias
/// Only sums, products, powers and broadcasting: no op of its own, so its
/// value is fused where it can be and tn::grad derives its gradient. As a
/// network entry (`tn::layer_norm`, the same object) its gain and bias are the
/// parameters `k.weight` and `k.bias`.
#include <cstddef>
#include <cstdint>

#include <typenet/expr/diagnostics.hpp>
#include <typenet/expr/shape.hpp>
#include <typenet/ops/reduce.hpp>
#include <typenet/simplify/power.hpp>
#include <typenet/simplify/product.hpp>
#include <typenet/simplify/sum.hpp>

namespace typenet {

/// PyTorch's default epsilon, added to the variance.
using layer_norm_epsilon = constant<1, 100000>;

/// The canonical expression of layer_norm(X, G, B) (X is R x F, G and B 1 x F).
template <class X, class G, class B>
struct layer_norm_expression {
  static constexpr auto features = static_cast<std::intmax_t>(shape_of_t<X>::cols);
  using mean = mul_t<constant<1, features>, row_sums_t<X>>;
  using centered = sub_t<X, mean>;
  using variance = mul_t<constant<1, features>, row_sums_t<pow_t<centered, constant<2>>>>;
  using inverse_deviation = pow_t<add_t<variance, layer_norm_epsilon>, constant<-1, 2>>;
  using type = add_t<mul_t<mul_t<centered, inverse_deviation>, G>, B>;
};
template <class X, class G, class B>
using layer_norm_t = typename layer_norm_expression<X, G, B>::type;

namespace diag {
template <class X, class Gain, class Bias>
inline constexpr bool gain_and_bias_are_rows_of_the_features =
    shape_of_t<Gain>::rows == 1 && shape_of_t<Bias>::rows == 1 && shape_of_t<Gain>::cols == shape_of_t<X>::cols &&
    shape_of_t<Bias>::cols == shape_of_t<X>::cols;
}  // namespace diag

struct layer_norm_function {
  template <class X, class G, class B>
  constexpr auto operator()(const X&, const G&, const B&) const {
    static_assert(diag::operands_are_expressions<X, G> && diag::is_expression<B>,
                  "typenet: layer_norm(x, gain, bias): all three must be typenet expressions");
    if constexpr (!(Expr<X> && Expr<G> && Expr<B>)) {
      return poison{};
    } else {
      constexpr bool rows = diag::gain_and_bias_are_rows_of_the_features<raw_t<X>, raw_t<G>, raw_t<B>>;
      static_assert(rows, "typenet: layer_norm(x, gain, bias): gain and bias must be 1 x F rows for an R x F x");
      if constexpr (!rows) return poison{};
      else return handle_t<layer_norm_t<raw_t<X>, raw_t<G>, raw_t<B>>>{};
    }
  }
};
/// The function, and the network entry `tn::network<..., tn::layer_norm, ...>`.
inline constexpr layer_norm_function layer_norm{};

}  // namespace typenet
