// kernels::map / map_reduce and the batch value rules of the elementwise ops.
//
// Tolerances, in ulps of the element type:
//   + - * / sqrt, comparisons and select (relu, step, leaky_*), integer powers,
//   sum, product: 0 -- both paths perform the same IEEE operations in the same
//   order (the test functions avoid a*b+c, which a compiler may contract into
//   an FMA on one path only).
//   exp, log, tanh, sigmoid: 4 -- xsimd's and libm's results are each within
//   2 ulps of the true value (measured: at most 2 apart over 20000 batches).
//   (Results below the smallest normal number: xsimd's exp flushes them to 0,
//   libm returns subnormals; the transcendental checks accept both.)
//   pow with a non-integer, non-half exponent: 16 -- xsimd computes
//   exp(y log x), so log's rounding error is amplified by |y log x| (up to ~8
//   on the tested range; measured at most 10 ulps apart).
// The tail (the last < W elements of a row, or of a flat array) is processed
// with narrower batches where they fit (kernels::tail_split), then one element
// at a time: there the results equal the scalar eval exactly, whatever the op.
#define TYPENET_KERNEL_COUNTERS
#include <boost/test/unit_test.hpp>

#include "../support/kernel_inputs.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <numeric>
#include <random>
#include <tuple>
#include <utility>
#include <vector>

#include <typenet/kernels/elementwise.hpp>
#include <typenet/typenet.hpp>

namespace tn = typenet;
namespace kn = typenet::kernels;
using typenet_test::for_tail_sizes;
using typenet_test::random_values;
using typenet_test::W;
using typenet_test::counts_of_span;
using typenet_test::span_counts;
namespace math = typenet::math;

using float_types = std::tuple<float, double>;

static_assert(kn::vectorized<float> && kn::vectorized<double>, "built with -march=native: the kernels must use SIMD");
static_assert(kn::width<float> == xsimd::batch<float>::size && kn::width<double> == xsimd::batch<double>::size);
static_assert(!kn::vectorized<long double>, "no SIMD register for long double: scalar loops");

namespace {

using typenet_test::ulp_distance;

void reset_counters() { kn::counters = {}; }

// ---- batch eval == scalar eval, lane by lane ------------------------------------------

/// Evaluates Op on batches built from random arguments (and on the given special
/// values) and compares every lane with the scalar eval of the same arguments.
template <class T, class Op, std::size_t K, class Info>
void check_batch_eval(Info info, std::array<std::pair<T, T>, K> domains, std::uint64_t tolerance,
                      std::vector<std::array<T, K>> specials = {}) {
  constexpr std::size_t w = W<T>;
  std::vector<std::array<T, K>> args;
  std::mt19937 gen(1234);
  for (std::size_t i = 0; i < 64 * w; ++i) {
    std::array<T, K> a;
    for (std::size_t k = 0; k < K; ++k) a[k] = std::uniform_real_distribution<T>(domains[k].first, domains[k].second)(gen);
    args.push_back(a);
  }
  args.insert(args.end(), specials.begin(), specials.end());
  while (args.size() % w != 0) args.push_back(args.front());

  std::uint64_t worst = 0;
  for (std::size_t start = 0; start < args.size(); start += w) {
    std::array<kn::batch<T>, K> batches;
    for (std::size_t k = 0; k < K; ++k) {
      alignas(64) T lanes[w];
      for (std::size_t l = 0; l < w; ++l) lanes[l] = args[start + l][k];
      batches[k] = kn::batch<T>::load_aligned(lanes);
    }
    const kn::batch<T> result = Op::eval(info, batches);
    alignas(64) T lanes[w];
    result.store_aligned(lanes);
    for (std::size_t l = 0; l < w; ++l) {
      const T expected = Op::eval(info, args[start + l]);
      // xsimd's exp flushes results below the smallest normal number to 0
      // (x < -87.3 for float, < -708.4 for double), libm returns subnormals:
      // the transcendental ops count two results in the subnormal range as equal.
      const bool both_subnormal = tolerance > 0 && std::fabs(lanes[l]) < std::numeric_limits<T>::min() &&
                                  std::fabs(expected) < std::numeric_limits<T>::min();
      const std::uint64_t d = both_subnormal ? 0 : ulp_distance(lanes[l], expected);
      worst = std::max(worst, d);
      BOOST_TEST(d <= tolerance, Op::name << "(" << args[start + l][0] << "...): batch " << lanes[l] << " scalar "
                                          << expected << " (" << d << " ulps)");
    }
  }
  BOOST_TEST_MESSAGE(Op::name << " " << (sizeof(T) == 4 ? "float" : "double") << ": batch vs scalar at most " << worst
                              << " ulps");
}

template <class T>
std::vector<std::array<T, 1>> specials(std::initializer_list<T> values) {
  std::vector<std::array<T, 1>> v;
  for (T x : values) v.push_back({x});
  return v;
}

}  // namespace

BOOST_AUTO_TEST_CASE_TEMPLATE(batch_eval_matches_scalar_eval, T, float_types) {
  using tn::no_info;
  constexpr T inf = std::numeric_limits<T>::infinity();
  const auto big = specials<T>({T(0), T(-0.0), T(1000), T(-1000), T(88), T(-88), T(710), T(-710), inf, -inf,
                                std::numeric_limits<T>::min(), std::numeric_limits<T>::denorm_min()});
  check_batch_eval<T, tn::exp_op, 1>(no_info{}, {{{T(-80), T(80)}}}, 4, big);
  check_batch_eval<T, tn::log_op, 1>(no_info{}, {{{T(1e-6), T(1e6)}}}, 4,
                                     specials<T>({T(0), T(1), inf, std::numeric_limits<T>::min()}));
  check_batch_eval<T, tn::tanh_op, 1>(no_info{}, {{{T(-10), T(10)}}}, 4, big);
  check_batch_eval<T, tn::tanh_op, 1>(no_info{}, {{{T(-0.5), T(0.5)}}}, 4);
  check_batch_eval<T, tn::sigmoid_op, 1>(no_info{}, {{{T(-80), T(80)}}}, 4, big);
  check_batch_eval<T, tn::relu_op, 1>(no_info{}, {{{T(-2), T(2)}}}, 0, big);
  check_batch_eval<T, tn::step_op, 1>(no_info{}, {{{T(-2), T(2)}}}, 0, big);
  check_batch_eval<T, tn::leaky_relu_op<1, 100>, 1>(no_info{}, {{{T(-2), T(2)}}}, 0, big);
  check_batch_eval<T, tn::leaky_relu_op<1, 5>, 1>(no_info{}, {{{T(-2), T(2)}}}, 0, big);
  check_batch_eval<T, tn::leaky_step_op<1, 5>, 1>(no_info{}, {{{T(-2), T(2)}}}, 0, big);
  // Exact exponents: integer powers and half-integer powers (sqrt) are exact operations.
  check_batch_eval<T, tn::pow_op, 1>(tn::constant<2>{}, {{{T(-3), T(3)}}}, 0, big);
  check_batch_eval<T, tn::pow_op, 1>(tn::constant<5>{}, {{{T(-3), T(3)}}}, 0, big);
  check_batch_eval<T, tn::pow_op, 1>(tn::constant<-3>{}, {{{T(-3), T(3)}}}, 0, big);
  check_batch_eval<T, tn::pow_op, 1>(tn::constant<1, 2>{}, {{{T(0), T(100)}}}, 0, big);
  check_batch_eval<T, tn::pow_op, 1>(tn::constant<3, 2>{}, {{{T(0), T(100)}}}, 0);
  check_batch_eval<T, tn::pow_op, 1>(tn::constant<-1, 2>{}, {{{T(0.01), T(100)}}}, 0);
  // Fractional exponents go through pow = exp(y log x).
  check_batch_eval<T, tn::pow_op, 1>(tn::constant<1, 3>{}, {{{T(0), T(100)}}}, 16);
  check_batch_eval<T, tn::pow_op, 1>(tn::constant<-5, 3>{}, {{{T(0.01), T(100)}}}, 16);
  check_batch_eval<T, tn::pow_op, 2>(no_info{}, {{{T(0.01), T(10)}, {T(-3), T(3)}}}, 16);
  check_batch_eval<T, tn::sum_op, 3>(no_info{}, {{{T(-5), T(5)}, {T(-5), T(5)}, {T(-5), T(5)}}}, 0);
  check_batch_eval<T, tn::product_op, 3>(no_info{}, {{{T(-5), T(5)}, {T(-5), T(5)}, {T(-5), T(5)}}}, 0);
}

BOOST_AUTO_TEST_CASE_TEMPLATE(sqrt_and_integer_power_match_on_batches, T, float_types) {
  const auto x = random_values<T>(W<T>, T(0), T(50), 7);
  const kn::batch<T> b = kn::batch<T>::load_unaligned(x.data());
  alignas(64) T s[W<T>], p[W<T>], q[W<T>];
  math::sqrt(b).store_aligned(s);
  math::integer_power(b, 7).store_aligned(p);
  math::integer_power(b, -2).store_aligned(q);
  for (std::size_t i = 0; i < W<T>; ++i) {
    BOOST_TEST(s[i] == std::sqrt(x[i]));  // IEEE sqrt is correctly rounded on both paths
    BOOST_TEST(p[i] == math::integer_power(x[i], 7));
    BOOST_TEST(q[i] == math::integer_power(x[i], -2));
  }
  // The scalar rational part still works in constant expressions.
  static_assert(math::integer_power(T(2), -2) == T(0.25));
  static_assert(math::sqrt(T(2.25)) == T(1.5));
  static_assert(math::relu(T(-1)) == T(0) && math::step(T(3)) == T(1));
  static_assert(math::leaky_relu(T(-2), T(0.25)) == T(-0.5) && math::leaky_step(T(-2), T(0.25)) == T(0.25));
}

BOOST_AUTO_TEST_CASE_TEMPLATE(sigmoid_and_tanh_are_finite_for_large_inputs, T, float_types) {
  alignas(64) T x[W<T>], y[W<T>], t[W<T>];
  for (std::size_t i = 0; i < W<T>; ++i) x[i] = (i % 2 ? T(1) : T(-1)) * T(1000) * T(i + 1);
  math::sigmoid(kn::batch<T>::load_aligned(x)).store_aligned(y);
  math::tanh(kn::batch<T>::load_aligned(x)).store_aligned(t);
  for (std::size_t i = 0; i < W<T>; ++i) {
    BOOST_TEST(y[i] == (x[i] > 0 ? T(1) : T(0)));
    BOOST_TEST(t[i] == (x[i] > 0 ? T(1) : T(-1)));
    BOOST_TEST(math::sigmoid(x[i]) == y[i]);
  }
  // Just inside the range where e^-|x| is a normal number the tails are still right.
  const T moderate = T(-30);
  BOOST_TEST(math::sigmoid(moderate) == T(std::exp(-30.0L) / (1 + std::exp(-30.0L))),
             boost::test_tools::tolerance(T(4) * std::numeric_limits<T>::epsilon()));
}

// ---- map: flat ------------------------------------------------------------------------

namespace {

/// The exact test function: no a*b+c anywhere (see the top of the file).
constexpr auto exact_f = [](auto a, auto b, auto s) { return (a - b) * s / b; };

/// The counters since the last reset, to compare with span_counts.
span_counts observed() {
  return {kn::counters.vector_iterations, kn::counters.narrow_iterations, kn::counters.scalar_iterations};
}

template <class T, std::size_t N>
void check_flat_map() {
  const auto a = random_values<T>(N, T(-2), T(2), 11 + N);
  const auto b = random_values<T>(N, T(0.5), T(2), 23 + N);
  const T s = T(1.75);
  std::vector<T> out(N + 1, T(-12345));  // one sentinel past the end

  reset_counters();
  kn::map<N>(out.data(), exact_f, kn::full<T>{a.data()}, kn::full<T>{b.data()}, kn::scalar<T>{s});
  BOOST_TEST((observed() == counts_of_span<T>(N)));
  BOOST_TEST(out[N] == T(-12345));  // nothing written past the end

  for (std::size_t i = 0; i < N; ++i) {
    BOOST_TEST(out[i] == exact_f(a[i], b[i], s));  // SIMD path == scalar path, bit for bit
    const long double ref = (static_cast<long double>(a[i]) - b[i]) * s / b[i];
    BOOST_TEST(static_cast<long double>(out[i]) == ref,
               boost::test_tools::tolerance(static_cast<long double>(4 * std::numeric_limits<T>::epsilon())));
  }

  // In place: out is the first operand.
  std::vector<T> inplace = a;
  kn::map<N>(inplace.data(), exact_f, kn::full<T>{inplace.data()}, kn::full<T>{b.data()}, kn::scalar<T>{s});
  for (std::size_t i = 0; i < N; ++i) BOOST_TEST(inplace[i] == out[i]);
}

/// map with an op's eval: equal to the scalar eval within `tolerance` ulps, and
/// exactly on the tail, which takes the scalar path.
template <class T, class Op, std::size_t N, class Info>
void check_flat_op(Info info, T lo, T hi, std::uint64_t tolerance) {
  const auto x = random_values<T>(N, lo, hi, 5 + N);
  std::vector<T> out(N);
  kn::map<N>(out.data(), [info](auto v) { return Op::eval(info, std::array{v}); }, kn::full<T>{x.data()});
  const std::size_t tail_start = N - counts_of_span<T>(N).scalar;  // the elements one at a time
  for (std::size_t i = 0; i < N; ++i) {
    const T expected = Op::eval(info, std::array{x[i]});
    BOOST_TEST(ulp_distance(out[i], expected) <= (i >= tail_start ? 0 : tolerance), Op::name << " at " << i << " of " << N);
    const long double ref = Op::eval(info, std::array{static_cast<long double>(x[i])});
    // Against the long double value rounded to T: the scalar rules round up to
    // three times (x^3, x * alpha with alpha rounded), so 4 ulps for every op.
    BOOST_TEST(ulp_distance(out[i], static_cast<T>(ref)) <= std::max<std::uint64_t>(tolerance, 4),
               Op::name << " vs long double at " << i);
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE_TEMPLATE(flat_map_on_tail_sizes, T, float_types) {
  check_flat_map<T, 0>();
  for_tail_sizes<T>([](auto n) {
    constexpr std::size_t N = decltype(n)::value;
    check_flat_map<T, N>();
    check_flat_op<T, tn::exp_op, N>(tn::no_info{}, T(-20), T(20), 4);
    check_flat_op<T, tn::log_op, N>(tn::no_info{}, T(1e-3), T(1e3), 4);
    check_flat_op<T, tn::tanh_op, N>(tn::no_info{}, T(-5), T(5), 4);
    check_flat_op<T, tn::sigmoid_op, N>(tn::no_info{}, T(-20), T(20), 4);
    check_flat_op<T, tn::relu_op, N>(tn::no_info{}, T(-1), T(1), 0);
    check_flat_op<T, tn::leaky_relu_op<1, 10>, N>(tn::no_info{}, T(-1), T(1), 0);
    check_flat_op<T, tn::pow_op, N>(tn::constant<3>{}, T(-2), T(2), 0);
    check_flat_op<T, tn::pow_op, N>(tn::constant<1, 2>{}, T(0), T(4), 0);
  });
}

BOOST_AUTO_TEST_CASE_TEMPLATE(flat_map_of_size_zero_touches_nothing, T, float_types) {
  T sentinel = T(7);
  reset_counters();
  kn::map<0>(&sentinel, [](auto x) { return x + x; }, kn::full<T>{&sentinel});
  BOOST_TEST(sentinel == T(7));
  BOOST_TEST(kn::counters.vector_iterations == 0u);
  BOOST_TEST(kn::counters.scalar_iterations == 0u);
  BOOST_TEST(kn::map_reduce<0>([](auto x) { return x; }, kn::full<T>{&sentinel}) == T(0));
}

// ---- map: matrices with broadcasting ---------------------------------------------------

namespace {

constexpr auto broadcast_f = [](auto a, auto row, auto col, auto s) { return (a - row) * col / s; };

/// Counters of map<R, C> / map_reduce<R, C> with a broadcast operand: K = W /
/// gcd(C, W) rows fill whole batches; while the buffer of min(R, K) rows fits
/// the limit (and R*C >= W) the rows are processed K at a time as one span,
/// then the last R % K rows as one more; otherwise row by row, each row a
/// span of its own with its own tail.
template <class T, std::size_t R, std::size_t C>
constexpr bool broadcast_chunked() {
  constexpr std::size_t K = W<T> / std::gcd(C, W<T>);
  return K > 1 && R * C >= W<T> && std::min(R, K) * C <= kn::broadcast_chunk_limit;
}
template <class T, std::size_t R, std::size_t C>
constexpr span_counts broadcast_counts() {
  if (!broadcast_chunked<T, R, C>()) return counts_of_span<T>(C) * R;
  constexpr std::size_t K = W<T> / std::gcd(C, W<T>);
  return counts_of_span<T>(K * C) * (R / K) + counts_of_span<T>(R % K * C);
}

template <class T, std::size_t R, std::size_t C>
void check_broadcast_map() {
  const auto a = random_values<T>(R * C, T(-2), T(2), 100 + R * C);
  const auto row = random_values<T>(C, T(-2), T(2), 200 + C);
  const auto col = random_values<T>(R, T(-2), T(2), 300 + R);
  const T s = T(0.75);
  std::vector<T> out(R * C);

  reset_counters();
  kn::map<R, C>(out.data(), broadcast_f, kn::full<T>{a.data()}, kn::row_vector<T>{row.data()},
                kn::column_vector<T>{col.data()}, kn::scalar<T>{s});
  BOOST_TEST((observed() == broadcast_counts<T, R, C>()));

  for (std::size_t r = 0; r < R; ++r) {
    for (std::size_t c = 0; c < C; ++c) {
      const T got = out[r * C + c];
      BOOST_TEST(got == broadcast_f(a[r * C + c], row[c], col[r], s));
      const long double ref = (static_cast<long double>(a[r * C + c]) - row[c]) * col[r] / s;
      BOOST_TEST(static_cast<long double>(got) == ref,
                 boost::test_tools::tolerance(static_cast<long double>(4 * std::numeric_limits<T>::epsilon())));
    }
  }

  // In place over the full operand.
  std::vector<T> inplace = a;
  kn::map<R, C>(inplace.data(), broadcast_f, kn::full<T>{inplace.data()}, kn::row_vector<T>{row.data()},
                kn::column_vector<T>{col.data()}, kn::scalar<T>{s});
  BOOST_TEST(inplace == out);

  // Only full and scalar operands: one flat array of R*C, a single tail.
  std::vector<T> flat(R * C);
  reset_counters();
  kn::map<R, C>(flat.data(), exact_f, kn::full<T>{a.data()}, kn::full<T>{out.data()}, kn::scalar<T>{s});
  BOOST_TEST((observed() == counts_of_span<T>(R * C)));
  for (std::size_t i = 0; i < R * C; ++i) BOOST_TEST(flat[i] == exact_f(a[i], out[i], s));
}

}  // namespace

BOOST_AUTO_TEST_CASE_TEMPLATE(matrix_map_with_broadcasting_on_tail_widths, T, float_types) {
  for_tail_sizes<T>([](auto n) {
    constexpr std::size_t C = decltype(n)::value;
    check_broadcast_map<T, 3, C>();
    check_broadcast_map<T, 1, C>();  // 1 x N
    check_broadcast_map<T, C, 1>();  // N x 1
    check_broadcast_map<T, 2 * W<T> + 3, C>();  // several chunks of rows and a remainder
  });
}

BOOST_AUTO_TEST_CASE_TEMPLATE(narrow_rows_with_a_broadcast_fill_whole_batches, T, float_types) {
  // The XOR layer: a 4 x 4 output with a bias row is two batches of 8 floats
  // (one of 16 on AVX-512), no scalar call.
  static_assert(broadcast_counts<float, 4, 4>() == span_counts{16 / W<float>, 0, 0});
  check_broadcast_map<T, 4, 4>();
  check_broadcast_map<T, 64, 10>();  // a batch of 64 through a 10-wide layer
  check_broadcast_map<T, 3, 129>();  // fewer rows than a chunk: one span of all rows
  check_broadcast_map<T, 8, 129>();  // 8 x 129 floats exceed the buffer limit on AVX2: row by row
  check_broadcast_map<T, 2, kn::broadcast_chunk_limit + 1>();  // a row longer than the limit: row by row
  static_assert(!kn::simd_detail::chunked<2, kn::broadcast_chunk_limit + 1, T>);
  static_assert(!kn::simd_detail::chunked<5, 2 * W<T>, T>);  // whole batches already: row by row
}

BOOST_AUTO_TEST_CASE_TEMPLATE(tails_take_narrower_batches_then_scalars, T, float_types) {
  // With AVX-512 (16 floats, 8 doubles) the 8- and 4-float (4- and 2-double)
  // registers exist; with AVX2 (8 floats, 4 doubles) the 4-float and 2-double.
  if constexpr (W<float> == 16) {
    static_assert(kn::tail_split<float>(15) == std::pair<std::size_t, std::size_t>{2, 3});  // 8 + 4 + 3
    static_assert(kn::tail_split<float>(10) == std::pair<std::size_t, std::size_t>{1, 2});  // 8 + 2
    static_assert(kn::tail_split<double>(7) == std::pair<std::size_t, std::size_t>{2, 1});  // 4 + 2 + 1
  }
  if constexpr (W<float> == 8) {
    static_assert(kn::tail_split<float>(7) == std::pair<std::size_t, std::size_t>{1, 3});  // 4 + 3
    static_assert(kn::tail_split<double>(3) == std::pair<std::size_t, std::size_t>{1, 1});  // 2 + 1
  }
  static_assert(kn::tail_split<long double>(5) == std::pair<std::size_t, std::size_t>{0, 5});

  // W3's output layer: sigmoid(z + b) over a 4 x 1 output and a scalar bias.
  constexpr std::size_t N = 4;
  const auto z = random_values<T>(N, T(-6), T(6), 77);
  const T b = T(0.25);
  std::vector<T> out(N + 1, T(-12345));
  const auto f = [](auto x, auto bias) { return tn::sigmoid_op::eval(tn::no_info{}, std::array{x + bias}); };
  reset_counters();
  kn::map<N, 1>(out.data(), f, kn::full<T>{z.data()}, kn::scalar<T>{b});
  BOOST_TEST((observed() == counts_of_span<T>(N)));
  if constexpr (W<T> > 4) BOOST_TEST(kn::counters.narrow_iterations == 1u);  // one batch of 4
  BOOST_TEST(out[N] == T(-12345));  // nothing written past the end
  for (std::size_t i = 0; i < N; ++i) BOOST_TEST(ulp_distance(out[i], f(z[i], b)) <= 4u);

  // Every element is seen once, in order, in batches as wide as tail_split
  // says: nothing is read past the end.
  constexpr std::size_t M = 3 * W<T> - 1;
  const auto x = random_values<T>(M, T(-1), T(1), 78);
  std::vector<T> seen;
  std::vector<std::size_t> widths;
  const auto record = [&](auto v) {
    if constexpr (std::is_arithmetic_v<decltype(v)>) {
      seen.push_back(v);
      widths.push_back(1);
    } else {
      constexpr std::size_t n = decltype(v)::size;
      T lanes[n];
      v.store_unaligned(lanes);
      seen.insert(seen.end(), lanes, lanes + n);
      widths.push_back(n);
    }
    return v;
  };
  std::vector<T> y(M);
  kn::map<M>(y.data(), record, kn::full<T>{x.data()});
  BOOST_TEST(seen == x);
  BOOST_TEST(y == x);
  // Two full batches, then narrower ones, each narrower than the one before,
  // then single elements.
  const auto split = kn::tail_split<T>(W<T> - 1);
  BOOST_TEST_REQUIRE(widths.size() == 2 + split.first + split.second);
  BOOST_TEST(widths[0] == W<T>);
  BOOST_TEST(widths[1] == W<T>);
  for (std::size_t k = 2; k < 2 + split.first; ++k) {
    BOOST_TEST(widths[k] < widths[k - 1]);
    BOOST_TEST(widths[k] >= 2u);
  }
  for (std::size_t k = 2 + split.first; k < widths.size(); ++k) BOOST_TEST(widths[k] == 1u);
}

BOOST_AUTO_TEST_CASE_TEMPLATE(column_vector_and_row_vector_alone, T, float_types) {
  constexpr std::size_t R = 5, C = W<T> + 3;
  const auto row = random_values<T>(C, T(-1), T(1), 1);
  const auto col = random_values<T>(R, T(-1), T(1), 2);
  std::vector<T> out(R * C);
  kn::map<R, C>(out.data(), [](auto r, auto c) { return r - c; }, kn::row_vector<T>{row.data()},
                kn::column_vector<T>{col.data()});
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t c = 0; c < C; ++c) BOOST_TEST(out[r * C + c] == row[c] - col[r]);
  // A bias added in place, the typical layer update: Z += b (row_vector).
  std::vector<T> z = out;
  kn::map<R, C>(z.data(), [](auto x, auto b) { return x + b; }, kn::full<T>{z.data()}, kn::row_vector<T>{row.data()});
  for (std::size_t i = 0; i < R * C; ++i) BOOST_TEST(z[i] == out[i] + row[i % C]);
}

BOOST_AUTO_TEST_CASE_TEMPLATE(operands_deduce_their_element_type, T, float_types) {
  T data[3] = {T(1), T(2), T(3)};
  const T* cdata = data;
  static_assert(std::is_same_v<decltype(kn::full{data}), kn::full<T>>);
  static_assert(std::is_same_v<decltype(kn::full{cdata}), kn::full<T>>);
  static_assert(std::is_same_v<decltype(kn::row_vector{cdata}), kn::row_vector<T>>);
  static_assert(std::is_same_v<decltype(kn::column_vector{data}), kn::column_vector<T>>);
  static_assert(std::is_same_v<decltype(kn::scalar{T(2)}), kn::scalar<T>>);
  T out[3];
  kn::map<3>(out, [](auto x, auto s) { return x * s; }, kn::full{cdata}, kn::scalar{T(2)});
  BOOST_TEST(out[0] == T(2));
  BOOST_TEST(out[2] == T(6));
}

BOOST_AUTO_TEST_CASE_TEMPLATE(map_on_a_tn_matrix, T, float_types) {
  tn::matrix<T, 4, 10> x, y;
  for (std::size_t i = 0; i < x.size; ++i) x.values[i] = T(i) - T(20);
  kn::map<4, 10>(y.data(), [](auto v) { return tn::relu_op::eval(tn::no_info{}, std::array{v}); },
                 kn::full<T>{x.data()});
  for (std::size_t r = 0; r < 4; ++r)
    for (std::size_t c = 0; c < 10; ++c) BOOST_TEST(y(r, c) == std::max(x(r, c), T(0)));
}

// ---- map_reduce -------------------------------------------------------------------------

namespace {

template <class T, std::size_t R, std::size_t C>
void check_map_reduce() {
  const auto p = random_values<T>(R * C, T(-1), T(1), 400 + R * C);
  const auto t = random_values<T>(R * C, T(-1), T(1), 500 + R * C);
  const auto bias = random_values<T>(C, T(-1), T(1), 600 + C);
  const auto square_error = [](auto a, auto b) { return (a - b) * (a - b); };

  long double ref = 0, ref_abs = 0;
  for (std::size_t i = 0; i < R * C; ++i) {
    const long double d = static_cast<long double>(p[i]) - t[i];
    ref += d * d;
    ref_abs += d * d;
  }
  // Error bound of a sum of n terms (each term itself rounded twice): (n + 2) eps sum|terms|.
  const long double bound = (R * C + 2) * std::numeric_limits<T>::epsilon() * ref_abs;

  reset_counters();
  const T got = kn::map_reduce<R, C>(square_error, kn::full<T>{p.data()}, kn::full<T>{t.data()});
  BOOST_TEST(std::fabs(static_cast<long double>(got) - ref) <= bound);
  BOOST_TEST((observed() == counts_of_span<T>(R * C)));

  // Flat version over the same memory.
  BOOST_TEST(kn::map_reduce<R * C>(square_error, kn::full<T>{p.data()}, kn::full<T>{t.data()}) == got);

  // With a broadcast row: sum (p + bias - t)^2, row by row.
  long double ref_b = 0;
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t c = 0; c < C; ++c) {
      const long double d = static_cast<long double>(p[r * C + c]) + bias[c] - t[r * C + c];
      ref_b += d * d;
    }
  reset_counters();
  const T got_b = kn::map_reduce<R, C>([](auto a, auto b, auto y) { return (a + b - y) * (a + b - y); },
                                       kn::full<T>{p.data()}, kn::row_vector<T>{bias.data()}, kn::full<T>{t.data()});
  BOOST_TEST((observed() == broadcast_counts<T, R, C>()));
  BOOST_TEST(std::fabs(static_cast<long double>(got_b) - ref_b) <= (R * C + 4) * std::numeric_limits<T>::epsilon() * ref_b);
}

}  // namespace

BOOST_AUTO_TEST_CASE_TEMPLATE(map_reduce_on_tail_sizes, T, float_types) {
  for_tail_sizes<T>([](auto n) {
    constexpr std::size_t C = decltype(n)::value;
    check_map_reduce<T, 1, C>();
    check_map_reduce<T, 3, C>();
    check_map_reduce<T, C, 1>();
  });
  check_map_reduce<T, 7, 9 * W<T> + 5>();  // several rounds of the four unrolled accumulators
  check_map_reduce<T, 2 * W<T> + 3, 3>();    // chunks of narrow rows and a remainder
  check_map_reduce<T, 8, 129>();             // beyond the buffer limit for floats on AVX2
}

BOOST_AUTO_TEST_CASE_TEMPLATE(map_reduce_of_integers_is_exact, T, float_types) {
  // Small integers: every partial sum is exact, whatever the order.
  constexpr std::size_t N = 5 * W<T> + 3;
  std::vector<T> x(N);
  for (std::size_t i = 0; i < N; ++i) x[i] = T(i % 17) - T(8);
  long long expected = 0;
  for (std::size_t i = 0; i < N; ++i) expected += 3 * static_cast<long long>(x[i]) + 1;
  BOOST_TEST(kn::map_reduce<N>([](auto v, auto s) { return v * s + decltype(v)(1); }, kn::full<T>{x.data()},
                               kn::scalar<T>{T(3)}) == T(expected));
}
