#pragma once
/// Elementwise functions of one argument. An op is a struct with
///   name                         printed name
///   eval(type_list<A>, x)        value rule (x holds the argument's value)
///   derivative(self, a)          df/da as an expression; `self` is the node
///                                itself, so rules can reuse the forward value
///   simplify(a)      (optional)  overloads for local rewrites (exp(0) = 1 ...)
/// and one public function object `unary_function<Op>`.
#include <array>
#include <cstddef>
#include <type_traits>

#include <typenet/expr/diagnostics.hpp>
#include <typenet/expr/node.hpp>
#include <typenet/simplify/fwd.hpp>

namespace typenet {

namespace detail {
// SFINAE rather than a requires-expression: clang formats the message of every
// failed requires-expression, and printing a deep type is exponential.
template <class Op, class A, class = void>
struct unary_simplify {
  using type = node<Op, A>;
};
template <class Op, class A>
struct unary_simplify<Op, A, std::void_t<decltype(Op::simplify(A{}))>> {
  using type = decltype(Op::simplify(A{}));
};
}  // namespace detail

/// Rewrites of Op(A) that another op's file contributes (log(softmax(x)) ->
/// log_softmax(x)): specialize with a member `type`.
template <class Op, class A>
struct unary_rewrite {};

namespace detail {
template <class Op, class A, class = void>
struct unary_impl : unary_simplify<Op, A> {};
template <class Op, class A>
struct unary_impl<Op, A, std::void_t<typename unary_rewrite<Op, A>::type>> {
  using type = typename unary_rewrite<Op, A>::type;
};
}  // namespace detail

/// Op applied to A, after Op's own local rewrites (`Op::simplify` overloads).
template <class Op, class A>
using unary_t = typename detail::unary_impl<Op, A>::type;


/// Shared value/derivative plumbing for unary ops.
template <class Op>
struct unary_op_base {
  template <std::size_t I, class A, class Adj>
  static constexpr auto vjp(node<Op, A> self, Adj) {
    return mul_t<Adj, decltype(Op::derivative(self, A{}))>{};
  }
};

/// The public function object of a unary op: `tn::exp(x)`.
template <class Op>
struct unary_function {
  template <class A>
  constexpr auto operator()(A) const {
    static_assert(diag::argument_is_expression<Op, A>,
                  "typenet: the argument of an elementary function (exp, log, sqrt, sigmoid, tanh, relu, ...) must be a "
                  "typenet expression; write numbers as exact constants, e.g. 2_c");
    if constexpr (!Expr<A>) return poison{};
    else return handle_t<unary_t<Op, raw_t<A>>>{};
  }
};

}  // namespace typenet
