#pragma once
/// How a dataset's rows become a network's targets, shared by `fit`,
/// `evaluate` and `accuracy`:
///   classes  class labels, one output per class: one-hot rows, argmax decides;
///   binary   2 classes and 1 output (a sigmoid): the target is the label (0 or
///            1), an output of at least 0.5 predicts class 1;
///   real     real-valued targets (`target_data(i)`), one output per target.
/// Any other pairing of a dataset and a network is refused: at compile time
/// where both counts are static, naming both, else with std::invalid_argument.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include <typenet/data/dataset_ref.hpp>
#include <typenet/expr/shape_error.hpp>

namespace typenet {

namespace errors {
template <std::size_t Outputs, std::size_t Classes>
struct dataset_classes {
  static constexpr detail::message_buffer build() {
    detail::message_buffer b;
    b << std::string_view{"the network has "} << Outputs << std::string_view{" outputs, but the dataset has "} << Classes
      << std::string_view{" classes (a 1-output network takes 2 classes)"};
    return b;
  }
};
template <std::size_t Outputs, std::size_t Targets>
struct dataset_targets {
  static constexpr detail::message_buffer build() {
    detail::message_buffer b;
    b << std::string_view{"the network has "} << Outputs << std::string_view{" outputs, but the dataset has "} << Targets
      << std::string_view{" real-valued targets"};
    return b;
  }
};
template <std::size_t Inputs, std::size_t Features>
struct dataset_features {
  static constexpr detail::message_buffer build() {
    detail::message_buffer b;
    b << std::string_view{"the network takes "} << Inputs << std::string_view{" inputs, but the dataset has "} << Features
      << std::string_view{" features"};
    return b;
  }
};
}  // namespace errors

namespace detail {

enum class target_kind { classes, binary, real };

/// The least a dataset needs: `size()`, `row_data(i)` and `label(i)` or
/// `target_data(i)`; `features()`, `classes()` (or `targets()`) and
/// `source()` are checked and named in errors where present.
template <class D>
concept has_labels = requires(const D& d, std::size_t i) { d.label(i); };
template <class D>
concept has_targets = requires(const D& d, std::size_t i) { d.target_data(i); };
template <class D>
std::string source_of(const D& d) {
  if constexpr (requires { d.source(); }) return std::string(d.source());
  else return (void)d, std::string("the dataset");
}
/// The element type of a dataset's rows.
template <class D>
using row_value_t = std::remove_cvref_t<decltype(*std::declval<const D&>().row_data(std::size_t{0}))>;

template <class D>
inline constexpr bool is_typed_ref = false;
template <class T>
inline constexpr bool is_typed_ref<data::typed_ref<T>> = true;

/// A static extent of D, or 0 where it has none (dynamic or not a member).
inline constexpr std::size_t dynamic_extent = static_cast<std::size_t>(-1);
template <class D>
consteval std::size_t static_features_of() {
  if constexpr (requires { D::static_features; }) return D::static_features == dynamic_extent ? 0 : D::static_features;
  else return 0;
}
template <class D>
consteval std::size_t static_classes_of() {
  if constexpr (requires { D::static_classes; }) return D::static_classes == dynamic_extent ? 0 : D::static_classes;
  else return 0;
}
template <class D>
consteval std::size_t static_targets_of() {
  if constexpr (requires { D::static_targets; }) return D::static_targets == dynamic_extent ? 0 : D::static_targets;
  else return 0;
}

/// Whether a dataset of type D fits a network of Inputs inputs and Outputs
/// outputs as far as its static extents tell; names the mismatch otherwise.
template <std::size_t Inputs, std::size_t Outputs, class D>
consteval bool dataset_fits() {
  constexpr std::size_t f = static_features_of<D>();
  constexpr std::size_t c = static_classes_of<D>();
  constexpr std::size_t k = static_targets_of<D>();
  if constexpr (f != 0 && f != Inputs) return shape_error<errors::dataset_features<Inputs, f>>::value;
  else if constexpr (has_targets<D> && !is_typed_ref<D> && k != 0 && k != Outputs)
    return shape_error<errors::dataset_targets<Outputs, k>>::value;
  else if constexpr (!has_targets<D> && c != 0 && c != Outputs && !(c == 2 && Outputs == 1))
    return shape_error<errors::dataset_classes<Outputs, c>>::value;
  else return true;
}

/// The kind of targets a dataset gives a network of Inputs x Outputs;
/// std::invalid_argument naming both counts (and `who`) if it does not fit.
template <std::size_t Inputs, std::size_t Outputs, class D>
target_kind target_kind_of(const D& d, std::string_view who) {
  auto fail = [&](const std::string& what) {
    throw std::invalid_argument("typenet: " + std::string(who) + ": " + source_of(d) + ": " + what);
  };
  if constexpr (requires { d.features(); })
    if (d.features() != Inputs)
      fail("the network takes " + std::to_string(Inputs) + " inputs, but the dataset has " +
           std::to_string(d.features()) + " features");
  bool real = false;
  std::size_t count = Outputs;  // a dataset that does not say: its labels are checked row by row
  if constexpr (is_typed_ref<D>) {
    real = d.ref->real_targets();
    count = real ? d.ref->targets() : d.ref->classes();
  } else if constexpr (has_targets<D>) {
    real = true;
    if constexpr (requires { d.targets(); }) count = d.targets();
  } else {
    static_assert(has_labels<D>, "typenet: a dataset needs label(i) (classes) or target_data(i) (real targets)");
    if constexpr (requires { d.classes(); }) count = d.classes();
  }
  if (real) {
    if (count != Outputs)
      fail("the network has " + std::to_string(Outputs) + " outputs, but the dataset has " + std::to_string(count) +
           " real-valued targets");
    return target_kind::real;
  }
  if (count == Outputs) return target_kind::classes;
  if (count == 2 && Outputs == 1) return target_kind::binary;
  fail("the network has " + std::to_string(Outputs) + " outputs, but the dataset has " + std::to_string(count) +
       " classes (a 1-output network takes 2 classes)");
  return target_kind::classes;  // not reached
}

/// Row i's targets (Outputs values) into out.
template <std::size_t Outputs, class D, class T>
void write_targets(target_kind kind, const D& d, std::size_t i, T* out) {
  if (kind == target_kind::real) {
    if constexpr (has_targets<D>) std::copy_n(d.target_data(i), Outputs, out);
    return;
  }
  if constexpr (has_labels<D>) {
    const auto label = static_cast<std::int64_t>(d.label(i));
    const std::size_t classes = kind == target_kind::binary ? 2 : Outputs;
    if (label < 0 || static_cast<std::size_t>(label) >= classes)
      throw std::out_of_range("typenet: " + source_of(d) + ": label " + std::to_string(label) + " of row " +
                              std::to_string(i) + " is not a class (0.." + std::to_string(classes - 1) + ")");
    if (kind == target_kind::binary) {
      out[0] = label == 0 ? T(0) : T(1);
    } else {
      std::fill(out, out + Outputs, T(0));
      out[static_cast<std::size_t>(label)] = T(1);
    }
  }
}

/// Whether the outputs `o` of one row predict `label` (classes and binary).
template <std::size_t Outputs, class T>
bool predicts(target_kind kind, const T* o, std::int64_t label) {
  if (kind == target_kind::binary) return (o[0] >= T(0.5)) == (label != 0);
  return static_cast<std::int64_t>(std::max_element(o, o + Outputs) - o) == label;
}

/// Row i's label, for classes and binary.
template <class D>
std::int64_t label_of(const D& d, std::size_t i) {
  if constexpr (has_labels<D>) return static_cast<std::int64_t>(d.label(i));
  else return (void)d, (void)i, -1;
}

}  // namespace detail
}  // namespace typenet
