#pragma once
/// Optimizers (PyTorch's update rules) and learning-rate schedules. Each
/// optimizer has a `config` (designated initializers: `{.learning_rate = 0.1f}`),
/// per-parameter `state<M>` and `update(config, rate, state, p, g, t)` applied
/// elementwise in one SIMD pass.
#include <cmath>
#include <cstddef>
#include <numbers>

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

/// p -= lr g
struct sgd {
  struct config {
    float learning_rate = 0.01f;
    schedule rate_schedule{};
  };
  template <class M>
  struct state {};
  template <class M>
  static void update(const config&, typename M::value_type lr, state<M>&, M& p, const M& g, std::size_t) noexcept {
    using T = typename M::value_type;
    kernels::map<M::size>(
        p.data(), [lr](auto pv, auto gv) { return pv - decltype(pv)(lr) * gv; }, kernels::full<T>{p.data()},
        kernels::full<T>{g.data()});
  }
};

/// v = mu v + g;  p -= lr v  (torch.optim.SGD with momentum)
struct momentum {
  /// v = mu v + g, in place (shared with nesterov)
  template <class M>
  static void accumulate_velocity(typename M::value_type mu, M& v, const M& g) noexcept {
    using T = typename M::value_type;
    kernels::map<M::size>(
        v.data(), [mu](auto vv, auto gv) { return decltype(vv)(mu) * vv + gv; }, kernels::full<T>{v.data()},
        kernels::full<T>{g.data()});
  }
  struct config {
    float learning_rate = 0.01f;
    float momentum = 0.9f;
    schedule rate_schedule{};
  };
  template <class M>
  struct state {
    M velocity{};
  };
  template <class M>
  static void update(const config& c, typename M::value_type lr, state<M>& s, M& p, const M& g, std::size_t) noexcept {
    using T = typename M::value_type;
    accumulate_velocity(static_cast<T>(c.momentum), s.velocity, g);
    kernels::map<M::size>(
        p.data(), [lr](auto pv, auto v) { return pv - decltype(pv)(lr) * v; }, kernels::full<T>{p.data()},
        kernels::full<T>{s.velocity.data()});
  }
};

/// v = mu v + g;  p -= lr (g + mu v)  (torch.optim.SGD with nesterov=True)
struct nesterov {
  using config = momentum::config;
  template <class M>
  using state = momentum::state<M>;
  template <class M>
  static void update(const config& c, typename M::value_type lr, state<M>& s, M& p, const M& g, std::size_t) noexcept {
    using T = typename M::value_type;
    const T mu = c.momentum;
    momentum::accumulate_velocity(mu, s.velocity, g);
    kernels::map<M::size>(
        p.data(), [lr, mu](auto pv, auto gv, auto v) { return pv - decltype(pv)(lr) * (gv + decltype(pv)(mu) * v); },
        kernels::full<T>{p.data()}, kernels::full<T>{g.data()}, kernels::full<T>{s.velocity.data()});
  }
};

/// Adam (torch.optim.Adam): m = b1 m + (1-b1) g, v = b2 v + (1-b2) g^2,
/// p -= lr (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
struct adam {
  struct config {
    float learning_rate = 0.001f;
    float beta1 = 0.9f;
    float beta2 = 0.999f;
    float epsilon = 1e-8f;
    schedule rate_schedule{};
  };
  template <class M>
  struct state {
    M m{};
    M v{};
  };
  template <class M>
  static void update(const config& c, typename M::value_type lr, state<M>& s, M& p, const M& g, std::size_t t) noexcept {
    using T = typename M::value_type;
    const T b1 = c.beta1;
    const T b2 = c.beta2;
    const T eps = c.epsilon;
    const T c1 = T(1) / (T(1) - static_cast<T>(std::pow(static_cast<double>(b1), static_cast<double>(t))));
    const T c2 = T(1) / (T(1) - static_cast<T>(std::pow(static_cast<double>(b2), static_cast<double>(t))));
    kernels::map<M::size>(
        s.m.data(), [b1](auto m, auto gv) { using B = decltype(m); return B(b1) * m + B(T(1) - b1) * gv; },
        kernels::full<T>{s.m.data()}, kernels::full<T>{g.data()});
    kernels::map<M::size>(
        s.v.data(), [b2](auto v, auto gv) { using B = decltype(v); return B(b2) * v + B(T(1) - b2) * gv * gv; },
        kernels::full<T>{s.v.data()}, kernels::full<T>{g.data()});
    kernels::map<M::size>(
        p.data(),
        [=](auto pv, auto m, auto v) {
          using B = decltype(pv);
          return pv - B(lr) * (m * B(c1)) / (math::sqrt(v * B(c2)) + B(eps));
        },
        kernels::full<T>{p.data()}, kernels::full<T>{s.m.data()}, kernels::full<T>{s.v.data()});
  }
};

}  // namespace typenet
