// kernels::softmax_rows / log_softmax_rows against long double references.
//
// Tolerances (relative, in units of the element type's epsilon):
//   softmax: 8 eps -- e^(x - m) is within ~2 ulps (the shift x - m rounds once,
//   and its error is multiplied by |x - m| <= a few units here), the sum adds
//   C eps relative error at worst, the division one rounding; the test inputs
//   keep |x - m| <= 8, and the sum's error is bounded separately below.
//   log_softmax: absolute 8 eps (1 + |result|), it is a difference of logs.
//   Rows sum to 1 within (C + 2) eps.
#define TYPENET_KERNEL_COUNTERS
#include <boost/test/unit_test.hpp>

#include "../support/kernel_inputs.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <random>
#include <tuple>
#include <utility>
#include <vector>

#include <typenet/kernels/softmax.hpp>

namespace kn = typenet::kernels;
using typenet_test::for_tail_sizes;
using typenet_test::random_values;
using typenet_test::W;

using float_types = std::tuple<float, double>;

namespace {

/// softmax and log_softmax of each row in long double, from the T inputs.
template <std::size_t R, std::size_t C, class T>
void reference(const std::vector<T>& in, std::vector<long double>& sm, std::vector<long double>& lsm) {
  sm.assign(R * C, 0);
  lsm.assign(R * C, 0);
  for (std::size_t r = 0; r < R; ++r) {
    long double m = in[r * C];
    for (std::size_t c = 1; c < C; ++c) m = std::max<long double>(m, in[r * C + c]);
    long double s = 0;
    for (std::size_t c = 0; c < C; ++c) s += std::exp(static_cast<long double>(in[r * C + c]) - m);
    for (std::size_t c = 0; c < C; ++c) {
      const long double z = static_cast<long double>(in[r * C + c]) - m;
      sm[r * C + c] = std::exp(z) / s;
      lsm[r * C + c] = z - std::log(s);
    }
  }
}

template <class T, std::size_t R, std::size_t C>
void check_softmax(const std::vector<T>& in) {
  const long double eps = std::numeric_limits<T>::epsilon();
  std::vector<long double> sm_ref, lsm_ref;
  reference<R, C>(in, sm_ref, lsm_ref);

  std::vector<T> sm(R * C), lsm(R * C);
  kn::counters = {};
  kn::softmax_rows<R, C>(in.data(), sm.data());
  // Rows at least a vector wide: three passes per row (max, exp-and-sum,
  // divide), each W at a time then the tail. Narrower rows (and at least a
  // vector in all): the row maxima, then one exp pass over the whole block
  // (blocks of 64 rows; these shapes have at most 49).
  static_assert(R <= 64);
  constexpr bool narrow = C < W<T> && R * C >= W<T>;
  const std::size_t max_vector = C >= W<T> ? C / W<T> : 0;
  const std::size_t max_scalar = C >= W<T> ? C % W<T> : C;
  // The exp and the last pass: full batches, then the tail (narrower batches, then scalars).
  const auto row_pass = typenet_test::counts_of_span<T>(C);
  const auto block_pass = typenet_test::counts_of_span<T>(R * C);
  const std::size_t vectors = narrow ? block_pass.vector : R * (max_vector + 2 * row_pass.vector);
  const std::size_t narrows = narrow ? block_pass.narrow : R * 2 * row_pass.narrow;
  const std::size_t scalars = narrow ? R * C + block_pass.scalar : R * (max_scalar + 2 * row_pass.scalar);
  BOOST_TEST(kn::counters.vector_iterations == vectors);
  BOOST_TEST(kn::counters.narrow_iterations == narrows);
  BOOST_TEST(kn::counters.scalar_iterations == scalars);

  kn::counters = {};
  kn::log_softmax_rows<R, C>(in.data(), lsm.data());
  BOOST_TEST(kn::counters.vector_iterations == vectors);
  BOOST_TEST(kn::counters.narrow_iterations == narrows);
  BOOST_TEST(kn::counters.scalar_iterations == scalars);

  for (std::size_t r = 0; r < R; ++r) {
    long double row_sum = 0;
    for (std::size_t c = 0; c < C; ++c) {
      const std::size_t i = r * C + c;
      BOOST_TEST(std::isfinite(sm[i]));
      BOOST_TEST(std::isfinite(lsm[i]));
      BOOST_TEST(sm[i] >= T(0));
      BOOST_TEST(sm[i] <= T(1));
      row_sum += sm[i];
      // softmax vs reference: relative, plus an absolute floor for results that underflow
      BOOST_TEST(std::fabs(sm[i] - sm_ref[i]) <= 8 * eps * sm_ref[i] + std::numeric_limits<T>::min(),
                 "softmax(" << r << ", " << c << ") " << sm[i] << " vs " << sm_ref[i]);
      BOOST_TEST(std::fabs(lsm[i] - lsm_ref[i]) <= 8 * eps * (1 + std::fabs(lsm_ref[i])),
                 "log_softmax(" << r << ", " << c << ") " << lsm[i] << " vs " << lsm_ref[i]);
      // log_softmax = log(softmax) wherever softmax is a normal number
      if (sm[i] > std::numeric_limits<T>::min())
        BOOST_TEST(std::fabs(lsm[i] - std::log(static_cast<long double>(sm[i]))) <=
                   16 * eps * (1 + std::fabs(lsm_ref[i])));
    }
    BOOST_TEST(std::fabs(row_sum - 1) <= (C + 2) * eps, "row " << r << " sums to " << row_sum);
  }

  // In place gives the same results.
  std::vector<T> a = in, b = in;
  kn::softmax_rows<R, C>(a.data(), a.data());
  kn::log_softmax_rows<R, C>(b.data(), b.data());
  BOOST_TEST(a == sm);
  BOOST_TEST(b == lsm);
}

}  // namespace

BOOST_AUTO_TEST_CASE_TEMPLATE(softmax_on_tail_widths, T, float_types) {
  for_tail_sizes<T>([](auto n) {
    constexpr std::size_t C = decltype(n)::value;
    check_softmax<T, 4, C>(random_values<T>(4 * C, T(-4), T(4), 3 + C));
    check_softmax<T, 1, C>(random_values<T>(C, T(-4), T(4), 5 + C));   // 1 x N
    check_softmax<T, C, 1>(random_values<T>(C, T(-4), T(4), 7 + C));   // N x 1: every row is {1}, log 0
  });
}

BOOST_AUTO_TEST_CASE_TEMPLATE(softmax_is_finite_for_huge_inputs, T, float_types) {
  // +-1000 overflows e^x in float and double alike; the shift by the row maximum keeps everything finite.
  constexpr std::size_t C = 2 * W<T> + 3;
  std::vector<T> in(3 * C);
  for (std::size_t c = 0; c < C; ++c) {
    in[c] = c % 2 ? T(1000) : T(-1000);              // row 0: two values
    in[C + c] = T(1000) - T(c);                       // row 1: near 1000, spread out
    in[2 * C + c] = c == C - 1 ? T(1000) : T(-1000);  // row 2: the maximum in the scalar tail
  }
  check_softmax<T, 3, C>(in);

  std::vector<T> sm(3 * C), lsm(3 * C);
  kn::softmax_rows<3, C>(in.data(), sm.data());
  kn::log_softmax_rows<3, C>(in.data(), lsm.data());
  const T half = T(1) / T(C / 2);  // row 0: C/2 equal maxima
  for (std::size_t c = 0; c < C; ++c) {
    BOOST_TEST(sm[c] == (c % 2 ? half : T(0)), boost::test_tools::tolerance(T(4) * std::numeric_limits<T>::epsilon()));
    BOOST_TEST(lsm[c] == (c % 2 ? -std::log(T(C / 2)) : T(-2000) - std::log(T(C / 2))),
               boost::test_tools::tolerance(T(4) * std::numeric_limits<T>::epsilon()));
    BOOST_TEST(sm[2 * C + c] == (c == C - 1 ? T(1) : T(0)));
    BOOST_TEST(lsm[2 * C + c] == (c == C - 1 ? T(0) : T(-2000)));
  }
}

BOOST_AUTO_TEST_CASE_TEMPLATE(softmax_is_invariant_under_shifts, T, float_types) {
  constexpr std::size_t C = W<T> + 5;
  auto x = random_values<T>(C, T(-2), T(2), 77);
  for (auto& v : x) v = std::round(v * T(1024)) / T(1024);  // multiples of 2^-10
  std::vector<T> shifted(C), a(C), b(C);
  // x + 64 is exact for multiples of 2^-10 in [-2, 2], so the shifted row has
  // exactly the same differences x - m, and the results are bit-identical.
  for (std::size_t c = 0; c < C; ++c) shifted[c] = x[c] + T(64);
  kn::softmax_rows<1, C>(x.data(), a.data());
  kn::softmax_rows<1, C>(shifted.data(), b.data());
  BOOST_TEST(a == b);
}
