#pragma once
/// `tn::data::split(d, fraction, seed)`: two disjoint views of a data set's
/// rows that together cover all of them, for a training part and a
/// validation part:
///
///   auto [fit_part, valid] = tn::data::split(train, 0.8, /*seed=*/1);
///   // tn::data::subset<decltype(train)>: 80% of the rows, and the other 20%
///
/// The rows are not copied: a `subset` holds a pointer to the data set and
/// the indices of its rows, so THE DATA SET MUST OUTLIVE THE VIEWS (and must
/// not be moved from while they are used). A view reads like its data set
/// (`size()`, `row_data(i)`, `label(i)` or `target_data(i)`, the static
/// extents) but is read-only: standardize the parent, the views see the
/// change. Splitting a view gives views of the same parent.
///
/// Which rows go where: the indices 0..n-1 are shuffled by std::shuffle with
/// std::mt19937_64(seed) and the first round(fraction * n) of them form the
/// first part; each part then lists its rows in ascending order (the order
/// of the file, and the best for memory). The same seed and standard library
/// give the same split.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numeric>
#include <random>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <typenet/data/dataset.hpp>
#include <typenet/data/real.hpp>

namespace typenet::data {

template <class Dataset>
class subset;

namespace detail {

template <class D>
concept class_rows = requires(const D& d) {
  { D::static_classes } -> std::convertible_to<std::size_t>;
  d.label(std::size_t{0});
  d.classes();
};
template <class D>
concept real_rows = requires(const D& d) {
  { D::static_targets } -> std::convertible_to<std::size_t>;
  d.target_data(std::size_t{0});
};

template <class D>
struct subset_classes {};
template <class_rows D>
struct subset_classes<D> {
  static constexpr std::size_t static_classes = D::static_classes;
};
template <class D>
struct subset_targets {};
template <real_rows D>
struct subset_targets<D> {
  static constexpr std::size_t static_targets = D::static_targets;
};

template <class D>
struct split_root {
  using type = D;
};
template <class D>
struct split_root<subset<D>> {
  using type = D;
};

}  // namespace detail

template <class>
inline constexpr bool is_subset_v = false;
template <class D>
inline constexpr bool is_subset_v<subset<D>> = true;

/// Some rows of a `dataset` or `real_dataset`, by index, without a copy.
template <class Dataset>
class subset : public detail::subset_classes<Dataset>, public detail::subset_targets<Dataset> {
  static_assert(!is_subset_v<Dataset>, "typenet: data::subset<subset<D>>: a view of a view is a subset<D> of the same parent");
  static_assert(detail::class_rows<Dataset> || detail::real_rows<Dataset>,
                "typenet: data::subset<D>: D must be a data::dataset or a data::real_dataset");

 public:
  using parent_type = Dataset;
  using value_type = typename Dataset::value_type;
  static constexpr std::size_t static_features = Dataset::static_features;
  /// Row i + 1 is not next to row i in memory: read row by row.
  static constexpr bool contiguous_rows = false;

  /// The rows `rows` of `parent` (each < parent.size(), or std::out_of_range).
  /// `parent` must outlive the view.
  subset(const Dataset&&, std::vector<std::uint32_t>, std::string) = delete;  // would dangle
  subset(const Dataset& parent, std::vector<std::uint32_t> rows, std::string source)
      : parent_(&parent), rows_(std::move(rows)), source_(std::move(source)) {
    for (const std::uint32_t r : rows_)
      if (r >= parent.size())
        throw std::out_of_range("typenet: data::subset: row " + std::to_string(r) + " of " + parent.source() + ", which has " +
                                std::to_string(parent.size()) + " rows");
  }

  [[nodiscard]] std::size_t size() const noexcept { return rows_.size(); }
  [[nodiscard]] bool empty() const noexcept { return rows_.empty(); }
  [[nodiscard]] std::size_t features() const noexcept { return parent_->features(); }
  /// The parent's source and which part of a split this is.
  [[nodiscard]] const std::string& source() const noexcept { return source_; }

  [[nodiscard]] const value_type* row_data(std::size_t i) const noexcept { return parent_->row_data(rows_[i]); }
  [[nodiscard]] auto row(std::size_t i) const noexcept { return parent_->row(rows_[i]); }
  [[nodiscard]] auto x(std::size_t i) const { return parent_->x(rows_[i]); }
  [[nodiscard]] auto y(std::size_t i) const
    requires requires(const Dataset& d) { d.y(std::size_t{0}); }
  {
    return parent_->y(rows_[i]);
  }

  [[nodiscard]] label_type label(std::size_t i) const noexcept
    requires detail::class_rows<Dataset>
  {
    return parent_->label(rows_[i]);
  }
  [[nodiscard]] std::size_t classes() const noexcept
    requires detail::class_rows<Dataset>
  {
    return parent_->classes();
  }
  [[nodiscard]] const value_type* target_data(std::size_t i) const noexcept
    requires detail::real_rows<Dataset>
  {
    return parent_->target_data(rows_[i]);
  }
  [[nodiscard]] auto target(std::size_t i) const noexcept
    requires detail::real_rows<Dataset>
  {
    return parent_->target(rows_[i]);
  }
  [[nodiscard]] static constexpr std::size_t targets() noexcept
    requires detail::real_rows<Dataset>
  {
    return Dataset::static_targets;
  }

  /// The data set the rows are read from, and which of its rows view row i is.
  [[nodiscard]] const Dataset& parent() const noexcept { return *parent_; }
  [[nodiscard]] std::size_t parent_row(std::size_t i) const noexcept { return rows_[i]; }
  [[nodiscard]] std::span<const std::uint32_t> indices() const noexcept { return rows_; }

 private:
  const Dataset* parent_;
  std::vector<std::uint32_t> rows_;
  std::string source_;
};

/// Two disjoint views of `d`'s rows covering all of them: a seeded shuffle,
/// then round(fraction * n) rows in the first (see the top of this file).
/// Throws std::invalid_argument, before anything is done, if `fraction` is
/// not in (0, 1) or leaves a part empty. Of a `subset`, the parts are views
/// of the same parent.
template <class Dataset>
  requires(detail::class_rows<Dataset> || detail::real_rows<Dataset>)
[[nodiscard]] std::pair<subset<typename detail::split_root<Dataset>::type>, subset<typename detail::split_root<Dataset>::type>>
split(const Dataset& d, double fraction, std::uint64_t seed) {
  using view = subset<typename detail::split_root<Dataset>::type>;
  const std::size_t n = d.size();
  const std::string call = "typenet: data::split(" + (d.source().empty() ? std::string("d") : d.source()) + ", " +
                           detail::shortest(fraction) + ", " + std::to_string(seed) + "): ";
  if (!(fraction > 0.0 && fraction < 1.0))
    throw std::invalid_argument(call + "the fraction of rows in the first part must be strictly between 0 and 1");
  if (n > std::numeric_limits<std::uint32_t>::max())
    throw std::invalid_argument(call + std::to_string(n) + " rows are more than 32-bit row indices can address");
  const auto first = static_cast<std::size_t>(std::llround(fraction * static_cast<double>(n)));
  if (first == 0 || first == n)
    throw std::invalid_argument(call + "the parts would have " + std::to_string(first) + " and " + std::to_string(n - first) +
                                " of the " + std::to_string(n) + " rows: one would be empty");

  std::vector<std::uint32_t> order(n);
  std::iota(order.begin(), order.end(), std::uint32_t{0});
  std::mt19937_64 rng(seed);
  std::shuffle(order.begin(), order.end(), rng);
  std::vector<std::uint32_t> a(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(first));
  std::vector<std::uint32_t> b(order.begin() + static_cast<std::ptrdiff_t>(first), order.end());
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  if constexpr (is_subset_v<Dataset>) {  // indices of the parent
    for (auto& r : a) r = static_cast<std::uint32_t>(d.parent_row(r));
    for (auto& r : b) r = static_cast<std::uint32_t>(d.parent_row(r));
  }
  const auto& parent = [&]() -> const auto& {
    if constexpr (is_subset_v<Dataset>) return d.parent(); else return d;
  }();
  const auto name = [&](int part, std::size_t rows) {
    return d.source() + " (split part " + std::to_string(part) + ": " + std::to_string(rows) + " of " + std::to_string(n) +
           " rows, seed " + std::to_string(seed) + ")";
  };
  std::string name_a = name(1, a.size()), name_b = name(2, b.size());
  return {view(parent, std::move(a), std::move(name_a)), view(parent, std::move(b), std::move(name_b))};
}

/// A temporary data set would be gone before its views are used.
template <class Dataset>
  requires(detail::class_rows<Dataset> || detail::real_rows<Dataset>)
auto split(const Dataset&& d, double fraction, std::uint64_t seed) {
  static_assert(sizeof(Dataset) == 0,
                "typenet: data::split(d, fraction, seed): d is a temporary, and the views would point to it after it "
                "is gone; keep the data set in a variable that outlives the views");
  return split(static_cast<const Dataset&>(d), fraction, seed);  // the type, so that no second error follows
}

}  // namespace typenet::data
