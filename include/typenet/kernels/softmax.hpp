#pragma once
/// Row-wise softmax and log-softmax of an R x C row-major matrix, each row a
/// distribution (batch-as-rows layout). Numerically stable: with m the row
/// maximum, every exponent x - m is <= 0, so e^(x - m) never overflows, and
/// the sum s = sum e^(x - m) is >= 1 (the maximum contributes e^0), so
/// neither 1/s nor log s can blow up; inputs like +-1000 give finite results.
///   softmax(x)_c     = e^(x_c - m) / s
///   log_softmax(x)_c = (x_c - m) - log s
/// (Rows containing +inf or NaN give NaN, as the math says.)
/// `out` may equal `in` (in place): each pass reads an element before it
/// writes the same position.
#include <cstddef>

#include <typenet/core/math.hpp>
#include <typenet/kernels/elementwise.hpp>
#include <typenet/kernels/reduce.hpp>
#include <typenet/kernels/simd.hpp>

namespace typenet::kernels {

namespace simd_detail {
/// y[i] = e^(x[i] - m) for i < N, returning sum_i y[i]: one pass for both
/// (full batches, then the tail as kernels::tail_split says).
template <std::size_t N, class T>
inline T exp_shifted_store_sum(const T* x, T m, T* y) noexcept {
  T s = T(0);
  if constexpr (vectorized<T>) {
    constexpr std::size_t W = width<T>;
    std::size_t i = 0;
    const batch<T> mv(m);
    batch<T> a0(T(0)), a1(T(0));
    for (; i + 2 * W <= N; i += 2 * W) {
      count_vector(2);
      const batch<T> e0 = math::exp(load(x + i) - mv);
      const batch<T> e1 = math::exp(load(x + i + W) - mv);
      store(y + i, e0);
      store(y + i + W, e1);
      a0 += e0;
      a1 += e1;
    }
    if (i + W <= N) {
      count_vector();
      const batch<T> e0 = math::exp(load(x + i) - mv);
      store(y + i, e0);
      a0 += e0;
    }
    s = xsimd::hadd(a0 + a1);
  }
  auto narrow_step = [&](auto tag, std::size_t j) {
    using B = typename decltype(tag)::type;
    const B e = math::exp(B::load_unaligned(x + j) - B(m));
    e.store_unaligned(y + j);
    s += xsimd::hadd(e);
  };
  auto scalar_step = [&](std::size_t j) {
    const T e = math::exp(x[j] - m);
    y[j] = e;
    s += e;
  };
  for_tail<vector_end<N, T>, N, T>(narrow_step, scalar_step);
  return s;
}
/// Rows narrower than one vector (a 10-class output against 16 float lanes):
/// done a block of Rows rows at a time so the exponentials run over the
/// contiguous block in full vectors instead of one scalar tail per row.
///   shifted = x - m(row);  e = exp(shifted) over the block;  s(row) = sum e
/// then softmax = e / s, log_softmax = shifted - log s.
template <bool Log, std::size_t Rows, std::size_t C, class T>
inline void narrow_rows_block(const T* in, T* out) noexcept {
  T m[Rows];
  for (std::size_t r = 0; r < Rows; ++r) m[r] = span_max<C>(in + r * C);
  for (std::size_t r = 0; r < Rows; ++r)
    for (std::size_t c = 0; c < C; ++c) out[r * C + c] = in[r * C + c] - m[r];
  alignas(64) T e[Rows * C];
  map<Rows * C>(e, [](auto v) { return math::exp(v); }, full<T>{out});
  for (std::size_t r = 0; r < Rows; ++r) {
    T s = T(0);
    for (std::size_t c = 0; c < C; ++c) s += e[r * C + c];
    if constexpr (Log) {
      const T log_s = math::log(s);
      for (std::size_t c = 0; c < C; ++c) out[r * C + c] -= log_s;
    } else {
      for (std::size_t c = 0; c < C; ++c) out[r * C + c] = e[r * C + c] / s;
    }
  }
}
template <bool Log, std::size_t R, std::size_t C, class T>
inline void narrow_rows(const T* in, T* out) noexcept {
  constexpr std::size_t block = 64;
  for (std::size_t r = 0; r + block <= R; r += block) narrow_rows_block<Log, block, C>(in + r * C, out + r * C);
  constexpr std::size_t rest = R % block;
  if constexpr (rest != 0) narrow_rows_block<Log, rest, C>(in + (R - rest) * C, out + (R - rest) * C);
}
template <std::size_t R, std::size_t C, class T>
inline constexpr bool use_narrow_rows = vectorized<T> && C < width<T> && R * C >= width<T>;

}  // namespace simd_detail

/// out(r, .) = softmax(in(r, .)) for every row: the row maximum, one pass that
/// stores e^(x - m) and sums it, one pass that divides by the sum (a division,
/// not a multiplication by 1/s: one rounding per element).
template <std::size_t R, std::size_t C, class T>
void softmax_rows(const T* in, T* out) noexcept {
  static_assert(C > 0, "typenet: kernels::softmax_rows<R, C>: a row needs at least one column");
  if constexpr (simd_detail::use_narrow_rows<R, C, T>) {
    simd_detail::narrow_rows<false, R, C>(in, out);
    return;
  }
  for (std::size_t r = 0; r < R; ++r) {
    const T* x = in + r * C;
    T* y = out + r * C;
    const T m = simd_detail::span_max<C>(x);
    const T s = simd_detail::exp_shifted_store_sum<C>(x, m, y);
    map<C>(y, [s](auto e) { return e / decltype(e)(s); }, full<T>{y});
  }
}

/// out(r, .) = log_softmax(in(r, .)) = (x - m) - log sum e^(x - m) for every
/// row: the row maximum, a sum of exponentials that stores nothing, one pass
/// that writes the result.
template <std::size_t R, std::size_t C, class T>
void log_softmax_rows(const T* in, T* out) noexcept {
  static_assert(C > 0, "typenet: kernels::log_softmax_rows<R, C>: a row needs at least one column");
  if constexpr (simd_detail::use_narrow_rows<R, C, T>) {
    simd_detail::narrow_rows<true, R, C>(in, out);
    return;
  }
  for (std::size_t r = 0; r < R; ++r) {
    const T* x = in + r * C;
    const T m = simd_detail::span_max<C>(x);
    const T s = map_reduce<C>([m](auto v) { return math::exp(v - decltype(v)(m)); }, full<T>{x});
    const T log_s = math::log(s);
    map<C>(out + r * C, [m, log_s](auto v) { return (v - decltype(v)(m)) - decltype(v)(log_s); }, full<T>{x});
  }
}

}  // namespace typenet::kernels
