#pragma once
/// Losses as expressions of a network's output (or logits) and the target
/// variable `target` (batch x outputs). Reductions match PyTorch's defaults:
/// mse and binary_cross_entropy average over all elements, cross_entropy over
/// the batch. After a softmax (or on logits) cross_entropy is computed as
/// log_softmax, after a sigmoid binary_cross_entropy as softplus(z) - y z on
/// the logits: stable, and the gradients reduce to (A - Y)/n by themselves.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <type_traits>

#include <typenet/nn/network.hpp>
#include <typenet/ops/distribution.hpp>
#include <typenet/ops/log.hpp>
#include <typenet/ops/reduce.hpp>
#include <typenet/ops/sigmoid.hpp>
#include <typenet/ops/softmax.hpp>
#include <typenet/ops/softplus.hpp>

namespace typenet {

/// The targets of a batch: B x outputs (one-hot rows for cross_entropy).
template <class Net, std::size_t B>
inline constexpr variable<"target", B, Net::output_size> target{};

/// Mean squared error over all elements.
/// Partial batches: a padded row whose target makes its gradient zero
/// (`self_target`) adds nothing to the update; `self_loss` is that row's
/// loss (unnormalized), `normalizer` what the loss divides by.
namespace detail {
template <class T>
T entropy_terms(const T* t, std::size_t n, bool binary) {
  T s = T(0);
  for (std::size_t i = 0; i < n; ++i) {
    if (t[i] > T(0)) s -= t[i] * std::log(t[i]);
    if (binary && t[i] < T(1)) s -= (T(1) - t[i]) * std::log(T(1) - t[i]);
  }
  return s;
}
}  // namespace detail

struct mse {
  static constexpr std::string_view name = "mse";
  template <class Net>
  static constexpr bool supports_partial_batches = true;
  template <class Net, std::size_t B>
  static constexpr std::size_t normalizer = B * Net::output_size;
  template <class Net, class T>
  static T self_target(const T* out, T* target) {
    std::copy_n(out, Net::output_size, target);
    return T(0);
  }
  template <class Net, std::size_t B>
  static constexpr auto expression() {
    constexpr auto A = Net::template output<B>();
    return mean(square(A - target<Net, B>));
  }
};

/// Cross-entropy of one-hot (or probability) targets, averaged over the batch.
struct cross_entropy {
  static constexpr std::string_view name = "cross_entropy";
  template <class Net>
  static constexpr bool supports_partial_batches =
      std::is_same_v<typename Net::output_activation, softmax_op> ||
      std::is_same_v<typename Net::output_activation, identity_layer>;
  template <class Net, std::size_t B>
  static constexpr std::size_t normalizer = B;
  /// target = softmax of the logits: the row's gradient softmax - target is 0.
  template <class Net, class T>
  static T self_target(const T* out, T* target) {
    constexpr std::size_t n = Net::output_size;
    if constexpr (std::is_same_v<typename Net::output_activation, softmax_op>) {
      std::copy_n(out, n, target);
    } else {
      const T m = *std::max_element(out, out + n);
      T s = T(0);
      for (std::size_t i = 0; i < n; ++i) s += target[i] = std::exp(out[i] - m);
      for (std::size_t i = 0; i < n; ++i) target[i] /= s;
    }
    return detail::entropy_terms(target, n, false);
  }
  template <class Net, std::size_t B>
  static constexpr auto expression() {
    using act = typename Net::output_activation;
    constexpr auto Y = distribution(target<Net, B>);
    if constexpr (std::is_same_v<act, softmax_op> || std::is_same_v<act, identity_layer>) {
      constexpr auto Z = handle_t<typename Net::template logits_t<B>>{};
      return -sum(hadamard(Y, log_softmax(Z))) / constant<static_cast<std::intmax_t>(B)>{};
    } else {
      constexpr auto A = Net::template output<B>();
      return -sum(hadamard(Y, log(A))) / constant<static_cast<std::intmax_t>(B)>{};
    }
  }
};

/// Binary cross-entropy, averaged over all elements.
struct binary_cross_entropy {
  static constexpr std::string_view name = "binary_cross_entropy";
  template <class Net>
  static constexpr bool supports_partial_batches = std::is_same_v<typename Net::output_activation, sigmoid_op>;
  template <class Net, std::size_t B>
  static constexpr std::size_t normalizer = B * Net::output_size;
  template <class Net, class T>
  static T self_target(const T* out, T* target) {
    std::copy_n(out, Net::output_size, target);
    return detail::entropy_terms(target, Net::output_size, true);
  }
  template <class Net, std::size_t B>
  static constexpr auto expression() {
    using act = typename Net::output_activation;
    constexpr auto Y = target<Net, B>;
    if constexpr (std::is_same_v<act, sigmoid_op>) {
      constexpr auto Z = handle_t<typename Net::template logits_t<B>>{};
      return mean(softplus(Z) - hadamard(Y, Z));
    } else {
      constexpr auto A = Net::template output<B>();
      return -mean(hadamard(Y, log(A)) + hadamard(constant<1>{} - Y, log(constant<1>{} - A)));
    }
  }
};

}  // namespace typenet
