#pragma once
// What every benchmark program shares: dead-code guards, the machine's fp32
// FMA peak (measured in the same run), the page faults and CPU time of a
// timed window, and the summary of interleaved rounds.
#include <typenet/kernels/gemm.hpp>

#include <sys/resource.h>
#include <xsimd/xsimd.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <type_traits>
#include <utility>
#include <vector>

namespace bench {

using clock_type = std::chrono::steady_clock;

// Makes the compiler assume *p is read and written: defeats dead-code elimination.
inline void keep(const void* p) { asm volatile("" : : "r"(p) : "memory"); }

// Forces v through a register the optimiser cannot see into.
template <class V>
inline void force_register(V& v) {
  typename V::register_type r = v;
  asm volatile("" : "+v"(r));
  v = r;
}

/// fp32 FMA GFLOP/s of one core on Arch: register-resident accumulators
/// (16 with AVX-512's 32 vector registers, 12 with AVX2's 16: with 16 there,
/// the two operands do not fit and the loop spills, measuring a third of the
/// peak), ~0.4 ms at AVX-512 peak (short enough to run unpreempted).
template <class Arch>
constexpr std::size_t peak_accumulators = std::is_base_of_v<xsimd::avx512f, Arch> ? 16 : 12;

template <class Arch = xsimd::default_arch>
double fma_peak_gflops() {
  using V = xsimd::batch<float, Arch>;
  // FMA latency 4 (5 on Zen) x 2 ports, with margin, and room for the operands
  constexpr std::size_t accumulators = peak_accumulators<Arch>;
  constexpr std::size_t iterations = 200'000;
  V acc[accumulators];
  for (std::size_t i = 0; i < accumulators; ++i) acc[i] = V(1.f + float(i) * 1e-3f);
  V m(0.9999999f), add(1e-7f);
  force_register(m);  // registers, not memory operands: the loop must not need loads
  force_register(add);
  const auto t0 = clock_type::now();
  for (std::size_t it = 0; it < iterations; ++it) {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      // gemm's own fused multiply-add: xsimd 8's AVX-512 fma is a multiply and
      // an add that Clang does not fuse.
      ((acc[I] = typenet::kernels::gemm_detail::fmadd(acc[I], m, add)), ...);
      // Opaque to the optimiser, free at run time: the FMAs cannot be folded or hoisted.
      (force_register(acc[I]), ...);
    }(std::make_index_sequence<accumulators>{});
  }
  const double seconds = std::chrono::duration<double>(clock_type::now() - t0).count();
  float sum = 0;
  for (auto& a : acc) sum += xsimd::hadd(a);
  keep(&sum);
  return 2.0 * double(accumulators * V::size * iterations) / seconds * 1e-9;
}

/// The best of many short runs: the peak is an upper bound, and on a shared
/// machine interruptions only ever lower a run.
template <class Arch = xsimd::default_arch>
double best_peak(int runs) {
  double best = 0;
  for (int i = 0; i < runs; ++i) best = std::max(best, fma_peak_gflops<Arch>());
  return best;
}

/// Page faults and CPU time over wall time of the code between construction
/// and `finish`.
class usage_window {
 public:
  usage_window() : wall0_(clock_type::now()) { getrusage(RUSAGE_SELF, &r0_); }
  /// Stops the window; `calls` is what the faults are counted per.
  void finish(std::size_t calls) {
    const double wall = std::chrono::duration<double>(clock_type::now() - wall0_).count();
    rusage r1{};
    getrusage(RUSAGE_SELF, &r1);
    faults_per_call =
        double((r1.ru_minflt - r0_.ru_minflt) + (r1.ru_majflt - r0_.ru_majflt)) / double(calls);
    cpu_over_wall = (seconds(r1.ru_utime) - seconds(r0_.ru_utime) + seconds(r1.ru_stime) - seconds(r0_.ru_stime)) / wall;
  }
  double faults_per_call = 0;
  double cpu_over_wall = 0;

 private:
  static double seconds(const timeval& t) { return double(t.tv_sec) + double(t.tv_usec) * 1e-6; }
  rusage r0_{};
  clock_type::time_point wall0_;
};

/// The rounds of one implementation: the median round, the spread of the
/// middle rounds (without the fastest and the slowest when there are 5 or
/// more), the worst faults and the mean CPU over wall time.
struct round_summary {
  double median_us = 0;
  double spread = 0;
  double faults = 0;
  double cpu_over_wall = 0;
};
/// M has median_us, cpu_over_wall and the faults member named by `faults`.
template <class M, class Faults>
round_summary summarize(std::vector<M> ms, Faults M::*faults) {
  std::sort(ms.begin(), ms.end(), [](const M& x, const M& y) { return x.median_us < y.median_us; });
  const M& mid = ms[ms.size() / 2];
  const std::size_t lo = ms.size() >= 5 ? 1 : 0, hi = ms.size() >= 5 ? ms.size() - 2 : ms.size() - 1;
  round_summary s;
  s.median_us = mid.median_us;
  s.spread = (ms[hi].median_us - ms[lo].median_us) / mid.median_us;
  for (const M& m : ms) {
    s.faults = std::max(s.faults, double(m.*faults));
    s.cpu_over_wall += m.cpu_over_wall / double(ms.size());
  }
  return s;
}

}  // namespace bench
