#pragma once
/// Reductions and their adjoint, broadcasting:
///   tn::sum(a)       all elements          R x C -> 1 x 1   VJP: broadcast G to R x C
///   tn::row_sums(a)  each row's sum        R x C -> R x 1   VJP: broadcast G across the row
///   tn::col_sums(a)  each column's sum     R x C -> 1 x C   VJP: broadcast G down the column
///   tn::mean(a)      sum(a) / (R C)
///   broadcast<R, C>(a): a (1 x 1, 1 x C or R x 1) repeated to R x C;  VJP: the matching sum.
/// Broadcasting in elementwise ops needs no node of its own; `broadcast`
/// appears in derived gradients, where an adjoint must have its node's shape.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <typenet/expr/diagnostics.hpp>
#include <typenet/expr/shape.hpp>
#include <typenet/kernels/reduce.hpp>
#include <typenet/simplify/fwd.hpp>
#include <typenet/simplify/product.hpp>
#include <typenet/tensor/access.hpp>

namespace typenet {

/// What the three sums share: not elementwise, and the VJP repeats the
/// adjoint over the summed dimensions (broadcast to the operand's shape).
struct reduction_op_base {
  static constexpr bool elementwise = false;
  template <std::size_t I, class Self, class Adj>
  static constexpr auto vjp(Self, Adj);
};
/// All elements: R x C -> 1 x 1.
struct sum_all_op : reduction_op_base {
  static constexpr std::string_view name = "sum";
  template <class Info, class Out, class In>
  static void compute(Info, Out& out, const In& in) noexcept;
};
/// Each row: R x C -> R x 1.
struct row_sums_op : reduction_op_base {
  static constexpr std::string_view name = "row_sums";
  template <class Info, class Out, class In>
  static void compute(Info, Out& out, const In& in) noexcept;
};
/// Each column: R x C -> 1 x C.
struct col_sums_op : reduction_op_base {
  static constexpr std::string_view name = "col_sums";
  template <class Info, class Out, class In>
  static void compute(Info, Out& out, const In& in) noexcept;
};
template <std::size_t Rows, std::size_t Cols>
struct broadcast_op {
  static constexpr std::string_view name = "broadcast";
  // distinguishes broadcasts of one operand to different shapes in the canonical order
  static constexpr rational parameter{static_cast<std::intmax_t>(Rows) * 65536 + static_cast<std::intmax_t>(Cols), 1};
  static constexpr bool elementwise = false;
  template <std::size_t I, class Self, class Adj>
  static constexpr auto vjp(Self, Adj);
  template <class Info, class Out, class In>
  static void compute(Info, Out& out, const In& in) noexcept {
    for (std::size_t r = 0; r < Rows; ++r)
      for (std::size_t c = 0; c < Cols; ++c) element(out, r, c) = element(in, r, c);
  }
};

template <class S>
struct op_shape<sum_all_op, S> {
  using type = scalar_shape;
};
template <class S>
struct op_shape<row_sums_op, S> {
  using type = shape<S::rows, 1>;
};
template <class S>
struct op_shape<col_sums_op, S> {
  using type = shape<1, S::cols>;
};
template <std::size_t R, std::size_t C, class S>
struct op_shape<broadcast_op<R, C>, S> {
  using type = shape<R, C>;
};

namespace detail {

template <std::size_t R, std::size_t C, class X>
struct broadcast_operand<node<broadcast_op<R, C>, X>> {
  using type = X;
};

template <class Op, class S>
inline constexpr bool reduces_nothing = S::is_scalar;
template <class S>
inline constexpr bool reduces_nothing<row_sums_op, S> = S::cols == 1;
template <class S>
inline constexpr bool reduces_nothing<col_sums_op, S> = S::rows == 1;

template <class Op, class A, bool Nothing = reduces_nothing<Op, shape_of_t<A>>>
struct reduce_impl {
  using type = node<Op, A>;
};
template <class Op, class A>
struct reduce_impl<Op, A, true> {
  using type = A;  // summing along dimensions of size 1 does nothing
};


/// Sums are linear: a constant coefficient moves out, `row_sums(-Y/n)` = `-row_sums(Y)/n`.
template <class Op, std::intmax_t N, std::intmax_t D, class... F>
struct reduce_impl<Op, node<product_op, constant<N, D>, F...>, false> {
  using rest = typename rebuild_product<type_list<F...>>::type;
  using type = mul_t<constant<N, D>, typename reduce_impl<Op, rest>::type>;
};

/// A reduction of a broadcast: the reduction of the operand, times the number
/// of copies of each of its elements that were summed.
template <class Op, std::size_t R, std::size_t C, class X>
struct reduce_impl<Op, node<broadcast_op<R, C>, X>, false> {
  using XS = shape_of_t<X>;
  using target = typename op_shape<Op, shape<R, C>>::type;
  static constexpr std::size_t copies = (target::rows == 1 ? R / XS::rows : 1) * (target::cols == 1 ? C / XS::cols : 1);
  using reduced = typename reduce_impl<Op, X>::type;
  using type = typename broadcast_impl<target::rows, target::cols,
                                       mul_t<constant<static_cast<std::intmax_t>(copies)>, reduced>>::type;
};

template <std::size_t R, std::size_t C, class A, bool Same>
struct broadcast_impl {
  using type = node<broadcast_op<R, C>, A>;
};
template <std::size_t R, std::size_t C, class A>
struct broadcast_impl<R, C, A, true> {
  using type = A;  // already that shape
};
template <std::size_t R, std::size_t C, std::size_t R2, std::size_t C2, class X>
struct broadcast_impl<R, C, node<broadcast_op<R2, C2>, X>, false> {
  using type = typename broadcast_impl<R, C, X>::type;  // broadcast of a broadcast
};

}  // namespace detail

template <class A>
using sum_all_t = typename detail::reduce_impl<sum_all_op, A>::type;
template <class A>
using row_sums_t = typename detail::reduce_impl<row_sums_op, A>::type;
template <class A>
using col_sums_t = typename detail::reduce_impl<col_sums_op, A>::type;
/// A repeated to R x C (A is 1 x 1, 1 x C, R x 1 or already R x C).
template <std::size_t R, std::size_t C, class A>
using broadcast_t = typename detail::broadcast_impl<R, C, A>::type;

namespace detail {
/// G (of a shape A broadcasts to) summed back to shape S: the adjoint of a
/// broadcast operand.
template <class S, class G, class GS = shape_of_t<G>>
struct unbroadcast {
  using rows_done = std::conditional_t<S::rows == 1 && GS::rows != 1, col_sums_t<G>, G>;
  using type = std::conditional_t<S::cols == 1 && GS::cols != 1, row_sums_t<rows_done>, rows_done>;
};
template <class S, class G>
struct unbroadcast<S, G, S> {
  using type = G;
};
}  // namespace detail

/// G brought to shape S: summed over the dimensions S lacks, repeated along
/// the ones G lacks. Adjoints pass through it so that every adjoint has its
/// node's shape.
template <class S, class G>
using fit_shape_t = broadcast_t<S::rows, S::cols, typename detail::unbroadcast<S, G>::type>;

template <std::size_t I, class Self, class Adj>
constexpr auto reduction_op_base::vjp(Self, Adj) {
  using S = shape_of_t<at_t<0, typename Self::args>>;
  return broadcast_t<S::rows, S::cols, Adj>{};
}
template <std::size_t R, std::size_t C>
template <std::size_t I, class Self, class Adj>
constexpr auto broadcast_op<R, C>::vjp(Self, Adj) {
  using S = shape_of_t<at_t<0, typename Self::args>>;
  return typename detail::unbroadcast<S, Adj>::type{};
}

template <class Info, class Out, class In>
void sum_all_op::compute(Info, Out& out, const In& in) noexcept {
  out = kernels::sum<detail::value_shape<In>::rows * detail::value_shape<In>::cols>(detail::data_of(in));
}
template <class Info, class Out, class In>
void row_sums_op::compute(Info, Out& out, const In& in) noexcept {
  kernels::row_sums<detail::value_shape<In>::rows, detail::value_shape<In>::cols>(detail::data_of(in),
                                                                                 detail::data_of(out));
}
template <class Info, class Out, class In>
void col_sums_op::compute(Info, Out& out, const In& in) noexcept {
  kernels::column_sums<detail::value_shape<In>::rows, detail::value_shape<In>::cols>(detail::data_of(in),
                                                                                    detail::data_of(out));
}

/// The public reductions: `tn::sum(a)`, `tn::row_sums(a)`, `tn::col_sums(a)`, `tn::mean(a)`.
template <class Op>
struct reduce_function {
  template <class A>
  constexpr auto operator()(const A&) const {
    static_assert(diag::argument_is_expression<Op, A>,
                  "typenet: the argument of a reduction (sum, row_sums, col_sums, mean) must be a typenet expression");
    if constexpr (!Expr<A>) return poison{};
    else return handle_t<typename detail::reduce_impl<Op, raw_t<A>>::type>{};
  }
};
inline constexpr reduce_function<sum_all_op> sum{};
inline constexpr reduce_function<row_sums_op> row_sums{};
inline constexpr reduce_function<col_sums_op> col_sums{};

struct mean_function {
  template <class A>
  constexpr auto operator()(const A&) const {
    static_assert(diag::argument_is_expression<sum_all_op, A>,
                  "typenet: the argument of a reduction (sum, row_sums, col_sums, mean) must be a typenet expression");
    if constexpr (!Expr<A>) return poison{};
    else
      return handle_t<mul_t<constant<1, static_cast<std::intmax_t>(shape_of_t<A>::size)>, sum_all_t<raw_t<A>>>>{};
  }
};
inline constexpr mean_function mean{};

}  // namespace typenet
