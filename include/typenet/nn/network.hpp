#pragma once
/// Networks as types:
///
///     using net = tn::network<tn::input<784>,
///                             tn::dense<16>, tn::sigmoid,
///                             tn::dense<16>, tn::sigmoid,
///                             tn::dense<10>, tn::softmax>;
///     static_assert(net::param_count == 13002);
///
/// Every entry is a value (`tn::sigmoid` is the same object as the function
/// `tn::sigmoid(x)`). A network lowers to the symbolic matrix expressions:
/// with batches as rows, a dense entry at index k is `H k.weight^T + k.bias`
/// with the weight `out x in` and the bias `1 x out` (PyTorch's nn.Linear
/// layout and nn.Sequential names: index k counts every entry after the input
/// from 0), and a `tn::layer_norm` entry normalizes each row over its
/// features with the gain `k.weight` and bias `k.bias` (1 x F, nn.LayerNorm's
/// names). There is no hand-written backward: trainers take `tn::grad` of
/// the loss of this expression.
#include <algorithm>
#include <array>
#include <cstddef>
#include <string_view>
#include <type_traits>

#include <typenet/core/type_list.hpp>
#include <typenet/expr/node.hpp>
#include <typenet/expr/shape.hpp>
#include <typenet/ops/arithmetic.hpp>
#include <typenet/ops/layer_norm.hpp>
#include <typenet/ops/leaky_relu.hpp>
#include <typenet/ops/matmul.hpp>
#include <typenet/ops/transpose.hpp>
#include <typenet/ops/unary.hpp>

namespace typenet {

/// The network's input: N features per row.
template <std::size_t N>
struct input_layer {
  static_assert(N > 0, "typenet: input<N>: N must be positive");
  static constexpr std::size_t width = N;
};
template <std::size_t N>
inline constexpr input_layer<N> input{};

/// `dense<Out>` (input width inferred) or `dense<In, Out>` (stated and checked).
template <std::size_t A, std::size_t B = 0>
struct dense_layer {
  static constexpr std::size_t stated_inputs = B == 0 ? 0 : A;
  static constexpr std::size_t outputs = B == 0 ? A : B;
  static_assert(outputs > 0, "typenet: dense<Out>: Out must be positive");
};
template <std::size_t A, std::size_t B = 0>
inline constexpr dense_layer<A, B> dense{};

/// An activation that does nothing (logits out).
struct identity_layer {};
inline constexpr identity_layer identity{};

// `tn::layer_norm` (ops/layer_norm.hpp) is an entry too: each row normalized
// over its features, with the gain `k.weight` and the bias `k.bias` (1 x F).

/// What a parameter is, for initializers and files: a dense weight (out x in),
/// a bias (1 x out, a 1-D tensor in files), or a layer norm's gain (1 x F,
/// 1-D in files, ones at init).
enum class parameter_role { weight, bias, gain };

namespace detail {

consteval std::size_t digit_count(std::size_t v) {
  std::size_t n = 1;
  while (v >= 10) {
    v /= 10;
    ++n;
  }
  return n;
}
/// "<k>.weight" and "<k>.bias": nn.Sequential's state_dict names.
template <std::size_t K>
consteval fixed_string<digit_count(K) + 7> weight_name() {
  message_buffer b;
  b << K << std::string_view{".weight"};
  return to_fixed_string<digit_count(K) + 7>(b);
}
template <std::size_t K>
consteval fixed_string<digit_count(K) + 5> bias_name() {
  message_buffer b;
  b << K << std::string_view{".bias"};
  return to_fixed_string<digit_count(K) + 5>(b);
}

/// The elementwise op of an activation entry, or void.
template <class L>
struct activation_op {
  using type = void;
};
template <class Op>
struct activation_op<unary_function<Op>> {
  using type = Op;
};
template <>
struct activation_op<leaky_relu_function> {
  using type = leaky_relu_op<1, 100>;
};
template <>
struct activation_op<identity_layer> {
  using type = identity_layer;
};

template <class Op, class E>
struct apply_activation {
  using type = unary_t<Op, E>;
};
template <class E>
struct apply_activation<identity_layer, E> {
  using type = E;
};

template <class L>
struct is_input : std::false_type {};
template <std::size_t N>
struct is_input<input_layer<N>> : std::true_type {};
template <class L>
struct is_dense : std::false_type {};
template <std::size_t A, std::size_t B>
struct is_dense<dense_layer<A, B>> : std::true_type {};

/// The roles of an entry's parameters, in order.
template <class L>
inline constexpr std::array<parameter_role, 0> roles_of_entry{};
template <std::size_t A, std::size_t B>
inline constexpr std::array roles_of_entry<dense_layer<A, B>>{parameter_role::weight, parameter_role::bias};
template <>
inline constexpr std::array roles_of_entry<layer_norm_function>{parameter_role::gain, parameter_role::bias};

template <class... Layers>
consteval auto roles_of_entries() {
  std::array<parameter_role, (roles_of_entry<Layers>.size() + ... + 0)> all{};
  std::size_t i = 0;
  ((std::copy(roles_of_entry<Layers>.begin(), roles_of_entry<Layers>.end(), all.begin() + i),
    i += roles_of_entry<Layers>.size()),
   ...);
  return all;
}

}  // namespace detail

namespace errors {
/// `layer 4 (dense<32, 10>) expects 32 inputs, but layer 3 produces 16`
template <std::size_t K, std::size_t A, std::size_t B, std::size_t Produced>
struct dense_inputs {
  static constexpr detail::message_buffer build() {
    detail::message_buffer b;
    b << std::string_view{"layer "} << K << std::string_view{" (dense<"} << A << std::string_view{", "} << B
      << std::string_view{">) expects "} << A << std::string_view{" inputs, but "};
    if (K == 0) b << std::string_view{"the input has "} << Produced;
    else b << std::string_view{"layer "} << (K - 1) << std::string_view{" produces "} << Produced;
    return b;
  }
};
/// `network: entry 3 is not a layer (use dense<N>, an activation such as tn::relu, or tn::identity)`
template <std::size_t K>
struct not_a_layer {
  static constexpr detail::message_buffer build() {
    detail::message_buffer b;
    b << std::string_view{"network: entry "} << K
      << std::string_view{" after the input is not a layer (use tn::dense<N>, an activation such as tn::sigmoid, "
                          "tn::relu, tn::softmax, or tn::identity)"};
    return b;
  }
};
}  // namespace errors

namespace detail {

/// Lowers the entries after the input, one at a time. State: the index K of
/// the entry, the current width, the expression so far (batch rows x W),
/// the parameters (variables) met so far, and the facts the network exposes.
template <std::size_t K, std::size_t W, class E, class Params, class Last, class Logits, bool Ok, class... Layers>
struct lower {
  static constexpr std::size_t entries = K;
  static constexpr std::size_t width = W;
  using expression = E;
  using logits = Logits;  // the expression before the final activation
  using last_activation = Last;
  using params = Params;
  static constexpr bool ok = Ok;
  static constexpr std::size_t param_count = 0;
  static constexpr std::size_t flops = 0;
};

template <std::size_t K, std::size_t W, class E, class Params, class Last, class Logits, bool Ok, std::size_t A,
          std::size_t B, class... Rest>
struct lower<K, W, E, Params, Last, Logits, Ok, dense_layer<A, B>, Rest...> {
  using D = dense_layer<A, B>;
  static constexpr bool fits = D::stated_inputs == 0 || D::stated_inputs == W;
  static constexpr bool reported =
      std::conditional_t<fits, std::true_type, shape_error<errors::dense_inputs<K, A, B, W>>>::value;
  using weight = variable<weight_name<K>(), D::outputs, W>;
  using bias = variable<bias_name<K>(), 1, D::outputs>;
  using affine = add_t<matmul_t<E, transpose_t<weight>>, bias>;
  using next = lower<K + 1, D::outputs, affine, push_back_t<push_back_t<Params, weight>, bias>, identity_layer, affine,
                     Ok && fits, Rest...>;
  static constexpr std::size_t entries = next::entries;
  static constexpr std::size_t width = next::width;
  using expression = typename next::expression;
  using logits = typename next::logits;
  using last_activation = typename next::last_activation;
  using params = typename next::params;
  static constexpr bool ok = next::ok && reported == fits;
  static constexpr std::size_t param_count = W * D::outputs + D::outputs + next::param_count;
  static constexpr std::size_t flops = 2 * W * D::outputs + next::flops;
};

/// layer_norm at index K: the gain `K.weight` and the bias `K.bias`, 1 x W each.
template <std::size_t K, std::size_t W, class E, class Params, class Last, class Logits, bool Ok, class... Rest>
struct lower<K, W, E, Params, Last, Logits, Ok, layer_norm_function, Rest...> {
  using gain = variable<weight_name<K>(), 1, W>;
  using bias = variable<bias_name<K>(), 1, W>;
  using normalized = layer_norm_t<E, gain, bias>;
  using next = lower<K + 1, W, normalized, push_back_t<push_back_t<Params, gain>, bias>, identity_layer, normalized,
                     Ok, Rest...>;
  static constexpr std::size_t entries = next::entries;
  static constexpr std::size_t width = next::width;
  using expression = typename next::expression;
  using logits = typename next::logits;
  using last_activation = typename next::last_activation;
  using params = typename next::params;
  static constexpr bool ok = next::ok;
  static constexpr std::size_t param_count = 2 * W + next::param_count;
  static constexpr std::size_t flops = next::flops;
};

template <std::size_t K, std::size_t W, class E, class Params, class Last, class Logits, bool Ok, class L, class... Rest>
struct lower<K, W, E, Params, Last, Logits, Ok, L, Rest...> {
  using op = typename activation_op<L>::type;
  static constexpr bool is_layer = !std::is_void_v<op>;
  static constexpr bool reported =
      std::conditional_t<is_layer, std::true_type, shape_error<errors::not_a_layer<K>>>::value;
  using applied = std::conditional_t<is_layer, op, identity_layer>;
  // the logits are what the final activation is applied to
  using next = lower<K + 1, W, typename apply_activation<applied, E>::type, Params, applied, E, Ok && is_layer, Rest...>;
  static constexpr std::size_t entries = next::entries;
  static constexpr std::size_t width = next::width;
  using expression = typename next::expression;
  using logits = typename next::logits;
  using last_activation = typename next::last_activation;
  using params = typename next::params;
  static constexpr bool ok = next::ok && reported == is_layer;
  static constexpr std::size_t param_count = next::param_count;
  static constexpr std::size_t flops = next::flops;
};

template <class First, class... Layers>
struct network_of {
  static_assert(is_input<First>::value,
                "typenet: network<...>: the first entry must be the input, e.g. tn::network<tn::input<784>, ...>");
};
template <std::size_t N, class... Layers>
struct network_of<input_layer<N>, Layers...> {
  static constexpr std::size_t input_width = N;
  template <std::size_t Batch>
  using input_variable = variable<"input", Batch, N>;
  template <std::size_t Batch>
  using lowered = lower<0, N, input_variable<Batch>, type_list<>, identity_layer, input_variable<Batch>, true, Layers...>;
  static constexpr auto roles = roles_of_entries<Layers...>();
};

}  // namespace detail

/// A feed-forward network: `tn::input<N>` followed by dense entries, layer
/// norms and activations. All facts are compile-time constants.
template <auto... Entries>
struct network {
  static_assert(sizeof...(Entries) > 0, "typenet: network<...>: start with tn::input<N>");
  using definition = detail::network_of<std::remove_cv_t<decltype(Entries)>...>;
  using shape_facts = typename definition::template lowered<1>;
  // Naming `ok` here runs every layer check when the network is first used
  // (each reports its own error, once).
  static_assert(shape_facts::ok || !shape_facts::ok);

  static constexpr std::size_t input_size = definition::input_width;
  static constexpr std::size_t output_size = shape_facts::width;
  /// Entries after the input (layers and activations): the nn.Sequential length.
  static constexpr std::size_t entry_count = shape_facts::entries;
  static constexpr std::size_t param_count = shape_facts::param_count;
  /// Multiply-adds counted as 2 FLOPs, dense entries only.
  static constexpr std::size_t flops_per_sample = shape_facts::flops;
  /// The parameters in nn.Sequential order (weight, bias of each dense entry), as variables.
  using parameters = typename shape_facts::params;
  static constexpr std::size_t parameter_count = parameters::size;
  /// What each parameter is (weight, bias or gain), in the same order.
  static constexpr std::array<parameter_role, parameter_count> parameter_roles = definition::roles;
  static constexpr bool valid = shape_facts::ok;
  /// The final activation's op (`identity_layer` if the network ends in a dense entry).
  using output_activation = typename shape_facts::last_activation;

  /// The input variable for a batch of `Batch` rows, and the network's output
  /// and logits as expressions of it and the parameters.
  template <std::size_t Batch>
  using input_t = typename definition::template input_variable<Batch>;
  template <std::size_t Batch>
  using output_t = typename definition::template lowered<Batch>::expression;
  template <std::size_t Batch>
  using logits_t = typename definition::template lowered<Batch>::logits;

  template <std::size_t Batch>
  static constexpr auto output() noexcept {
    return handle_t<output_t<Batch>>{};
  }
  /// Bytes of the parameters in float.
  static constexpr std::size_t param_bytes = param_count * sizeof(float);
};

}  // namespace typenet
