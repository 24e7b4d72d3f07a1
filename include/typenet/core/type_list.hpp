#pragma once
/// Flat type lists. Graphs are kept as flat, topologically ordered lists and
/// walked with pack expansions (no deep recursion, no hana::map) because that
/// is what keeps compile time linear in the number of nodes.
#include <array>
#include <cstddef>
#include <initializer_list>
#include <type_traits>
#include <utility>

namespace typenet {

template <class... Ts>
struct type_list {
  static constexpr std::size_t size = sizeof...(Ts);
};

namespace detail {

template <class... Ts>
struct inherit_all : std::type_identity<Ts>... {};

template <class List, class T>
struct contains;
template <class... Ts, class T>
struct contains<type_list<Ts...>, T> : std::is_base_of<std::type_identity<T>, inherit_all<Ts...>> {};

template <class List, class T>
struct push_back;
template <class... Ts, class T>
struct push_back<type_list<Ts...>, T> {
  using type = type_list<Ts..., T>;
};

template <class List, class T>
struct push_front;
template <class... Ts, class T>
struct push_front<type_list<Ts...>, T> {
  using type = type_list<T, Ts...>;
};

template <class T, class... Ts>
consteval std::size_t find_index() noexcept {
  constexpr std::array<bool, sizeof...(Ts)> same{std::is_same_v<T, Ts>...};
  for (std::size_t i = 0; i < same.size(); ++i)
    if (same[i]) return i;
  return sizeof...(Ts);
}

template <class List, class T>
struct index_of;
template <class... Ts, class T>
struct index_of<type_list<Ts...>, T> : std::integral_constant<std::size_t, find_index<T, Ts...>()> {};

// Indexing by overload resolution: constant template depth whatever the length.
template <std::size_t I, class T>
struct indexed {
  using type = T;
};
template <class Is, class... Ts>
struct indexer;
template <std::size_t... Is, class... Ts>
struct indexer<std::index_sequence<Is...>, Ts...> : indexed<Is, Ts>... {};
template <std::size_t I, class T>
indexed<I, T> select(const indexed<I, T>&);

template <std::size_t I, class List>
struct at;
template <std::size_t I, class... Ts>
struct at<I, type_list<Ts...>> {
  // qualified: an unqualified call would run ADL over every type in the list
  using type = typename decltype(detail::select<I>(indexer<std::index_sequence_for<Ts...>, Ts...>{}))::type;
};

/// Pack-wide `any`/`all` without fold expressions: clang refuses folds over
/// more than 256 operands, and node lists can be longer than that.
constexpr bool any_of(std::initializer_list<bool> values) noexcept {
  for (bool v : values)
    if (v) return true;
  return false;
}
constexpr bool all_of(std::initializer_list<bool> values) noexcept {
  for (bool v : values)
    if (!v) return false;
  return true;
}

template <class List, template <class> class Pred>
struct filter;
template <class... Ts, template <class> class Pred>
struct filter<type_list<Ts...>, Pred> {
  static constexpr std::array<bool, sizeof...(Ts)> keep{Pred<Ts>::value...};
  static constexpr std::size_t count = []() consteval {
    std::size_t n = 0;
    for (bool k : keep) n += k ? 1 : 0;
    return n;
  }();
  static constexpr std::array<std::size_t, count> positions = []() consteval {
    std::array<std::size_t, count> out{};
    std::size_t n = 0;
    for (std::size_t i = 0; i < keep.size(); ++i)
      if (keep[i]) out[n++] = i;
    return out;
  }();
  template <std::size_t... K>
  static auto pick(std::index_sequence<K...>) -> type_list<typename at<positions[K], type_list<Ts...>>::type...>;
  using type = decltype(pick(std::make_index_sequence<count>{}));
};

}  // namespace detail

// Library code uses the class forms (`contains<L, T>::value`): g++ gives every
// variable-template specialization a symbol name, and names that spell a whole
// node list made mangling the dominant compile cost.
template <class List, class T>
using contains = detail::contains<List, T>;
template <class List, class T>
using index_of = detail::index_of<List, T>;
template <class List, class T>
inline constexpr bool contains_v = detail::contains<List, T>::value;
template <class List, class T>
using push_back_t = typename detail::push_back<List, T>::type;
template <class List, class T>
using push_front_t = typename detail::push_front<List, T>::type;
/// Position of T in List (List::size when absent).
template <class List, class T>
inline constexpr std::size_t index_of_v = detail::index_of<List, T>::value;
template <std::size_t I, class List>
using at_t = typename detail::at<I, List>::type;
/// The elements T of List for which Pred<T>::value holds, in order.
template <class List, template <class> class Pred>
using filter_t = typename detail::filter<List, Pred>::type;

}  // namespace typenet
