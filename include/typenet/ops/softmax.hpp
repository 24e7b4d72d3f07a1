#pragma once
/// Row-wise softmax and log-softmax (each row of an R x C matrix is one
/// distribution), numerically stable: the row maximum is subtracted first.
///   S = softmax(x):      VJP  S * (G - row_sums(G * S))
///   L = log_softmax(x):  VJP  G - exp(L) * row_sums(G)
/// Both reuse their forward value. `log(softmax(x))` is rewritten to
/// `log_softmax(x)` and `exp(log_softmax(x))` to `softmax(x)`.
#include <cstddef>
#include <string_view>

#include <typenet/kernels/softmax.hpp>
#include <typenet/ops/exp.hpp>
#include <typenet/ops/log.hpp>
#include <typenet/ops/reduce.hpp>
#include <typenet/ops/unary.hpp>
#include <typenet/simplify/sum.hpp>
#include <typenet/tensor/access.hpp>

namespace typenet {

namespace detail {
template <bool Log, class Out, class In>
void softmax_rows(Out& out, const In& in) noexcept {
  constexpr std::size_t R = value_shape<In>::rows;
  constexpr std::size_t C = value_shape<In>::cols;
  if constexpr (Log) kernels::log_softmax_rows<R, C>(data_of(in), data_of(out));
  else kernels::softmax_rows<R, C>(data_of(in), data_of(out));
}
}  // namespace detail

struct softmax_op {
  static constexpr std::string_view name = "softmax";
  static constexpr bool elementwise = false;
  template <std::size_t I, class Self, class Adj>
  static constexpr auto vjp(Self, Adj) {
    return mul_t<Self, sub_t<Adj, row_sums_t<mul_t<Adj, Self>>>>{};
  }
  template <class Info, class Out, class In>
  static void compute(Info, Out& out, const In& in) noexcept {
    detail::softmax_rows<false>(out, in);
  }
};

struct log_softmax_op {
  static constexpr std::string_view name = "log_softmax";
  static constexpr bool elementwise = false;
  template <std::size_t I, class Self, class Adj>
  static constexpr auto vjp(Self, Adj) {
    return sub_t<Adj, mul_t<unary_t<exp_op, Self>, row_sums_t<Adj>>>{};
  }
  template <class Info, class Out, class In>
  static void compute(Info, Out& out, const In& in) noexcept {
    detail::softmax_rows<true>(out, in);
  }
};

template <class A>
struct unary_rewrite<log_op, node<softmax_op, A>> {
  using type = node<log_softmax_op, A>;
};
template <class A>
struct unary_rewrite<exp_op, node<log_softmax_op, A>> {
  using type = node<softmax_op, A>;
};

inline constexpr unary_function<softmax_op> softmax{};
inline constexpr unary_function<log_softmax_op> log_softmax{};

}  // namespace typenet
