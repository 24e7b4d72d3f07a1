#pragma once
/// n-ary products in normal form: a rational coefficient, then factors sorted
/// by base with equal bases merged into one power.
#include <array>
#include <cstdint>
#include <string_view>

#include <typenet/expr/order.hpp>
#include <typenet/simplify/fwd.hpp>

namespace typenet {

namespace detail {
template <class T>
struct is_not_void : std::bool_constant<!std::is_void_v<T>> {};
template <class List>
struct rebuild_product {
  using type = one;
};
template <class F>
struct rebuild_product<type_list<F>> {
  using type = F;
};
template <class F1, class F2, class... F>
struct rebuild_product<type_list<F1, F2, F...>> {
  using type = node<product_op, F1, F2, F...>;
};
/// The product with factor I removed. Dropping one factor of a normal product
/// leaves a normal product (the coefficient stays first, the order is kept).
template <std::size_t I, class List, class Is>
struct other_factors;
template <std::size_t I, class... A, std::size_t... Is>
struct other_factors<I, type_list<A...>, std::index_sequence<Is...>> {
  using type = typename rebuild_product<filter_t<type_list<std::conditional_t<Is == I, void, A>...>, is_not_void>>::type;
};
}  // namespace detail

/// f = c * a_1 * ... * a_n;  df/da_i = c * prod_{j != i} a_j (the other factors, never a division).
struct product_op {
  static constexpr std::string_view name = "product";

  template <class Info, class T, std::size_t K>
  static constexpr T eval(Info, const std::array<T, K>& x) {
    T r = x[0];
    for (std::size_t i = 1; i < K; ++i) r *= x[i];
    return r;
  }

  template <std::size_t I, class... A, class Adj>
  static constexpr auto vjp(node<product_op, A...>, Adj) {
    return mul_t<Adj, typename detail::other_factors<I, type_list<A...>, std::make_index_sequence<sizeof...(A)>>::type>{};
  }
};

namespace detail {

/// base^(N/D) as one factor of a product
template <class Base, std::intmax_t N, std::intmax_t D>
struct factor {};

template <class T>
struct as_factor {
  using type = factor<T, 1, 1>;
};
template <class B, std::intmax_t N, std::intmax_t D>
struct as_factor<node<pow_op, B, constant<N, D>>> {
  using type = factor<B, N, D>;
};

/// (coefficient, sorted factor list) of an expression seen as a product
template <class E>
struct product_parts {
  static constexpr rational coefficient{1, 1};
  using factors = type_list<typename as_factor<E>::type>;
};
template <std::intmax_t N, std::intmax_t D>
struct product_parts<constant<N, D>> {
  static constexpr rational coefficient{N, D};
  using factors = type_list<>;
};
template <class... F>
struct product_parts<node<product_op, F...>> {
  static constexpr rational coefficient{1, 1};
  using factors = type_list<typename as_factor<F>::type...>;
};
template <std::intmax_t N, std::intmax_t D, class... F>
struct product_parts<node<product_op, constant<N, D>, F...>> {
  static constexpr rational coefficient{N, D};
  using factors = type_list<typename as_factor<F>::type...>;
};

template <class A, class B>
struct merge_factors;
template <int Order, class A, class B>
struct merge_factors_step;
template <bool Cancels, class Combined, class A, class B>
struct merge_factors_equal;

template <class... B>
struct merge_factors<type_list<>, type_list<B...>> {
  using type = type_list<B...>;
};
template <class A1, class... A>
struct merge_factors<type_list<A1, A...>, type_list<>> {
  using type = type_list<A1, A...>;
};
template <class B1, std::intmax_t N1, std::intmax_t D1, class... A, class B2, std::intmax_t N2, std::intmax_t D2, class... B>
struct merge_factors<type_list<factor<B1, N1, D1>, A...>, type_list<factor<B2, N2, D2>, B...>>
    : merge_factors_step<order_v<B1, B2>, type_list<factor<B1, N1, D1>, A...>, type_list<factor<B2, N2, D2>, B...>> {};

template <class A1, class... A, class B>
struct merge_factors_step<-1, type_list<A1, A...>, B> {
  using type = push_front_t<typename merge_factors<type_list<A...>, B>::type, A1>;
};
template <class A, class B1, class... B>
struct merge_factors_step<1, A, type_list<B1, B...>> {
  using type = push_front_t<typename merge_factors<A, type_list<B...>>::type, B1>;
};
template <class Base, std::intmax_t N1, std::intmax_t D1, class... A, std::intmax_t N2, std::intmax_t D2, class... B>
struct merge_factors_step<0, type_list<factor<Base, N1, D1>, A...>, type_list<factor<Base, N2, D2>, B...>> {
  // x^a * x^b = x^(a+b); x^a * x^-a = 1 (x/x, where defined)
  static constexpr rational exponent = rational{N1, D1} + rational{N2, D2};
  using type = typename merge_factors_equal<exponent.is_zero(), factor<Base, exponent.num, exponent.den>, type_list<A...>,
                                            type_list<B...>>::type;
};
template <class Combined, class A, class B>
struct merge_factors_equal<true, Combined, A, B> {
  using type = typename merge_factors<A, B>::type;
};
template <class Combined, class A, class B>
struct merge_factors_equal<false, Combined, A, B> {
  using type = push_front_t<typename merge_factors<A, B>::type, Combined>;
};

template <class F>
struct factor_expr;
template <class Base>
struct factor_expr<factor<Base, 1, 1>> {
  using type = Base;
};
template <class Base, std::intmax_t N, std::intmax_t D>
struct factor_expr<factor<Base, N, D>> {
  using type = pow_t<Base, constant<N, D>>;
};

template <class T>
inline constexpr bool refolds = Constant<T> || NodeOf<T, product_op>;

/// Rare path: merging exponents produced a constant or a product (sqrt(2)*sqrt(2),
/// sqrt(2x)*sqrt(2x)); multiply the pieces again until everything is normal.
template <class Acc, class List>
struct refold;
template <class Acc>
struct refold<Acc, type_list<>> {
  using type = Acc;
};
template <class Acc, class F, class... Fs>
struct refold<Acc, type_list<F, Fs...>> {
  using type = typename refold<mul_t<Acc, F>, type_list<Fs...>>::type;
};

// The coefficient travels as a constant<N, D> type (see power.hpp on g++ 12).
template <class C, class Exprs, bool Refold>
struct assemble_product;
template <class C, class... F>
struct assemble_product<C, type_list<F...>, true> {
  using type = typename refold<C, type_list<F...>>::type;
};
template <class C, class... F>
struct assemble_product<C, type_list<F...>, false> {
  using type = std::conditional_t<std::is_same_v<C, one>, node<product_op, F...>, node<product_op, C, F...>>;
};
template <class C, class F>
struct assemble_product<C, type_list<F>, false> {
  using type = std::conditional_t<std::is_same_v<C, one>, F, node<product_op, C, F>>;
};
template <class C>
struct assemble_product<C, type_list<>, false> {
  using type = C;
};

template <class C, class Factors>
struct build_product;
template <class C, class... F>
struct build_product<C, type_list<F...>> {
  using type = typename assemble_product<C, type_list<typename factor_expr<F>::type...>,
                                         any_of({refolds<typename factor_expr<F>::type>...})>::type;
};

template <bool IsZero, class A, class B>
struct mul_nonzero {
  using type = zero;  // 0 * x = 0
};
template <class A, class B>
struct mul_nonzero<false, A, B> {
  static constexpr rational coefficient = product_parts<A>::coefficient * product_parts<B>::coefficient;
  using type = typename build_product<constant<coefficient.num, coefficient.den>,
                                      typename merge_factors<typename product_parts<A>::factors,
                                                             typename product_parts<B>::factors>::type>::type;
};

template <class A, class B>
struct mul_impl : mul_nonzero<product_parts<A>::coefficient.is_zero() || product_parts<B>::coefficient.is_zero(), A, B> {};

}  // namespace detail
}  // namespace typenet

#include <typenet/simplify/power.hpp>
#include <typenet/simplify/sum.hpp>
