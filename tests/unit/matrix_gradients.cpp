// Matrix derivative rules against central finite differences in double, on
// random non-square shapes and on 1xN / Nx1: products, broadcasts,
// reductions, the softmax family and a two-layer network (the elementwise
// rules are in matrix_gradients_elementwise.cpp, built in parallel). Each op
// is wrapped as sum(G .* op(...)) with a random G, so the check covers an
// arbitrary upstream gradient, not just ones.
#include <boost/test/unit_test.hpp>

#include <random>

#include "../support/matrix_check.hpp"

namespace tn = typenet;
using namespace tn::literals;
using typenet_test::check_gradients;
using typenet_test::random_matrix;
using typenet_test::weighted;
using typenet_test::weights;

namespace {
constexpr double tol = 1e-6;

template <std::size_t M, std::size_t K, std::size_t N>
void check_matmul(std::mt19937& rng) {
  constexpr auto A = tn::var<"A", M, K>;
  constexpr auto B = tn::var<"B", K, N>;
  const auto a = random_matrix<double, M, K>(rng);
  const auto b = random_matrix<double, K, N>(rng);
  check_gradients(weighted(A * B), tol, A = a, B = b, weights<decltype(A * B)>(rng));
  constexpr auto Bt = tn::var<"Bt", N, K>;
  const auto bt = random_matrix<double, N, K>(rng);
  check_gradients(weighted(A * tn::transpose(Bt)), tol, A = a, Bt = bt, weights<decltype(A * tn::transpose(Bt))>(rng));
}

template <std::size_t R, std::size_t C>
void check_broadcasts_and_reductions(std::mt19937& rng) {
  constexpr auto X = tn::var<"X", R, C>;
  constexpr auto row = tn::var<"row", 1, C>;
  constexpr auto col = tn::var<"col", R, 1>;
  constexpr auto s = tn::var<"s">;
  const auto x = random_matrix<double, R, C>(rng);
  auto bind_all = [&](auto f) {
    check_gradients(weighted(f), tol, X = x, row = random_matrix<double, 1, C>(rng, 0.5, 2.0),
                    col = random_matrix<double, R, 1>(rng, 0.5, 2.0), s = 1.3, weights<decltype(f)>(rng));
  };
  bind_all(X + row + col + s);
  bind_all(tn::hadamard(X, row) - tn::hadamard(col, X) + s * X);
  bind_all(X / row + X / col + X / s);
  bind_all(tn::row_sums(tn::square(X)) + col + s);
  bind_all(tn::col_sums(tn::exp(X)) + row);
  bind_all(tn::sum(tn::sigmoid(X)) * s + tn::sum(row) + tn::mean(col));
  bind_all(tn::mean(tn::hadamard(X, X + row)) + s);
}

template <std::size_t R, std::size_t C>
void check_softmax(std::mt19937& rng) {
  constexpr auto Z = tn::var<"Z", R, C>;
  const auto z = random_matrix<double, R, C>(rng, -3.0, 3.0);
  check_gradients(weighted(tn::softmax(Z)), tol, Z = z, weights<decltype(tn::softmax(Z))>(rng));
  check_gradients(weighted(tn::log_softmax(Z)), tol, Z = z, weights<decltype(tn::log_softmax(Z))>(rng));
  check_gradients(weighted(tn::log(tn::softmax(Z))), tol, Z = z, weights<decltype(tn::softmax(Z))>(rng));
}

}  // namespace

BOOST_AUTO_TEST_CASE(matrix_product) {
  std::mt19937 rng(11);
  check_matmul<3, 4, 5>(rng);
  check_matmul<1, 6, 4>(rng);
  check_matmul<5, 6, 1>(rng);
  check_matmul<1, 7, 1>(rng);
  check_matmul<6, 1, 3>(rng);
}

BOOST_AUTO_TEST_CASE(broadcasts_and_reductions) {
  std::mt19937 rng(13);
  check_broadcasts_and_reductions<4, 3>(rng);
  check_broadcasts_and_reductions<1, 5>(rng);
  check_broadcasts_and_reductions<5, 1>(rng);
}

BOOST_AUTO_TEST_CASE(softmax_family) {
  std::mt19937 rng(14);
  check_softmax<3, 4>(rng);
  check_softmax<1, 6>(rng);
  check_softmax<4, 1>(rng);
}

BOOST_AUTO_TEST_CASE(two_layer_network) {
  // batch 5, 7 inputs, 4 hidden (tanh), 3 classes, softmax + cross-entropy
  std::mt19937 rng(15);
  constexpr auto X = tn::var<"X", 5, 7>;
  constexpr auto Y = tn::var<"Y", 5, 3>;
  constexpr auto W1 = tn::var<"W1", 4, 7>;
  constexpr auto b1 = tn::var<"b1", 1, 4>;
  constexpr auto W2 = tn::var<"W2", 3, 4>;
  constexpr auto b2 = tn::var<"b2", 1, 3>;
  constexpr auto H = tn::tanh(X * tn::transpose(W1) + b1);
  constexpr auto P = tn::softmax(H * tn::transpose(W2) + b2);
  constexpr auto loss = -tn::sum(tn::hadamard(Y, tn::log(P))) / 5_c;
  tn::matrix<double, 5, 3> y{};
  for (std::size_t r = 0; r < 5; ++r) y(r, (r * 2) % 3) = 1;
  check_gradients(loss, tol, W1 = random_matrix<double, 4, 7>(rng), b1 = random_matrix<double, 1, 4>(rng),
                  W2 = random_matrix<double, 3, 4>(rng), b2 = random_matrix<double, 1, 3>(rng),
                  X = random_matrix<double, 5, 7>(rng), Y = y);
}
