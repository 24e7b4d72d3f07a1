// kernels::sum, row_sums, column_sums, row_max against long double references,
// on the tail sizes 1, W-1, W, W+1, 3W+1 (and 0 for sum), with the iteration
// counters proving the vector path is taken.
//
// Tolerances: a sum of n terms computed in any order is within
// (n - 1) eps sum|x_i| of the exact sum (first-order bound); the tests use
// n eps sum|x_i|. Sums of small integers are exact in any order, so those
// compare with ==. row_max is exact (max rounds nothing).
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

#include <typenet/kernels/reduce.hpp>

namespace kn = typenet::kernels;
using typenet_test::for_tail_sizes;
using typenet_test::random_values;
using typenet_test::W;

using float_types = std::tuple<float, double>;

static_assert(kn::vectorized<float> && kn::vectorized<double>, "built with -march=native: the kernels must use SIMD");

namespace {

template <class T>
bool within_sum_bound(T got, long double exact, long double sum_abs, std::size_t n) {
  return std::fabs(static_cast<long double>(got) - exact) <=
         static_cast<long double>(std::max<std::size_t>(n, 1)) * std::numeric_limits<T>::epsilon() * sum_abs;
}

template <class T, std::size_t N>
void check_sum() {
  const auto x = random_values<T>(N, T(-1), T(1), 31 + N);
  long double exact = 0, sum_abs = 0;
  for (T v : x) {
    exact += v;
    sum_abs += std::fabs(v);
  }
  kn::counters = {};
  const T got = kn::sum<N>(x.data());
  BOOST_TEST(within_sum_bound(got, exact, sum_abs, N), "sum<" << N << ">: " << got << " vs " << exact);
  // a map_reduce: full batches, then the tail (narrower batches, then scalars)
  BOOST_TEST(kn::counters.vector_iterations == N / W<T>);
  BOOST_TEST(kn::counters.narrow_iterations == typenet_test::counts_of_span<T>(N).narrow);
  BOOST_TEST(kn::counters.scalar_iterations == typenet_test::counts_of_span<T>(N).scalar);

  std::vector<T> ints(N);
  long long int_sum = 0;
  for (std::size_t i = 0; i < N; ++i) {
    ints[i] = T(static_cast<int>(i * 7 % 23) - 11);
    int_sum += static_cast<long long>(ints[i]);
  }
  BOOST_TEST(kn::sum<N>(ints.data()) == T(int_sum));
}

template <class T, std::size_t R, std::size_t C>
void check_rows_and_columns() {
  const auto in = random_values<T>(R * C, T(-1), T(1), 700 + R * 31 + C);

  // row sums
  std::vector<T> rows(R, T(0));
  kn::counters = {};
  kn::row_sums<R, C>(in.data(), rows.data());
  // a map_reduce per row: full batches, then the tail (narrower batches, then scalars)
  BOOST_TEST(kn::counters.vector_iterations == R * (C / W<T>));
  BOOST_TEST(kn::counters.narrow_iterations == R * typenet_test::counts_of_span<T>(C).narrow);
  BOOST_TEST(kn::counters.scalar_iterations == R * typenet_test::counts_of_span<T>(C).scalar);
  for (std::size_t r = 0; r < R; ++r) {
    long double exact = 0, sum_abs = 0;
    for (std::size_t c = 0; c < C; ++c) {
      exact += in[r * C + c];
      sum_abs += std::fabs(in[r * C + c]);
    }
    BOOST_TEST(within_sum_bound(rows[r], exact, sum_abs, C), "row " << r << " of " << R << "x" << C);
  }
  // accumulate: out += row sums
  std::vector<T> acc_rows(R, T(2));
  kn::row_sums<R, C, kn::write_mode::accumulate>(in.data(), acc_rows.data());
  for (std::size_t r = 0; r < R; ++r) BOOST_TEST(acc_rows[r] == T(2) + rows[r]);

  // column sums
  std::vector<T> cols(C, T(0));
  kn::counters = {};
  kn::column_sums<R, C>(in.data(), cols.data());
  BOOST_TEST(kn::counters.vector_iterations == R * (C / W<T>));
  BOOST_TEST(kn::counters.scalar_iterations == R * (C % W<T>));
  for (std::size_t c = 0; c < C; ++c) {
    long double exact = 0, sum_abs = 0;
    for (std::size_t r = 0; r < R; ++r) {
      exact += in[r * C + c];
      sum_abs += std::fabs(in[r * C + c]);
    }
    BOOST_TEST(within_sum_bound(cols[c], exact, sum_abs, R), "column " << c << " of " << R << "x" << C);
  }
  std::vector<T> acc_cols(C, T(-3));
  kn::column_sums<R, C, kn::write_mode::accumulate>(in.data(), acc_cols.data());
  for (std::size_t c = 0; c < C; ++c) BOOST_TEST(acc_cols[c] == T(-3) + cols[c]);

  // column sums of small integers are exact: the vector and scalar columns agree with the integer sum
  std::vector<T> ints(R * C);
  for (std::size_t i = 0; i < R * C; ++i) ints[i] = T(static_cast<int>(i * 5 % 19) - 9);
  kn::column_sums<R, C>(ints.data(), cols.data());
  for (std::size_t c = 0; c < C; ++c) {
    long long s = 0;
    for (std::size_t r = 0; r < R; ++r) s += static_cast<long long>(ints[r * C + c]);
    BOOST_TEST(cols[c] == T(s));
  }

  // row max: exact, wherever the maximum sits (first, last, in the tail)
  std::vector<T> maxima(R);
  kn::counters = {};
  kn::row_max<R, C>(in.data(), maxima.data());
  const std::size_t per_row_vector = C >= W<T> ? C / W<T> : 0;
  BOOST_TEST(kn::counters.vector_iterations == R * per_row_vector);
  BOOST_TEST(kn::counters.scalar_iterations == R * (C >= W<T> ? C % W<T> : C));
  for (std::size_t r = 0; r < R; ++r)
    BOOST_TEST(maxima[r] == *std::max_element(in.begin() + r * C, in.begin() + (r + 1) * C));
  for (std::size_t pos : {std::size_t{0}, C / 2, C - 1}) {
    std::vector<T> x = in;
    for (std::size_t r = 0; r < R; ++r) x[r * C + pos] = T(5) + T(r);
    kn::row_max<R, C>(x.data(), maxima.data());
    for (std::size_t r = 0; r < R; ++r) BOOST_TEST(maxima[r] == T(5) + T(r));
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE_TEMPLATE(sum_on_tail_sizes, T, float_types) {
  check_sum<T, 0>();
  for_tail_sizes<T>([](auto n) { check_sum<T, decltype(n)::value>(); });
  check_sum<T, 10 * W<T> + 3>();  // several rounds of the four unrolled accumulators
}

BOOST_AUTO_TEST_CASE_TEMPLATE(row_and_column_reductions_on_tail_widths, T, float_types) {
  for_tail_sizes<T>([](auto n) {
    constexpr std::size_t C = decltype(n)::value;
    check_rows_and_columns<T, 3, C>();
    check_rows_and_columns<T, 1, C>();  // 1 x N
    check_rows_and_columns<T, C, 1>();  // N x 1
  });
  check_rows_and_columns<T, 9, 5 * W<T> + 2>();  // a block of four batches of columns, one more, and a tail
}

BOOST_AUTO_TEST_CASE_TEMPLATE(column_sums_of_a_large_matrix_stay_accurate, T, float_types) {
  // Bias gradient of a batch of 256 rows: sums of many terms of one sign.
  constexpr std::size_t R = 256, C = 2 * W<T> + 1;
  const auto in = random_values<T>(R * C, T(0), T(1), 99);
  std::vector<T> cols(C);
  kn::column_sums<R, C>(in.data(), cols.data());
  for (std::size_t c = 0; c < C; ++c) {
    long double exact = 0;
    for (std::size_t r = 0; r < R; ++r) exact += in[r * C + c];
    BOOST_TEST(within_sum_bound(cols[c], exact, exact, R));
  }
}

BOOST_AUTO_TEST_CASE(long_double_takes_the_scalar_path) {
  static_assert(!kn::vectorized<long double>);
  long double x[5] = {1.5L, -2.0L, 3.25L, 0.5L, 4.0L};
  kn::counters = {};
  BOOST_TEST(kn::sum<5>(x) == 7.25L);
  BOOST_TEST(kn::counters.vector_iterations == 0u);
  BOOST_TEST(kn::counters.scalar_iterations == 5u);
  long double m[1];
  kn::row_max<1, 5>(x, m);
  BOOST_TEST(m[0] == 4.0L);
}
