#pragma once
/// Reductions over contiguous arrays and over the rows and columns of R x C
/// row-major matrices. Gradient contributions add up, so the row and column
/// sums can also add into their output (`write_mode::accumulate`).
#include <cstddef>

#include <typenet/kernels/elementwise.hpp>
#include <typenet/kernels/simd.hpp>

namespace typenet::kernels {

/// Whether a reduction overwrites its output or adds to it.
enum class write_mode { assign, accumulate };

/// sum_{i < N} in[i], in four vector accumulators plus one for the tail
/// (see simd_detail::accumulator). N = 0 gives 0.
template <std::size_t N, class T>
T sum(const T* in) noexcept {
  return map_reduce<N>([](auto x) { return x; }, full<T>{in});
}

namespace simd_detail {
template <write_mode M, class T>
inline void put(T* out, T value) noexcept {
  if constexpr (M == write_mode::assign) *out = value;
  else *out += value;
}
template <write_mode M, class T>
inline void put(T* out, const batch<T>& value) noexcept {
  if constexpr (M == write_mode::assign) store(out, value);
  else store(out, load(out) + value);
}

/// max_{c < C} x[c] for C > 0. NaNs are not reliably propagated.
template <std::size_t C, class T>
inline T span_max(const T* x) noexcept {
  static_assert(C > 0, "typenet: kernels: the maximum of an empty row");
  std::size_t i = 0;
  T m;
  if constexpr (vectorized<T> && C >= width<T>) {
    constexpr std::size_t W = width<T>;
    count_vector();
    batch<T> mv = load(x);
    for (i = W; i + W <= C; i += W) {
      count_vector();
      mv = xsimd::max(mv, load(x + i));
    }
    m = hmax(mv);
  } else {
    count_scalar();
    m = x[0];
    i = 1;
  }
  for (; i < C; ++i) {
    count_scalar();
    m = x[i] > m ? x[i] : m;
  }
  return m;
}
}  // namespace simd_detail

/// out[r] = (or +=) sum_{c < C} in(r, c); out is R x 1.
template <std::size_t R, std::size_t C, write_mode M = write_mode::assign, class T>
void row_sums(const T* in, T* out) noexcept {
  for (std::size_t r = 0; r < R; ++r) simd_detail::put<M>(out + r, sum<C>(in + r * C));
}

/// out[c] = (or +=) sum_{r < R} in(r, c); out is 1 x C. Vectorized across
/// columns: blocks of up to four batches of columns stay in registers while
/// the rows stream past, so each element of `in` is loaded once.
template <std::size_t R, std::size_t C, write_mode M = write_mode::assign, class T>
void column_sums(const T* in, T* out) noexcept {
  using simd_detail::load;
  std::size_t c = 0;
  if constexpr (vectorized<T>) {
    constexpr std::size_t W = width<T>;
    for (; c + 4 * W <= C; c += 4 * W) {
      batch<T> a0(T(0)), a1(T(0)), a2(T(0)), a3(T(0));
      for (std::size_t r = 0; r < R; ++r) {
        simd_detail::count_vector(4);
        const T* row = in + r * C + c;
        a0 += load(row);
        a1 += load(row + W);
        a2 += load(row + 2 * W);
        a3 += load(row + 3 * W);
      }
      simd_detail::put<M>(out + c, a0);
      simd_detail::put<M>(out + c + W, a1);
      simd_detail::put<M>(out + c + 2 * W, a2);
      simd_detail::put<M>(out + c + 3 * W, a3);
    }
    for (; c + W <= C; c += W) {
      batch<T> a(T(0));
      for (std::size_t r = 0; r < R; ++r) {
        simd_detail::count_vector();
        a += load(in + r * C + c);
      }
      simd_detail::put<M>(out + c, a);
    }
  }
  for (; c < C; ++c) {
    T a = T(0);
    for (std::size_t r = 0; r < R; ++r) {
      simd_detail::count_scalar();
      a += in[r * C + c];
    }
    simd_detail::put<M>(out + c, a);
  }
}

/// out[r] = max_{c < C} in(r, c); out is R x 1. NaNs are not reliably propagated.
template <std::size_t R, std::size_t C, class T>
void row_max(const T* in, T* out) noexcept {
  for (std::size_t r = 0; r < R; ++r) out[r] = simd_detail::span_max<C>(in + r * C);
}

}  // namespace typenet::kernels
