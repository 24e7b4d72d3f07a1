#pragma once
/// Fusion and liveness: which nodes an evaluation computes, which it computes
/// inside another node's SIMD pass instead of storing, and how long each
/// stored value is read.
#include <array>
#include <cstddef>
#include <initializer_list>
#include <type_traits>
#include <utility>

#include <typenet/core/type_list.hpp>
#include <typenet/expr/node.hpp>
#include <typenet/expr/shape.hpp>
#include <typenet/plan/steps.hpp>

namespace typenet::detail {

/// What evaluation does with each node, planned at compile time from the
/// nodes' plans and the roots:
///  - `needed`: computed, except a transpose that only matrix products read
///    (they read its operand in place) and that is not a root;
///  - `inlined`: an elementwise matrix node whose only reader is an elementwise
///    node of the same shape is not stored: it is computed inside its
///    reader's SIMD pass (a chain of elementwise ops is one pass over memory);
///  - `last_use`: the position of the last step that reads the node's value
///    (a read inside a fused pass happens at the pass's node; a root's value
///    lives to the end, `n`). The memory plan shares storage between nodes
///    whose [position, last_use] intervals do not meet.
template <class Order, class Plans, class Roots>
struct node_roles;
template <class... Ns, class... Plans, std::size_t... Root>
struct node_roles<type_list<Ns...>, type_list<Plans...>, std::index_sequence<Root...>> {
  static constexpr std::size_t n = sizeof...(Ns);
  struct roles {
    std::array<bool, n> needed{};
    std::array<bool, n> inlined{};
    std::array<bool, n> root{};
    std::array<std::size_t, n> last_use{};
  };
  static constexpr roles value = []() consteval {
    roles out{};
    const bool transpose[] = {is_node_of<Ns, transpose_op>::value...};
    const bool elementwise[] = {runs_as_map<Plans, Ns>...};
    const std::size_t rows[] = {shape_of_t<Ns>::rows...};
    const std::size_t cols[] = {shape_of_t<Ns>::cols...};
    for (std::size_t r : {std::size_t(-1), Root...})
      if (r != std::size_t(-1)) out.root[r] = true;
    // reads[i] and the last reader of i, counting only the readers in `live`
    std::array<std::size_t, n> reads{};
    std::array<std::size_t, n> reader{};
    auto count_reads = [&](const std::array<bool, n>& live) {
      reads = {};
      std::size_t p = 0;
      auto count = [&](const auto& rd) {
        if (live[p])
          for (std::size_t i : rd) {
            ++reads[i];
            reader[i] = p;
          }
        ++p;
      };
      (void)std::initializer_list<int>{(count(plan_reads<Plans>::value), 0)...};
    };
    std::array<bool, n> all{};
    all.fill(true);
    count_reads(all);
    for (std::size_t i = 0; i < n; ++i) out.needed[i] = !transpose[i] || out.root[i] || reads[i] > 0;
    count_reads(out.needed);  // a transpose that is skipped reads nothing
    for (std::size_t i = 0; i < n; ++i)
      out.inlined[i] = out.needed[i] && elementwise[i] && !out.root[i] && reads[i] == 1 && elementwise[reader[i]] &&
                       rows[reader[i]] == rows[i] && cols[reader[i]] == cols[i];
    // where each node's reads happen: an inlined node's inside its reader's pass
    std::array<std::size_t, n> at{};
    for (std::size_t k = n; k-- > 0;) at[k] = out.inlined[k] ? at[reader[k]] : k;
    for (std::size_t i = 0; i < n; ++i) out.last_use[i] = out.root[i] ? n : i;
    std::size_t p = 0;
    auto extend = [&](const auto& rd) {
      if (out.needed[p])
        for (std::size_t i : rd)
          if (out.last_use[i] < at[p]) out.last_use[i] = at[p];
      ++p;
    };
    (void)std::initializer_list<int>{(extend(plan_reads<Plans>::value), 0)...};
    return out;
  }();
};

template <std::size_t I>
using index_constant = std::integral_constant<std::size_t, I>;

template <class A, class B>
struct concat_lists;
template <class... A, class... B>
struct concat_lists<type_list<A...>, type_list<B...>> {
  using type = type_list<A..., B...>;
};
template <class... Lists>
struct concat_all {
  using type = type_list<>;
};
template <class L, class... Lists>
struct concat_all<L, Lists...> {
  using type = typename concat_lists<L, typename concat_all<Lists...>::type>::type;
};

/// A slot read as a kernel operand.
template <std::size_t J>
struct fused_leaf {
  using leaves = type_list<index_constant<J>>;
  static constexpr std::size_t count = 1;
  template <std::size_t Offset, class Arr>
  static auto value(const Arr& a) {
    return a[Offset];
  }
};
/// The value rule of an elementwise plan with its inlined operands expanded:
/// `leaves` are the slots the fused pass reads, in the order `value` takes them.
template <class Plans, class Roles, class Plan>
struct fused_plan;
template <class Plans, class Roles, std::size_t J>
using fused_operand = std::conditional_t<Roles::value.inlined[J], fused_plan<Plans, Roles, at_t<J, Plans>>, fused_leaf<J>>;
template <class Plans, class Roles, class Op, class Info, std::size_t... J>
struct fused_plan<Plans, Roles, apply_op<Op, Info, J...>> {
  using leaves = typename concat_all<typename fused_operand<Plans, Roles, J>::leaves...>::type;
  static constexpr std::size_t count = leaves::size;
  template <std::size_t Offset, class Arr>
  static auto value(const Arr& a) {
    constexpr std::size_t js[] = {J...};
    constexpr std::array<std::size_t, sizeof...(J)> offsets = [] {
      std::array<std::size_t, sizeof...(J)> o{};
      const std::size_t counts[] = {fused_operand<Plans, Roles, J>::count...};
      std::size_t at = Offset;
      for (std::size_t k = 0; k < sizeof...(J); ++k) {
        o[k] = at;
        at += counts[k];
      }
      return o;
    }();
    using B = typename Arr::value_type;
    return [&]<std::size_t... K>(std::index_sequence<K...>) {
      return Op::eval(Info{},
                      std::array<B, sizeof...(J)>{fused_operand<Plans, Roles, js[K]>::template value<offsets[K]>(a)...});
    }(std::make_index_sequence<sizeof...(J)>{});
  }
};

}  // namespace typenet::detail
