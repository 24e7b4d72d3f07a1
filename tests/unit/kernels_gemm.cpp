// kernels::gemm against a long-double reference: float and double, the four
// layouts, C = and C +=, gemm's own choice on tail shapes around the SIMD
// width (each strategy forced on tails, the networks' shapes and the
// vector-path counters are in kernels_gemm_shapes.cpp, built in parallel).
#include "../support/gemm_check.hpp"

using namespace typenet_test::gemm_check;

BOOST_AUTO_TEST_SUITE(kernels_gemm)

BOOST_AUTO_TEST_CASE_TEMPLATE(degenerate_and_tiny_shapes, T, types) {
  check_all_layouts<T, 1, 1, 1>();
  check_all_layouts<T, 1, 3 * W<T> + 1, 1>();
  check_all_layouts<T, 4, 2, 4>();   // the XOR net's first layer
  check_all_layouts<T, 4, 4, 1>();   // and its output layer
  check_all_layouts<T, 1, 5, 3>();
  check_all_layouts<T, 7, 1, 2 * W<T> + 3>();  // K = 1
}

BOOST_AUTO_TEST_CASE_TEMPLATE(tails_around_the_simd_width, T, types) {
  constexpr std::size_t w = W<T>;
  // M x K x N: each extent through W - 1, W, W + 1 and 3W + 1.
  check_all_layouts<T, w - 1, w, w + 1>();
  check_all_layouts<T, w, w + 1, w - 1>();
  check_all_layouts<T, w + 1, w - 1, w>();
  check_all_layouts<T, 3 * w + 1, 3 * w + 1, 3 * w + 1>();
  check_all_layouts<T, 33, 65, 17>();
}

BOOST_AUTO_TEST_SUITE_END()
