#pragma once
/// `tn::data::dataset_ref`: a read-only, type-erased reference to any
/// dataset (a class `dataset`, a `real_dataset`, a `subset` view of either),
/// so that an option struct can name one without becoming a template:
/// `fit_options{.validation = &valid}`. It does not own the data: the dataset
/// must outlive it. Reading through it costs an indirect call per row.
#include <cstddef>
#include <cstdint>
#include <string>

namespace typenet::data {

/// A class dataset: `label(i)`, `classes()`.
template <class D>
concept class_data = requires(const D& d, std::size_t i) {
  { d.label(i) } -> std::convertible_to<std::int64_t>;
  { d.classes() } -> std::convertible_to<std::size_t>;
};
/// A dataset with real-valued targets: `target_data(i)` (targets() values).
template <class D>
concept real_data = requires(const D& d, std::size_t i) {
  d.target_data(i);
  { d.targets() } -> std::convertible_to<std::size_t>;
};

class dataset_ref {
 public:
  dataset_ref() = default;
  dataset_ref(std::nullptr_t) {}
  template <class D>
    requires(class_data<D> || real_data<D>)
  dataset_ref(const D* d)  // NOLINT: implicit, so that `.validation = &valid` reads as it should
      : data_(d), value_size_(sizeof(typename D::value_type)) {
    if (!d) {
      data_ = nullptr;
      return;
    }
    size_ = &size_of<D>;
    row_ = &row_of<D>;
    features_ = d->features();
    source_ = d->source();
    if constexpr (real_data<D>) {
      target_ = &target_of<D>;
      outputs_ = d->targets();
    } else {
      label_ = &label_of<D>;
      outputs_ = d->classes();
    }
  }

  [[nodiscard]] explicit operator bool() const noexcept { return data_ != nullptr; }
  [[nodiscard]] bool real_targets() const noexcept { return target_ != nullptr; }
  [[nodiscard]] std::size_t size() const { return data_ ? size_(data_) : 0; }
  [[nodiscard]] bool empty() const { return size() == 0; }
  [[nodiscard]] std::size_t features() const noexcept { return features_; }
  /// Classes of a class dataset (0 for real targets).
  [[nodiscard]] std::size_t classes() const noexcept { return real_targets() ? 0 : outputs_; }
  /// Target columns of a real dataset (0 for classes).
  [[nodiscard]] std::size_t targets() const noexcept { return real_targets() ? outputs_ : 0; }
  [[nodiscard]] const std::string& source() const noexcept { return source_; }
  /// The size of one value (4 for float, 8 for double).
  [[nodiscard]] std::size_t value_size() const noexcept { return value_size_; }

  /// Row i's features and targets, as the element type the dataset holds.
  [[nodiscard]] const void* row(std::size_t i) const { return row_(data_, i); }
  [[nodiscard]] std::int64_t label(std::size_t i) const { return label_(data_, i); }
  [[nodiscard]] const void* target(std::size_t i) const { return target_(data_, i); }

 private:
  template <class D>
  static std::size_t size_of(const void* d) { return static_cast<const D*>(d)->size(); }
  template <class D>
  static const void* row_of(const void* d, std::size_t i) { return static_cast<const D*>(d)->row_data(i); }
  template <class D>
  static std::int64_t label_of(const void* d, std::size_t i) { return static_cast<const D*>(d)->label(i); }
  template <class D>
  static const void* target_of(const void* d, std::size_t i) { return static_cast<const D*>(d)->target_data(i); }

  const void* data_ = nullptr;
  std::size_t (*size_)(const void*) = nullptr;
  const void* (*row_)(const void*, std::size_t) = nullptr;
  std::int64_t (*label_)(const void*, std::size_t) = nullptr;
  const void* (*target_)(const void*, std::size_t) = nullptr;
  std::size_t features_ = 0;
  std::size_t outputs_ = 0;
  std::size_t value_size_ = 0;
  std::string source_;
};

/// A dataset_ref read as values of T (the trainer's element type): the
/// dataset interface (`size()`, `row_data(i)`, `label(i)` or `target_data(i)`)
/// with the kind of target known at run time. The element types must agree
/// (checked by whoever makes one).
template <class T>
struct typed_ref {
  using value_type = T;
  const dataset_ref* ref;
  [[nodiscard]] std::size_t size() const { return ref->size(); }
  [[nodiscard]] std::size_t features() const noexcept { return ref->features(); }
  [[nodiscard]] const std::string& source() const noexcept { return ref->source(); }
  [[nodiscard]] const T* row_data(std::size_t i) const { return static_cast<const T*>(ref->row(i)); }
  [[nodiscard]] std::int64_t label(std::size_t i) const { return ref->label(i); }
  [[nodiscard]] const T* target_data(std::size_t i) const { return static_cast<const T*>(ref->target(i)); }
};

}  // namespace typenet::data
