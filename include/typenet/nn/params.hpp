#pragma once
/// `tn::params<net>`: the weights and biases of a network, stored as PyTorch
/// stores them (`k.weight` out x in, `k.bias` of length out, kept as a
/// 1 x out row), allocated once on the heap. `tn::init<net>(tn::glorot_uniform{}, seed)`
/// fills them reproducibly.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <random>
#include <string_view>
#include <utility>

#include <typenet/core/type_list.hpp>
#include <typenet/nn/network.hpp>
#include <typenet/tensor/matrix.hpp>

namespace typenet {

namespace detail {
template <class T, class V>
struct param_value;
template <class T, fixed_string Name, std::size_t R, std::size_t C>
struct param_value<T, variable<Name, R, C>> {
  using type = matrix<T, R, C>;
};
template <std::size_t I, class M>
struct param_slot {
  M value;
};
template <class T, class Is, class Vars>
struct param_storage;
template <class T, std::size_t... I, class... Vars>
struct param_storage<T, std::index_sequence<I...>, type_list<Vars...>>
    : param_slot<I, typename param_value<T, Vars>::type>... {};
template <std::size_t I, class M>
M& param_at(param_slot<I, M>& s) noexcept {
  return s.value;
}
template <std::size_t I, class M>
const M& param_at(const param_slot<I, M>& s) noexcept {
  return s.value;
}
}  // namespace detail

template <class Net, class T = float>
class params {
 public:
  using network_type = Net;
  using value_type = T;
  using variables = typename Net::parameters;
  static constexpr std::size_t count = variables::size;

  params() : storage_(std::make_unique<storage>()) {}
  params(const params& other) : storage_(std::make_unique<storage>(*other.storage_)) {}
  params(params&&) noexcept = default;
  params& operator=(const params& other) {
    if (this != &other) *storage_ = *other.storage_;
    return *this;
  }
  params& operator=(params&&) noexcept = default;
  ~params() = default;

  /// Parameter I in nn.Sequential order (0.weight, 0.bias, 2.weight, ...).
  template <std::size_t I>
  [[nodiscard]] auto& get() noexcept {
    return detail::param_at<I>(*storage_);
  }
  template <std::size_t I>
  [[nodiscard]] const auto& get() const noexcept {
    return detail::param_at<I>(*storage_);
  }
  /// The variable (name and shape) of parameter I.
  template <std::size_t I>
  using variable_t = at_t<I, variables>;
  template <std::size_t I>
  static constexpr std::string_view name = variable_t<I>::name.view();

  /// f(name, matrix&) for every parameter in order.
  template <class F>
  void for_each(F&& f) {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (f(name<I>, get<I>()), ...);
    }(std::make_index_sequence<count>{});
  }
  template <class F>
  void for_each(F&& f) const {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (f(name<I>, get<I>()), ...);
    }(std::make_index_sequence<count>{});
  }

  /// Bindings of every parameter by reference, for tn::eval and tn::evaluator.
  [[nodiscard]] auto bindings() const noexcept {
    return [&]<std::size_t... I>(std::index_sequence<I...>) {
      return std::tuple{(variable_t<I>{} = typenet::ref(get<I>()))...};
    }(std::make_index_sequence<count>{});
  }

 private:
  using storage = detail::param_storage<T, std::make_index_sequence<count>, variables>;
  std::unique_ptr<storage> storage_;
};

/// Glorot/Xavier uniform: U(-a, a), a = sqrt(6 / (in + out)); biases 0.
struct glorot_uniform {};
/// He/Kaiming normal: N(0, 2 / in); biases 0.
struct he_normal {};
/// He/Kaiming uniform: U(-a, a), a = sqrt(6 / in); biases 0.
struct he_uniform {};
/// PyTorch's nn.Linear default: weights and biases U(-1/sqrt(in), 1/sqrt(in)).
struct pytorch_default {};

namespace detail {
template <class Init, class M, class Rng>
void init_matrix(Init, M& m, std::size_t in, std::size_t out, bool is_bias, Rng& rng) {
  using T = typename M::value_type;
  const double fan_in = static_cast<double>(in);
  const double fan_out = static_cast<double>(out);
  auto uniform = [&](double a) {
    std::uniform_real_distribution<double> d(-a, a);
    for (auto& v : m) v = static_cast<T>(d(rng));
  };
  if constexpr (std::is_same_v<Init, pytorch_default>) {
    uniform(1.0 / std::sqrt(fan_in));
  } else if (is_bias) {
    for (auto& v : m) v = T(0);
  } else if constexpr (std::is_same_v<Init, glorot_uniform>) {
    uniform(std::sqrt(6.0 / (fan_in + fan_out)));
  } else if constexpr (std::is_same_v<Init, he_uniform>) {
    uniform(std::sqrt(6.0 / fan_in));
  } else {
    static_assert(std::is_same_v<Init, he_normal>,
                  "typenet: init: use tn::glorot_uniform, tn::he_normal, tn::he_uniform or tn::pytorch_default");
    std::normal_distribution<double> d(0.0, std::sqrt(2.0 / fan_in));
    for (auto& v : m) v = static_cast<T>(d(rng));
  }
}
}  // namespace detail

/// Fresh parameters for Net, reproducible from the seed (one std::mt19937_64
/// stream, parameters in nn.Sequential order). A layer norm's gain and bias
/// are ones and zeros whatever the initializer (nn.LayerNorm's), and draw
/// nothing from the stream.
template <class Net, class T = float, class Init>
params<Net, T> init(Init how, std::uint64_t seed) {
  params<Net, T> p;
  std::mt19937_64 rng(seed);
  auto one = [&]<std::size_t I>(std::integral_constant<std::size_t, I>) {
    using M = std::remove_cvref_t<decltype(p.template get<I>())>;
    constexpr auto role = Net::parameter_roles[I];
    if constexpr (role == parameter_role::gain) {
      for (auto& v : p.template get<I>()) v = T(1);
    } else if constexpr (role == parameter_role::weight) {
      detail::init_matrix(how, p.template get<I>(), M::cols, M::rows, false, rng);  // weights are out x in
    } else if constexpr (Net::parameter_roles[I - 1] == parameter_role::gain) {
      for (auto& v : p.template get<I>()) v = T(0);
    } else {
      // a bias follows its weight, whose fan-in pytorch_default uses
      detail::init_matrix(how, p.template get<I>(), std::remove_cvref_t<decltype(p.template get<I - 1>())>::cols,
                          M::cols, true, rng);
    }
  };
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (one(std::integral_constant<std::size_t, I>{}), ...);
  }(std::make_index_sequence<params<Net, T>::count>{});
  return p;
}

}  // namespace typenet
