#pragma once
// What the MPI tests share: a small network and a synthetic data set that
// every rank builds identically.
#include <cstddef>
#include <random>
#include <vector>

#include <typenet/typenet.hpp>

namespace typenet_mpi_test {

namespace tn = typenet;

using net = tn::network<tn::input<6>, tn::dense<8>, tn::tanh, tn::dense<3>, tn::softmax>;
using dataset = tn::data::dataset<float, 6, 3>;

/// n rows of features in [-1, 1], labelled from them so that training learns.
inline dataset make_data(std::size_t n) {
  std::mt19937 rng(42);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  std::vector<float> x(n * 6);
  std::vector<tn::data::label_type> y(n);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < 6; ++j) x[i * 6 + j] = u(rng);
    y[i] = x[i * 6] + x[i * 6 + 1] > 0.3f ? 0 : (x[i * 6 + 2] > 0 ? 1 : 2);
  }
  return dataset(6, 3, std::move(x), std::move(y), "synthetic");
}

}  // namespace typenet_mpi_test
