#pragma once
/// `tn::trainer<net, loss, optimizer, tn::batch<B>>`: one training step is the
/// evaluation of the loss and `tn::grad(loss, every parameter)` (a single
/// shared DAG) into storage allocated once, followed by the optimizer's
/// update. `fit` runs epochs over a dataset with shuffling and a progress bar.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <functional>
#include <memory>
#include <numeric>
#include <random>
#include <span>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <typenet/diff/grad.hpp>
#include <typenet/expr/eval.hpp>
#include <typenet/kernels/elementwise.hpp>
#include <typenet/nn/loss.hpp>
#include <typenet/nn/optimizer.hpp>
#include <typenet/nn/params.hpp>
#include <typenet/nn/progress.hpp>

namespace typenet {

/// The compile-time batch size of a trainer.
template <std::size_t B>
struct batch {
  static_assert(B > 0, "typenet: batch<B>: B must be positive");
  static constexpr std::size_t size = B;
};

/// Training stopped because a value became NaN or infinite; the weights are
/// those from before the step that failed.
class training_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct epoch_record {
  std::size_t epoch = 0;
  double loss = 0;           // mean training loss over the epoch's steps
  double accuracy = 0;       // training accuracy over the epoch (before each step's update)
  double seconds = 0;
  double learning_rate = 0;
};

struct fit_options {
  std::size_t epochs = 1;
  std::uint64_t shuffle_seed = 1;
  bool shuffle = true;
  /// A progress bar on a terminal, one line per epoch otherwise; none if false.
  bool progress = true;
  /// Called after each epoch (e.g. to evaluate on a test set); may be empty.
  std::function<void(const epoch_record&)> on_epoch{};
};


struct history {
  std::vector<epoch_record> epochs;
  /// epoch,loss,accuracy,seconds,learning_rate
  void write_csv(const std::string& path) const {
    std::ofstream out(path);
    if (!out) throw std::runtime_error("typenet: history::write_csv: cannot write " + path);
    out << "epoch,loss,accuracy,seconds,learning_rate\n";
    for (const auto& e : epochs)
      out << e.epoch << ',' << e.loss << ',' << e.accuracy << ',' << e.seconds << ',' << e.learning_rate << '\n';
    if (!out) throw std::runtime_error("typenet: history::write_csv: writing " + path + " failed");
  }
};

namespace detail {
template <class T, class Loss, class GradTuple, class Output>
struct evaluator_of;
template <class T, class Loss, class... G, class Output>
struct evaluator_of<T, Loss, std::tuple<G...>, Output> {
  using type = evaluator<T, Loss, G..., Output>;  // the output is a root too: it is kept, not fused away
};

template <class Net, std::size_t... I>
constexpr auto all_gradients(auto loss, std::index_sequence<I...>) {
  if constexpr (sizeof...(I) == 1) return std::tuple{typenet::grad(loss, at_t<I, typename Net::parameters>{}...)};
  else return typenet::grad(loss, at_t<I, typename Net::parameters>{}...);
}

/// Index of the largest of n values.
template <class T>
std::size_t argmax(const T* v, std::size_t n) noexcept {
  return static_cast<std::size_t>(std::max_element(v, v + n) - v);
}
}  // namespace detail

namespace errors {
template <std::size_t Outputs, std::size_t Columns>
struct target_columns {
  static constexpr detail::message_buffer build() {
    detail::message_buffer b;
    b << std::string_view{"trainer::step: the network has "} << Outputs << std::string_view{" outputs, but the targets have "}
      << Columns << std::string_view{" columns"};
    return b;
  }
};
template <std::size_t Inputs, std::size_t Columns>
struct input_columns {
  static constexpr detail::message_buffer build() {
    detail::message_buffer b;
    b << std::string_view{"trainer::step: the network takes "} << Inputs << std::string_view{" inputs, but the batch has "}
      << Columns << std::string_view{" columns"};
    return b;
  }
};
template <std::size_t Batch, std::size_t Rows>
struct batch_rows {
  static constexpr detail::message_buffer build() {
    detail::message_buffer b;
    b << std::string_view{"trainer::step: the trainer takes batches of "} << Batch << std::string_view{" rows, but the matrix has "}
      << Rows;
    return b;
  }
};
}  // namespace errors

template <class Net, class Loss, class Optimizer, class Batch, class T = float>
class trainer {
 public:
  static constexpr std::size_t batch_size = Batch::size;
  static constexpr std::size_t inputs = Net::input_size;
  static constexpr std::size_t outputs = Net::output_size;
  using input_matrix = matrix<T, batch_size, inputs>;
  using target_matrix = matrix<T, batch_size, outputs>;
  using config = typename Optimizer::config;

  /// The loss and every parameter's gradient, as expressions.
  static constexpr auto loss_expression = Loss::template expression<Net, batch_size>();
  static constexpr auto gradients =
      detail::all_gradients<Net>(loss_expression, std::make_index_sequence<Net::parameter_count>{});

  explicit trainer(params<Net, T>& p, config c = {})
      : params_(p), config_(c), states_(std::make_unique<states>()), work_(std::make_unique<workspace>()) {}

  /// One step on a batch with targets as rows (one-hot for cross_entropy).
  /// Returns the batch's loss before the update.
  template <class X, class Y>
  T step(const X& x, const Y& y) {
    static_assert(Matrix<X> && Matrix<Y>, "typenet: trainer::step(x, y): x and y must be tn::matrix values");
    if constexpr (!check_shapes<X, Y>()) {
      return T(0);
    } else {
      evaluate(x, y);
      return apply_update();
    }
  }

  /// One step on the first `rows` rows of x and y (the last partial batch of
  /// an epoch): the update and the returned loss are those of a batch of
  /// `rows` rows, as PyTorch computes them for a short batch. The padded rows
  /// get zero inputs and the targets that make their gradient zero, and the
  /// learning rate is scaled by B / rows. Costs two forward passes.
  template <class X, class Y>
  T step(const X& x, const Y& y, std::size_t rows) {
    static_assert(Loss::template supports_partial_batches<Net>,
                  "typenet: trainer::step(x, y, rows): partial batches need a loss matched to the output "
                  "(cross_entropy after softmax or on logits, binary_cross_entropy after sigmoid, or mse)");
    if (rows == batch_size) return step(x, y);
    if (rows == 0 || rows > batch_size)
      throw std::invalid_argument("typenet: trainer::step(x, y, rows): rows is " + std::to_string(rows) +
                                  ", the batch has " + std::to_string(batch_size));
    if constexpr (!check_shapes<X, Y>()) {
      return T(0);
    } else {
      auto& xi = work_->inputs;
      auto& yi = work_->padded_targets;
      if (static_cast<const void*>(&x) != static_cast<const void*>(&xi)) std::copy_n(x.data(), rows * inputs, xi.data());
      std::fill(xi.data() + rows * inputs, xi.data() + xi.size, T(0));
      std::copy_n(y.data(), rows * outputs, yi.data());
      std::fill(yi.data() + rows * outputs, yi.data() + yi.size, T(0));
      evaluate(xi, yi);  // forward values; the padded targets follow from them
      const auto& out = last_output();
      T padded_loss = T(0);
      for (std::size_t r = rows; r < batch_size; ++r) padded_loss += Loss::template self_target<Net>(&out(r, 0), &yi(r, 0));
      evaluate(xi, yi);
      rate_scale_ = static_cast<double>(batch_size) / static_cast<double>(rows);
      const T total = apply_update();
      rate_scale_ = 1.0;
      constexpr auto n = static_cast<T>(Loss::template normalizer<Net, batch_size>);
      return (total * n - padded_loss) / (n * static_cast<T>(rows) / static_cast<T>(batch_size));
    }
  }

  /// One step on a batch with class indices as targets.
  template <class X, class L>
  T step(const X& x, std::span<const L, batch_size> labels) {
    one_hot(labels.data());
    return step(x, work_->targets);
  }

  /// The learning rate the next step uses (the configured one times the schedule's factor).
  [[nodiscard]] double learning_rate() const noexcept { return config_.learning_rate * rate_factor_; }
  void set_epoch(std::size_t epoch) { rate_factor_ = config_.rate_schedule.factor(epoch); }
  [[nodiscard]] std::size_t steps_done() const noexcept { return steps_; }

  /// Output of the network for the last batch of `step` (batch x outputs).
  [[nodiscard]] const auto& last_output() const noexcept { return work_->eval.template get<Net::parameter_count + 1>(); }

  /// Epochs over a dataset (`size()`, `row_data(i)`, `label(i)`), shuffled
  /// each epoch from `shuffle_seed`. The last partial batch of an epoch is a
  /// short step (see step(x, y, rows)) where the loss allows it, and is
  /// otherwise filled up with the epoch's first rows.
  template <class Dataset>
  history fit(const Dataset& data, const fit_options& options = {}) {
    const std::size_t n = data.size();
    if (n == 0) throw std::invalid_argument("typenet: trainer::fit: the dataset is empty");
    std::vector<std::uint32_t> order(n);
    std::iota(order.begin(), order.end(), 0u);
    std::mt19937_64 rng(options.shuffle_seed);
    const std::size_t steps_per_epoch = (n + batch_size - 1) / batch_size;
    history h;
    for (std::size_t epoch = 0; epoch < options.epochs; ++epoch) {
      set_epoch(epoch);
      if (options.shuffle) std::shuffle(order.begin(), order.end(), rng);
      progress_bar bar(options.progress, epoch + 1, options.epochs, steps_per_epoch);
      const auto start = std::chrono::steady_clock::now();
      double loss_sum = 0;
      std::size_t correct = 0;
      std::size_t seen = 0;
      for (std::size_t s = 0; s < steps_per_epoch; ++s) {
        std::array<std::int32_t, batch_size> labels{};
        for (std::size_t r = 0; r < batch_size; ++r) {
          const std::size_t i = order[(s * batch_size + r) % n];
          std::copy_n(data.row_data(i), inputs, &work_->inputs(r, 0));
          labels[r] = static_cast<std::int32_t>(data.label(i));
        }
        const std::size_t rows_here = std::min(batch_size, n - s * batch_size);
        T loss;
        if constexpr (Loss::template supports_partial_batches<Net>) {
          if (rows_here < batch_size) {
            one_hot(labels.data());
            loss = step(work_->inputs, work_->targets, rows_here);
          } else {
            loss = step(work_->inputs, std::span<const std::int32_t, batch_size>(labels));
          }
        } else {
          loss = step(work_->inputs, std::span<const std::int32_t, batch_size>(labels));
        }
        loss_sum += static_cast<double>(loss);
        const auto& out = last_output();
        const std::size_t rows = std::min(batch_size, n - s * batch_size);
        for (std::size_t r = 0; r < rows; ++r) correct += detail::argmax(&out(r, 0), outputs) == static_cast<std::size_t>(labels[r]) ? 1 : 0;
        seen += rows;
        bar.update(s + 1, loss_sum / static_cast<double>(s + 1), static_cast<double>(correct) / static_cast<double>(seen));
      }
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      epoch_record rec{epoch + 1, loss_sum / static_cast<double>(steps_per_epoch),
                       static_cast<double>(correct) / static_cast<double>(seen), seconds, learning_rate()};
      bar.finish(rec.loss, rec.accuracy, seconds);
      h.epochs.push_back(rec);
      if (options.on_epoch) options.on_epoch(rec);
    }
    return h;
  }

 private:
  using grads_tuple = std::remove_cvref_t<decltype(gradients)>;
  using evaluator_type = typename detail::evaluator_of<T, std::remove_cvref_t<decltype(loss_expression)>, grads_tuple,
                                                        decltype(Net::template output<batch_size>())>::type;
  static constexpr std::size_t n_params = Net::parameter_count;

  template <class P>
  struct state_of;
  template <std::size_t... I>
  struct state_of<std::index_sequence<I...>> {
    using type = std::tuple<typename Optimizer::template state<std::remove_cvref_t<decltype(std::declval<params<Net, T>&>().template get<I>())>>...>;
  };
  using states = typename state_of<std::make_index_sequence<n_params>>::type;

  struct workspace {
    evaluator_type eval;
    input_matrix inputs{};
    target_matrix targets{};
    target_matrix padded_targets{};
  };

  template <class X, class Y>
  static constexpr bool check_shapes() {
    if constexpr (X::rows != batch_size) return shape_error<errors::batch_rows<batch_size, X::rows>>::value;
    else if constexpr (X::cols != inputs) return shape_error<errors::input_columns<inputs, X::cols>>::value;
    else if constexpr (Y::rows != batch_size) return shape_error<errors::batch_rows<batch_size, Y::rows>>::value;
    else if constexpr (Y::cols != outputs) return shape_error<errors::target_columns<outputs, Y::cols>>::value;
    else return true;
  }

  template <class L>
  void one_hot(const L* labels) {
    auto& y = work_->targets;
    std::fill(y.begin(), y.end(), T(0));
    for (std::size_t r = 0; r < batch_size; ++r) {
      const auto k = static_cast<std::size_t>(labels[r]);
      if (labels[r] < 0 || k >= outputs)
        throw std::out_of_range("typenet: trainer::step: label " + std::to_string(static_cast<long long>(labels[r])) +
                                " in row " + std::to_string(r) + " is not a class (0.." + std::to_string(outputs - 1) + ")");
      y(r, k) = T(1);
    }
  }

  template <class X, class Y>
  void evaluate(const X& x, const Y& y) {
    std::apply(
        [&](const auto&... p) {
          work_->eval.run(typename Net::template input_t<batch_size>{} = typenet::ref(x),
                          target<Net, batch_size> = typenet::ref(y), p...);
        },
        params_.bindings());
  }

  T apply_update() {
    ++steps_;
    const T loss = work_->eval.template get<0>();
    if (!std::isfinite(loss))
      throw training_error("typenet: training stopped at step " + std::to_string(steps_) + ": the loss is " +
                           std::to_string(loss) + "; the weights are those before this step");
    // check every gradient before touching any weight
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (check_finite<I>(), ...);
    }(std::make_index_sequence<n_params>{});
    const T lr = static_cast<T>(learning_rate() * rate_scale_);
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (Optimizer::update(config_, lr, std::get<I>(*states_), params_.template get<I>(), gradient<I>(), steps_), ...);
    }(std::make_index_sequence<n_params>{});
    return loss;
  }

  /// Parameter I's gradient as a matrix of the parameter's shape (a 1 x 1
  /// parameter's gradient is evaluated as a number).
  template <std::size_t I>
  decltype(auto) gradient() const noexcept {
    const auto& g = work_->eval.template get<I + 1>();
    if constexpr (Matrix<std::remove_cvref_t<decltype(g)>>) {
      return (g);
    } else {
      std::remove_cvref_t<decltype(params_.template get<I>())> m;
      m.values[0] = g;
      return m;
    }
  }

  template <std::size_t I>
  void check_finite() const {
    const auto& g = gradient<I>();  // NOLINT: may bind a temporary (1 x 1)
    const T s = kernels::map_reduce<std::remove_cvref_t<decltype(g)>::size>(
        [](auto v) { return v * decltype(v)(0); }, kernels::full<T>{g.data()});
    if (!std::isfinite(s))  // 0 * x is NaN exactly when x is NaN or infinite
      throw training_error("typenet: training stopped at step " + std::to_string(steps_) + ": the gradient of " +
                           std::string{params<Net, T>::template name<I>} +
                           " is not finite (NaN or Inf); the weights are those before this step");
  }

  params<Net, T>& params_;
  config config_;
  std::unique_ptr<states> states_;
  std::unique_ptr<workspace> work_;
  std::size_t steps_ = 0;
  double rate_factor_ = 1.0;
  double rate_scale_ = 1.0;
};

}  // namespace typenet
