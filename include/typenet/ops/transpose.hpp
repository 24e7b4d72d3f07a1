#pragma once
/// `tn::transpose(a)`: R x C -> C x R;  VJP: transpose(G).
#include <cstddef>
#include <string_view>

#include <typenet/expr/diagnostics.hpp>
#include <typenet/expr/shape.hpp>
#include <typenet/tensor/access.hpp>

namespace typenet {

struct transpose_op {
  static constexpr std::string_view name = "transpose";
  static constexpr bool elementwise = false;

  template <std::size_t I, class Self, class Adj>
  static constexpr auto vjp(Self, Adj);

  template <class Info, class Out, class In>
  static void compute(Info, Out& out, const In& in) noexcept {
    if constexpr (!Matrix<In>) {
      out = in;
    } else {
      for (std::size_t r = 0; r < In::rows; ++r)
        for (std::size_t c = 0; c < In::cols; ++c) out(c, r) = in(r, c);
    }
  }
};

template <class S>
struct op_shape<transpose_op, S> {
  using type = shape<S::cols, S::rows>;
};

namespace detail {
template <class A, bool Scalar = shape_of_t<A>::is_scalar>
struct transpose_impl {
  using type = node<transpose_op, A>;
};
template <class A>
struct transpose_impl<A, true> {
  using type = A;  // a 1 x 1 value is its own transpose
};
template <class A>
struct transpose_impl<node<transpose_op, A>, false> {
  using type = A;  // (A^T)^T = A
};
}  // namespace detail

/// Canonical transpose of A.
template <class A>
using transpose_t = typename detail::transpose_impl<A>::type;

template <std::size_t I, class Self, class Adj>
constexpr auto transpose_op::vjp(Self, Adj) {
  return transpose_t<Adj>{};
}

/// `tn::transpose(W)`. Never materialized in a matrix product: the product
/// reads its operand transposed.
struct transpose_function {
  template <class A>
  constexpr auto operator()(const A&) const {
    static_assert(diag::argument_is_expression<transpose_op, A>,
                  "typenet: transpose(a): the argument must be a typenet expression");
    if constexpr (!Expr<A>) return poison{};
    else return handle_t<transpose_t<raw_t<A>>>{};
  }
};
inline constexpr transpose_function transpose{};

}  // namespace typenet
