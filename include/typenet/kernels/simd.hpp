#pragma once
/// The SIMD vocabulary of the kernels: one batch type per element type, for
/// the architecture the compile flags select (`xsimd::default_arch`: with
/// -march=native on an AVX-512 machine, 16 floats or 8 doubles per batch).
///
/// Element types without a SIMD register (long double) get width 1, and every
/// kernel then runs its scalar loop only: the same code computes references.
///
/// Test hook: with `TYPENET_KERNEL_COUNTERS` defined before the first include
/// of a kernel header, every kernel counts its loop iterations in
/// `typenet::kernels::counters` (thread-local): one vector iteration per full
/// batch of W elements processed, one narrow iteration per narrower batch of a
/// tail (see `tail_split`), one scalar iteration per element processed one at
/// a time. A test can then assert that the vector path was taken.
/// Define it in every translation unit of a program or in none (the kernel
/// templates differ with and without it).
#include <cstddef>
#include <type_traits>
#include <utility>

// GCC 12 reports a bogus -Wuninitialized inside its own AVX-512 intrinsics
// (_mm512_undefined_epi32, GCC bug 105593, fixed in GCC 13) wherever xsimd's
// exp/log are inlined. The warning is located in the intrinsics header, so
// silencing it while that header is first read silences exactly that one.
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ < 13
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>
#include <xsimd/xsimd.hpp>
#pragma GCC diagnostic pop
#else
#include <xsimd/xsimd.hpp>
#endif

namespace typenet::kernels {

namespace simd_detail {
template <class T>
inline constexpr bool has_register = xsimd::types::has_simd_register<T, xsimd::default_arch>::value;
}  // namespace simd_detail

/// One SIMD register of T for the default architecture.
template <class T>
using batch = xsimd::batch<T>;

/// Elements per batch; 1 for types without a SIMD register.
template <class T>
inline constexpr std::size_t width = [] {
  if constexpr (simd_detail::has_register<T>) return xsimd::batch<T>::size;
  else return std::size_t{1};
}();

/// Whether the kernels process T in batches (false means scalar loops only).
template <class T>
inline constexpr bool vectorized = width<T> > 1;

/// Iteration counts of the kernels on this thread (test hook, see above).
struct kernel_counters {
  std::size_t vector_iterations = 0;
  std::size_t narrow_iterations = 0;
  std::size_t scalar_iterations = 0;
};

#ifdef TYPENET_KERNEL_COUNTERS
inline thread_local kernel_counters counters{};
#endif

namespace simd_detail {
inline void count_vector(std::size_t n = 1) noexcept {
#ifdef TYPENET_KERNEL_COUNTERS
  counters.vector_iterations += n;
#else
  (void)n;
#endif
}
inline void count_scalar(std::size_t n = 1) noexcept {
#ifdef TYPENET_KERNEL_COUNTERS
  counters.scalar_iterations += n;
#else
  (void)n;
#endif
}
inline void count_narrow() noexcept {
#ifdef TYPENET_KERNEL_COUNTERS
  ++counters.narrow_iterations;
#endif
}
}  // namespace simd_detail

/// The native batch of exactly S elements of T on an architecture the compile
/// flags enable, narrower than batch<T> (void if there is none: x86 has no
/// register of 2 floats). With AVX-512, 8 and 4 floats are AVX and SSE
/// registers: no extra instruction set is assumed.
template <class T, std::size_t S>
using narrow_batch = xsimd::make_sized_batch_t<T, S>;

/// How a tail of n < W elements (the end of a row or array that does not fill
/// a batch) is processed: one narrower batch of each width W/2, W/4, ..., 2
/// that fits into what is left and exists (narrow_batch), then the rest one
/// element at a time. Returns {narrower batches, elements one at a time}:
/// with 16 floats per batch, a tail of 10 is a batch of 8 and 2 scalars; of
/// 4, one batch of 4 (W3's 4 x 1 output). No load or store reaches past the
/// tail, and the elements one at a time follow the scalar rule exactly.
template <class T, std::size_t S = width<T> / 2>
constexpr std::pair<std::size_t, std::size_t> tail_split(std::size_t n) noexcept {
  if constexpr (S < 2) {
    return {0, n};
  } else {
    std::size_t here = 0;
    if constexpr (!std::is_void_v<narrow_batch<T, S>>) {
      if (n >= S) {
        n -= S;
        here = 1;
      }
    }
    const auto rest = tail_split<T, S / 2>(n);
    return {here + rest.first, rest.second};
  }
}

namespace simd_detail {
/// Walks the tail [I, N) of a span as tail_split says: batch_step(tag, i) for
/// each narrower batch (tag is std::type_identity<the batch type>) starting at
/// element i, then scalar_step(i) for each element left.
template <std::size_t I, std::size_t N, class T, std::size_t S = width<T> / 2, class BatchStep, class ScalarStep>
inline void for_tail(BatchStep& batch_step, ScalarStep& scalar_step) noexcept {
  if constexpr (S >= 2) {
    if constexpr (!std::is_void_v<narrow_batch<T, S>> && N - I >= S) {
      count_narrow();
      batch_step(std::type_identity<narrow_batch<T, S>>{}, I);
      for_tail<I + S, N, T, S / 2>(batch_step, scalar_step);
    } else {
      for_tail<I, N, T, S / 2>(batch_step, scalar_step);
    }
  } else {
    for (std::size_t i = I; i < N; ++i) {
      count_scalar();
      scalar_step(i);
    }
  }
}

/// Unaligned loads and stores throughout: rows of a matrix start at any
/// multiple of the element size, and on AVX-512 (and AVX2) the unaligned
/// instructions cost nothing extra on aligned addresses.
template <class T>
inline batch<T> load(const T* p) noexcept {
  return batch<T>::load_unaligned(p);
}
template <class T>
inline void store(T* p, const batch<T>& v) noexcept {
  v.store_unaligned(p);
}

/// Horizontal maximum of a batch (xsimd 8.1 has hadd but no reduce_max).
template <class T>
inline T hmax(const batch<T>& v) noexcept {
  alignas(64) T lanes[batch<T>::size];
  v.store_aligned(lanes);
  T m = lanes[0];
  for (std::size_t i = 1; i < batch<T>::size; ++i) m = lanes[i] > m ? lanes[i] : m;
  return m;
}
}  // namespace simd_detail

}  // namespace typenet::kernels
