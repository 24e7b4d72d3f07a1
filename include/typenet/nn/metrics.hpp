#pragma once
/// How good a network is on a dataset, through the inference path (no
/// dropout, no update): `tn::evaluate<Loss>(p, data)` gives the loss as the
/// trainer defines it (PyTorch's reductions) and, for classes, the accuracy,
/// for real-valued targets the mean absolute error and R^2 (the mean over
/// target columns of 1 - SS_res / SS_tot, scikit-learn's r2_score).
/// `tn::accuracy<net>(p, data)` is the accuracy alone; it does not compile
/// for real-valued targets, where it would mean nothing.
///
/// The loss is computed from the network's outputs: cross_entropy after a
/// softmax as -log of the target's probability, after no activation (logits)
/// through log_softmax; binary_cross_entropy from the sigmoid's output; the
/// logarithms are clamped at -100, as PyTorch's BCELoss does, so a saturated
/// output gives a large finite loss.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <type_traits>
#include <vector>

#include <typenet/nn/loss.hpp>
#include <typenet/nn/predict.hpp>
#include <typenet/nn/targets.hpp>

namespace typenet {

struct metrics {
  double loss = 0;
  /// The fraction of rows predicted right (classes and binary); NaN for real targets.
  double accuracy = std::numeric_limits<double>::quiet_NaN();
  /// Mean absolute error and R^2 (real targets); NaN for classes.
  double mae = std::numeric_limits<double>::quiet_NaN();
  double r2 = std::numeric_limits<double>::quiet_NaN();
  std::size_t rows = 0;
};

namespace detail {

inline double clamped_log(double v) { return v > 0 ? std::max(std::log(v), -100.0) : -100.0; }

/// The unnormalized loss of one row: outputs o, targets y.
template <class Loss, class Net, class T>
double row_loss(const T* o, const T* y) {
  constexpr std::size_t n = Net::output_size;
  double s = 0;
  if constexpr (std::is_same_v<Loss, mse>) {
    for (std::size_t j = 0; j < n; ++j) s += (double(o[j]) - double(y[j])) * (double(o[j]) - double(y[j]));
  } else if constexpr (std::is_same_v<Loss, binary_cross_entropy>) {
    for (std::size_t j = 0; j < n; ++j)
      s -= double(y[j]) * clamped_log(double(o[j])) + (1.0 - double(y[j])) * clamped_log(1.0 - double(o[j]));
  } else if constexpr (std::is_same_v<Loss, cross_entropy>) {
    if constexpr (std::is_same_v<typename Net::output_activation, identity_layer>) {
      double m = double(o[0]);
      for (std::size_t j = 1; j < n; ++j) m = std::max(m, double(o[j]));
      double z = 0;
      for (std::size_t j = 0; j < n; ++j) z += std::exp(double(o[j]) - m);
      const double log_z = m + std::log(z);
      for (std::size_t j = 0; j < n; ++j) s -= double(y[j]) * (double(o[j]) - log_z);
    } else {
      for (std::size_t j = 0; j < n; ++j)
        if (y[j] != T(0)) s -= double(y[j]) * clamped_log(double(o[j]));
    }
  } else {
    static_assert(std::is_same_v<Loss, mse>, "typenet: evaluate<Loss>: Loss must be mse, binary_cross_entropy or cross_entropy");
  }
  return s;
}

/// The rows of d through the network, `block` rows at a time (gathered when
/// the dataset's rows are not one contiguous array), `visit(first, rows, outputs)`.
template <class Net, class T, class D, class Visit>
void for_each_output_block(const params<Net, T>& p, const D& d, Visit&& visit) {
  constexpr std::size_t block = 256;
  constexpr std::size_t in = Net::input_size;
  predictor<Net, T> run;
  std::vector<T> out(block * Net::output_size);
  std::vector<T> gathered;
  constexpr bool contiguous = requires { d.all_features(); };
  if constexpr (!contiguous) gathered.resize(block * in);
  for (std::size_t start = 0; start < d.size(); start += block) {
    const std::size_t rows = std::min(block, d.size() - start);
    const T* x;
    if constexpr (contiguous) {
      x = d.row_data(start);
    } else {
      for (std::size_t r = 0; r < rows; ++r) std::copy_n(d.row_data(start + r), in, gathered.data() + r * in);
      x = gathered.data();
    }
    run.run(p, x, rows, out.data());
    visit(start, rows, out.data());
  }
}

template <class Loss, class Net, class T, class D>
metrics evaluate_rows(const params<Net, T>& p, const D& d, const char* who) {
  if (d.size() == 0) throw std::invalid_argument(std::string("typenet: ") + who + ": " + source_of(d) + ": the dataset is empty");
  constexpr std::size_t n_out = Net::output_size;
  const target_kind kind = target_kind_of<Net::input_size, n_out>(d, who);
  double loss = 0, abs_error = 0;
  std::size_t correct = 0;
  std::vector<double> sum(n_out), sum_sq(n_out), residual_sq(n_out);
  std::vector<T> y(n_out);
  for_each_output_block(p, d, [&](std::size_t first, std::size_t rows, const T* out) {
    for (std::size_t r = 0; r < rows; ++r) {
      const T* o = out + r * n_out;
      write_targets<n_out>(kind, d, first + r, y.data());
      loss += row_loss<Loss, Net>(o, y.data());
      if (kind == target_kind::real) {
        for (std::size_t j = 0; j < n_out; ++j) {
          const double e = double(o[j]) - double(y[j]);
          abs_error += std::abs(e);
          residual_sq[j] += e * e;
          sum[j] += double(y[j]);
          sum_sq[j] += double(y[j]) * double(y[j]);
        }
      } else {
        correct += predicts<n_out>(kind, o, label_of(d, first + r)) ? 1 : 0;
      }
    }
  });
  metrics m;
  m.rows = d.size();
  const double rows = static_cast<double>(m.rows);
  constexpr bool per_element = !std::is_same_v<Loss, cross_entropy>;  // PyTorch's reductions
  m.loss = loss / (per_element ? rows * static_cast<double>(n_out) : rows);
  if (kind == target_kind::real) {
    m.mae = abs_error / (rows * static_cast<double>(n_out));
    double r2 = 0;
    for (std::size_t j = 0; j < n_out; ++j) {
      const double total = sum_sq[j] - sum[j] * sum[j] / rows;
      // scikit-learn: a constant target scores 1 if predicted exactly, else 0
      r2 += total > 0 ? 1.0 - residual_sq[j] / total : (residual_sq[j] == 0 ? 1.0 : 0.0);
    }
    m.r2 = r2 / static_cast<double>(n_out);
  } else {
    m.accuracy = static_cast<double>(correct) / rows;
  }
  return m;
}

}  // namespace detail

/// The loss and metrics of the network with parameters p on every row of
/// `data` (a dataset, a real_dataset, a subset view, or a data::dataset_ref).
template <class Loss, class Net, class T, class Dataset>
metrics evaluate(const params<Net, T>& p, const Dataset& data) {
  if constexpr (std::is_same_v<Dataset, data::dataset_ref>) {
    if (data.value_size() != sizeof(T))
      throw std::invalid_argument("typenet: evaluate: " + data.source() + " holds values of " +
                                  std::to_string(data.value_size()) + " bytes, the parameters " +
                                  std::to_string(sizeof(T)));
    return detail::evaluate_rows<Loss>(p, data::typed_ref<T>{&data}, "evaluate");
  } else {
    if constexpr (!detail::dataset_fits<Net::input_size, Net::output_size, Dataset>()) return metrics{};
    else return detail::evaluate_rows<Loss>(p, data, "evaluate");
  }
}

/// The fraction of rows of a class dataset (or a subset of one) that the
/// network predicts right: the largest output is the label, or, for one
/// output and two classes, the output is at least 0.5 exactly for class 1.
template <class Net, class T, class Dataset>
double accuracy(const params<Net, T>& p, const Dataset& data) {
  static_assert(!detail::has_targets<Dataset>,
                "typenet: accuracy: the dataset has real-valued targets; use tn::evaluate<tn::mse>(p, data) for "
                "its loss, mae and r2");
  if constexpr (!detail::dataset_fits<Net::input_size, Net::output_size, Dataset>()) {
    return 0.0;
  } else {
    const detail::target_kind kind = detail::target_kind_of<Net::input_size, Net::output_size>(data, "accuracy");
    std::size_t correct = 0;
    detail::for_each_output_block(p, data, [&](std::size_t first, std::size_t rows, const T* out) {
      for (std::size_t r = 0; r < rows; ++r)
        correct += detail::predicts<Net::output_size>(kind, out + r * Net::output_size, detail::label_of(data, first + r)) ? 1 : 0;
    });
    return data.size() == 0 ? 0.0 : static_cast<double>(correct) / static_cast<double>(data.size());
  }
}

}  // namespace typenet
