#pragma once
/// Shuffling and batching a `dataset` for training: an epoch is a random
/// order of the rows, cut into batches of B rows. A batch is copied into
/// static matrices with one example per row (x: B x Features, y: B x Classes
/// one-hot), the layout of a layer written as `X * transpose(W) + b`. The
/// data set itself is never copied or reordered; only the B rows are.
#include <algorithm>
#include <cstddef>
#include <numeric>
#include <random>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include <typenet/data/dataset.hpp>
#include <typenet/tensor/matrix.hpp>

namespace typenet::data {

/// 0, 1, ..., n-1 in the order std::shuffle gives with `rng`.
template <class URBG>
[[nodiscard]] std::vector<std::size_t> shuffled_order(std::size_t n, URBG&& rng) {
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::shuffle(order.begin(), order.end(), rng);
  return order;
}

/// Batches of B rows that cover n rows: ceil(n / B). The last one is
/// completed from the start of the order, so every row is seen each epoch
/// and every batch has the static size B.
template <std::size_t B>
[[nodiscard]] constexpr std::size_t batch_count(std::size_t n) noexcept {
  static_assert(B > 0, "typenet: data::batch_count<B>: B must be positive");
  return (n + B - 1) / B;
}

/// Batch k of `order` (rows order[k*B], ..., order[k*B + B-1], wrapping
/// around): features into `x`, one-hot labels into `y`. Throws
/// std::out_of_range if k is past the last batch or an index is not a row.
template <std::size_t B, class T, std::size_t F, std::size_t C>
void load_batch(const dataset<T, F, C>& d, std::span<const std::size_t> order, std::size_t k, matrix<T, B, F>& x,
                matrix<T, B, C>& y) {
  static_assert(F != dynamic && C != dynamic,
                "typenet: data::load_batch(d, order, k, x, y) needs a dataset with static Features and Classes "
                "(load it with load_idx<Features>(...) or load_csv<Features, Classes>(...))");
  if (order.empty() || k >= batch_count<B>(order.size()))
    throw std::out_of_range("typenet: data::load_batch: batch " + std::to_string(k) + " of " +
                            std::to_string(batch_count<B>(order.size())) + " (" + std::to_string(order.size()) +
                            " rows in batches of " + std::to_string(B) + ")");
  for (std::size_t j = 0; j < B; ++j)
    if (order[(k * B + j) % order.size()] >= d.size())
      throw std::out_of_range("typenet: data::load_batch: row " + std::to_string(order[(k * B + j) % order.size()]) +
                              " of a data set of " + std::to_string(d.size()) + " rows");
  y = matrix<T, B, C>{};
  for (std::size_t j = 0; j < B; ++j) {
    const std::size_t row = order[(k * B + j) % order.size()];
    std::copy_n(d.row_data(row), F, x.data() + j * F);
    y(j, static_cast<std::size_t>(d.label(row))) = T{1};
  }
}

}  // namespace typenet::data
