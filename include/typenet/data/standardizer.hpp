#pragma once
/// `tn::data::standardizer<F>`: per-feature centring and scaling, fitted on
/// the training rows only and applied to every data set (and every input at
/// inference) the same way, as scikit-learn's StandardScaler:
///
///   auto scale = tn::data::standardizer<10>::fit(train);  // mean and std of these rows
///   scale.apply(train); scale.apply(test);                 // x <- (x - mean) / std, in place
///   scale.save("scale.safetensors");                        // or scale.tensors() into the model's file
///
/// mean_j = (1/n) sum_i x_ij and std_j = sqrt((1/n) sum_i (x_ij - mean_j)^2)
/// (the population std, as StandardScaler and torch.std(unbiased=False)),
/// accumulated in double whatever the data's type, in two passes.
///
/// A feature that is constant over the fitted rows (std 0, or below the
/// rounding level n * eps * |mean| a sum of equal doubles can leave) is
/// listed by `constant_features()`, stored with std 0 and only centred:
/// StandardScaler's scale 1, never a division by zero.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <filesystem>
#include <limits>
#include <map>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include <typenet/data/dataset.hpp>
#include <typenet/data/split.hpp>
#include <typenet/io/error.hpp>
#include <typenet/io/safetensors.hpp>
#include <typenet/io/tensor_ref.hpp>
#include <typenet/tensor/matrix.hpp>

namespace typenet::data {

template <std::size_t F>
class standardizer {
  static_assert(F != dynamic && F > 0, "typenet: data::standardizer<F>: F, the number of features, must be a positive number");

 public:
  static constexpr std::size_t static_features = F;

  /// The identity (mean 0, std 1), e.g. to load into.
  standardizer() noexcept {
    mean_.fill(0.0);
    std_.fill(1.0);
  }

  /// The mean and std of each feature over the rows of `d` (a dataset,
  /// real_dataset or subset with F features). Throws std::invalid_argument if
  /// `d` is empty or (for run-time extents) does not have F features.
  template <class D>
  [[nodiscard]] static standardizer fit(const D& d) {
    static_assert(D::static_features == F || D::static_features == dynamic,
                  "typenet: data::standardizer<F>::fit(d): d's rows do not have F features");
    if (d.features() != F)
      throw std::invalid_argument("typenet: data::standardizer<" + std::to_string(F) + ">::fit(" + d.source() +
                                  "): rows have " + std::to_string(d.features()) + " features");
    const std::size_t n = d.size();
    if (n == 0)
      throw std::invalid_argument("typenet: data::standardizer<" + std::to_string(F) + ">::fit(" + d.source() +
                                  "): no rows to fit the mean and std on");
    standardizer s;
    std::array<double, F> sum{};
    for (std::size_t i = 0; i < n; ++i) {
      const auto* x = d.row_data(i);
      for (std::size_t j = 0; j < F; ++j) sum[j] += static_cast<double>(x[j]);
    }
    for (std::size_t j = 0; j < F; ++j) s.mean_[j] = sum[j] / static_cast<double>(n);
    std::array<double, F> squares{};
    for (std::size_t i = 0; i < n; ++i) {
      const auto* x = d.row_data(i);
      for (std::size_t j = 0; j < F; ++j) {
        const double e = static_cast<double>(x[j]) - s.mean_[j];
        squares[j] += e * e;
      }
    }
    for (std::size_t j = 0; j < F; ++j) {
      const double sd = std::sqrt(squares[j] / static_cast<double>(n));
      const double rounding = static_cast<double>(n) * std::numeric_limits<double>::epsilon() * std::abs(s.mean_[j]);
      s.std_[j] = sd <= rounding ? 0.0 : sd;
    }
    return s;
  }

  /// x_ij <- (x_ij - mean_j) / std_j in place for every row of a `dataset`
  /// or `real_dataset` (constant features: x_ij - mean_j). Throws, and
  /// changes nothing, if the standardizer's values are not usable (say, read
  /// from a bad file) or a result would not be a finite value of the data's
  /// type.
  template <class D>
  void apply(D& d) const {
    static_assert(!is_subset_v<D>,
                  "typenet: data::standardizer<F>::apply(view): a subset is a read-only view of its parent's rows; "
                  "apply the standardizer to the parent data set (the view then reads standardized rows)");
    if constexpr (!is_subset_v<D>) {
      static_assert(requires { d.feature_data(std::size_t{0}); },
                    "typenet: data::standardizer<F>::apply(d): d must be a data::dataset or data::real_dataset");
      static_assert(D::static_features == F || D::static_features == dynamic,
                    "typenet: data::standardizer<F>::apply(d): d's rows do not have F features");
      if (d.features() != F)
        throw std::invalid_argument("typenet: data::standardizer<" + std::to_string(F) + ">::apply(" + d.source() +
                                    "): rows have " + std::to_string(d.features()) + " features");
      const std::string where = "apply(" + d.source() + ")";
      check(where);
      for (std::size_t i = 0; i < d.size(); ++i) check_row(d.feature_data(i), where, i);
      for (std::size_t i = 0; i < d.size(); ++i) transform(d.feature_data(i));
    }
  }

  /// The same for `rows` rows of F values each at `x` (inputs at inference).
  template <class T>
    requires std::is_floating_point_v<T>
  void apply_rows(T* x, std::size_t rows) const {
    check("apply_rows");
    for (std::size_t i = 0; i < rows; ++i) check_row(x + i * F, "apply_rows", i);
    for (std::size_t i = 0; i < rows; ++i) transform(x + i * F);
  }
  /// The same for the rows of a matrix (one example per row).
  template <class T, std::size_t R>
  void apply(matrix<T, R, F>& m) const {
    apply_rows(m.data(), R);
  }

  [[nodiscard]] const std::array<double, F>& mean() const noexcept { return mean_; }
  /// The population std of each feature; 0 for a constant feature.
  [[nodiscard]] const std::array<double, F>& std() const noexcept { return std_; }
  /// The features (0-based, ascending) that were constant over the fitted rows: only centred.
  [[nodiscard]] std::vector<std::size_t> constant_features() const {
    std::vector<std::size_t> out;
    for (std::size_t j = 0; j < F; ++j)
      if (std_[j] == 0.0) out.push_back(j);
    return out;
  }

  /// "standardizer.mean" and "standardizer.std", F64 of shape {F}: to save
  /// with a model's tensors in one file, or to load into (writable refs).
  [[nodiscard]] std::vector<io::tensor_ref> tensors() {
    return {io::ref("standardizer.mean", std::span<double>(mean_), {F}),
            io::ref("standardizer.std", std::span<double>(std_), {F})};
  }
  [[nodiscard]] std::vector<io::tensor_ref> tensors() const {
    return {io::ref("standardizer.mean", std::span<const double>(mean_), {F}),
            io::ref("standardizer.std", std::span<const double>(std_), {F})};
  }

  /// A safetensors file with `tensors()`, atomically.
  void save(const std::filesystem::path& path) const {
    io::save_safetensors(path, tensors(), {{"typenet", "standardizer"}, {"features", std::to_string(F)}});
  }
  /// Reads `tensors()` from a safetensors file (other tensors in it are
  /// ignored); throws io_error naming the file if they are missing, have
  /// another shape, or hold a non-finite mean or a negative or non-finite std.
  [[nodiscard]] static standardizer load(const std::filesystem::path& path) {
    standardizer s;
    io::load_safetensors(path, s.tensors());
    if (const std::string p = s.problem(); !p.empty()) typenet::detail::throw_io_error("load", path, "standardizer: " + p);
    return s;
  }

 private:
  /// Why mean and std cannot be used, or "".
  [[nodiscard]] std::string problem() const {
    for (std::size_t j = 0; j < F; ++j)
      if (!std::isfinite(mean_[j]) || !std::isfinite(std_[j]) || std_[j] < 0.0)
        return "feature " + std::to_string(j) + " has mean " + detail::shortest(mean_[j]) + " and std " +
               detail::shortest(std_[j]) + " (a finite mean and a finite std >= 0 are needed)";
    return {};
  }
  void check(const std::string& where) const {
    if (const std::string p = problem(); !p.empty())
      throw std::invalid_argument("typenet: data::standardizer<" + std::to_string(F) + ">::" + where + ": " + p);
  }
  [[nodiscard]] double scaled(double x, std::size_t j) const noexcept {
    return (x - mean_[j]) / (std_[j] > 0.0 ? std_[j] : 1.0);
  }
  template <class T>
  void check_row(const T* x, const std::string& where, std::size_t row) const {
    for (std::size_t j = 0; j < F; ++j) {
      const double v = scaled(static_cast<double>(x[j]), j);
      if (!std::isfinite(v) || std::abs(v) > static_cast<double>(std::numeric_limits<T>::max()))
        throw std::invalid_argument("typenet: data::standardizer<" + std::to_string(F) + ">::" + where + ": row " +
                                    std::to_string(row) + ", feature " + std::to_string(j) + ": (" +
                                    detail::shortest(static_cast<double>(x[j])) + " - " + detail::shortest(mean_[j]) +
                                    ") / " + detail::shortest(std_[j]) + " is not a finite value; nothing was changed");
    }
  }
  template <class T>
  void transform(T* x) const noexcept {
    for (std::size_t j = 0; j < F; ++j) x[j] = static_cast<T>(scaled(static_cast<double>(x[j]), j));
  }

  std::array<double, F> mean_;
  std::array<double, F> std_;
};

}  // namespace typenet::data
