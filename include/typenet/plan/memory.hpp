#pragma once
/// The static memory plan of an evaluation. Every matrix a step stores gets an
/// offset in one workspace, chosen at compile time: values whose lifetimes
/// ([the node's position, its last read]) do not overlap share bytes, so a
/// forward activation the backward pass no longer reads gives its memory to a
/// later gradient. `memory_plan<...>::value.bytes` is the workspace size, a
/// compile-time constant; the workspace is allocated once, when the
/// evaluator is made, and never again.
#include <array>
#include <cstddef>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>

#include <typenet/core/type_list.hpp>
#include <typenet/expr/node.hpp>
#include <typenet/expr/shape.hpp>
#include <typenet/plan/roles.hpp>
#include <typenet/plan/steps.hpp>
#include <typenet/tensor/access.hpp>
#include <typenet/tensor/matrix.hpp>

namespace typenet::detail {

template <class T, class E>
using node_value_t = value_t<T, shape_of_t<E>::rows, shape_of_t<E>::cols>;

/// Values kept outside the workspace (numbers, variable slots), one per node.
template <std::size_t I, class V>
struct slot {
  V value;
};
template <class Is, class... V>
struct slots;
template <std::size_t... I, class... V>
struct slots<std::index_sequence<I...>, V...> : slot<I, V>... {};
template <std::size_t I, class V>
constexpr V& slot_value(slot<I, V>& s) noexcept {
  return s.value;
}
template <std::size_t I, class V>
constexpr const V& slot_value(const slot<I, V>& s) noexcept {
  return s.value;
}
/// The slot of a node that is not stored, or is stored in the workspace.
struct no_value {};

/// The slot of a matrix variable: a pointer to the bound matrix when it is
/// bound by reference with the evaluation's element type (`W = tn::ref(w)`),
/// read in place; otherwise to a converted copy, allocated by the first run
/// that needs one and reused after.
template <class M>
struct variable_slot {
  const M* pointer = nullptr;
  std::unique_ptr<M> converted{};
};
template <class V>
constexpr const V& operand(const V& v) noexcept {
  return v;
}
template <class M>
constexpr const M& operand(const variable_slot<M>& v) noexcept {
  return *v.pointer;
}
template <class M>
constexpr const M& operand(const matrix_ref<M>& r) noexcept {
  return *r.pointer;
}
template <class V>
struct is_variable_slot : std::false_type {};
template <class M>
struct is_variable_slot<variable_slot<M>> : std::true_type {};

/// Bytes a stored R x C value takes in the workspace: whole cache lines, so
/// every value starts aligned for the widest SIMD register.
template <class T>
constexpr std::size_t workspace_bytes_of(std::size_t elements) noexcept {
  return (elements * sizeof(T) + matrix_alignment - 1) / matrix_alignment * matrix_alignment;
}

/// Where each node of Order lives, for the roots Roots (an index_sequence of
/// positions in Order).
template <class T, class Order, class Roots>
struct memory_plan;
template <class T, class... Ns, std::size_t... Root>
struct memory_plan<T, type_list<Ns...>, std::index_sequence<Root...>> {
  using order = type_list<Ns...>;
  using plans = typename plans_of<order>::type;
  using roles = node_roles<order, plans, std::index_sequence<Root...>>;
  static constexpr std::size_t n = sizeof...(Ns);

  struct layout {
    std::array<bool, n> in_workspace{};
    std::array<std::size_t, n> offset{};
    std::array<std::size_t, n> extent{};  // bytes of each value in the workspace
    std::size_t bytes = 0;           // the workspace
    std::size_t unshared_bytes = 0;  // what it would be if no two values shared memory
  };
  static constexpr layout value = []() consteval {
    layout out{};
    const auto& r = roles::value;
    const std::size_t elements[] = {shape_of_t<Ns>::size...};
    const bool variable[] = {is_variable<Ns>::value...};
    auto& bytes = out.extent;
    std::array<std::size_t, n> placed{};
    std::array<std::size_t, n> live{};
    std::size_t placed_count = 0;
    for (std::size_t i = 0; i < n; ++i) {
      out.in_workspace[i] = r.needed[i] && !r.inlined[i] && elements[i] > 1 && !variable[i];
      if (!out.in_workspace[i]) continue;
      bytes[i] = workspace_bytes_of<T>(elements[i]);
      out.unshared_bytes += bytes[i];
      // the values still read at or after step i (placed in order, so they start before i)
      std::size_t live_count = 0;
      for (std::size_t k = 0; k < placed_count; ++k)
        if (r.last_use[placed[k]] >= i) live[live_count++] = placed[k];
      // first fit: the lowest of 0 and the ends of the live values that overlaps none of them
      std::size_t best = std::size_t(-1);
      for (std::size_t c = 0; c <= live_count; ++c) {
        const std::size_t at = c == live_count ? 0 : out.offset[live[c]] + bytes[live[c]];
        if (at >= best) continue;
        bool free = true;
        for (std::size_t k = 0; k < live_count && free; ++k) {
          const std::size_t j = live[k];
          free = at + bytes[i] <= out.offset[j] || out.offset[j] + bytes[j] <= at;
        }
        if (free) best = at;
      }
      out.offset[i] = best;
      if (best + bytes[i] > out.bytes) out.bytes = best + bytes[i];
      placed[placed_count++] = i;
    }
    return out;
  }();
};

/// The slot a node keeps outside the workspace.
template <class T, class E, bool Stored>
struct small_slot {
  using type = no_value;
};
template <class T, class E>
struct small_slot<T, E, true> {
  using type = node_value_t<T, E>;
};
template <class T, fixed_string Name, std::size_t R, std::size_t C>
  requires(R * C > 1)
struct small_slot<T, variable<Name, R, C>, true> {
  using type = variable_slot<matrix<T, R, C>>;
};

/// The slots kept outside the workspace: a node's value if it is stored and
/// not in the workspace, else nothing.
template <class T, class Order, class Plan, class Is>
struct small_slots_of;
template <class T, class... Ns, class Plan, std::size_t... I>
struct small_slots_of<T, type_list<Ns...>, Plan, std::index_sequence<I...>> {
  static constexpr auto& roles = Plan::roles::value;
  using type = slots<std::index_sequence<I...>,
                     typename small_slot<T, Ns, roles.needed[I] && !roles.inlined[I] && !Plan::value.in_workspace[I]>::type...>;
};

struct aligned_free {
  void operator()(std::byte* p) const noexcept { ::operator delete(p, std::align_val_t{matrix_alignment}); }
};

/// The values of one evaluation: numbers and variable slots in place, every
/// stored matrix at its planned offset in one workspace allocated here.
template <class T, class Order, class Roots>
class node_storage;
template <class T, class... Ns, std::size_t... Root>
class node_storage<T, type_list<Ns...>, std::index_sequence<Root...>> {
 public:
  using plan = memory_plan<T, type_list<Ns...>, std::index_sequence<Root...>>;
  using roles = typename plan::roles;
  static constexpr std::size_t workspace_bytes = plan::value.bytes;

  node_storage()
      : workspace_(workspace_bytes == 0
                       ? nullptr
                       : static_cast<std::byte*>(::operator new(workspace_bytes, std::align_val_t{matrix_alignment}))) {}

  template <std::size_t I>
  decltype(auto) value() noexcept {
    if constexpr (plan::value.in_workspace[I]) {
      using M = node_value_t<T, at_t<I, type_list<Ns...>>>;
      return *std::launder(reinterpret_cast<M*>(workspace_.get() + plan::value.offset[I]));
    } else {
      return (slot_value<I>(small_));
    }
  }
  template <std::size_t I>
  decltype(auto) value() const noexcept {
    if constexpr (plan::value.in_workspace[I]) {
      using M = node_value_t<T, at_t<I, type_list<Ns...>>>;
      return *std::launder(reinterpret_cast<const M*>(workspace_.get() + plan::value.offset[I]));
    } else {
      return (slot_value<I>(small_));
    }
  }

 private:
  using small_slots = typename small_slots_of<T, type_list<Ns...>, plan, std::index_sequence_for<Ns...>>::type;
  small_slots small_{};
  std::unique_ptr<std::byte, aligned_free> workspace_;
};

template <std::size_t I, class S>
decltype(auto) node_value(S& s) noexcept {
  return s.template value<I>();
}

/// Between two steps that may reuse each other's memory: no load or store
/// moves across it (type-based alias analysis would otherwise see two
/// different matrix types at one address as independent).
inline void storage_fence() noexcept {
#if defined(__GNUC__) || defined(__clang__)
  __asm__ __volatile__("" ::: "memory");
#endif
}

}  // namespace typenet::detail
