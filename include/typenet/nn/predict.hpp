#pragma once
/// Inference on any number of rows: `tn::predict<net>(p, x)` for a static
/// matrix, `tn::predictor<net>` for repeated use (its storage is allocated
/// once); `tn::accuracy` and `tn::evaluate` are in nn/metrics.hpp. Rows go through a fixed-batch
/// forward expression in chunks; the last chunk is padded (rows do not
/// interact in a forward pass), or, when only a few rows are left, they go
/// one at a time through a one-row forward pass (a single sample costs a
/// single row).
#include <algorithm>
#include <cstddef>
#include <vector>

#include <typenet/expr/eval.hpp>
#include <typenet/nn/params.hpp>

namespace typenet {

template <class Net, class T = float, std::size_t Chunk = 64>
class predictor {
 public:
  static constexpr std::size_t inputs = Net::input_size;
  static constexpr std::size_t outputs = Net::output_size;

  /// Rows left over after the full chunks go one at a time through a
  /// one-row forward pass when there are at most this many; more are padded
  /// to a chunk.
  static constexpr std::size_t single_rows = Chunk / 8;

  /// out[r * outputs + j] for rows r < n of x (n x inputs, row-major).
  void run(const params<Net, T>& p, const T* x, std::size_t n, T* out) {
    for (std::size_t start = 0; start < n; start += Chunk) {
      const std::size_t rows = std::min(Chunk, n - start);
      if (rows <= single_rows) {
        for (std::size_t r = start; r < n; ++r) run_one(p, x + r * inputs, out + r * outputs);
        return;
      }
      std::copy_n(x + start * inputs, rows * inputs, chunk_->data());
      std::fill(chunk_->data() + rows * inputs, chunk_->data() + Chunk * inputs, T(0));
      std::apply([&](const auto&... b) { eval_.run(typename Net::template input_t<Chunk>{} = typenet::ref(*chunk_), b...); },
                 p.bindings());
      const auto& y = eval_.template get<0>();
      std::copy_n(y.data(), rows * outputs, out + start * outputs);
    }
  }

 private:
  void run_one(const params<Net, T>& p, const T* x, T* out) {
    std::copy_n(x, inputs, row_->data());
    std::apply([&](const auto&... b) { one_.run(typename Net::template input_t<1>{} = typenet::ref(*row_), b...); },
               p.bindings());
    const auto& y = one_.template get<0>();
    std::copy_n(detail::data_of(y), outputs, out);
  }

  using output_expression = decltype(Net::template output<Chunk>());
  evaluator<T, output_expression> eval_;
  evaluator<T, decltype(Net::template output<1>())> one_;
  std::unique_ptr<matrix<T, 1, inputs>> row_ = std::make_unique<matrix<T, 1, inputs>>();
  std::unique_ptr<matrix<T, Chunk, inputs>> chunk_ = std::make_unique<matrix<T, Chunk, inputs>>();
};

/// The network's outputs for the rows of x.
template <class Net, class T, std::size_t R>
matrix<T, R, Net::output_size> predict(const params<Net, T>& p, const matrix<T, R, Net::input_size>& x) {
  matrix<T, R, Net::output_size> y;
  predictor<Net, T>{}.run(p, x.data(), R, y.data());
  return y;
}

}  // namespace typenet
