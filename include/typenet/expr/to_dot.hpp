#pragma once
/// `tn::to_dot(f)` and `tn::to_dot(f, x, y...)`: Graphviz source of the
/// expression DAG (each distinct node once, so shared sub-expressions show as
/// shared), optionally with the derived gradients df/dx... drawn in the same
/// graph: the forward nodes they reuse are visibly the same boxes.
#include <cstddef>
#include <initializer_list>
#include <string>
#include <tuple>

#include <typenet/diff/grad.hpp>
#include <typenet/expr/graph.hpp>
#include <typenet/expr/to_string.hpp>

namespace typenet {

namespace detail {

inline std::string dot_escape(std::string_view s) {
  std::string out;
  for (char ch : s) {
    if (ch == '"' || ch == '\\') out += '\\';
    out += ch;
  }
  return out;
}

template <class E>
std::string dot_label(E) {
  if constexpr (Constant<E> || Variable<E>) return typenet::to_string(E{});
  else if constexpr (NodeOf<E, sum_op>) return "+";
  else if constexpr (NodeOf<E, product_op>) return "*";
  else if constexpr (NodeOf<E, pow_op>) return "^";
  else {
    std::string label{E::op::name};
    using op = typename E::op;
    if constexpr (requires { op::parameter; }) label += " " + rational_text(op::parameter);
    return label;
  }
}

template <class Order, class E>
void dot_node(std::string& out, std::size_t id) {
  const char* shape = Variable<E> ? "ellipse" : (Constant<E> ? "plaintext" : "box");
  out += "  n" + std::to_string(id) + " [label=\"" + detail::dot_escape(detail::dot_label(E{})) + "\", shape=" + shape + "];\n";
  if constexpr (!Constant<E> && !Variable<E>) {
    const auto& children = child_indices<Order, E>::value;
    for (std::size_t p = 0; p < children.size(); ++p) {
      out += "  n" + std::to_string(id) + " -> n" + std::to_string(children[p]);
      if constexpr (NodeOf<E, pow_op>) out += p == 0 ? " [label=\"base\"]" : " [label=\"exp\"]";
      out += ";\n";
    }
  }
}

template <class... Ns>
std::string dot_nodes(type_list<Ns...>) {
  std::string out;
  std::size_t id = 0;
  (void)std::initializer_list<int>{(detail::dot_node<type_list<Ns...>, Ns>(out, id++), 0)...};
  return out;
}

}  // namespace detail

/// Graphviz `digraph` of f, and of df/dv for each variable v given.
template <class F, class... V>
std::string to_dot(const F& f, const V&... wrt) {
  static_assert(diag::is_expression<F>, "typenet: to_dot(f, v...): f must be a typenet expression");
  if constexpr (Poisoned<F> || !Expr<F>) {
    return "digraph typenet {}\n";
  } else {
    using gradients = decltype(std::tuple{typenet::grad(f, wrt)...});
    return [&]<class... G>(std::tuple<G...>*) {
      using order = topological_order_t<F, G...>;
      std::string out = "digraph typenet {\n  rankdir=BT;\n  node [fontname=\"monospace\"];\n";
      out += detail::dot_nodes(order{});
      out += "  f [label=\"f\", shape=doublecircle];\n  f -> n" + std::to_string(index_of<order, raw_t<F>>::value) + ";\n";
      std::size_t k = 0;
      const std::string names[] = {std::string{}, std::string{V::name.view()}...};
      (void)std::initializer_list<int>{
          (out += "  g" + std::to_string(k) + " [label=\"df/d" + detail::dot_escape(names[k + 1]) +
                  "\", shape=doublecircle];\n  g" + std::to_string(k) + " -> n" + std::to_string(index_of<order, raw_t<G>>::value) +
                  " [style=dashed];\n",
           ++k, 0)...};
      return out + "}\n";
    }(static_cast<gradients*>(nullptr));
  }
}

}  // namespace typenet
