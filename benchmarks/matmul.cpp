// typenet::kernels::gemm against Eigen 3.4 and OpenBLAS, one thread, fp32,
// on the products of the benchmark networks, with the machine's FMA peak
// measured in the same run.
//
// Method (see /work/shared/BENCHMARKS.md): warm up, then the median of many
// individually timed calls (steady_clock; calls shorter than ~1 us are timed
// in groups), repeated in rounds interleaved across implementations; the
// table shows the median of the round medians and the spread of the middle
// rounds. Page faults per call come from getrusage; CPU time over wall time
// checks that nothing ran on a second thread.
//
// Usage: matmul [--rounds N] [--strategies]
//   --strategies  also time typenet's gemm with each strategy forced
#include <typenet/kernels/gemm.hpp>

#include "common.hpp"

#include <Eigen/Core>
#include <cblas.h>
#include <sys/resource.h>
#include <xsimd/xsimd.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace kn = typenet::kernels;
using kn::layout;
using bench::clock_type;
using bench::keep;

namespace {

struct aligned_floats {
  std::unique_ptr<float[], decltype(&std::free)> data{nullptr, &std::free};
  explicit aligned_floats(std::size_t n) {
    const std::size_t bytes = (n * sizeof(float) + 63) / 64 * 64;
    data.reset(static_cast<float*>(std::aligned_alloc(64, bytes)));
    std::mt19937 rng(static_cast<unsigned>(n));
    std::uniform_real_distribution<float> pick(-1.f, 1.f);
    for (std::size_t i = 0; i < n; ++i) data[i] = pick(rng);
  }
  float* get() const { return data.get(); }
};

// --- timing -------------------------------------------------------------------------------

struct measurement {
  double median_us = 0;
  double faults_per_call = 0;
  double cpu_over_wall = 0;
};

measurement measure(const std::function<void()>& call, const float* out) {
  // Estimate, then group calls so one sample lasts >= 1 us (clock overhead ~20 ns).
  for (int i = 0; i < 20; ++i) call(), keep(out);
  auto t0 = clock_type::now();
  for (int i = 0; i < 20; ++i) call(), keep(out);
  const double estimate = std::chrono::duration<double>(clock_type::now() - t0).count() / 20;
  const std::size_t group = std::max<std::size_t>(1, std::size_t(std::ceil(1e-6 / std::max(estimate, 1e-10))));
  const double per_sample = estimate * double(group);
  const std::size_t samples = std::clamp<std::size_t>(std::size_t(0.12 / per_sample), 200, 20000);
  const std::size_t warmup = std::clamp<std::size_t>(std::size_t(0.02 / per_sample), 200, 2000);
  for (std::size_t i = 0; i < warmup * group; ++i) call(), keep(out);

  std::vector<double> times(samples);
  bench::usage_window usage;
  for (std::size_t s = 0; s < samples; ++s) {
    const auto start = clock_type::now();
    for (std::size_t g = 0; g < group; ++g) call(), keep(out);
    times[s] = std::chrono::duration<double, std::micro>(clock_type::now() - start).count() / double(group);
  }
  usage.finish(samples * group);
  std::nth_element(times.begin(), times.begin() + long(samples / 2), times.end());
  measurement m;
  m.median_us = times[samples / 2];
  m.faults_per_call = usage.faults_per_call;
  m.cpu_over_wall = usage.cpu_over_wall;
  return m;
}

// --- the implementations ------------------------------------------------------------------

template <std::size_t R, std::size_t C>
using eigen_rm = Eigen::Matrix<float, int(R), int(C), (C == 1 && R != 1) ? Eigen::ColMajor : Eigen::RowMajor>;

template <std::size_t M, std::size_t N, std::size_t K, layout LA, layout LB>
void eigen_gemm(const float* a, const float* b, float* c) {
  using a_stored = eigen_rm<LA == layout::normal ? M : K, LA == layout::normal ? K : M>;
  using b_stored = eigen_rm<LB == layout::normal ? K : N, LB == layout::normal ? N : K>;
  Eigen::Map<const a_stored, Eigen::Aligned64> A(a);
  Eigen::Map<const b_stored, Eigen::Aligned64> B(b);
  Eigen::Map<eigen_rm<M, N>, Eigen::Aligned64> C(c);
  if constexpr (LA == layout::normal && LB == layout::normal) C.noalias() = A * B;
  if constexpr (LA == layout::normal && LB == layout::transposed) C.noalias() = A * B.transpose();
  if constexpr (LA == layout::transposed && LB == layout::normal) C.noalias() = A.transpose() * B;
  if constexpr (LA == layout::transposed && LB == layout::transposed) C.noalias() = A.transpose() * B.transpose();
}

template <std::size_t M, std::size_t N, std::size_t K, layout LA, layout LB>
void openblas_gemm(const float* a, const float* b, float* c) {
  cblas_sgemm(CblasRowMajor, LA == layout::normal ? CblasNoTrans : CblasTrans,
              LB == layout::normal ? CblasNoTrans : CblasTrans, int(M), int(N), int(K), 1.f, a,
              int(LA == layout::normal ? K : M), b, int(LB == layout::normal ? N : K), 0.f, c, int(N));
}

struct impl {
  std::string name;
  std::function<void()> call;
};

struct bench_case {
  std::string shape, layouts, what;
  double flops;
  std::shared_ptr<aligned_floats> a, b, c;
  std::vector<impl> impls;
  std::vector<std::vector<measurement>> rounds;  // [impl][round]
};

template <std::size_t M, std::size_t K, std::size_t N, layout LA, layout LB>
bench_case make_case(std::string what, bool strategies) {
  bench_case bc;
  bc.shape = std::to_string(M) + "x" + std::to_string(K) + "x" + std::to_string(N);
  bc.layouts = std::string(LA == layout::normal ? "A" : "At") + (LB == layout::normal ? "*B" : "*Bt");
  bc.what = std::move(what);
  bc.flops = 2.0 * double(M) * double(N) * double(K);
  bc.a = std::make_shared<aligned_floats>(M * K);
  bc.b = std::make_shared<aligned_floats>(K * N);
  bc.c = std::make_shared<aligned_floats>(M * N);
  const float *a = bc.a->get(), *b = bc.b->get();
  float* c = bc.c->get();
  bc.impls.push_back({"typenet", [=] { kn::gemm<float, M, N, K, LA, LB>(a, b, c); }});
  if (strategies) {
    using namespace kn::gemm_detail;
    using plan = gemm_plan<float, M, N, K, LA, LB>;
    if constexpr (plan::choice != strategy::broadcast)
      bc.impls.push_back(
          {"typenet/broadcast", [=] { gemm_with<strategy::broadcast, float, M, N, K, LA, LB, false>(a, b, c); }});
    if constexpr (plan::dot_ok && plan::choice != strategy::dot)
      bc.impls.push_back({"typenet/dot", [=] { gemm_with<strategy::dot, float, M, N, K, LA, LB, false>(a, b, c); }});
  }
  bc.impls.push_back({"Eigen", [=] { eigen_gemm<M, N, K, LA, LB>(a, b, c); }});
  bc.impls.push_back({"OpenBLAS", [=] { openblas_gemm<M, N, K, LA, LB>(a, b, c); }});
  bc.rounds.resize(bc.impls.size());
  return bc;
}

}  // namespace

int main(int argc, char** argv) {
  int rounds = 5;
  bool strategies = false;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--rounds") && i + 1 < argc) {
      rounds = std::max(1, std::atoi(argv[++i]));
    } else if (!std::strcmp(argv[i], "--strategies")) {
      strategies = true;
    } else {
      std::fprintf(stderr, "usage: matmul [--rounds N] [--strategies]\n");
      return 2;
    }
  }
  openblas_set_num_threads(1);

  std::vector<bench_case> cases;
  // M x K x N: batch x in x out forward (B = W, stored out x in: A*Bt), then the backward products.
  cases.push_back(make_case<32, 784, 16, layout::normal, layout::normal>("", strategies));
  cases.push_back(make_case<32, 784, 16, layout::normal, layout::transposed>("W1 fwd X*W1t", strategies));
  cases.push_back(make_case<16, 32, 784, layout::transposed, layout::normal>("W1 dW1 = Gt*X", strategies));
  cases.push_back(make_case<1, 784, 16, layout::normal, layout::transposed>("W1i x*W1t", strategies));
  cases.push_back(make_case<128, 784, 256, layout::normal, layout::normal>("", strategies));
  cases.push_back(make_case<128, 784, 256, layout::normal, layout::transposed>("W2 fwd X*W1t", strategies));
  cases.push_back(make_case<256, 128, 784, layout::transposed, layout::normal>("W2 dW1 = Gt*X", strategies));
  cases.push_back(make_case<128, 256, 128, layout::normal, layout::normal>("W2 dH1 = G2*W2", strategies));
  cases.push_back(make_case<256, 256, 256, layout::normal, layout::normal>("", strategies));
  cases.push_back(make_case<4, 2, 4, layout::normal, layout::transposed>("W3 fwd X*W1t", strategies));

  const double peak = bench::best_peak<xsimd::default_arch>(50);
  const double peak_avx2 = bench::best_peak<xsimd::avx2>(20);

  for (int r = 0; r < rounds; ++r)
    for (auto& bc : cases)
      for (std::size_t i = 0; i < bc.impls.size(); ++i)
        bc.rounds[i].push_back(measure(bc.impls[i].call, bc.c->get()));

  const char* coretype = std::getenv("OPENBLAS_CORETYPE");
  std::printf("fp32, one thread; median of %d interleaved rounds, each the median of individually timed calls\n",
              rounds);
  std::printf("xsimd arch %s; OpenBLAS core %s (OPENBLAS_CORETYPE=%s)\n", xsimd::default_arch::name(),
              openblas_get_corename(), coretype ? coretype : "unset");
  std::printf("FMA peak, one core, best of 50 short runs: %.1f GFLOP/s (%s, %zu accumulators), %.1f GFLOP/s "
              "(avx2)\n\n",
              peak, xsimd::default_arch::name(), bench::peak_accumulators<xsimd::default_arch>, peak_avx2);
  std::printf("%-12s %-6s %-16s %-18s %10s %9s %7s %9s %7s %8s %8s\n", "MxKxN", "op", "use", "impl", "median us",
              "GFLOP/s", "% peak", "vs typenet", "spread", "faults", "cpu/wall");
  for (auto& bc : cases) {
    double typenet_us = 0;
    for (std::size_t i = 0; i < bc.impls.size(); ++i) {
      const bench::round_summary mid = bench::summarize(bc.rounds[i], &measurement::faults_per_call);
      if (i == 0) typenet_us = mid.median_us;
      const double gflops = bc.flops / mid.median_us * 1e-3;
      std::printf("%-12s %-6s %-16s %-18s %10.*f %9.1f %6.1f%% %9.2fx %6.1f%% %8.2f %8.2f\n", bc.shape.c_str(),
                  bc.layouts.c_str(), bc.what.c_str(), bc.impls[i].name.c_str(), mid.median_us < 1 ? 4 : 2,
                  mid.median_us, gflops,
                  100.0 * gflops / peak, mid.median_us / typenet_us, 100.0 * mid.spread, mid.faults,
                  mid.cpu_over_wall);
    }
  }
  std::printf("\nvs typenet: time / typenet's time (> 1: typenet is faster). spread: (slowest - fastest) / median\n"
              "over the rounds, without the extremes when there are 5 or more. faults: page faults per call, worst "
              "round.\n");
  return 0;
}
