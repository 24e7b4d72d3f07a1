#pragma once
/// Fused elementwise loops: out(r, c) = f(operand_0(r, c), operand_1(r, c), ...)
/// in one pass over memory, with no temporaries, and map_reduce, the sum of
/// f(...) over all elements without storing them (losses).
///
/// How f is called: with `kernels::batch<T>` arguments for every full batch
/// of W = width<T> consecutive elements of a row (or of the whole array); the
/// remaining < W elements at the end of each row (the tail) with a narrower
/// native batch where one fits (8 or 4 floats with AVX-512: `tail_split` in
/// simd.hpp), and the last few with plain T arguments, one at a time, which
/// are computed by exactly the scalar value rule. So f must be generic (a
/// lambda with `auto` parameters, or an op's `eval` through a lambda). No
/// masked loads: the tail never reads or writes past the end of a row.
///
/// Operands (all of the output's element type T), for an R x C row-major output:
///   full{p}           R x C, same shape as the output
///   row_vector{p}     1 x C, the same row for every output row (the bias of a batch-as-rows layer)
///   column_vector{p}  R x 1, one value per output row, broadcast across the row
///   scalar{v}         one value everywhere
/// With only full and scalar operands the matrix is one contiguous array of
/// R*C elements and is processed flat: narrow rows still fill whole batches,
/// and only the last < W elements of the whole matrix form a tail.
///
/// With a row_vector or column_vector, rows whose length C is a multiple of W
/// are processed one at a time (every batch full). Otherwise K = W / gcd(C, W)
/// consecutive rows span K*C elements, a multiple of W: the rows are processed
/// K at a time as one flat span, the broadcast operand laid out for K rows in
/// a buffer on the stack (a row_vector once per call, a column_vector once per
/// K rows), and the last R % K rows as one more span. So a 4 x 4 output with a
/// bias row takes two batches of 8, not sixteen scalar calls; the counts of
/// batches and of scalar calls are those of the flat case. This applies while
/// the buffer, min(K, R) * C elements, is at most `broadcast_chunk_limit`
/// (and R*C >= W); beyond it, row by row with a tail per row.
///
/// `out` may be the pointer of a `full` operand (in place): every element is
/// read before it is written, at the same position. Partial overlap is not
/// allowed.
#include <algorithm>
#include <array>
#include <cstddef>
#include <numeric>
#include <tuple>
#include <type_traits>
#include <utility>

#include <typenet/core/math.hpp>
#include <typenet/kernels/simd.hpp>

namespace typenet::kernels {

/// The largest stack buffer, in elements, a broadcast map lays its
/// row_vector or column_vector operand out in to process several narrow rows
/// as one flat span (see the top of this file).
inline constexpr std::size_t broadcast_chunk_limit = 1024;

template <class T>
struct full {
  const T* p;
};
template <class T>
struct row_vector {
  const T* p;
};
template <class T>
struct column_vector {
  const T* p;
};
template <class T>
struct scalar {
  T v;
};

// `kernels::full{p}` for float* and const float* alike; `scalar{v}` (clang
// before 17 has no aggregate deduction).
template <class T>
full(const T*) -> full<T>;
template <class T>
row_vector(const T*) -> row_vector<T>;
template <class T>
column_vector(const T*) -> column_vector<T>;
template <class T>
scalar(T) -> scalar<T>;

namespace simd_detail {

template <class O>
struct operand_traits {
  static constexpr bool is_operand = false;
};
template <class T>
struct operand_traits<full<T>> {
  static constexpr bool is_operand = true, flat = true;
  using element = T;
};
template <class T>
struct operand_traits<scalar<T>> {
  static constexpr bool is_operand = true, flat = true;
  using element = T;
};
template <class T>
struct operand_traits<row_vector<T>> {
  static constexpr bool is_operand = true, flat = false;
  using element = T;
};
template <class T>
struct operand_traits<column_vector<T>> {
  static constexpr bool is_operand = true, flat = false;
  using element = T;
};

template <class T, class... Operands>
inline constexpr bool operands_match = (operand_traits<Operands>::is_operand && ...) &&
                                       (std::is_same_v<typename operand_traits<Operands>::element, T> && ...);
template <class... Operands>
inline constexpr bool all_flat = (operand_traits<Operands>::flat && ...);

/// An operand along one row (or along the whole flat array): consecutive
/// values, or one value repeated.
template <class T>
struct contiguous {
  const T* p;
  batch<T> vec(std::size_t i) const noexcept { return load(p + i); }
  template <class B>
  B narrow(std::size_t i) const noexcept {
    return B::load_unaligned(p + i);
  }
  T at(std::size_t i) const noexcept { return p[i]; }
};
template <class T>
struct repeated {
  T v;
  batch<T> vec(std::size_t) const noexcept { return batch<T>(v); }
  template <class B>
  B narrow(std::size_t) const noexcept {
    return B(v);
  }
  T at(std::size_t) const noexcept { return v; }
};

template <std::size_t C, class T>
contiguous<T> view(const full<T>& o, std::size_t r) noexcept {
  return {o.p + r * C};
}
template <std::size_t C, class T>
contiguous<T> view(const row_vector<T>& o, std::size_t) noexcept {
  return {o.p};
}
template <std::size_t C, class T>
repeated<T> view(const column_vector<T>& o, std::size_t r) noexcept {
  return {o.p[r]};
}
template <std::size_t C, class T>
repeated<T> view(const scalar<T>& o, std::size_t) noexcept {
  return {o.v};
}

/// out[i] = f(views at i) for i < N: full batches, then the tail.
// (Loop bounds are compile-time constants: with a run-time `i` carried from
// the vector loop into the tail loop, GCC 12 warns about a wrap-around that
// cannot happen.)
template <std::size_t N, class T>
inline constexpr std::size_t vector_end = vectorized<T> ? N - N % width<T> : 0;

template <std::size_t N, class T, class F, class... Views>
inline void map_span(T* out, F& f, const Views&... v) noexcept {
  if constexpr (vectorized<T>) {
    for (std::size_t i = 0; i < vector_end<N, T>; i += width<T>) {
      count_vector();
      store(out + i, batch<T>(f(v.vec(i)...)));
    }
  }
  auto narrow_step = [&](auto tag, std::size_t i) {
    using B = typename decltype(tag)::type;
    B(f(v.template narrow<B>(i)...)).store_unaligned(out + i);
  };
  auto scalar_step = [&](std::size_t i) { out[i] = static_cast<T>(f(v.at(i)...)); };
  for_tail<vector_end<N, T>, N, T>(narrow_step, scalar_step);
}

/// Partial sums in several independent registers: four vector accumulators
/// hide the add latency (4 cycles on current x86, 2 adds per cycle) and split
/// the rounding error four ways; the scalar tail has its own.
template <class T>
struct accumulator {
  static constexpr std::size_t lanes = 4;
  batch<T> v[lanes]{batch<T>(T(0)), batch<T>(T(0)), batch<T>(T(0)), batch<T>(T(0))};
  T s = T(0);
  T total() const noexcept { return xsimd::hadd((v[0] + v[1]) + (v[2] + v[3])) + s; }
};
template <class T>
  requires(!vectorized<T>)
struct accumulator<T> {
  T s = T(0);
  T total() const noexcept { return s; }
};

/// acc += sum over i < N of f(views at i).
template <std::size_t N, class T, class F, class... Views>
inline void reduce_span(accumulator<T>& acc, F& f, const Views&... v) noexcept {
  if constexpr (vectorized<T>) {
    constexpr std::size_t W = width<T>;
    constexpr std::size_t unrolled_end = N - N % (4 * W);
    for (std::size_t i = 0; i < unrolled_end; i += 4 * W) {
      count_vector(4);
      acc.v[0] += batch<T>(f(v.vec(i)...));
      acc.v[1] += batch<T>(f(v.vec(i + W)...));
      acc.v[2] += batch<T>(f(v.vec(i + 2 * W)...));
      acc.v[3] += batch<T>(f(v.vec(i + 3 * W)...));
    }
    for (std::size_t i = unrolled_end, k = 0; i < vector_end<N, T>; i += W, ++k) {
      count_vector();
      acc.v[k] += batch<T>(f(v.vec(i)...));
    }
  }
  auto narrow_step = [&](auto tag, std::size_t i) {
    using B = typename decltype(tag)::type;
    acc.s += xsimd::hadd(B(f(v.template narrow<B>(i)...)));
  };
  auto scalar_step = [&](std::size_t i) { acc.s += static_cast<T>(f(v.at(i)...)); };
  for_tail<vector_end<N, T>, N, T>(narrow_step, scalar_step);
}

/// Rows of C elements that together fill whole batches: K = W / gcd(C, W)
/// (1 when C is a multiple of W, or without SIMD).
template <std::size_t C, class T>
consteval std::size_t chunk_rows() noexcept {
  if constexpr (vectorized<T>) {
    return width<T> / std::gcd(C, width<T>);
  } else {
    return 1;
  }
}
/// Whether map<R, C> / map_reduce<R, C> with a broadcast operand processes
/// K rows at a time as one flat span (see the top of this file).
template <std::size_t R, std::size_t C, class T>
inline constexpr bool chunked =
    chunk_rows<C, T>() > 1 && R * C >= width<T> && std::min(R, chunk_rows<C, T>()) * C <= broadcast_chunk_limit;

/// An operand over B consecutive rows of an R x C output, seen as one flat
/// span: `rows<N>(r)` gives the view of rows r .. r+N-1 (N <= B).
template <std::size_t C, class T>
struct full_rows {
  const T* p;
  template <std::size_t N>
  contiguous<T> rows(std::size_t r) const noexcept {
    return {p + r * C};
  }
};
template <class T>
struct scalar_rows {
  T v;
  template <std::size_t N>
  repeated<T> rows(std::size_t) const noexcept {
    return {v};
  }
};
/// The row repeated B times, laid out once.
template <std::size_t B, std::size_t C, class T>
struct row_vector_rows {
  T buffer[B * C];
  explicit row_vector_rows(const T* p) noexcept {
    for (std::size_t k = 0; k < B; ++k) {
      for (std::size_t c = 0; c < C; ++c) buffer[k * C + c] = p[c];
    }
  }
  template <std::size_t N>
  contiguous<T> rows(std::size_t) const noexcept {
    return {buffer};
  }
};
/// Each row's value repeated across its C elements, laid out per call.
template <std::size_t B, std::size_t C, class T>
struct column_vector_rows {
  const T* p;
  T buffer[B * C];
  explicit column_vector_rows(const T* q) noexcept : p(q) {}
  template <std::size_t N>
  contiguous<T> rows(std::size_t r) noexcept {
    static_assert(N <= B);
    for (std::size_t k = 0; k < N; ++k) {
      for (std::size_t c = 0; c < C; ++c) buffer[k * C + c] = p[r + k];
    }
    return {buffer};
  }
};

template <std::size_t B, std::size_t C, class T>
full_rows<C, T> chunk_source(const full<T>& o) noexcept {
  return {o.p};
}
template <std::size_t B, std::size_t C, class T>
scalar_rows<T> chunk_source(const scalar<T>& o) noexcept {
  return {o.v};
}
template <std::size_t B, std::size_t C, class T>
row_vector_rows<B, C, T> chunk_source(const row_vector<T>& o) noexcept {
  return row_vector_rows<B, C, T>(o.p);
}
template <std::size_t B, std::size_t C, class T>
column_vector_rows<B, C, T> chunk_source(const column_vector<T>& o) noexcept {
  return column_vector_rows<B, C, T>(o.p);
}

/// span(integral_constant<N>, r, views...) for the rows of an R x C output
/// K at a time (K = chunk_rows; N = K*C elements from row r), then for the
/// last R % K rows as one more span.
template <std::size_t R, std::size_t C, class T, class Span, class... Sources>
inline void walk_row_chunks(Span& span, Sources&&... s) noexcept {
  constexpr std::size_t K = chunk_rows<C, T>(), whole = R - R % K, rest = R % K;
  if constexpr (whole > 0) {
    for (std::size_t r = 0; r < whole; r += K) span(std::integral_constant<std::size_t, K * C>{}, r, s.template rows<K>(r)...);
  }
  if constexpr (rest > 0) span(std::integral_constant<std::size_t, rest * C>{}, whole, s.template rows<rest>(whole)...);
}
/// The same over the operands of map<R, C> / map_reduce<R, C>, each laid out
/// for min(R, K) rows where it is broadcast.
template <std::size_t R, std::size_t C, class T, class Span, class... Operands>
inline void for_row_chunks(Span span, const Operands&... operands) noexcept {
  constexpr std::size_t B = std::min(R, chunk_rows<C, T>());
  walk_row_chunks<R, C, T>(span, chunk_source<B, C>(operands)...);
}

}  // namespace simd_detail

/// out(r, c) = f(operands(r, c)...) for an R x C row-major output; see the
/// top of this file for the operands and how f is called.
template <std::size_t R, std::size_t C, class T, class F, class... Operands>
void map(T* out, F f, const Operands&... operands) noexcept {
  static_assert(simd_detail::operands_match<T, Operands...>,
                "typenet: kernels::map<R, C>(out, f, operands...): every operand must be a full, row_vector, "
                "column_vector or scalar of the output's element type");
  if constexpr (simd_detail::operands_match<T, Operands...>) {
    if constexpr (simd_detail::all_flat<Operands...>) {
      simd_detail::map_span<R * C>(out, f, simd_detail::view<C>(operands, 0)...);
    } else if constexpr (simd_detail::chunked<R, C, T>) {
      simd_detail::for_row_chunks<R, C, T>(
          [&](auto n, std::size_t r, const auto&... v) { simd_detail::map_span<decltype(n)::value>(out + r * C, f, v...); },
          operands...);
    } else {
      for (std::size_t r = 0; r < R; ++r) simd_detail::map_span<C>(out + r * C, f, simd_detail::view<C>(operands, r)...);
    }
  }
}

/// out[i] = f(operands[i]...) for a contiguous array of N elements (N may be 0).
template <std::size_t N, class T, class F, class... Operands>
void map(T* out, F f, const Operands&... operands) noexcept {
  static_assert(simd_detail::operands_match<T, Operands...> && simd_detail::all_flat<Operands...>,
                "typenet: kernels::map<N>(out, f, operands...): a flat map takes full and scalar operands of the "
                "output's element type; use map<R, C> to broadcast a row_vector or column_vector");
  if constexpr (simd_detail::operands_match<T, Operands...> && simd_detail::all_flat<Operands...>) {
    simd_detail::map_span<N>(out, f, simd_detail::view<N>(operands, 0)...);
  }
}

namespace simd_detail {
template <class... Operands>
struct first_element {
  using type = void;
};
template <class O, class... Os>
struct first_element<O, Os...> {
  using type = typename operand_traits<O>::element;
};
}  // namespace simd_detail

/// sum over r < R, c < C of f(operands(r, c)...), without storing the terms.
/// The element type T is that of the operands (at least one is needed).
template <std::size_t R, std::size_t C, class F, class... Operands>
auto map_reduce(F f, const Operands&... operands) noexcept {
  using T = typename simd_detail::first_element<Operands...>::type;
  static_assert(sizeof...(Operands) > 0 && simd_detail::operands_match<T, Operands...>,
                "typenet: kernels::map_reduce<R, C>(f, operands...): needs at least one operand, and all of them "
                "full, row_vector, column_vector or scalar of one element type");
  if constexpr (sizeof...(Operands) > 0 && simd_detail::operands_match<T, Operands...>) {
    simd_detail::accumulator<T> acc;
    if constexpr (simd_detail::all_flat<Operands...>) {
      simd_detail::reduce_span<R * C>(acc, f, simd_detail::view<C>(operands, 0)...);
    } else if constexpr (simd_detail::chunked<R, C, T>) {
      simd_detail::for_row_chunks<R, C, T>(
          [&](auto n, std::size_t, const auto&... v) { simd_detail::reduce_span<decltype(n)::value>(acc, f, v...); },
          operands...);
    } else {
      for (std::size_t r = 0; r < R; ++r) simd_detail::reduce_span<C>(acc, f, simd_detail::view<C>(operands, r)...);
    }
    return acc.total();
  }
}

/// sum over i < N of f(operands[i]...) (flat: full and scalar operands).
template <std::size_t N, class F, class... Operands>
auto map_reduce(F f, const Operands&... operands) noexcept {
  using T = typename simd_detail::first_element<Operands...>::type;
  static_assert(sizeof...(Operands) > 0 && simd_detail::operands_match<T, Operands...> &&
                    simd_detail::all_flat<Operands...>,
                "typenet: kernels::map_reduce<N>(f, operands...): a flat reduction takes full and scalar operands "
                "of one element type; use map_reduce<R, C> to broadcast a row_vector or column_vector");
  if constexpr (sizeof...(Operands) > 0 && simd_detail::operands_match<T, Operands...> &&
                simd_detail::all_flat<Operands...>) {
    simd_detail::accumulator<T> acc;
    simd_detail::reduce_span<N>(acc, f, simd_detail::view<N>(operands, 0)...);
    return acc.total();
  }
}

/// Several arrays of N elements updated in place in one pass (an
/// optimizer's weights and moments): at every position,
/// `(io_0, io_1, ...) = f(io_0, io_1, ..., in_0, ...)` with f returning a
/// std::tuple of the new values of the `inout` arrays, called with
/// batch<T> values for full batches of W and with T for the last < W
/// elements. One read of every array and one write of every `inout` array,
/// where a map per array reads the shared inputs once per map.
template <std::size_t N, class T, std::size_t K, class F, class... In>
void update_in_place(F f, const std::array<T*, K>& inout, const In*... in) noexcept {
  static_assert((std::is_same_v<T, In> && ...), "typenet: kernels::update_in_place: one element type");
  auto at = [&]<std::size_t... J>(std::index_sequence<J...>, std::size_t i, auto load_one) {
    return f(load_one(inout[J] + i)..., load_one(in + i)...);
  };
  constexpr std::size_t W = width<T>;
  std::size_t i = 0;
  if constexpr (vectorized<T>) {
    for (; i + W <= N; i += W) {
      const auto out = at(std::make_index_sequence<K>{}, i, [](const T* q) { return simd_detail::load(q); });
      [&]<std::size_t... J>(std::index_sequence<J...>) {
        (simd_detail::store(inout[J] + i, std::get<J>(out)), ...);
      }(std::make_index_sequence<K>{});
      simd_detail::count_vector();
    }
  }
  for (; i < N; ++i) {
    const auto out = at(std::make_index_sequence<K>{}, i, [](const T* q) { return *q; });
    [&]<std::size_t... J>(std::index_sequence<J...>) { ((inout[J][i] = std::get<J>(out)), ...); }(std::make_index_sequence<K>{});
    simd_detail::count_scalar();
  }
}

}  // namespace typenet::kernels
