#pragma once
/// n-ary sums in normal form: terms sorted by monomial, like terms collected.
#include <array>
#include <cstdint>
#include <string_view>

#include <typenet/expr/order.hpp>
#include <typenet/simplify/fwd.hpp>

namespace typenet {

/// f = a_1 + ... + a_n;  df/da_i = 1, so every operand receives the adjoint unchanged.
struct sum_op {
  static constexpr std::string_view name = "sum";

  template <class Info, class T, std::size_t K>
  static constexpr T eval(Info, const std::array<T, K>& x) {
    T r = x[0];
    for (std::size_t i = 1; i < K; ++i) r += x[i];
    return r;
  }
  template <std::size_t I, class Self, class Adj>
  static constexpr Adj vjp(Self, Adj) {
    return {};
  }
};

namespace detail {

/// The monomial of the constant term: it sorts before every expression.
struct unit_monomial {};

/// coefficient N/D times monomial M
template <std::intmax_t N, std::intmax_t D, class M>
struct term {};

template <class M1, class M2>
inline constexpr int monomial_order = order_v<M1, M2>;
template <class M2>
inline constexpr int monomial_order<unit_monomial, M2> = -1;
template <class M1>
inline constexpr int monomial_order<M1, unit_monomial> = 1;
template <>
inline constexpr int monomial_order<unit_monomial, unit_monomial> = 0;

template <class T>
struct as_term {
  using type = term<1, 1, T>;
};
template <std::intmax_t N, std::intmax_t D>
struct as_term<constant<N, D>> {
  using type = term<N, D, unit_monomial>;
};
template <std::intmax_t N, std::intmax_t D, class F>
struct as_term<node<product_op, constant<N, D>, F>> {
  using type = term<N, D, F>;
};
template <std::intmax_t N, std::intmax_t D, class F1, class F2, class... Fs>
struct as_term<node<product_op, constant<N, D>, F1, F2, Fs...>> {
  using type = term<N, D, node<product_op, F1, F2, Fs...>>;
};

template <class E>
struct terms_of {
  using type = type_list<typename as_term<E>::type>;
};
template <>
struct terms_of<zero> {
  using type = type_list<>;
};
template <class... Ts>
struct terms_of<node<sum_op, Ts...>> {
  using type = type_list<typename as_term<Ts>::type...>;
};

template <class A, class B>
struct merge_terms;
template <int Order, class A, class B>
struct merge_terms_step;
template <bool Cancels, class Combined, class A, class B>
struct merge_terms_equal;

template <class... B>
struct merge_terms<type_list<>, type_list<B...>> {
  using type = type_list<B...>;
};
template <class A1, class... A>
struct merge_terms<type_list<A1, A...>, type_list<>> {
  using type = type_list<A1, A...>;
};
template <std::intmax_t N1, std::intmax_t D1, class M1, class... A, std::intmax_t N2, std::intmax_t D2, class M2, class... B>
struct merge_terms<type_list<term<N1, D1, M1>, A...>, type_list<term<N2, D2, M2>, B...>>
    : merge_terms_step<monomial_order<M1, M2>, type_list<term<N1, D1, M1>, A...>, type_list<term<N2, D2, M2>, B...>> {};

template <class A1, class... A, class B>
struct merge_terms_step<-1, type_list<A1, A...>, B> {
  using type = push_front_t<typename merge_terms<type_list<A...>, B>::type, A1>;
};
template <class A, class B1, class... B>
struct merge_terms_step<1, A, type_list<B1, B...>> {
  using type = push_front_t<typename merge_terms<A, type_list<B...>>::type, B1>;
};
template <std::intmax_t N1, std::intmax_t D1, class M, class... A, std::intmax_t N2, std::intmax_t D2, class... B>
struct merge_terms_step<0, type_list<term<N1, D1, M>, A...>, type_list<term<N2, D2, M>, B...>> {
  static constexpr rational sum = rational{N1, D1} + rational{N2, D2};
  using type = typename merge_terms_equal<sum.is_zero(), term<sum.num, sum.den, M>, type_list<A...>, type_list<B...>>::type;
};
template <class Combined, class A, class B>
struct merge_terms_equal<true, Combined, A, B> {
  using type = typename merge_terms<A, B>::type;
};
template <class Combined, class A, class B>
struct merge_terms_equal<false, Combined, A, B> {
  using type = push_front_t<typename merge_terms<A, B>::type, Combined>;
};

template <class Term>
struct term_expr;
template <std::intmax_t N, std::intmax_t D>
struct term_expr<term<N, D, unit_monomial>> {
  using type = constant<N, D>;
};
template <>
struct term_expr<term<1, 1, unit_monomial>> {
  using type = one;
};
template <class M>
struct term_expr<term<1, 1, M>> {
  using type = M;
};
template <std::intmax_t N, std::intmax_t D, class M>
struct term_expr<term<N, D, M>> {
  using type = node<product_op, constant<N, D>, M>;
};
template <std::intmax_t N, std::intmax_t D, class... Fs>
struct term_expr<term<N, D, node<product_op, Fs...>>> {
  using type = node<product_op, constant<N, D>, Fs...>;
};
template <class... Fs>
struct term_expr<term<1, 1, node<product_op, Fs...>>> {
  using type = node<product_op, Fs...>;
};

template <class Terms>
struct build_sum;
template <>
struct build_sum<type_list<>> {
  using type = zero;
};
template <class T>
struct build_sum<type_list<T>> {
  using type = typename term_expr<T>::type;
};
template <class T1, class T2, class... Ts>
struct build_sum<type_list<T1, T2, Ts...>> {
  using type = node<sum_op, typename term_expr<T1>::type, typename term_expr<T2>::type, typename term_expr<Ts>::type...>;
};

template <class A, class B>
struct add_impl {
  using type = typename build_sum<typename merge_terms<typename terms_of<A>::type, typename terms_of<B>::type>::type>::type;
};

}  // namespace detail
}  // namespace typenet

#include <typenet/simplify/product.hpp>
