#pragma once
/// Matrix product. `A * B` on two matrices (anything but 1 x 1 on either
/// side, which scales instead) with A: M x K, B: K x N gives M x N.
/// VJP: dA = G B^T, dB = A^T G.
#include <cstddef>
#include <string_view>

#include <typenet/expr/shape.hpp>
#include <typenet/kernels/simd.hpp>  // first: it includes xsimd with GCC 12's false -Wuninitialized silenced
#include <typenet/kernels/gemm.hpp>
#include <typenet/ops/transpose.hpp>
#include <typenet/simplify/fwd.hpp>
#include <typenet/tensor/access.hpp>

namespace typenet {

struct matmul_op {
  static constexpr std::string_view name = "matmul";
  static constexpr bool elementwise = false;

  template <std::size_t I, class A, class B, class Adj>
  static constexpr auto vjp(node<matmul_op, A, B>, Adj);

  /// C = op(A) op(B) with the xsimd kernel; Info says which operands are
  /// stored transposed (read in place, never copied).
  template <template <bool, bool> class Layout, bool TA, bool TB, class Out, class L, class R>
  static void compute(Layout<TA, TB>, Out& out, const L& a, const R& b) noexcept {
    using T = element_t<Out>;
    constexpr std::size_t M = detail::value_shape<Out>::rows;
    constexpr std::size_t N = detail::value_shape<Out>::cols;
    constexpr std::size_t K = TA ? detail::value_shape<L>::rows : detail::value_shape<L>::cols;
    using kernels::layout;
    kernels::gemm<T, M, N, K, TA ? layout::transposed : layout::normal, TB ? layout::transposed : layout::normal>(
        detail::data_of(a), detail::data_of(b), detail::data_of(out));
  }
};

template <class SA, class SB>
struct op_shape<matmul_op, SA, SB> {
  using type = shape<SA::rows, SB::cols>;
};

namespace detail {
template <class A, class B, bool Scales = shape_of_t<A>::is_scalar || shape_of_t<B>::is_scalar>
struct matmul_impl {
  using type = node<matmul_op, A, B>;
};
template <class A, class B>
struct matmul_impl<A, B, true> {
  using type = mul_t<A, B>;  // (1 x 1) * (1 x N) or (M x 1) * (1 x 1): a scaling
};
}  // namespace detail

/// Canonical A * B (matrix product).
template <class A, class B>
using matmul_t = typename detail::matmul_impl<A, B>::type;

namespace detail {
/// (A B)^T = B^T A^T: the weight gradient of X W^T comes out as G^T X.
template <class A, class B>
struct transpose_impl<node<matmul_op, A, B>, false> {
  using type = matmul_t<transpose_t<B>, transpose_t<A>>;
};
}  // namespace detail

template <std::size_t I, class A, class B, class Adj>
constexpr auto matmul_op::vjp(node<matmul_op, A, B>, Adj) {
  if constexpr (I == 0) return matmul_t<Adj, transpose_t<B>>{};
  else return matmul_t<transpose_t<A>, Adj>{};
}

namespace errors {
struct matmul_inner_dimensions_differ {
  static constexpr std::string_view text = "matmul: inner dimensions differ: ";
  static constexpr std::string_view separator = " * ";
};
}  // namespace errors

}  // namespace typenet
