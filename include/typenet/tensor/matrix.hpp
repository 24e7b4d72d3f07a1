#pragma once
/// `tn::matrix<T, Rows, Cols>`: a value with a static shape. Row-major,
/// contiguous (no padding: the layout PyTorch and safetensors use), storage
/// aligned for the widest SIMD register. Small enough to live on the stack
/// for the shapes of a layer; large ones belong in a workspace or on the heap.
#include <algorithm>
#include <cstddef>
#include <initializer_list>
#include <type_traits>

namespace typenet {

/// The alignment of every matrix's storage: one AVX-512 register, one cache line.
inline constexpr std::size_t matrix_alignment = 64;

template <class T, std::size_t Rows, std::size_t Cols>
struct matrix {
  static_assert(std::is_floating_point_v<T>, "typenet: matrix<T, R, C>: T must be float or double");
  static_assert(Rows > 0 && Cols > 0, "typenet: matrix<T, R, C>: R and C must be positive");

  using value_type = T;
  static constexpr std::size_t rows = Rows;
  static constexpr std::size_t cols = Cols;
  static constexpr std::size_t size = Rows * Cols;

  alignas(matrix_alignment) T values[size]{};

  constexpr matrix() = default;
  /// Row-major values; fewer than R*C leave the rest zero.
  constexpr matrix(std::initializer_list<T> init) {
    std::copy_n(init.begin(), std::min(init.size(), size), values);
  }

  [[nodiscard]] constexpr T& operator()(std::size_t r, std::size_t c) noexcept { return values[r * Cols + c]; }
  [[nodiscard]] constexpr const T& operator()(std::size_t r, std::size_t c) const noexcept {
    return values[r * Cols + c];
  }
  [[nodiscard]] constexpr T* data() noexcept { return values; }
  [[nodiscard]] constexpr const T* data() const noexcept { return values; }
  [[nodiscard]] constexpr T* begin() noexcept { return values; }
  [[nodiscard]] constexpr T* end() noexcept { return values + size; }
  [[nodiscard]] constexpr const T* begin() const noexcept { return values; }
  [[nodiscard]] constexpr const T* end() const noexcept { return values + size; }

  [[nodiscard]] friend constexpr bool operator==(const matrix& a, const matrix& b) noexcept {
    return std::equal(a.begin(), a.end(), b.begin());
  }
};

namespace detail {
template <class T>
struct is_matrix : std::false_type {};
template <class T, std::size_t R, std::size_t C>
struct is_matrix<matrix<T, R, C>> : std::true_type {};
}  // namespace detail

/// Any tn::matrix.
template <class T>
concept Matrix = detail::is_matrix<std::remove_cvref_t<T>>::value;

}  // namespace typenet
