// The value of every matrix op, in float and double, against a reference
// computed in long double from the same inputs; shapes include 1xN and Nx1.
#include <boost/test/unit_test.hpp>
#include <boost/mpl/list.hpp>

#include <cmath>
#include <limits>
#include <random>

#include "../support/matrix_check.hpp"

namespace tn = typenet;
using namespace tn::literals;
using typenet_test::random_matrix;

namespace {

using real_types = boost::mpl::list<float, double>;

using LD = long double;

template <class T>
double tolerance() {
  return std::is_same_v<T, float> ? 2e-5 : 1e-12;
}

/// Every element of `got` within tol (relative to max(1, |ref|)) of ref(r, c).
template <class M, class Ref>
void expect_matrix(const M& got, Ref ref, double tol) {
  for (std::size_t r = 0; r < M::rows; ++r)
    for (std::size_t c = 0; c < M::cols; ++c) {
      const LD want = ref(r, c);
      const LD err = std::abs(static_cast<LD>(got(r, c)) - want) / std::max<LD>(1, std::abs(want));
      BOOST_TEST(err <= tol, "(" << r << ", " << c << "): got " << got(r, c) << ", want " << static_cast<double>(want));
    }
}
template <class T>
void expect_scalar(T got, LD want, double tol) {
  BOOST_TEST(std::abs(static_cast<LD>(got) - want) / std::max<LD>(1, std::abs(want)) <= tol,
             "got " << got << ", want " << static_cast<double>(want));
}

template <class T, std::size_t M, std::size_t K, std::size_t N>
void check_matmul(std::mt19937& rng) {
  constexpr auto A = tn::var<"A", M, K>;
  constexpr auto B = tn::var<"B", K, N>;
  const auto a = random_matrix<T, M, K>(rng);
  const auto b = random_matrix<T, K, N>(rng);
  const auto ab = tn::eval(A * B, A = a, B = b);
  auto ref = [&](std::size_t i, std::size_t j) {
    LD s = 0;
    for (std::size_t k = 0; k < K; ++k) s += static_cast<LD>(a(i, k)) * b(k, j);
    return s;
  };
  if constexpr (M == 1 && N == 1) expect_scalar(ab, ref(0, 0), tolerance<T>() * K);
  else expect_matrix(ab, ref, tolerance<T>() * K);
  // transposed operands read the stored matrix
  constexpr auto At = tn::var<"At", K, M>;
  const auto at = random_matrix<T, K, M>(rng);
  if constexpr (!(M == 1 && N == 1)) {
    expect_matrix(tn::eval(tn::transpose(At) * B, At = at, B = b),
                  [&](std::size_t i, std::size_t j) {
                    LD s = 0;
                    for (std::size_t k = 0; k < K; ++k) s += static_cast<LD>(at(k, i)) * b(k, j);
                    return s;
                  },
                  tolerance<T>() * K);
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE_TEMPLATE(matrix_product, T, real_types) {
  std::mt19937 rng(1);
  check_matmul<T, 3, 4, 5>(rng);
  check_matmul<T, 1, 7, 9>(rng);    // a row times a matrix
  check_matmul<T, 9, 7, 1>(rng);    // a matrix times a column
  check_matmul<T, 1, 17, 1>(rng);   // a dot product: 1 x 1
  check_matmul<T, 17, 1, 19>(rng);  // an outer product
  check_matmul<T, 32, 78, 16>(rng);
}

BOOST_AUTO_TEST_CASE_TEMPLATE(transpose_and_elementwise_arithmetic, T, real_types) {
  std::mt19937 rng(2);
  constexpr auto X = tn::var<"X", 5, 3>;
  constexpr auto Y = tn::var<"Y", 5, 3>;
  constexpr auto row = tn::var<"row", 1, 3>;
  constexpr auto col = tn::var<"col", 5, 1>;
  constexpr auto s = tn::var<"s">;
  const auto x = random_matrix<T, 5, 3>(rng);
  const auto y = random_matrix<T, 5, 3>(rng, 0.5, 2.0);
  const auto rv = random_matrix<T, 1, 3>(rng, 0.5, 2.0);
  const auto cv = random_matrix<T, 5, 1>(rng, 0.5, 2.0);
  const T sv = T(0.75);
  const double tol = tolerance<T>();
  auto X_ = [&](std::size_t r, std::size_t c) { return static_cast<LD>(x(r, c)); };
  auto Y_ = [&](std::size_t r, std::size_t c) { return static_cast<LD>(y(r, c)); };

  const auto xt = tn::eval(tn::transpose(X), X = x);
  expect_matrix(xt, [&](std::size_t r, std::size_t c) { return X_(c, r); }, 0);
  expect_matrix(tn::eval(X + Y, X = x, Y = y), [&](auto r, auto c) { return X_(r, c) + Y_(r, c); }, tol);
  expect_matrix(tn::eval(X - Y, X = x, Y = y), [&](auto r, auto c) { return X_(r, c) - Y_(r, c); }, tol);
  expect_matrix(tn::eval(X / Y, X = x, Y = y), [&](auto r, auto c) { return X_(r, c) / Y_(r, c); }, tol);
  expect_matrix(tn::eval(tn::hadamard(X, Y), X = x, Y = y), [&](auto r, auto c) { return X_(r, c) * Y_(r, c); }, tol);
  expect_matrix(tn::eval(tn::square(X), X = x), [&](auto r, auto c) { return X_(r, c) * X_(r, c); }, tol);
  expect_matrix(tn::eval(tn::pow(Y, 1_c / 3_c), Y = y), [&](auto r, auto c) { return std::cbrt(Y_(r, c)); }, tol);
  // scalar, row and column broadcasts
  expect_matrix(tn::eval(s * X, s = sv, X = x), [&](auto r, auto c) { return sv * X_(r, c); }, tol);
  expect_matrix(tn::eval(X + 2_c, X = x), [&](auto r, auto c) { return X_(r, c) + 2; }, tol);
  expect_matrix(tn::eval(X + row, X = x, row = rv), [&](auto r, auto c) { return X_(r, c) + LD(rv(0, c)); }, tol);
  expect_matrix(tn::eval(X - col, X = x, col = cv), [&](auto r, auto c) { return X_(r, c) - LD(cv(r, 0)); }, tol);
  expect_matrix(tn::eval(X / row, X = x, row = rv), [&](auto r, auto c) { return X_(r, c) / LD(rv(0, c)); }, tol);
  expect_matrix(tn::eval(tn::hadamard(col, X), X = x, col = cv), [&](auto r, auto c) { return LD(cv(r, 0)) * X_(r, c); },
                tol);
  // row + column: an outer sum
  expect_matrix(tn::eval(row + col, row = rv, col = cv), [&](auto r, auto c) { return LD(rv(0, c)) + LD(cv(r, 0)); }, tol);
  // a simplified-away expression keeps its shape and value
  expect_matrix(tn::eval(X - X + Y, X = x, Y = y), Y_, tol);
}

BOOST_AUTO_TEST_CASE_TEMPLATE(elementwise_functions, T, real_types) {
  std::mt19937 rng(3);
  constexpr auto X = tn::var<"X", 4, 7>;
  const auto x = random_matrix<T, 4, 7>(rng, -3.0, 3.0);
  const auto p = random_matrix<T, 4, 7>(rng, 0.1, 3.0);
  auto X_ = [&](auto r, auto c) { return static_cast<LD>(x(r, c)); };
  auto P_ = [&](auto r, auto c) { return static_cast<LD>(p(r, c)); };
  const double tol = 4 * tolerance<T>();
  expect_matrix(tn::eval(tn::exp(X), X = x), [&](auto r, auto c) { return std::exp(X_(r, c)); }, tol);
  expect_matrix(tn::eval(tn::log(X), X = p), [&](auto r, auto c) { return std::log(P_(r, c)); }, tol);
  expect_matrix(tn::eval(tn::sqrt(X), X = p), [&](auto r, auto c) { return std::sqrt(P_(r, c)); }, tol);
  expect_matrix(tn::eval(tn::tanh(X), X = x), [&](auto r, auto c) { return std::tanh(X_(r, c)); }, tol);
  expect_matrix(tn::eval(tn::sigmoid(X), X = x), [&](auto r, auto c) { return 1 / (1 + std::exp(-X_(r, c))); }, tol);
  expect_matrix(tn::eval(tn::relu(X), X = x), [&](auto r, auto c) { return std::max<LD>(0, X_(r, c)); }, 0);
  expect_matrix(tn::eval(tn::leaky_relu(X), X = x),
                [&](auto r, auto c) { return X_(r, c) > 0 ? X_(r, c) : X_(r, c) / 100; }, tol);
}

BOOST_AUTO_TEST_CASE_TEMPLATE(reductions, T, real_types) {
  std::mt19937 rng(4);
  constexpr auto X = tn::var<"X", 6, 9>;
  const auto x = random_matrix<T, 6, 9>(rng);
  LD total = 0;
  for (T v : x) total += v;
  const double tol = 10 * tolerance<T>();
  expect_scalar(tn::eval(tn::sum(X), X = x), total, tol);
  expect_scalar(tn::eval(tn::mean(X), X = x), total / 54, tol);
  expect_matrix(tn::eval(tn::row_sums(X), X = x),
                [&](std::size_t r, std::size_t) {
                  LD s = 0;
                  for (std::size_t c = 0; c < 9; ++c) s += x(r, c);
                  return s;
                },
                tol);
  expect_matrix(tn::eval(tn::col_sums(X), X = x),
                [&](std::size_t, std::size_t c) {
                  LD s = 0;
                  for (std::size_t r = 0; r < 6; ++r) s += x(r, c);
                  return s;
                },
                tol);
  // 1 x N and N x 1
  constexpr auto Rw = tn::var<"Rw", 1, 9>;
  constexpr auto Cl = tn::var<"Cl", 6, 1>;
  const auto rw = random_matrix<T, 1, 9>(rng);
  const auto cl = random_matrix<T, 6, 1>(rng);
  LD rs = 0, cs = 0;
  for (T v : rw) rs += v;
  for (T v : cl) cs += v;
  expect_scalar(tn::eval(tn::row_sums(Rw), Rw = rw), rs, tol);
  expect_scalar(tn::eval(tn::col_sums(Cl), Cl = cl), cs, tol);
  expect_scalar(tn::eval(tn::mean(Cl), Cl = cl), cs / 6, tol);
}

BOOST_AUTO_TEST_CASE_TEMPLATE(softmax_rows, T, real_types) {
  std::mt19937 rng(5);
  constexpr auto Z = tn::var<"Z", 5, 10>;
  auto z = random_matrix<T, 5, 10>(rng, -4.0, 4.0);
  z(3, 2) = T(1000);  // would overflow exp without the max shift
  z(4, 0) = T(-1000);
  auto ref_log = [&](std::size_t r, std::size_t c) {
    LD m = z(r, 0);
    for (std::size_t k = 1; k < 10; ++k) m = std::max<LD>(m, z(r, k));
    LD s = 0;
    for (std::size_t k = 0; k < 10; ++k) s += std::exp(static_cast<LD>(z(r, k)) - m);
    return static_cast<LD>(z(r, c)) - m - std::log(s);
  };
  const double tol = 10 * tolerance<T>();
  const auto sm = tn::eval(tn::softmax(Z), Z = z);
  const auto lsm = tn::eval(tn::log_softmax(Z), Z = z);
  expect_matrix(sm, [&](auto r, auto c) { return std::exp(ref_log(r, c)); }, tol);
  expect_matrix(lsm, ref_log, tol);
  for (std::size_t r = 0; r < 5; ++r) {
    LD s = 0;
    for (std::size_t c = 0; c < 10; ++c) {
      BOOST_TEST(std::isfinite(sm(r, c)));
      s += sm(r, c);
    }
    BOOST_TEST(std::abs(s - 1) <= tol);
  }
  // log(softmax) is evaluated as log_softmax: finite where log of the
  // underflowed probability would be -inf
  const auto via_log = tn::eval(tn::log(tn::softmax(Z)), Z = z);
  BOOST_TEST(std::isfinite(via_log(3, 0)));
  expect_matrix(via_log, ref_log, tol);
}

BOOST_AUTO_TEST_CASE(layer_forward_pass) {
  // a dense layer with batches as rows, weights out x in (PyTorch's layout)
  std::mt19937 rng(6);
  constexpr auto X = tn::var<"X", 8, 20>;
  constexpr auto W = tn::var<"W", 3, 20>;
  constexpr auto b = tn::var<"b", 1, 3>;
  const auto x = random_matrix<double, 8, 20>(rng);
  const auto w = random_matrix<double, 3, 20>(rng);
  const auto bv = random_matrix<double, 1, 3>(rng);
  const auto y = tn::eval(tn::sigmoid(X * tn::transpose(W) + b), X = x, W = w, b = bv);
  expect_matrix(y,
                [&](std::size_t r, std::size_t o) {
                  LD z = bv(0, o);
                  for (std::size_t i = 0; i < 20; ++i) z += static_cast<LD>(x(r, i)) * w(o, i);
                  return 1 / (1 + std::exp(-z));
                },
                1e-12);
}
