// kernels::gemm against a long-double reference with each strategy forced on
// tail shapes, on the networks' shapes and on large products, and a check
// (counters) that the vector path is taken and its multiply-adds are fused.
#include "../support/gemm_check.hpp"

using namespace typenet_test::gemm_check;

BOOST_AUTO_TEST_SUITE(kernels_gemm_shapes)

BOOST_AUTO_TEST_CASE_TEMPLATE(every_strategy_on_tails, T, types) {
  constexpr std::size_t w = W<T>;
  constexpr int scalar = int(strategy::scalar), broadcast = int(strategy::broadcast);
  check_all_layouts<T, 3 * w + 1, w - 1, 2 * w + 3, broadcast>();
  check_all_layouts<T, 1, w + 1, 1, broadcast>();
  check_all_layouts<T, 29, 3 * w + 1, w, broadcast>();  // 29 rows: uneven MR tiles
  check_all_layouts<T, 33, 65, 17, scalar>();
  check_dot<T, 1, w, 1>();
  check_dot<T, 5, w - 1, 3>();  // no full vector along K: all in the scalar tail
  check_dot<T, 3, 3 * w + 1, w + 1>();
  check_dot<T, 33, 65, 17>();
  check_dot<T, 9, 2 * w, 6>();
}

BOOST_AUTO_TEST_CASE_TEMPLATE(network_shapes, T, types) {
  // batch 32, 784 -> 16: forward X W^T, weight gradient G^T X, input gradient G W.
  check<T, 32, 784, 16, N_, T_, false>();
  check<T, 32, 784, 16, N_, N_, false>();
  check<T, 16, 32, 784, T_, N_, true>();
  check<T, 32, 16, 784, N_, N_, false>();
  check<T, 1, 784, 16, N_, T_, false>();  // inference of one sample
  check<T, 32, 784, 16, N_, T_, false, int(strategy::broadcast)>();
  // Several K blocks and N blocks of the packed path, with a tail panel.
  check<T, 70, 300, 300, N_, T_, true, int(strategy::broadcast)>();
  check<T, 70, 300, 300, N_, N_, false, int(strategy::broadcast)>();
  // B stored K x N with rows >= 2 KiB apart is packed too.
  static_assert(gd::gemm_plan<T, 60, 600, 40, N_, N_>::pack_b);
  check<T, 60, 40, 600, N_, N_, true>();
  check<T, 60, 40, 600, T_, N_, false>();
}

BOOST_AUTO_TEST_CASE(large_float) {
  check<float, 128, 784, 256, N_, T_, false>();
  check<float, 128, 784, 256, N_, N_, true>();
  check<float, 256, 128, 784, T_, N_, false>();
  check<float, 128, 784, 256, N_, T_, false, int(strategy::dot)>();
}

BOOST_AUTO_TEST_CASE_TEMPLATE(the_vector_path_is_taken, T, types) {
  constexpr std::size_t w = W<T>;
  static_assert(gd::gemm_plan<T, 32, 16, 784, N_, T_>::vector_isa, "gemm is built without SIMD");
  BOOST_TEST(w > 1u);
  using big = gd::gemm_plan<T, 128, 256, 784, N_, N_>;
  BOOST_TEST_MESSAGE("width " << w << ", broadcast tile " << big::MR << "x" << big::NR);
  // The plans of the shapes that matter.
  static_assert(gd::gemm_plan<T, 128, 256, 784, N_, N_>::choice == strategy::broadcast);
  static_assert(gd::gemm_plan<T, 128, 256, 784, N_, N_>::NR == 2 * w);
  static_assert(gd::gemm_plan<T, 256, 784, 128, T_, N_>::choice == strategy::broadcast);
  static_assert(gd::gemm_plan<T, 32, 16, 784, N_, T_>::choice == strategy::dot);
  static_assert(gd::gemm_plan<T, 1, 16, 784, N_, T_>::choice == strategy::dot);
  // a product smaller than one vector's worth of vectors runs scalar (4 x 4 x 2 is, with 8-wide vectors)
  static_assert((gd::gemm_plan<T, 4, 4, 2, N_, T_>::choice == strategy::scalar) == (4 * 4 * 2 <= w * w));
  static_assert(gd::gemm_plan<T, 1, 2, 2, N_, T_>::choice == strategy::scalar);

  std::vector<T> a(256 * 784, T(0.5)), b(784 * 256, T(0.25)), c(256 * 784);
  auto& counters = gd::counters();

  // Every multiply-add of these products runs in vector registers.
  counters = {};
  kn::gemm<T, 128, 256, 784, N_, N_>(a.data(), b.data(), c.data());
  BOOST_TEST(counters.broadcast_tiles > 0u);
  BOOST_TEST(counters.scalar_fmas == 0u);
  BOOST_TEST(counters.vector_fmas >= 128u * 256u * 784u);
  BOOST_TEST(c[0] == T(0.5) * T(0.25) * T(784));

  counters = {};
  kn::gemm<T, 128, 256, 784, N_, T_>(a.data(), b.data(), c.data());
  BOOST_TEST(counters.scalar_fmas == 0u);
  BOOST_TEST(counters.vector_fmas >= 128u * 256u * 784u);

  counters = {};
  kn::gemm<T, 256, 784, 128, T_, N_, true>(a.data(), b.data(), c.data());
  BOOST_TEST(counters.scalar_fmas == 0u);
  BOOST_TEST(counters.vector_fmas >= 256u * 784u * 128u);

  counters = {};
  kn::gemm<T, 32, 16, 784, N_, T_>(a.data(), b.data(), c.data());
  BOOST_TEST(counters.dot_tiles > 0u);
  BOOST_TEST(counters.scalar_fmas == 0u);
  BOOST_TEST(counters.vector_fmas == 32u * 16u * 784u);

  // Tails: only the K remainder of the dot form is scalar, nothing of the broadcast form.
  counters = {};
  kn::gemm<T, 33, 17, 65, N_, T_>(a.data(), b.data(), c.data());
  BOOST_TEST(counters.scalar_fmas == 33u * 17u * (65u % w));
  BOOST_TEST(counters.vector_fmas == 33u * 17u * (65u / w * w));
  counters = {};
  kn::gemm<T, 33, 17, 65, N_, N_>(a.data(), b.data(), c.data());
  BOOST_TEST(counters.scalar_fmas == 0u);
  BOOST_TEST(counters.vector_fmas >= 33u * 17u * 65u);

  // The vector kernels fuse their multiply-adds (one rounding): with
  // p = (1 + 2^-12)^2 = 1 + 2^-11 + 2^-24, -(1 + 2^-11) + p is 2^-24 fused and
  // 0 when p is rounded first. xsimd 8's AVX-512 fma is unfused under Clang.
  if constexpr (std::is_same_v<T, float> && (XSIMD_WITH_AVX512F || XSIMD_WITH_FMA3_AVX2)) {
    const T e = std::ldexp(T(1), -12);
    // A is M x 2 (row i: -(1 + 2^-11), 1 + 2^-12); B is 2 x N (rows: 1, 1 + 2^-12).
    constexpr std::size_t m = 20, n = 3 * w;
    std::vector<T> fa(m * 2), fb(2 * n), fc(m * n);
    for (std::size_t i = 0; i < m; ++i) fa[2 * i] = -(1 + 2 * e), fa[2 * i + 1] = 1 + e;
    for (std::size_t j = 0; j < n; ++j) fb[j] = 1, fb[n + j] = 1 + e;
    static_assert(gd::gemm_plan<T, m, n, 2, N_, N_>::choice == strategy::broadcast);
    kn::gemm<T, m, n, 2, N_, N_>(fa.data(), fb.data(), fc.data());
    BOOST_TEST(fc[0] == std::ldexp(T(1), -24));
    BOOST_TEST(fc[m * n - 1] == std::ldexp(T(1), -24));
    // The dot form: A is 4 x 2W, B is 4 x 2W; lane 0 accumulates both products.
    std::vector<T> da(4 * 2 * w, T(0)), db(4 * 2 * w, T(0)), dc(16);
    for (std::size_t r = 0; r < 4; ++r) da[r * 2 * w] = -(1 + 2 * e), da[r * 2 * w + w] = 1 + e;
    for (std::size_t r = 0; r < 4; ++r) db[r * 2 * w] = 1, db[r * 2 * w + w] = 1 + e;
    static_assert(gd::gemm_plan<T, 4, 4, 2 * w, N_, T_>::choice == strategy::dot);
    kn::gemm<T, 4, 4, 2 * w, N_, T_>(da.data(), db.data(), dc.data());
    BOOST_TEST(dc[0] == std::ldexp(T(1), -24));
  }

  // The tiny XOR product is the scalar loop, by design (with 4-wide doubles
  // it is 32 > 4 * 4 multiply-adds and takes the vector path).
  counters = {};
  kn::gemm<T, 4, 4, 2, N_, T_>(a.data(), b.data(), c.data());
  if constexpr (4 * 4 * 2 <= w * w) {
    BOOST_TEST(counters.scalar_fmas == 4u * 4u * 2u);
    BOOST_TEST(counters.vector_fmas == 0u);
  } else {
    BOOST_TEST(counters.vector_fmas > 0u);
  }
  for (std::size_t i = 0; i < 4; ++i)
    for (std::size_t j = 0; j < 4; ++j)
      BOOST_TEST(c[i * 4 + j] == a[i * 2] * b[j * 2] + a[i * 2 + 1] * b[j * 2 + 1]);
}

BOOST_AUTO_TEST_SUITE_END()
