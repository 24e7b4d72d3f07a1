#pragma once
/// `typenet::kernels::gemm`: C = op(A) * op(B) (or C += ...) for static shapes,
/// float and double, on xsimd batches (the architecture comes from the compile
/// flags). No heap allocation, no exceptions.
///
/// Three strategies, chosen at compile time from the shape (see `gemm_plan`):
///  - `scalar`: tiny products (the XOR net); plain loops with constant bounds,
///    which the compiler unrolls completely.
///  - `dot`: A normal and B transposed (X * W^T) with few rows of A: every
///    C(i, j) is a dot product of two contiguous rows, vectorised along K; a
///    4x4 tile of vector accumulators is reduced with zips in 128-bit lanes. Nothing is
///    packed, so the 1x784x16 inference row and the 32x784x16 batch never pay
///    for transposing W.
///  - `broadcast`: the Goto/BLIS register-blocked micro-kernel. An MR x (NV*W)
///    tile of C lives in MR*NV vector registers; each step over k loads NV
///    vectors of op(B) and broadcasts MR scalars of op(A) into FMAs. op(A) is
///    read in place in both layouts (normal: row stride K; transposed: the MR
///    values of one k are contiguous, which is already the packed layout).
///    op(B) is read in place when it is stored K x N (rows under 2 KiB apart),
///    and is otherwise packed, KC x NC at a time, into a fixed 256 KiB
///    `thread_local` buffer of NR-wide, zero-padded, k-major panels; B stored
///    N x K is transposed on the way, 4 rows x 16 floats per step in registers.
///
/// `gemm_plan<T, M, N, K, LA, LB>` holds every decision as constants; with
/// TYPENET_KERNEL_COUNTERS defined (in every translation unit of a program),
/// `gemm_detail::counters()` counts vector tiles and multiply-adds against the
/// scalar ones, so a test can prove the SIMD path ran.
#include <xsimd/xsimd.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <utility>

namespace typenet::kernels {

/// How a gemm operand is stored: as the matrix itself (row-major), or as its transpose (row-major).
enum class layout { normal, transposed };

namespace gemm_detail {

template <class T>
using vec = xsimd::batch<T>;
template <class T>
inline constexpr std::size_t width = vec<T>::size;

enum class strategy { scalar, dot, broadcast };

// --- counters: compiled in only with TYPENET_KERNEL_COUNTERS --------------------

#ifdef TYPENET_KERNEL_COUNTERS
inline constexpr bool counters_enabled = true;
#else
inline constexpr bool counters_enabled = false;
#endif

/// What the kernels did on this thread since the last reset (only counted when
/// TYPENET_KERNEL_COUNTERS is defined): vector micro-kernel calls, the
/// multiply-adds done in vector registers and by the scalar fallback, and the
/// elements copied into packing buffers.
struct gemm_counters {
  std::uint64_t broadcast_tiles = 0;
  std::uint64_t dot_tiles = 0;
  std::uint64_t vector_fmas = 0;  // lanes, including zero padding
  std::uint64_t scalar_fmas = 0;
  std::uint64_t packed_elements = 0;
};

inline gemm_counters& counters() noexcept {
  static thread_local gemm_counters c{};
  return c;
}

template <std::uint64_t gemm_counters::*Field>
inline void count([[maybe_unused]] std::uint64_t n) noexcept {
  if constexpr (counters_enabled) counters().*Field += n;
}

/// An xsimd 8 x86 architecture: the sse2.., avx.. and avx512f.. families (each
/// derives from generic), whose register types are vector-extension types.
template <class A>
inline constexpr bool is_x86 =
    std::is_base_of_v<xsimd::sse2, A> || std::is_base_of_v<xsimd::avx, A> || std::is_base_of_v<xsimd::avx512f, A>;

// --- fused multiply-add ------------------------------------------------------------------

/// x * y + z, fused where the target has FMA. xsimd 8 has fma kernels only for
/// its fma3<...> architectures, not for avx512f..avx512bw nor plain avx2: there
/// its generic fallback is a multiply and an add intrinsic, which GCC fuses
/// (-ffp-contract=fast) but Clang does not (contract=on fuses only within one
/// source expression), halving Clang's throughput. On x86 the register types
/// are vector-extension types, so one expression here is fused by both.
template <class T, class A>
[[gnu::always_inline]] inline xsimd::batch<T, A> fmadd(const xsimd::batch<T, A>& x, const xsimd::batch<T, A>& y,
                                                       const xsimd::batch<T, A>& z) noexcept {
  if constexpr (XSIMD_VERSION_MAJOR < 9 && is_x86<A>) {
    using R = typename xsimd::batch<T, A>::register_type;
    const R xr = x, yr = y, zr = z;
    return xsimd::batch<T, A>(R(xr * yr + zr));
  } else {
    return xsimd::fma(x, y, z);
  }
}

// --- compile-time unrolling ---------------------------------------------------------

template <class F, std::size_t... I>
[[gnu::always_inline]] inline void static_for_impl(F&& f, std::index_sequence<I...>) {
  (f(std::integral_constant<std::size_t, I>{}), ...);
}
/// f(integral_constant<0>) ... f(integral_constant<N-1>), unrolled whatever the optimiser thinks.
template <std::size_t N, class F>
[[gnu::always_inline]] inline void static_for(F&& f) {
  static_for_impl(f, std::make_index_sequence<N>{});
}

constexpr std::size_t ceil_div(std::size_t a, std::size_t b) { return (a + b - 1) / b; }
constexpr std::size_t round_up(std::size_t a, std::size_t b) { return ceil_div(a, b) * b; }

// --- element access -------------------------------------------------------------------

/// op(A)(i, k) for A stored M x K (normal) or K x M (transposed).
template <layout L, std::size_t M, std::size_t K>
struct a_strides {
  static constexpr std::size_t row = L == layout::normal ? K : 1;  // i -> i+1
  static constexpr std::size_t depth = L == layout::normal ? 1 : M;  // k -> k+1
};
/// op(B)(k, j) for B stored K x N (normal) or N x K (transposed).
template <layout L, std::size_t N, std::size_t K>
struct b_strides {
  static constexpr std::size_t depth = L == layout::normal ? N : 1;  // k -> k+1
  static constexpr std::size_t col = L == layout::normal ? 1 : K;    // j -> j+1
};

/// Bytes of the packing buffer for B: one per thread and scalar type, whatever the shape.
inline constexpr std::size_t pack_buffer_bytes = 256 * 1024;

// --- the plan ---------------------------------------------------------------------------

/// Everything gemm decides from the shape, as constants a test can read.
template <class T, std::size_t M, std::size_t N, std::size_t K, layout LA, layout LB>
struct gemm_plan {
  static constexpr std::size_t W = width<T>;
  static constexpr bool vector_isa = W > 1;

  // dot: C(i, j) = <row i of A, row j of B>; needs both rows contiguous and a vector's worth of K.
  static constexpr bool dot_ok = vector_isa && LA == layout::normal && LB == layout::transposed && K >= W;
  // With few rows of A, transposing B into panels costs more than the dot form's
  // horizontal sums: for 784-deep products dot wins at 32 rows (5.1 vs 5.4 us)
  // and loses at 128 (325 vs 290 us).
  static constexpr std::size_t dot_max_rows = 64;
  static constexpr bool tiny = M * N * K <= W * W;

  static constexpr strategy choice = !vector_isa || tiny                          ? strategy::scalar
                                     : dot_ok && (M < dot_max_rows || N < W)      ? strategy::dot
                                     : N >= W / 2 || K < W || LB == layout::normal ? strategy::broadcast
                                     : dot_ok                                     ? strategy::dot
                                                                                  : strategy::broadcast;

  // Vector registers: 32 with AVX-512, 16 before (SSE, AVX2).
  static constexpr std::size_t registers = std::is_base_of_v<xsimd::avx512f, typename vec<T>::arch_type> ? 32 : 16;

  // broadcast: an MR x NR register tile, NR = NV vectors. With 32 registers,
  // 28 accumulators plus the NV loads of B leave one for a broadcast of A; with
  // 16, the classic 6 x 2 vectors (12 accumulators).
  static constexpr std::size_t NV = N <= W ? 1 : 2;
  static constexpr std::size_t NR = NV * W;
  static constexpr std::size_t MR_max = registers == 32 ? (NV == 2 ? 14 : 16) : (NV == 2 ? 6 : 12);
  static constexpr std::size_t m_tiles = ceil_div(M, MR_max);
  static constexpr std::size_t MR = ceil_div(M, m_tiles);           // balanced row tiles
  static constexpr std::size_t MR_last = M - (m_tiles - 1) * MR;
  // Cache blocking: a KC x NC block of packed B (<= 256 KiB, L2), an MR x KC
  // sliver of A (L1) under the NR-wide panels streaming through.
  static constexpr std::size_t KC_max = 256;
  static constexpr std::size_t k_blocks = ceil_div(K, KC_max);
  static constexpr std::size_t KC = round_up(ceil_div(K, k_blocks), W);  // whole vectors of k per block
  static constexpr std::size_t NC_max = std::max<std::size_t>(NR, pack_buffer_bytes / sizeof(T) / KC_max / NR * NR);
  static constexpr std::size_t n_blocks = ceil_div(N, NC_max);
  static constexpr std::size_t NC = round_up(ceil_div(N, n_blocks), NR);
  // B stored N x K is always packed (transposed into panels), and so is a last
  // panel narrower than NR. B stored K x N is read in place unless its rows are
  // 2 KiB or more apart: then a panel's KC rows sit on as many pages (DTLB
  // misses) and packing pays once several row tiles reuse it (256x128x784
  // At*B: 289 -> 275 us; at 1 KiB rows, 128x784x256 and 256^3, packing was
  // slower or equal).
  static constexpr bool pack_b =
      LB == layout::transposed || (N * sizeof(T) >= 2048 && m_tiles >= 4);
  static constexpr std::size_t n_full_panels = N / NR;
  static constexpr std::size_t tail_cols = N % NR;                 // a last, narrower panel
  static constexpr std::size_t tail_nv = ceil_div(tail_cols, W);
  static constexpr std::size_t tail_last_lanes = tail_cols - (tail_nv == 0 ? 0 : (tail_nv - 1) * W);

  // dot: a DM x DN tile of vector accumulators, reduced together (reduce_lanes).
  // 6 x 4 (24 accumulators, 6 + 1 loads) was ~4% faster than 4 x 4 on
  // 32x784x16 with both compilers; 8 x 3, 8 x 2 and 4 x 6 were not. One row of
  // A (inference): 8 rows of B at a time streamed faster than 16 (1x784x16:
  // 0.26 vs 0.35 us). With 16 registers: 2 x 4.
  static constexpr std::size_t DM = registers == 32 ? (M >= 6 ? 6 : 4) : 2;
  static constexpr std::size_t DN = M < 4 ? std::max<std::size_t>(1, W / 2) : 4;
};

// --- strategy: scalar -----------------------------------------------------------------

// C must not alias A or B (gemm's contract). The pointers are deliberately
// not __restrict: with them g++ 12 -O3 on AVX-512 computed a wrong weight
// gradient in unit.network_gradients_mse (4x5x3 double products; right with
// clang, -O2, or without __restrict; no overlap found at run time). The price
// is g++'s run-time overlap check in the tiny products (W3's 4x2x4).
template <class T, std::size_t M, std::size_t N, std::size_t K, layout LA, layout LB, bool Accumulate>
inline void gemm_scalar(const T* a, const T* b, T* c) noexcept {
  using as = a_strides<LA, M, K>;
  using bs = b_strides<LB, N, K>;
  for (std::size_t i = 0; i < M; ++i) {
    for (std::size_t j = 0; j < N; ++j) {
      T s = a[i * as::row] * b[j * bs::col];
      for (std::size_t k = 1; k < K; ++k) s += a[i * as::row + k * as::depth] * b[k * bs::depth + j * bs::col];
      c[i * N + j] = Accumulate ? c[i * N + j] + s : s;
    }
  }
  count<&gemm_counters::scalar_fmas>(M * N * K);
}

// --- horizontal sums --------------------------------------------------------------------

/// xsimd 8's zip_lo/zip_hi interleave within each 128-bit lane (SSE, AVX, AVX-512).
/// xsimd::haddp is not used: its AVX-512 float version returns lanes 2,3 and
/// 4,5 swapped, and under GCC 12 its out-of-line copy trips -Werror=uninitialized
/// on _mm512_undefined_ps(). Other xsimd versions take the plain hadd path below.
inline constexpr bool zip_in_128_bit_lanes = XSIMD_VERSION_MAJOR < 9;
/// Vectors reduced together: those whose sums fill one 128-bit lane.
template <class T>
inline constexpr std::size_t reduce_group = zip_in_128_bit_lanes && width<T> * sizeof(T) % 16 == 0 ? 16 / sizeof(T) : 1;

// GCC 12 reports the self-initialised _mm512_undefined_ps() inside the AVX-512
// unpack intrinsics as uninitialised once inlined (fixed in GCC 13).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
/// sums[t] = the sum of the lanes of acc[t], t < Count (a multiple of reduce_group<T>).
/// Groups of G = 16 / sizeof(T) vectors fold with zips into one vector whose every
/// 128-bit lane holds G partial sums; the lanes are then added as scalars.
template <class T, std::size_t Count>
[[gnu::always_inline]] inline void reduce_lanes(const vec<T>* acc, T* sums) noexcept {
  using V = vec<T>;
  constexpr std::size_t W = width<T>;
  constexpr std::size_t G = reduce_group<T>;
  if constexpr (G == 1) {
    static_for<Count>([&](auto t) { sums[t] = xsimd::hadd(acc[t]); });
  } else {
    constexpr std::size_t lanes = W / G;
    static_for<Count / G>([&](auto g) {
      const V* x = acc + g * G;
      V folded;
      if constexpr (G == 4) {  // float: [a0 b0 a1 b1] + [a2 b2 a3 b3], then the same on pairs
        const V ab = xsimd::zip_lo(x[0], x[1]) + xsimd::zip_hi(x[0], x[1]);
        const V cd = xsimd::zip_lo(x[2], x[3]) + xsimd::zip_hi(x[2], x[3]);
        using D = xsimd::batch<double, typename V::arch_type>;
        const D abd = xsimd::bitwise_cast<D>(ab), cdd = xsimd::bitwise_cast<D>(cd);
        folded = xsimd::bitwise_cast<V>(xsimd::zip_lo(abd, cdd)) + xsimd::bitwise_cast<V>(xsimd::zip_hi(abd, cdd));
      } else {  // double: [a0 b0] + [a1 b1]
        static_assert(G == 2);
        folded = xsimd::zip_lo(x[0], x[1]) + xsimd::zip_hi(x[0], x[1]);
      }
      alignas(64) T lane_sums[W];
      folded.store_aligned(lane_sums);
      if constexpr (is_x86<typename V::arch_type>) {
        // Add the 128-bit lanes as SSE vectors: GCC turns the scalar form into
        // one extract and one add per element.
        using L = xsimd::batch<T, xsimd::sse2>;
        L s = L::load_aligned(lane_sums);
        static_for<lanes - 1>([&](auto q) { s += L::load_aligned(lane_sums + (q + 1) * G); });
        s.store_aligned(sums + g * G);
      } else {
        static_for<G>([&](auto e) {
          T s = lane_sums[e];
          static_for<lanes - 1>([&](auto q) { s += lane_sums[(q + 1) * G + e]; });
          sums[g * G + e] = s;
        });
      }
    });
  }
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

// --- strategy: dot ----------------------------------------------------------------------

/// C(i0.., j0..) for an Rows x Cols tile: Rows rows of A and Cols rows of B, both K long.
/// K here is the length of this block of the dot products; rows of A and B are Ld apart.
template <class T, std::size_t Rows, std::size_t Cols, std::size_t N, std::size_t Ld, std::size_t K, bool Accumulate>
[[gnu::always_inline]] inline void dot_tile(const T* a, const T* b, T* c) noexcept {
  using V = vec<T>;
  constexpr std::size_t W = width<T>;
  constexpr std::size_t kv = K / W * W;
  constexpr std::size_t tiles = Rows * Cols;
  constexpr std::size_t groups = ceil_div(tiles, reduce_group<T>);
  V acc[groups * reduce_group<T>];
  static_for<groups * reduce_group<T>>([&](auto t) { acc[t] = V(T(0)); });
  for (std::size_t k = 0; k < kv; k += W) {
    V ar[Rows];
    static_for<Rows>([&](auto r) { ar[r] = V::load_unaligned(a + r * Ld + k); });
    static_for<Cols>([&](auto j) {
      const V bj = V::load_unaligned(b + j * Ld + k);
      static_for<Rows>([&](auto r) { acc[r * Cols + j] = fmadd(ar[r], bj, acc[r * Cols + j]); });
    });
  }
  alignas(64) T sums[groups * reduce_group<T>];
  reduce_lanes<T, groups * reduce_group<T>>(acc, sums);
  static_for<Rows>([&](auto r) {
    static_for<Cols>([&](auto j) {
      T s = sums[r * Cols + j];
      for (std::size_t k = kv; k < K; ++k) s += a[r * Ld + k] * b[j * Ld + k];
      T& out = c[r * N + j];
      out = Accumulate ? out + s : s;
    });
  });
  count<&gemm_counters::dot_tiles>(1);
  count<&gemm_counters::vector_fmas>(tiles * kv);
  count<&gemm_counters::scalar_fmas>(tiles * (K - kv));
}

// No K blocking: keeping a block of B in L1 across the row tiles costs one
// reduction per block and output, and measured slower at every tile tried.
template <class T, std::size_t M, std::size_t N, std::size_t K, bool Accumulate,
          std::size_t TileM = gemm_plan<T, M, N, K, layout::normal, layout::transposed>::DM,
          std::size_t TileN = gemm_plan<T, M, N, K, layout::normal, layout::transposed>::DN>
inline void gemm_dot(const T* a, const T* b, T* c) noexcept {
  constexpr std::size_t DM = std::min(TileM, M);
  constexpr std::size_t DN = std::min(TileN, N);
  constexpr std::size_t m_main = M / DM * DM;
  constexpr std::size_t n_main = N / DN * DN;
  for (std::size_t i = 0; i < m_main; i += DM) {
    for (std::size_t j = 0; j < n_main; j += DN)
      dot_tile<T, DM, DN, N, K, K, Accumulate>(a + i * K, b + j * K, c + i * N + j);
    if constexpr (n_main < N)
      dot_tile<T, DM, N - n_main, N, K, K, Accumulate>(a + i * K, b + n_main * K, c + i * N + n_main);
  }
  if constexpr (m_main < M) {
    for (std::size_t j = 0; j < n_main; j += DN)
      dot_tile<T, M - m_main, DN, N, K, K, Accumulate>(a + m_main * K, b + j * K, c + m_main * N + j);
    if constexpr (n_main < N)
      dot_tile<T, M - m_main, N - n_main, N, K, K, Accumulate>(a + m_main * K, b + n_main * K,
                                                               c + m_main * N + n_main);
  }
}

// --- strategy: broadcast (packed, register-blocked) -----------------------------------

template <class T>
inline T* pack_buffer() noexcept {
  alignas(64) static thread_local T buffer[pack_buffer_bytes / sizeof(T)];
  return buffer;
}

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
/// dst[k * ld_dst + g] = src[g * ld_src + k] for g < G, k < W: G = reduce_group<T> rows
/// of W values become W rows of G, with zips inside each 128-bit lane (xsimd 8).
template <class T>
[[gnu::always_inline]] inline void transpose_block(const T* src, std::size_t ld_src, T* dst,
                                                   std::size_t ld_dst) noexcept {
  using V = vec<T>;
  constexpr std::size_t W = width<T>;
  constexpr std::size_t G = reduce_group<T>;
  constexpr std::size_t lanes = W / G;
  V u[G];
  if constexpr (G == 4) {
    const V r0 = V::load_unaligned(src), r1 = V::load_unaligned(src + ld_src);
    const V r2 = V::load_unaligned(src + 2 * ld_src), r3 = V::load_unaligned(src + 3 * ld_src);
    using D = xsimd::batch<double, typename V::arch_type>;
    // lane q: t0 = [r0 r1 r0 r1] at k = 4q, 4q+1; t1 the same at 4q+2, 4q+3.
    const D t0 = xsimd::bitwise_cast<D>(xsimd::zip_lo(r0, r1)), t1 = xsimd::bitwise_cast<D>(xsimd::zip_hi(r0, r1));
    const D t2 = xsimd::bitwise_cast<D>(xsimd::zip_lo(r2, r3)), t3 = xsimd::bitwise_cast<D>(xsimd::zip_hi(r2, r3));
    // lane q of u[m]: rows 0..3 at k = 4q + m.
    u[0] = xsimd::bitwise_cast<V>(xsimd::zip_lo(t0, t2));
    u[1] = xsimd::bitwise_cast<V>(xsimd::zip_hi(t0, t2));
    u[2] = xsimd::bitwise_cast<V>(xsimd::zip_lo(t1, t3));
    u[3] = xsimd::bitwise_cast<V>(xsimd::zip_hi(t1, t3));
  } else {
    static_assert(G == 2);
    const V r0 = V::load_unaligned(src), r1 = V::load_unaligned(src + ld_src);
    u[0] = xsimd::zip_lo(r0, r1);  // lane q: rows 0, 1 at k = 2q
    u[1] = xsimd::zip_hi(r0, r1);  // at k = 2q + 1
  }
  static_for<G>([&](auto m) {
    alignas(64) T tmp[W];
    u[m].store_aligned(tmp);
    static_for<lanes>([&](auto q) { std::memcpy(dst + (q * G + m) * ld_dst, tmp + q * G, G * sizeof(T)); });
  });
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

/// Packs op(B)(k0 .. k0+kc, j0 .. j0+cols) as a k-major panel Width wide, zero-padded.
template <class T, std::size_t N, std::size_t K, layout LB, std::size_t Width, std::size_t cols>
inline void pack_panel(const T* b, std::size_t k0, std::size_t kc, std::size_t j0, T* dst) noexcept {
  if constexpr (LB == layout::normal) {
    for (std::size_t k = 0; k < kc; ++k) {
      const T* src = b + (k0 + k) * N + j0;
      T* row = dst + k * Width;
      std::size_t j = 0;
      for (; j < cols; ++j) row[j] = src[j];
      for (; j < Width; ++j) row[j] = T(0);
    }
  } else {
    // B is N x K: column j of op(B) is row j of B. Transpose G x W blocks in
    // registers (G rows of B, W values of k each: G = 4 floats or 2 doubles,
    // one 128-bit lane), then the rest one element at a time, reading along k
    // and writing with stride Width into a panel that stays in L1.
    constexpr std::size_t G = reduce_group<T>;
    constexpr std::size_t blocked = G > 1 ? cols / G * G : 0;
    if constexpr (blocked > 0) {
      // k outer: each W x Width block of the panel is written whole, line by line.
      const T* src = b + j0 * K + k0;
      std::size_t k = 0;
      for (; k + width<T> <= kc; k += width<T>)
        static_for<blocked / G>(
            [&](auto jg) { transpose_block<T>(src + jg * G * K + k, K, dst + k * Width + jg * G, Width); });
      for (; k < kc; ++k)
        for (std::size_t j = 0; j < blocked; ++j) dst[k * Width + j] = src[j * K + k];
    }
    if constexpr (blocked < cols) {
      for (std::size_t j = blocked; j < cols; ++j) {
        const T* src = b + (j0 + j) * K + k0;
        for (std::size_t k = 0; k < kc; ++k) dst[k * Width + j] = src[k];
      }
    }
    if constexpr (cols < Width) {
      for (std::size_t j = cols; j < Width; ++j)
        for (std::size_t k = 0; k < kc; ++k) dst[k * Width + j] = T(0);
    }
  }
  count<&gemm_counters::packed_elements>(kc * Width);
}

/// The first Lanes elements at p as a vector, the rest zero (never reads past p + Lanes).
template <class T, std::size_t Lanes>
inline vec<T> load_partial(const T* p) noexcept {
  alignas(64) T tmp[width<T>]{};
  for (std::size_t l = 0; l < Lanes; ++l) tmp[l] = p[l];
  return vec<T>::load_aligned(tmp);
}
/// Stores the first Lanes elements of v at p.
template <class T, std::size_t Lanes>
inline void store_partial(const vec<T>& v, T* p) noexcept {
  alignas(64) T tmp[width<T>];
  v.store_aligned(tmp);
  for (std::size_t l = 0; l < Lanes; ++l) p[l] = tmp[l];
}

/// C tile (Rows x NV vectors, the last with LastLanes valid lanes) += or = op(A) sliver * op(B) panel.
/// op(A)(r, k) = a[r * AR + k * AK]; vector v of op(B) row k at b + k * BK + v * W.
template <class T, std::size_t Rows, std::size_t NV, std::size_t LastLanes, std::size_t AR, std::size_t AK,
          std::size_t BK, bool BAligned, std::size_t LDC>
inline void broadcast_tile(std::size_t kc, const T* a, const T* b, T* c, bool load_c) noexcept {
  using V = vec<T>;
  constexpr std::size_t W = width<T>;
  constexpr bool partial = LastLanes != W;
  V acc[Rows][NV];
  if (load_c) {
    static_for<Rows>([&](auto r) {
      static_for<NV>([&](auto v) {
        if constexpr (partial && v == NV - 1) {
          acc[r][v] = load_partial<T, LastLanes>(c + r * LDC + v * W);
        } else {
          acc[r][v] = V::load_unaligned(c + r * LDC + v * W);
        }
      });
    });
  } else {
    static_for<Rows>([&](auto r) { static_for<NV>([&](auto v) { acc[r][v] = V(T(0)); }); });
  }
  for (std::size_t k = 0; k < kc; ++k) {
    V bv[NV];
    static_for<NV>([&](auto v) {
      if constexpr (BAligned)
        bv[v] = V::load_aligned(b + k * BK + v * W);
      else
        bv[v] = V::load_unaligned(b + k * BK + v * W);
    });
    static_for<Rows>([&](auto r) {
      const V ar(a[r * AR + k * AK]);
      static_for<NV>([&](auto v) { acc[r][v] = fmadd(ar, bv[v], acc[r][v]); });
    });
  }
  static_for<Rows>([&](auto r) {
    static_for<NV>([&](auto v) {
      if constexpr (partial && v == NV - 1) {
        store_partial<T, LastLanes>(acc[r][v], c + r * LDC + v * W);
      } else {
        acc[r][v].store_unaligned(c + r * LDC + v * W);
      }
    });
  });
  count<&gemm_counters::broadcast_tiles>(1);
  count<&gemm_counters::vector_fmas>(Rows * NV * W * kc);
}

template <class T, std::size_t M, std::size_t N, std::size_t K, layout LA, layout LB, bool Accumulate>
inline void gemm_broadcast(const T* a, const T* b, T* c) noexcept {
  using plan = gemm_plan<T, M, N, K, LA, LB>;
  using as = a_strides<LA, M, K>;
  constexpr std::size_t W = plan::W, NR = plan::NR, NV = plan::NV;
  constexpr std::size_t KC = plan::KC, NC = plan::NC;
  constexpr std::size_t MR = plan::MR, MR_last = plan::MR_last;
  constexpr bool pack_b = plan::pack_b;
  constexpr std::size_t TAIL = plan::tail_cols, TAIL_NV = plan::tail_nv, TAIL_LANES = plan::tail_last_lanes;
  // Packed: the block's full panels, then the tail panel. In place: only the tail panel.
  constexpr std::size_t buffer_elements = pack_b ? KC * NC : (TAIL ? KC * TAIL_NV * W : 1);
  static_assert(buffer_elements * sizeof(T) <= pack_buffer_bytes);
  T* const buffer = pack_buffer<T>();

  for (std::size_t j0 = 0; j0 < N; j0 += NC) {
    const std::size_t nc = std::min(NC, N - j0);
    const std::size_t panels = nc / NR;  // full panels in this block
    const bool has_tail = j0 + nc == N && TAIL != 0;
    for (std::size_t k0 = 0; k0 < K; k0 += KC) {
      const std::size_t kc = std::min(KC, K - k0);
      const bool load_c = Accumulate || k0 != 0;
      T* const tail_panel = pack_b ? buffer + panels * KC * NR : buffer;
      if constexpr (pack_b)
        for (std::size_t p = 0; p < panels; ++p)
          pack_panel<T, N, K, LB, NR, NR>(b, k0, kc, j0 + p * NR, buffer + p * KC * NR);
      if constexpr (TAIL != 0)
        if (has_tail) pack_panel<T, N, K, LB, TAIL_NV * W, TAIL>(b, k0, kc, j0 + panels * NR, tail_panel);

      auto row_tile = [&]<std::size_t Rows>(std::integral_constant<std::size_t, Rows>, std::size_t i0) {
        const T* const ap = a + i0 * as::row + k0 * as::depth;
        T* const cp = c + i0 * N + j0;
        for (std::size_t p = 0; p < panels; ++p) {
          if constexpr (pack_b)
            broadcast_tile<T, Rows, NV, W, as::row, as::depth, NR, true, N>(kc, ap, buffer + p * KC * NR,
                                                                            cp + p * NR, load_c);
          else
            broadcast_tile<T, Rows, NV, W, as::row, as::depth, N, false, N>(kc, ap, b + k0 * N + j0 + p * NR,
                                                                           cp + p * NR, load_c);
        }
        if constexpr (TAIL != 0)
          if (has_tail)
            broadcast_tile<T, Rows, TAIL_NV, TAIL_LANES, as::row, as::depth, TAIL_NV * W, true, N>(
                kc, ap, tail_panel, cp + panels * NR, load_c);
      };
      for (std::size_t t = 0; t + 1 < plan::m_tiles; ++t) row_tile(std::integral_constant<std::size_t, MR>{}, t * MR);
      row_tile(std::integral_constant<std::size_t, MR_last>{}, (plan::m_tiles - 1) * MR);
    }
  }
}

/// gemm with the strategy forced (tests and benchmarks compare strategies on one shape).
template <strategy S, class T, std::size_t M, std::size_t N, std::size_t K, layout LA, layout LB, bool Accumulate>
inline void gemm_with(const T* a, const T* b, T* c) noexcept {
  if constexpr (S == strategy::scalar) {
    gemm_scalar<T, M, N, K, LA, LB, Accumulate>(a, b, c);
  } else if constexpr (S == strategy::dot) {
    static_assert(LA == layout::normal && LB == layout::transposed,
                  "typenet: gemm_with<dot>: needs A normal and B transposed");
    gemm_dot<T, M, N, K, Accumulate>(a, b, c);
  } else {
    gemm_broadcast<T, M, N, K, LA, LB, Accumulate>(a, b, c);
  }
}

}  // namespace gemm_detail

/// C (M x N, row-major, contiguous) = op(A) * op(B), or C += op(A) * op(B) when Accumulate.
/// op(A) is M x K: A is stored M x K (normal) or K x M (transposed), read in place.
/// op(B) is K x N: B is stored K x N (normal) or N x K (transposed), e.g. a dense
/// layer's out x in weights in X * W^T = gemm<T, batch, out, in, normal, transposed>.
/// C must not alias A or B. No allocation, no exceptions.
/// Derivative (for the backward pass): with G = dL/dC, dL/d op(A) = G op(B)^T and
/// dL/d op(B) = op(A)^T G, i.e. two more gemm calls with the layouts flipped, e.g.
/// for C = X W^T: dX = gemm<T, M, K, N>(G, W) and dW = gemm<T, N, K, M, transposed>(G, X).
template <class T, std::size_t M, std::size_t N, std::size_t K, layout LA = layout::normal,
          layout LB = layout::normal, bool Accumulate = false>
inline void gemm(const T* a, const T* b, T* c) noexcept {
  static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>,
                "typenet: kernels::gemm<T, M, N, K>: T must be float or double");
  static_assert(M > 0 && N > 0 && K > 0, "typenet: kernels::gemm<T, M, N, K>: every extent must be positive");
  gemm_detail::gemm_with<gemm_detail::gemm_plan<T, M, N, K, LA, LB>::choice, T, M, N, K, LA, LB, Accumulate>(a, b,
                                                                                                             c);
}

}  // namespace typenet::kernels
