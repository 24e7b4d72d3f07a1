#pragma once
// A generic test suite for an elementwise unary op: a test file states the
// op, a long double reference of its value and derivative, and its printed
// form, and gets, for float and double:
//   values      tn::eval of f(x) against the reference over a grid with 0,
//               -0, tiny, moderate and huge |x|, +-max, +-inf and NaN:
//               within `value_ulps` ulps times max(1, |x f'(x) / f(x)|) (the
//               condition number: an error of one ulp in x moves f by that
//               many ulps, which no formula can avoid);
//   simd        the SIMD path (kernels::map on batches) equal to the scalar
//               value rule at sizes 0, 1, W-1, W, W+1, 3W+1, within
//               `simd_ulps` times the condition number (the elements after
//               the last batch, computed by the scalar rule: exactly);
//               and through tn::eval of a 1 x N matrix;
//   derivative  tn::grad against central differences (tn::gradient_check) and
//               against the reference derivative on [lo, hi];
//   fused       f(X + b) evaluated in one pass (counted) and equal to f of
//               the stored X + b;
//   printed     tn::to_string(f(x)).
//
//     TYPENET_UNARY_OP_SUITE(silu, tn::silu_op, (typenet_test::unary_op_case{
//         .value = silu_ref, .derivative = silu_ref_derivative, .printed = "silu(x)"}))
//
// The including file defines TYPENET_KERNEL_COUNTERS before any typenet
// header (the fused check counts passes over memory).
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include <boost/test/unit_test.hpp>
#include <typenet/diff/gradient_check.hpp>
#include <typenet/expr/eval.hpp>
#include <typenet/expr/to_string.hpp>
#include <typenet/expr/var.hpp>
#include <typenet/kernels/elementwise.hpp>
#include <typenet/ops/arithmetic.hpp>

#include "kernel_inputs.hpp"

#ifndef TYPENET_KERNEL_COUNTERS
#error "define TYPENET_KERNEL_COUNTERS before including op_suite.hpp (and any typenet header)"
#endif

namespace typenet_test {

/// What a test file states about an op.
struct unary_op_case {
  long double (*value)(long double) = nullptr;       // the reference f
  long double (*derivative)(long double) = nullptr;  // the reference f'
  std::string_view printed;                          // tn::to_string(f(x))
  double value_ulps = 4;                             // times max(1, condition number)
  std::uint64_t simd_ulps = 4;                       // batch against scalar
  double lo = -8, hi = 8;                            // where derivatives are checked
  double derivative_tolerance_float = 1e-5;          // |d - ref| / max(1, |ref|)
  double derivative_tolerance_double = 1e-13;
};

/// 0, -0, +-tiny, +-(1/8 .. 20 in steps of 1/8), +-large, +-max, +-inf, NaN.
template <class T>
std::vector<T> value_grid() {
  std::vector<T> g{T(0), T(-0.0), std::numeric_limits<T>::denorm_min(), std::numeric_limits<T>::min(), T(1e-30), T(1e-8)};
  for (int i = 1; i <= 160; ++i) g.push_back(T(i) / T(8));
  for (T big : {T(30), T(50), T(88), T(100), T(710), T(1e3), T(1e10), T(1e30), std::numeric_limits<T>::max()})
    g.push_back(big);
  const std::size_t positive = g.size();
  for (std::size_t i = 2; i < positive; ++i) g.push_back(-g[i]);
  g.push_back(std::numeric_limits<T>::infinity());
  g.push_back(-std::numeric_limits<T>::infinity());
  g.push_back(std::numeric_limits<T>::quiet_NaN());
  return g;
}

/// max(1, |x f'(x) / f(x)|) from the reference: how many ulps f moves when x moves by one.
inline double condition(const unary_op_case& c, long double x) {
  const long double f = c.value(x), d = c.derivative(x);
  if (!std::isfinite(f) || !std::isfinite(d) || f == 0 || !std::isfinite(x)) return 1.0;
  return static_cast<double>(std::max(1.0L, std::fabs(x * d / f)));
}

template <class Op, class T>
void check_values(const unary_op_case& c) {
  constexpr auto x = typenet::var<"x">;
  constexpr auto f = typenet::unary_function<Op>{}(x);
  double worst = 0;
  for (const T v : value_grid<T>()) {
    const T got = typenet::eval(f, x = v);
    const long double ref = c.value(v);
    if (std::isnan(ref) || std::isinf(ref)) {
      BOOST_TEST(ulp_distance(got, static_cast<T>(ref)) == 0u, Op::name << "(" << v << ") = " << got << ", reference " << ref);
      continue;
    }
    const T want = static_cast<T>(ref);
    // results below the smallest normal number: flushed or not, both fine
    if (std::fabs(want) < std::numeric_limits<T>::min() && std::fabs(got) < std::numeric_limits<T>::min()) continue;
    const double cond = condition(c, v);
    const double allowed = c.value_ulps * cond;
    const auto dist = static_cast<double>(ulp_distance(got, want));
    worst = std::max(worst, dist / cond);
    BOOST_TEST(dist <= allowed, Op::name << "(" << v << ") = " << got << ", reference " << want << ": " << dist
                                         << " ulps, allowed " << allowed);
  }
  BOOST_TEST_MESSAGE(Op::name << " " << (sizeof(T) == 4 ? "float" : "double")
                              << ": values within " << worst << " ulps x max(1, condition number) of the reference");
}

/// The batch path of Op on N elements (random in [lo, hi] and specials)
/// against the scalar value rule.
template <class Op, class T, std::size_t N>
void check_simd_size(const unary_op_case& c) {
  namespace kn = typenet::kernels;
  std::vector<T> in = random_values<T>(N, static_cast<T>(c.lo), static_cast<T>(c.hi), 1000 + N);
  const std::array<T, 6> specials{T(0), std::numeric_limits<T>::infinity(), -std::numeric_limits<T>::infinity(),
                                  std::numeric_limits<T>::quiet_NaN(), T(100), T(-100)};
  if constexpr (N > 0)
    for (std::size_t i = 0; i < N && i < specials.size(); ++i) in[(i * 7) % N] = specials[i];
  std::vector<T> out(N + 1, T(7));
  T sentinel = T(7);
  kn::map<N>(N == 0 ? &sentinel : out.data(), [](auto v) { return Op::eval(typenet::no_info{}, std::array{v}); },
             kn::full<T>{N == 0 ? &sentinel : in.data()});
  BOOST_TEST(out[N] == T(7), Op::name << ": wrote past the end at size " << N);
  BOOST_TEST(sentinel == T(7));
  // only the last elements, after the full and the narrower batches, run the scalar rule
  const std::size_t tail_start = N - typenet::kernels::tail_split<T>(N % W<T>).second;
  for (std::size_t i = 0; i < N; ++i) {
    const T expected = Op::eval(typenet::no_info{}, std::array{in[i]});
    // xsimd's exp flushes results below the smallest normal number to 0, libm
    // returns subnormals: two results in the subnormal range count as equal
    const bool both_subnormal = std::fabs(out[i]) < std::numeric_limits<T>::min() &&
                                std::fabs(expected) < std::numeric_limits<T>::min();
    // a compiler may contract a * b + c into an FMA on the scalar path only (clang
    // does): one rounding less in the argument, moving f by its condition number
    const double allowed = i >= tail_start ? 0.0 : static_cast<double>(c.simd_ulps) * condition(c, in[i]);
    BOOST_TEST((both_subnormal || static_cast<double>(ulp_distance(out[i], expected)) <= allowed),
               Op::name << "(" << in[i] << ") at " << i << " of " << N << ": batch " << out[i] << ", scalar " << expected);
  }
  if constexpr (N > 0) {
    constexpr auto X = typenet::var<"X", 1, N>;
    typenet::matrix<T, 1, N> m;
    std::copy(in.begin(), in.end(), m.data());
    const auto y = typenet::eval(typenet::unary_function<Op>{}(X), X = m);
    const T* ys = nullptr;
    if constexpr (N == 1) ys = &y;  // a 1 x 1 result is a number
    else ys = y.data();
    for (std::size_t i = 0; i < N; ++i)
      BOOST_TEST(ulp_distance(ys[i], out[i]) == 0u, Op::name << " through tn::eval at " << i << " of " << N);
  }
}

template <class Op, class T>
void check_simd(const unary_op_case& c) {
  check_simd_size<Op, T, 0>(c);
  for_tail_sizes<T>([&](auto n) { check_simd_size<Op, T, decltype(n)::value>(c); });
}

template <class Op, class T>
void check_derivative(const unary_op_case& c) {
  constexpr auto x = typenet::var<"x">;
  constexpr auto f = typenet::unary_function<Op>{}(x);
  const double tolerance = sizeof(T) == 4 ? c.derivative_tolerance_float : c.derivative_tolerance_double;
  double worst = 0;
  for (int i = 0; i <= 128; ++i) {
    const T v = static_cast<T>(c.lo + (c.hi - c.lo) * i / 128.0);
    const auto check = typenet::gradient_check(f, x = v);
    std::ostringstream why;
    why << Op::name << " at " << v << ": " << check;
    BOOST_TEST(check.passed(), why.str());
    const T d = typenet::eval(typenet::grad(f, x), x = v);
    const long double ref = c.derivative(v);
    const double err = static_cast<double>(std::fabs(d - ref) / std::max(1.0L, std::fabs(ref)));
    worst = std::max(worst, err);
    BOOST_TEST(err <= tolerance, Op::name << "'(" << v << ") = " << d << ", reference " << static_cast<T>(ref));
  }
  BOOST_TEST_MESSAGE(Op::name << "' " << (sizeof(T) == 4 ? "float" : "double") << ": within " << worst
                              << " of the reference (relative to max(1, |f'|))");
}

template <class Op, class T>
void check_fused(const unary_op_case& c) {
  constexpr std::size_t R = 5, C = 2 * W<T> + 3;
  constexpr auto X = typenet::var<"X", R, C>;
  constexpr auto b = typenet::var<"b", 1, C>;
  typenet::matrix<T, R, C> xm;
  typenet::matrix<T, 1, C> bm;
  const auto xs = random_values<T>(R * C, static_cast<T>(c.lo), static_cast<T>(c.hi), 7);
  const auto bs = random_values<T>(C, T(-1), T(1), 8);
  std::copy(xs.begin(), xs.end(), xm.data());
  std::copy(bs.begin(), bs.end(), bm.data());
  auto iterations = [] {
    const auto& k = typenet::kernels::counters;
    return std::array{k.vector_iterations, k.narrow_iterations, k.scalar_iterations};
  };
  typenet::kernels::counters = {};
  const auto fused = typenet::eval(typenet::unary_function<Op>{}(X + b), X = typenet::ref(xm), b = typenet::ref(bm));
  const auto fused_iterations = iterations();
  typenet::kernels::counters = {};
  const auto sum = typenet::eval(X + b, X = typenet::ref(xm), b = typenet::ref(bm));
  // one pass: exactly the loop iterations of X + b alone
  BOOST_TEST((fused_iterations == iterations()), Op::name << "(X + b) is not one pass over memory");
  constexpr auto S = typenet::var<"S", R, C>;
  const auto unfused = typenet::eval(typenet::unary_function<Op>{}(S), S = typenet::ref(sum));
  for (std::size_t i = 0; i < R * C; ++i)
    BOOST_TEST(ulp_distance(fused.data()[i], unfused.data()[i]) == 0u, Op::name << " fused vs unfused at " << i);
}

template <class Op>
void check_printed(const unary_op_case& c) {
  constexpr auto x = typenet::var<"x">;
  BOOST_TEST(typenet::to_string(typenet::unary_function<Op>{}(x)) == std::string{c.printed});
}

}  // namespace typenet_test

/// The whole suite for one op: test cases <name>_values, _simd, _derivative,
/// _fused (float and double) and _printed.
#define TYPENET_UNARY_OP_SUITE(name, Op, ...)                                                             \
  using name##_float_types = std::tuple<float, double>;                                                    \
  static const typenet_test::unary_op_case name##_case = __VA_ARGS__;                                      \
  BOOST_AUTO_TEST_CASE_TEMPLATE(name##_values, T, name##_float_types) {                                   \
    typenet_test::check_values<Op, T>(name##_case);                                                        \
  }                                                                                                        \
  BOOST_AUTO_TEST_CASE_TEMPLATE(name##_simd, T, name##_float_types) { typenet_test::check_simd<Op, T>(name##_case); } \
  BOOST_AUTO_TEST_CASE_TEMPLATE(name##_derivative, T, name##_float_types) {                               \
    typenet_test::check_derivative<Op, T>(name##_case);                                                    \
  }                                                                                                        \
  BOOST_AUTO_TEST_CASE_TEMPLATE(name##_fused, T, name##_float_types) { typenet_test::check_fused<Op, T>(name##_case); } \
  BOOST_AUTO_TEST_CASE(name##_printed) { typenet_test::check_printed<Op>(name##_case); }
