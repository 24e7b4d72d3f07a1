#pragma once
/// Optimizers (PyTorch's update rules) and learning-rate schedules. Each
/// optimizer has a `config` (designated initializers: `{.learning_rate = 0.1f}`),
/// per-parameter `state<M>`, `update(config, rate, state, p, g, t)` applied
/// elementwise in SIMD passes, and optionally `validate(config)`, which the
/// trainer calls at construction (a value no step could work with is refused).
/// `weight_decay` follows PyTorch: added to the gradient (L2) in sgd,
/// momentum, nesterov and adam; decoupled in adamw.
#include <cmath>
#include <cstddef>
#include <limits>
#include <numbers>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>

#include <typenet/kernels/elementwise.hpp>
#include <typenet/tensor/matrix.hpp>

namespace typenet {

/// Learning-rate factor per epoch: constant, step (x gamma every `every`
/// epochs), exponential (x gamma per epoch), cosine (to `minimum` over
/// `epochs`), each optionally after a linear warm-up.
struct schedule {
  enum class kind { constant, step, exponential, cosine };
  kind type = kind::constant;
  std::size_t every = 1;
  double gamma = 1.0;
  std::size_t epochs = 1;
  double minimum = 0.0;
  std::size_t warmup_epochs = 0;

  static constexpr schedule constant_rate() { return {}; }
  static constexpr schedule step_decay(std::size_t every, double gamma) { return {kind::step, every, gamma}; }
  static constexpr schedule exponential_decay(double gamma) { return {kind::exponential, 1, gamma}; }
  static constexpr schedule cosine_decay(std::size_t epochs, double minimum = 0.0) {
    return {kind::cosine, 1, 1.0, epochs, minimum};
  }
  [[nodiscard]] constexpr schedule with_warmup(std::size_t warmup) const {
    schedule s = *this;
    s.warmup_epochs = warmup;
    return s;
  }
  /// The factor for epoch e (0-based).
  [[nodiscard]] double factor(std::size_t e) const {
    if (e < warmup_epochs) return static_cast<double>(e + 1) / static_cast<double>(warmup_epochs + 1);
    const double k = static_cast<double>(e - warmup_epochs);
    switch (type) {
      case kind::step: return std::pow(gamma, std::floor(k / static_cast<double>(every == 0 ? 1 : every)));
      case kind::exponential: return std::pow(gamma, k);
      case kind::cosine: {
        const double span = static_cast<double>(epochs > warmup_epochs ? epochs - warmup_epochs : 1);
        const double progress = k >= span ? 1.0 : k / span;
        return minimum + (1.0 - minimum) * 0.5 * (1.0 + std::cos(std::numbers::pi * progress));
      }
      case kind::constant: break;
    }
    return 1.0;
  }
};

namespace detail {
/// Refuses a configuration value outside [low, high) (or (low, high) when
/// `open_low`), naming the optimizer and the field.
inline void check_range(const char* optimizer, const char* field, double v, double low, double high, bool open_low) {
  const bool ok = std::isfinite(v) && (open_low ? v > low : v >= low) && v < high;
  if (!ok)
    throw std::invalid_argument(std::string("typenet: ") + optimizer + ": " + field + " is " + std::to_string(v) +
                                "; it must be in " + (open_low ? "(" : "[") + std::to_string(low) + ", " +
                                (std::isinf(high) ? std::string("inf") : std::to_string(high)) + ")");
}
inline constexpr double unbounded = std::numeric_limits<double>::infinity();
}  // namespace detail

/// p -= lr (g + wd p)  (torch.optim.SGD; weight_decay is PyTorch's L2 term
/// added to the gradient)
struct sgd {
  struct config {
    float learning_rate = 0.01f;
    schedule rate_schedule{};
    float weight_decay = 0.0f;
  };
  template <class M>
  struct state {
    template <class F>
    void for_each_tensor(F&&) {}
  };
  static constexpr std::string_view name = "sgd";
  static void validate(const config& c) {
    detail::check_range("sgd", "weight_decay", c.weight_decay, 0.0, detail::unbounded, false);
  }
  template <class M>
  static void update(const config& c, typename M::value_type lr, state<M>&, M& p, const M& g, std::size_t) noexcept {
    using T = typename M::value_type;
    const T wd = static_cast<T>(c.weight_decay);
    if (wd == T(0)) {
      kernels::map<M::size>(
          p.data(), [lr](auto pv, auto gv) { return pv - decltype(pv)(lr) * gv; }, kernels::full<T>{p.data()},
          kernels::full<T>{g.data()});
    } else {
      kernels::map<M::size>(
          p.data(), [lr, wd](auto pv, auto gv) { using B = decltype(pv); return pv - B(lr) * (gv + B(wd) * pv); },
          kernels::full<T>{p.data()}, kernels::full<T>{g.data()});
    }
  }
};

/// v = mu v + (g + wd p);  p -= lr v  (torch.optim.SGD with momentum)
struct momentum {
  struct config {
    float learning_rate = 0.01f;
    float momentum = 0.9f;
    schedule rate_schedule{};
    float weight_decay = 0.0f;
  };
  template <class M>
  struct state {
    M velocity{};
    /// f(name, tensor) for each tensor of the state (checkpoints)
    template <class F>
    void for_each_tensor(F&& f) { f("velocity", velocity); }
  };
  static constexpr std::string_view name = "momentum";
  static void validate(const config& c) {
    detail::check_range("momentum", "momentum", c.momentum, 0.0, detail::unbounded, false);
    detail::check_range("momentum", "weight_decay", c.weight_decay, 0.0, detail::unbounded, false);
  }
  /// v = mu v + (g + wd p), in place (shared with nesterov)
  template <class M>
  static void accumulate_velocity(const config& c, M& v, const M& g, const M& p) noexcept {
    using T = typename M::value_type;
    const T mu = static_cast<T>(c.momentum);
    const T wd = static_cast<T>(c.weight_decay);
    if (wd == T(0)) {
      kernels::map<M::size>(
          v.data(), [mu](auto vv, auto gv) { return decltype(vv)(mu) * vv + gv; }, kernels::full<T>{v.data()},
          kernels::full<T>{g.data()});
    } else {
      kernels::map<M::size>(
          v.data(), [mu, wd](auto vv, auto gv, auto pv) { using B = decltype(vv); return B(mu) * vv + (gv + B(wd) * pv); },
          kernels::full<T>{v.data()}, kernels::full<T>{g.data()}, kernels::full<T>{p.data()});
    }
  }
  template <class M>
  static void update(const config& c, typename M::value_type lr, state<M>& s, M& p, const M& g, std::size_t) noexcept {
    using T = typename M::value_type;
    accumulate_velocity(c, s.velocity, g, p);
    kernels::map<M::size>(
        p.data(), [lr](auto pv, auto v) { return pv - decltype(pv)(lr) * v; }, kernels::full<T>{p.data()},
        kernels::full<T>{s.velocity.data()});
  }
};

/// g' = g + wd p;  v = mu v + g';  p -= lr (g' + mu v)  (torch.optim.SGD with nesterov=True)
struct nesterov {
  using config = momentum::config;
  template <class M>
  using state = momentum::state<M>;
  static constexpr std::string_view name = "nesterov";
  static void validate(const config& c) { momentum::validate(c); }
  template <class M>
  static void update(const config& c, typename M::value_type lr, state<M>& s, M& p, const M& g, std::size_t) noexcept {
    using T = typename M::value_type;
    const T mu = c.momentum;
    const T wd = c.weight_decay;
    momentum::accumulate_velocity(c, s.velocity, g, p);
    kernels::map<M::size>(
        p.data(),
        [lr, mu, wd](auto pv, auto gv, auto v) {
          using B = decltype(pv);
          return pv - B(lr) * ((gv + B(wd) * pv) + B(mu) * v);
        },
        kernels::full<T>{p.data()}, kernels::full<T>{g.data()}, kernels::full<T>{s.velocity.data()});
  }
};

/// Adam (torch.optim.Adam): g' = g + wd p, m = b1 m + (1-b1) g',
/// v = b2 v + (1-b2) g'^2, p -= lr (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps).
/// With Decoupled (tn::adamw, torch.optim.AdamW), the decay is not added to
/// the gradient but applied to the weights first: p *= 1 - lr wd.
template <bool Decoupled>
struct basic_adam {
  struct config {
    float learning_rate = 0.001f;
    float beta1 = 0.9f;
    float beta2 = 0.999f;
    float epsilon = 1e-8f;
    schedule rate_schedule{};
    float weight_decay = Decoupled ? 0.01f : 0.0f;  // PyTorch's defaults
  };
  template <class M>
  struct state {
    M m{};
    M v{};
    template <class F>
    void for_each_tensor(F&& f) {
      f("m", m);
      f("v", v);
    }
  };
  static constexpr std::string_view name = Decoupled ? "adamw" : "adam";
  static void validate(const config& c) {
    const char* who = Decoupled ? "adamw" : "adam";
    detail::check_range(who, "beta1", c.beta1, 0.0, 1.0, false);
    detail::check_range(who, "beta2", c.beta2, 0.0, 1.0, false);
    detail::check_range(who, "epsilon", c.epsilon, 0.0, detail::unbounded, true);
    detail::check_range(who, "weight_decay", c.weight_decay, 0.0, detail::unbounded, false);
  }
  template <class M>
  static void update(const config& c, typename M::value_type lr, state<M>& s, M& p, const M& g, std::size_t t) noexcept {
    using T = typename M::value_type;
    const T b1 = c.beta1;
    const T b2 = c.beta2;
    const T eps = c.epsilon;
    const T wd = c.weight_decay;
    const T c1 = T(1) / (T(1) - static_cast<T>(std::pow(static_cast<double>(b1), static_cast<double>(t))));
    const T c2 = T(1) / (T(1) - static_cast<T>(std::pow(static_cast<double>(b2), static_cast<double>(t))));
    // one pass over p, m, v and g: the moments, the bias-corrected step and
    // the decay, in the order PyTorch applies them
    const T keep = Decoupled ? T(1) - lr * wd : T(1);
    kernels::update_in_place<M::size>(
        [=](auto pv, auto m, auto v, auto gv) {
          using B = decltype(pv);
          if constexpr (!Decoupled) gv = gv + B(wd) * pv;  // L2: the decay joins the gradient
          else pv = B(keep) * pv;                          // decoupled: the weights shrink first
          m = B(b1) * m + B(T(1) - b1) * gv;
          v = B(b2) * v + B(T(1) - b2) * gv * gv;
          pv = pv - B(lr) * (m * B(c1)) / (math::sqrt(v * B(c2)) + B(eps));
          return std::tuple{pv, m, v};
        },
        std::array<T*, 3>{p.data(), s.m.data(), s.v.data()}, g.data());
  }
};
/// torch.optim.Adam (weight_decay, default 0, added to the gradient).
struct adam : basic_adam<false> {};
/// torch.optim.AdamW: decoupled weight decay (default 0.01), p *= 1 - lr wd before the Adam step.
struct adamw : basic_adam<true> {};

}  // namespace typenet
