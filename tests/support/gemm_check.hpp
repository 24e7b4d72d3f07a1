// The gemm checks shared by kernels_gemm.cpp and kernels_gemm_shapes.cpp:
// one product against a long-double reference, with guards around C.
//
// The counters change the kernels' code, so this header switches them on and
// must come before anything else that includes gemm.hpp.
#pragma once
#define TYPENET_KERNEL_COUNTERS 1

#include <boost/test/unit_test.hpp>

#include <typenet/kernels/gemm.hpp>

#include <cmath>
#include <cstddef>
#include <limits>
#include <random>
#include <sstream>
#include <tuple>
#include <vector>

namespace typenet_test::gemm_check {

namespace kn = typenet::kernels;
namespace gd = typenet::kernels::gemm_detail;
using kn::layout;
using gd::strategy;

constexpr layout N_ = layout::normal;
constexpr layout T_ = layout::transposed;

inline const char* name(layout l) { return l == layout::normal ? "normal" : "transposed"; }
inline const char* name(strategy s) {
  return s == strategy::scalar ? "scalar" : s == strategy::dot ? "dot" : "broadcast";
}

/// Runs one product with strategy S (or gemm's own choice) and checks every
/// element against a long-double reference: |c - ref| <= (K + 2) eps sum_k |a||b| (+ |c0|).
template <class T, std::size_t M, std::size_t K, std::size_t N, layout LA, layout LB, bool Acc, int S = -1>
void check(unsigned seed = 1) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<T> pick(T(-1), T(1));
  // Vectors with room on both sides: a kernel reading or writing out of bounds hits the guards.
  constexpr std::size_t guard = 64;
  std::vector<T> a(M * K + 2 * guard), b(K * N + 2 * guard), c(M * N + 2 * guard);
  for (auto& x : a) x = pick(rng);
  for (auto& x : b) x = pick(rng);
  for (auto& x : c) x = pick(rng);
  const std::vector<T> c0 = c;
  const T* pa = a.data() + guard;
  const T* pb = b.data() + guard;
  T* pc = c.data() + guard;

  if constexpr (S < 0)
    kn::gemm<T, M, N, K, LA, LB, Acc>(pa, pb, pc);
  else
    gd::gemm_with<strategy(S), T, M, N, K, LA, LB, Acc>(pa, pb, pc);

  const long double eps = std::numeric_limits<T>::epsilon();
  double worst = 0;
  std::size_t wi = 0, wj = 0;
  long double worst_got = 0, worst_ref = 0;
  for (std::size_t i = 0; i < M; ++i) {
    for (std::size_t j = 0; j < N; ++j) {
      long double ref = Acc ? c0[guard + i * N + j] : 0.0L;
      long double bound = Acc ? std::fabs(ref) : 0.0L;
      for (std::size_t k = 0; k < K; ++k) {
        const long double x = LA == N_ ? pa[i * K + k] : pa[k * M + i];
        const long double y = LB == N_ ? pb[k * N + j] : pb[j * K + k];
        ref += x * y;
        bound += std::fabs(x * y);
      }
      const long double got = pc[i * N + j];
      const long double tol = (K + 2) * eps * bound + std::numeric_limits<T>::min();
      const double ratio = double(std::fabs(got - ref) / tol);
      if (!(ratio <= worst)) {  // also catches NaN
        worst = std::isnan(ratio) ? std::numeric_limits<double>::infinity() : ratio;
        wi = i, wj = j, worst_got = got, worst_ref = ref;
      }
    }
  }
  bool guards_intact = true;
  for (std::size_t g = 0; g < guard; ++g)
    guards_intact = guards_intact && c[g] == c0[g] && c[guard + M * N + g] == c0[guard + M * N + g];

  std::ostringstream what;
  what << (sizeof(T) == 4 ? "float " : "double ") << M << "x" << K << "x" << N << " A " << name(LA) << " B "
       << name(LB) << (Acc ? " C +=" : " C =") << " strategy "
       << (S < 0 ? name(gd::gemm_plan<T, M, N, K, LA, LB>::choice) : name(strategy(S)))
       << (S < 0 ? " (chosen)" : " (forced)") << ": worst error / tolerance " << worst << " at (" << wi << ", "
       << wj << "): got " << double(worst_got) << ", reference " << double(worst_ref);
  BOOST_TEST(worst <= 1.0, what.str());
  BOOST_TEST(guards_intact, what.str() << ": wrote outside C");
}

template <class T, std::size_t M, std::size_t K, std::size_t N, int S = -1>
void check_all_layouts(unsigned seed = 1) {
  check<T, M, K, N, N_, N_, false, S>(seed);
  check<T, M, K, N, N_, T_, false, S>(seed + 1);
  check<T, M, K, N, T_, N_, true, S>(seed + 2);
  check<T, M, K, N, T_, T_, true, S>(seed + 3);
  check<T, M, K, N, N_, N_, true, S>(seed + 4);
  check<T, M, K, N, N_, T_, true, S>(seed + 5);
  check<T, M, K, N, T_, N_, false, S>(seed + 6);
  check<T, M, K, N, T_, T_, false, S>(seed + 7);
}

template <class T, std::size_t M, std::size_t K, std::size_t N>
void check_dot(unsigned seed = 1) {
  check<T, M, K, N, N_, T_, false, int(strategy::dot)>(seed);
  check<T, M, K, N, N_, T_, true, int(strategy::dot)>(seed + 1);
}

template <class T>
constexpr std::size_t W = gd::width<T>;

using types = std::tuple<float, double>;

}  // namespace typenet_test::gemm_check
