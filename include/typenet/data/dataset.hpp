#pragma once
/// `tn::data::dataset<T, Features, Classes>`: N labelled examples, features
/// row-major and contiguous (N x Features) and one class index per row.
/// `Features` and `Classes` are static (checked when the data is loaded) or
/// `tn::data::dynamic` (known at run time). Loading is not the training
/// step, so the storage is a plain std::vector.
#include <algorithm>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <typenet/io/error.hpp>
#include <typenet/tensor/matrix.hpp>

namespace typenet::data {

inline constexpr std::size_t dynamic = std::dynamic_extent;

/// A class index, 0 <= label < classes.
using label_type = std::int32_t;

template <class T = float, std::size_t Features = dynamic, std::size_t Classes = dynamic>
class dataset {
  static_assert(std::is_floating_point_v<T>, "typenet: data::dataset<T, Features, Classes>: T must be float or double");
  static_assert(Features != 0 && Classes != 0,
                "typenet: data::dataset<T, Features, Classes>: Features and Classes must be positive (or data::dynamic)");

 public:
  using value_type = T;
  static constexpr std::size_t static_features = Features;
  static constexpr std::size_t static_classes = Classes;
  /// Row i + 1 starts right after row i in memory (a `subset` view's rows do not).
  static constexpr bool contiguous_rows = true;

  dataset() = default;

  /// Takes `features.size() / n_features` rows. `source` names where the data
  /// came from and is used in error messages. Throws io_error if the sizes do
  /// not agree, a label is out of range, or a static extent does not match.
  dataset(std::size_t n_features, std::size_t n_classes, std::vector<T> features, std::vector<label_type> labels,
          std::string source = "dataset")
      : features_(n_features), classes_(n_classes), x_(std::move(features)), y_(std::move(labels)),
        source_(std::move(source)) {
    check();
  }

  /// The same data with static extents; throws io_error if they do not match.
  template <std::size_t F, std::size_t C>
  explicit dataset(dataset<T, F, C>&& other)
      : dataset(other.features(), other.classes(), std::move(other).release_features(),
                std::move(other).release_labels(), other.source()) {}

  [[nodiscard]] std::size_t size() const noexcept { return y_.size(); }
  [[nodiscard]] bool empty() const noexcept { return y_.empty(); }
  [[nodiscard]] constexpr std::size_t features() const noexcept {
    if constexpr (Features != dynamic) return Features; else return features_;
  }
  [[nodiscard]] constexpr std::size_t classes() const noexcept {
    if constexpr (Classes != dynamic) return Classes; else return classes_;
  }
  [[nodiscard]] const std::string& source() const noexcept { return source_; }

  /// Row i's features (`features()` values).
  [[nodiscard]] std::span<const T, Features> row(std::size_t i) const noexcept {
    return std::span<const T, Features>(x_.data() + i * features(), features());
  }
  [[nodiscard]] const T* row_data(std::size_t i) const noexcept { return x_.data() + i * features(); }
  [[nodiscard]] label_type label(std::size_t i) const noexcept { return y_[i]; }
  /// Row i's features, writable (what `standardizer::apply` uses). The caller
  /// keeps them finite.
  [[nodiscard]] T* feature_data(std::size_t i) noexcept { return x_.data() + i * features(); }

  /// All features, N x features() row-major, and all labels.
  [[nodiscard]] std::span<const T> all_features() const noexcept { return x_; }
  [[nodiscard]] std::span<const label_type> all_labels() const noexcept { return y_; }

  /// Row i as a column vector `matrix<T, Features, 1>` (static Features only).
  [[nodiscard]] matrix<T, Features, 1> x(std::size_t i) const
    requires(Features != dynamic)
  {
    matrix<T, Features, 1> m;
    std::copy_n(row_data(i), Features, m.data());
    return m;
  }
  /// Row i's label as a one-hot column vector `matrix<T, Classes, 1>` (static Classes only).
  [[nodiscard]] matrix<T, Classes, 1> y(std::size_t i) const
    requires(Classes != dynamic)
  {
    matrix<T, Classes, 1> m;
    m.values[static_cast<std::size_t>(y_[i])] = T{1};
    return m;
  }

  std::vector<T> release_features() && noexcept { return std::move(x_); }
  std::vector<label_type> release_labels() && noexcept { return std::move(y_); }

 private:
  void check() {
    if constexpr (Features != dynamic)
      if (features_ != Features)
        throw io_error("typenet: " + source_ + ": the data has " + std::to_string(features_) +
                       " features per row, the dataset type expects " + std::to_string(Features));
    if constexpr (Classes != dynamic)
      if (classes_ != Classes)
        throw io_error("typenet: " + source_ + ": the data has " + std::to_string(classes_) +
                       " classes, the dataset type expects " + std::to_string(Classes));
    if (features_ == 0) throw io_error("typenet: " + source_ + ": rows have no features");
    if (classes_ == 0) throw io_error("typenet: " + source_ + ": there are no classes");
    if (x_.size() != y_.size() * features_)
      throw io_error("typenet: " + source_ + ": " + std::to_string(x_.size()) + " feature values for " +
                     std::to_string(y_.size()) + " labels of " + std::to_string(features_) + " features each");
    for (std::size_t i = 0; i < y_.size(); ++i)
      if (y_[i] < 0 || static_cast<std::size_t>(y_[i]) >= classes_)
        throw io_error("typenet: " + source_ + ": label " + std::to_string(y_[i]) + " of row " + std::to_string(i) +
                       " is not a class index in [0, " + std::to_string(classes_) + ")");
  }

  std::size_t features_ = Features == dynamic ? 0 : Features;
  std::size_t classes_ = Classes == dynamic ? 0 : Classes;
  std::vector<T> x_;
  std::vector<label_type> y_;
  std::string source_;
};

namespace detail {

/// `v` in the shortest form that reads back as the same double ("0.1", "1e-300"), for messages.
inline std::string shortest(double v) {
  char text[32];
  return std::string(text, std::to_chars(text, text + sizeof text, v).ptr);
}

}  // namespace detail

/// `out[0..classes)` = one-hot encoding of `label`. Throws io_error (no
/// write) if the label is not a class index.
template <class T>
void one_hot(label_type label, std::span<T> out) {
  if (label < 0 || static_cast<std::size_t>(label) >= out.size())
    throw io_error("typenet: one_hot: label " + std::to_string(label) + " is not a class index in [0, " +
                   std::to_string(out.size()) + ")");
  std::fill(out.begin(), out.end(), T{0});
  out[static_cast<std::size_t>(label)] = T{1};
}

/// One-hot encoding of `label` as a column vector `matrix<T, Classes, 1>`.
template <std::size_t Classes, class T = float>
[[nodiscard]] matrix<T, Classes, 1> one_hot(label_type label) {
  matrix<T, Classes, 1> m;
  one_hot<T>(label, std::span<T>(m.data(), Classes));
  return m;
}

/// All labels one-hot, N x classes() row-major.
template <class T, std::size_t F, std::size_t C>
[[nodiscard]] std::vector<T> one_hot(const dataset<T, F, C>& d) {
  std::vector<T> out(d.size() * d.classes(), T{0});
  for (std::size_t i = 0; i < d.size(); ++i) out[i * d.classes() + static_cast<std::size_t>(d.label(i))] = T{1};
  return out;
}

}  // namespace typenet::data
