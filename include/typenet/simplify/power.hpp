#pragma once
/// Powers in normal form: exact folding of constants, (x^a)^n = x^(a n) for
/// integer n, (c x y)^n = c^n x^n y^n for integer n. Non-integer powers of
/// powers stay as they are: (x^2)^(1/2) is |x|, not x.
#include <array>
#include <cmath>
#include <cstdint>
#include <string_view>

#include <typenet/core/math.hpp>
#include <typenet/expr/order.hpp>
#include <typenet/ops/unary.hpp>
#include <typenet/simplify/fwd.hpp>

namespace typenet {

namespace detail {
template <class E>
struct exponent_minus_one {
  static constexpr rational value = E::value - rational{1, 1};
  using type = constant<value.num, value.den>;
};
}  // namespace detail

/// f = b^e.  df/db = e b^(e-1);  df/de = log(b) b^e (= log(b) f, reusing the forward value).
struct pow_op {
  static constexpr std::string_view name = "pow";

  template <class E, class T, std::size_t K>
  static constexpr T eval(E, const std::array<T, K>& x) {
    if constexpr (Constant<E>) {
      constexpr rational e = E::value;
      if constexpr (e.den == 1) return math::integer_power(x[0], e.num);
      else if constexpr (e.den == 2) return math::integer_power(math::sqrt(x[0]), e.num);
      else return math::pow(x[0], static_cast<math::element_t<T>>(e.num) / static_cast<math::element_t<T>>(e.den));
    } else {
      return math::pow(x[0], x[1]);
    }
  }

  template <std::size_t I, class B, class E, class Adj>
  static constexpr auto vjp(node<pow_op, B, E> self, Adj) {
    if constexpr (I == 0) {
      if constexpr (Constant<E>) return mul_t<Adj, mul_t<E, pow_t<B, typename detail::exponent_minus_one<E>::type>>>{};
      else return mul_t<Adj, mul_t<E, pow_t<B, add_t<E, constant<-1>>>>>{};
    } else {
      (void)self;
      return mul_t<Adj, mul_t<unary_t<log_op, B>, node<pow_op, B, E>>>{};
    }
  }
};

/// The value rule needs an exact exponent at compile time, nothing else.
template <class B, class E>
struct op_info<pow_op, B, E> {
  using type = std::conditional_t<Constant<E>, E, no_info>;
};

namespace detail {

template <class B, class E>
struct pow_general {
  using type = node<pow_op, B, E>;
};
template <class E>
struct pow_general<one, E> {
  using type = one;  // 1^e = 1
};

template <class B, class E>
struct pow_impl : pow_general<B, E> {};

template <class Acc, class List, class E>
struct distribute_power;
template <class Acc, class E>
struct distribute_power<Acc, type_list<>, E> {
  using type = Acc;
};
template <class Acc, class F, class... Fs, class E>
struct distribute_power<Acc, type_list<F, Fs...>, E> {
  using type = typename distribute_power<mul_t<Acc, pow_t<F, E>>, type_list<Fs...>, E>::type;
};

// (Exponents are passed as constant<N, D> types, not as `rational` template
// arguments: g++ 12 crashes on members of class-type template arguments here.)
template <class B, class E>
struct pow_const {
  using type = node<pow_op, B, E>;
};
template <std::intmax_t N, std::intmax_t D, class E>
  requires(has_exact_power(rational{N, D}, E::value))
struct pow_const<constant<N, D>, E> {
  static constexpr rational value = exact_power(rational{N, D}, E::value);
  using type = constant<value.num, value.den>;
};
template <class B, class S, class E>
  requires(E::value.is_integer())
struct pow_const<node<pow_op, B, S>, E> {
  using type = pow_t<B, mul_t<S, E>>;
};
template <class... F, class E>
  requires(E::value.is_integer())
struct pow_const<node<product_op, F...>, E> {
  using type = typename distribute_power<one, type_list<F...>, E>::type;
};

template <class B, std::intmax_t N, std::intmax_t D>
struct pow_impl<B, constant<N, D>> {
  static_assert(!(std::is_same_v<B, zero> && N < 0), "typenet: division by the exact constant 0");
  using type = std::conditional_t<N == 0, one,
                                  std::conditional_t<N == 1 && D == 1, B, typename pow_const<B, constant<N, D>>::type>>;
};
}  // namespace detail
}  // namespace typenet

#include <typenet/simplify/product.hpp>
#include <typenet/simplify/sum.hpp>
