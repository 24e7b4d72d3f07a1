#pragma once
/// Real-valued targets: `tn::data::real<K>` names K target columns (a
/// regression problem, or K independent 0/1 labels for multi-label BCE), and
/// `tn::data::real_dataset<T, Features, K>` holds N examples of Features
/// inputs and K targets, both row-major and contiguous (N x Features, N x K).
///
///   auto train = tn::data::load_csv<10, tn::data::real<1>>("train.csv", {.has_header = true});
///   // tn::data::real_dataset<float, 10, 1>
///
/// Features and K are static. Every value is finite (checked when the data
/// set is made). Loading is not the training step, so the storage is a plain
/// std::vector.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <typenet/data/dataset.hpp>
#include <typenet/io/error.hpp>
#include <typenet/tensor/matrix.hpp>

namespace typenet::data {

/// The target kind of `load_csv<Features, real<K>>`: K real-valued target columns.
template <std::size_t K>
struct real {
  static_assert(K > 0, "typenet: data::real<K>: K is the number of real-valued target columns and must be at least 1");
  // 1 for K = 0 (already an error above): keeps real_dataset<T, F, 0> from adding a second one
  static constexpr std::size_t targets = K == 0 ? 1 : K;
};

template <class>
inline constexpr bool is_real_v = false;
template <std::size_t K>
inline constexpr bool is_real_v<real<K>> = true;

template <class T = float, std::size_t Features = dynamic, std::size_t K = 1>
class real_dataset {
  static_assert(std::is_floating_point_v<T>, "typenet: data::real_dataset<T, Features, K>: T must be float or double");
  static_assert(Features != dynamic && Features != 0,
                "typenet: data::real_dataset<T, Features, K>: Features must be a positive number (dynamic is not "
                "supported for real targets)");
  static_assert(K != dynamic && K != 0,
                "typenet: data::real_dataset<T, Features, K>: K, the number of real-valued targets, must be a "
                "positive number");

 public:
  using value_type = T;
  static constexpr std::size_t static_features = Features;
  static constexpr std::size_t static_targets = K;
  /// Row i + 1 starts right after row i in memory (a `subset` view's rows do not).
  static constexpr bool contiguous_rows = true;

  real_dataset() = default;

  /// `targets.size() / K` rows. `source` names where the data came from and
  /// is used in error messages. Throws io_error (and keeps nothing) if the
  /// sizes do not agree or a value is not finite.
  real_dataset(std::vector<T> features, std::vector<T> targets, std::string source = "real_dataset")
      : x_(std::move(features)), y_(std::move(targets)), source_(std::move(source)) {
    check();
  }

  [[nodiscard]] std::size_t size() const noexcept { return y_.size() / K; }
  [[nodiscard]] bool empty() const noexcept { return y_.empty(); }
  [[nodiscard]] static constexpr std::size_t features() noexcept { return Features; }
  [[nodiscard]] static constexpr std::size_t targets() noexcept { return K; }
  [[nodiscard]] const std::string& source() const noexcept { return source_; }

  /// Row i's features (Features values) and targets (K values).
  [[nodiscard]] const T* row_data(std::size_t i) const noexcept { return x_.data() + i * Features; }
  [[nodiscard]] const T* target_data(std::size_t i) const noexcept { return y_.data() + i * K; }
  [[nodiscard]] std::span<const T, Features> row(std::size_t i) const noexcept {
    return std::span<const T, Features>(row_data(i), Features);
  }
  [[nodiscard]] std::span<const T, K> target(std::size_t i) const noexcept {
    return std::span<const T, K>(target_data(i), K);
  }
  /// Row i's features, writable (what `standardizer::apply` uses). The caller
  /// keeps them finite: the constructor's check is not repeated.
  [[nodiscard]] T* feature_data(std::size_t i) noexcept { return x_.data() + i * Features; }

  /// All features (N x Features) and all targets (N x K), row-major.
  [[nodiscard]] std::span<const T> all_features() const noexcept { return x_; }
  [[nodiscard]] std::span<const T> all_targets() const noexcept { return y_; }

  /// Row i as column vectors `matrix<T, Features, 1>` and `matrix<T, K, 1>`.
  [[nodiscard]] matrix<T, Features, 1> x(std::size_t i) const {
    matrix<T, Features, 1> m;
    std::copy_n(row_data(i), Features, m.data());
    return m;
  }
  [[nodiscard]] matrix<T, K, 1> y(std::size_t i) const {
    matrix<T, K, 1> m;
    std::copy_n(target_data(i), K, m.data());
    return m;
  }

  std::vector<T> release_features() && noexcept { return std::move(x_); }
  std::vector<T> release_targets() && noexcept { return std::move(y_); }

 private:
  void check() const {
    const auto fail = [&](const std::string& what) { throw io_error("typenet: " + source_ + ": " + what); };
    if (y_.size() % K != 0)
      fail(std::to_string(y_.size()) + " target values are not rows of " + std::to_string(K) + " targets");
    if (x_.size() != size() * Features)
      fail(std::to_string(x_.size()) + " feature values for " + std::to_string(size()) + " rows of " +
           std::to_string(Features) + " features each");
    const auto finite = [&](const std::vector<T>& v, std::size_t width, const char* what) {
      const auto it = std::find_if(v.begin(), v.end(), [](T e) { return !std::isfinite(e); });
      if (it == v.end()) return;
      const auto at = static_cast<std::size_t>(it - v.begin());
      fail(std::string(what) + " " + std::to_string(at % width) + " of row " + std::to_string(at / width) + " is " +
           std::to_string(*it) + ", not a finite number");
    };
    finite(x_, Features, "feature");
    finite(y_, K, "target");
  }

  std::vector<T> x_;
  std::vector<T> y_;
  std::string source_;
};

}  // namespace typenet::data
