#pragma once
/// `tn::trainer<net, loss, optimizer, tn::batch<B>>`: one training step is the
/// evaluation of the loss and `tn::grad(loss, every parameter)` (a single
/// shared DAG) into storage allocated once, followed by the optimizer's
/// update. `fit` runs epochs over a dataset with shuffling and a progress bar.
#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <charconv>
#include <filesystem>
#include <functional>
#include <limits>
#include <map>
#include <system_error>
#include <memory>
#include <new>
#include <numeric>
#include <random>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include <typenet/diff/grad.hpp>
#include <typenet/expr/eval.hpp>
#include <typenet/kernels/elementwise.hpp>
#include <typenet/data/dataset_ref.hpp>
#include <typenet/nn/history.hpp>
#include <typenet/nn/loss.hpp>
#include <typenet/nn/metrics.hpp>
#include <typenet/nn/optimizer.hpp>
#include <typenet/nn/params.hpp>
#include <typenet/nn/progress.hpp>
#include <typenet/nn/serialize.hpp>
#include <typenet/nn/targets.hpp>
#include <typenet/plan/parallel.hpp>
#include <typenet/plan/thread_policy.hpp>

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

/// Early stopping on the validation loss: training stops once it has not
/// improved by more than `min_delta` for `patience` epochs in a row; with
/// `restore_best`, the weights of the epoch with the lowest validation loss
/// are put back when fit returns. Off unless `patience` is set (0 is refused).
struct early_stopping_options {
  static constexpr std::size_t off = static_cast<std::size_t>(-1);
  std::size_t patience = off;
  double min_delta = 0.0;
  bool restore_best = false;
  [[nodiscard]] constexpr bool enabled() const noexcept { return patience != off; }
};

struct fit_options {
  /// The total number of epochs: a trainer that has run (or was restored
  /// after) k epochs runs epochs k + 1 .. `epochs`.
  std::size_t epochs = 1;
  /// Epoch e's order is a shuffle drawn from (shuffle_seed, e) alone, so a
  /// run resumed at any epoch walks the same orders.
  std::uint64_t shuffle_seed = 1;
  bool shuffle = true;
  /// A progress bar on a terminal, one line per epoch otherwise; none if false.
  bool progress = true;
  /// Called after each epoch (e.g. to evaluate on a test set); may be empty.
  std::function<void(const epoch_record&)> on_epoch{};
  /// Evaluated after every epoch (`tn::evaluate<Loss>`, the inference path):
  /// `epoch_record::validation_loss` and its metric. Must outlive fit.
  data::dataset_ref validation{};
  early_stopping_options early_stopping{};
};

/// The order `fit` walks the n rows of a dataset in, in epoch e (0-based):
/// 0..n-1, shuffled by a generator seeded from (seed, e) alone when
/// `shuffle` (see fit_options::shuffle_seed). For loops of one's own that
/// should see fit's batches, and for mpi::fit.
inline void epoch_order(std::vector<std::uint32_t>& order, std::size_t n, std::uint64_t seed, std::size_t epoch,
                        bool shuffle) {
  order.resize(n);
  std::iota(order.begin(), order.end(), 0u);
  if (!shuffle) return;
  std::seed_seq seq{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32),
                    static_cast<std::uint32_t>(epoch), static_cast<std::uint32_t>(static_cast<std::uint64_t>(epoch) >> 32)};
  std::mt19937_64 rng(seq);
  std::shuffle(order.begin(), order.end(), rng);
}

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

/// Rows [p * M::rows, (p + 1) * M::rows) of x as an M: read in place when
/// that block starts on an aligned boundary, else copied into `staging`.
template <class M, class X>
const M& row_block(const X& x, std::size_t p, M* staging) noexcept {
  if constexpr (M::size * sizeof(typename M::value_type) % matrix_alignment == 0 &&
                std::is_same_v<typename X::value_type, typename M::value_type>) {
    (void)staging;
    return *std::launder(reinterpret_cast<const M*>(x.data() + p * M::size));
  } else {
    std::copy_n(x.data() + p * M::size, M::size, staging->data());
    return *staging;
  }
}

/// Starts loading the n values at p into the caches (the outer levels: a
/// batch of rows is larger than L1) without waiting for them; a hint only.
template <class T>
void prefetch_row(const T* p, std::size_t n) noexcept {
#if defined(__GNUC__)
  const char* bytes = reinterpret_cast<const char*>(p);
  for (std::size_t offset = 0; offset < n * sizeof(T); offset += 64) __builtin_prefetch(bytes + offset, 0, 2);
#else
  (void)p;
  (void)n;
#endif
}

/// Index of the largest of n values.
template <class T>
std::size_t argmax(const T* v, std::size_t n) noexcept {
  return static_cast<std::size_t>(std::max_element(v, v + n) - v);
}

/// A step's update without a reduction of its gradient (one process).
struct no_reduction {};
/// A step's gradient reduction (trainer::step_with_reduction): the
/// contiguous buffer, the reducer, and what the padded rows added to the loss.
template <class T, class Reduce>
struct gradient_reduction {
  std::span<T> buffer;
  Reduce& reduce;
  T padded_share;
};
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
template <std::size_t Batch, std::size_t Rows, bool Targets = false>
struct batch_rows {
  static constexpr detail::message_buffer build() {
    detail::message_buffer b;
    b << std::string_view{"trainer::step(x, y): the trainer takes batches of "} << Batch << std::string_view{" rows, but "}
      << std::string_view{Targets ? "y (the targets)" : "x"} << std::string_view{" has "} << Rows;
    return b;
  }
};
template <std::size_t Threads, std::size_t Batch>
struct threads_divide {
  static constexpr detail::message_buffer build() {
    detail::message_buffer b;
    b << std::string_view{"trainer: threads<"} << Threads << std::string_view{"> splits a batch into "} << Threads
      << std::string_view{" parts, but the batch of "} << Batch << std::string_view{" rows does not divide by "} << Threads;
    return b;
  }
};
}  // namespace errors

/// The optional last argument, `tn::threads<N>`, splits each batch into N
/// parts of B / N rows evaluated on N threads (each part is one fused
/// evaluation of its rows); the parts' gradients are combined before the
/// update, so a step is the same step as on one thread up to the order of
/// float additions. The default decides from the shapes with a cost model
/// (plan/thread_policy.hpp) and takes one thread unless two measurably pay.
template <class Net, class Loss, class Optimizer, class Batch, class T = float, class Threads = threads<0>>
class trainer {
 public:
  static constexpr std::size_t batch_size = Batch::size;
  static constexpr std::size_t inputs = Net::input_size;
  static constexpr std::size_t outputs = Net::output_size;
  using input_matrix = matrix<T, batch_size, inputs>;
  using target_matrix = matrix<T, batch_size, outputs>;
  using config = typename Optimizer::config;

  /// Parts each batch is split into, one thread each (fewer threads when the
  /// machine has fewer cores: a thread then runs several parts in turn).
  static constexpr std::size_t parts = detail::step_parts<Net, batch_size, Threads::count>();
  static_assert(std::conditional_t<batch_size % parts == 0, std::true_type,
                                   shape_error<errors::threads_divide<parts, batch_size>>>::value ||
                batch_size % parts != 0);  // the error names both counts
  /// Rows of one part.
  static constexpr std::size_t part_rows = batch_size / parts;

  /// The loss of one part of a batch (part_rows rows) and every parameter's
  /// gradient, as expressions.
  static constexpr auto loss_expression = Loss::template expression<Net, part_rows>();
  static constexpr auto gradients =
      detail::all_gradients<Net>(loss_expression, std::make_index_sequence<Net::parameter_count>{});

  /// The evaluation of one step: the loss, every parameter's gradient and
  /// the network's output, planned and fused at compile time.
  using step_evaluator =
      typename detail::evaluator_of<T, std::remove_cvref_t<decltype(loss_expression)>,
                                    std::remove_cvref_t<decltype(gradients)>, decltype(Net::template output<part_rows>())>::type;

 private:
  using part_input = matrix<T, part_rows, inputs>;
  using part_target = matrix<T, part_rows, outputs>;
  struct no_storage {};
  /// With parts, plain SGD updates the weights in the pass that combines the parts' gradients.
  static constexpr bool folds_update = parts > 1 && std::is_same_v<Optimizer, sgd>;
  /// The combined gradients of the parts, one per parameter (parts > 1).
  template <class P>
  struct gradient_sums;
  template <std::size_t... I>
  struct gradient_sums<std::index_sequence<I...>> {
    using type = std::tuple<std::remove_cvref_t<decltype(std::declval<params<Net, T>&>().template get<I>())>...>;
  };
  /// A part's rows, copied when they do not start on an aligned boundary.
  struct part_staging {
    part_input x;
    part_target y;
  };
  static constexpr bool parts_read_in_place = part_input::size * sizeof(T) % matrix_alignment == 0 &&
                                              part_target::size * sizeof(T) % matrix_alignment == 0;
  struct workspace {
    std::array<step_evaluator, parts> eval;
    input_matrix inputs{};
    target_matrix targets{};
    target_matrix padded_targets{};
    [[no_unique_address]] std::conditional_t<(parts > 1), target_matrix, no_storage> output{};
    [[no_unique_address]] std::conditional_t<(parts > 1 && !folds_update),
                                             typename gradient_sums<std::make_index_sequence<Net::parameter_count>>::type,
                                             no_storage> sums{};
    [[no_unique_address]] std::conditional_t<(parts > 1 && !parts_read_in_place), std::array<part_staging, parts>,
                                             no_storage> staging{};
    /// Per part: the first parameter whose gradient is not finite (parameter_count if none).
    std::array<std::size_t, parts> not_finite{};
  };

 public:
  /// Bytes of the step's workspace, allocated once at construction: each
  /// part's evaluation (its values sharing memory where their lifetimes
  /// allow), the staging matrices for batches and targets and, with parts,
  /// the combined gradients.
  static constexpr std::size_t workspace_bytes = parts * step_evaluator::workspace_bytes + sizeof(workspace) -
                                                 parts * sizeof(step_evaluator);

  explicit trainer(params<Net, T>& p, config c = {})
      : params_(p), config_(checked(c)), states_(std::make_unique<states>()), work_(std::make_unique<workspace>()) {
    if constexpr (parts > 1) team_ = std::make_unique<detail::worker_team>(detail::usable_threads(parts));
  }

  /// Threads a step runs on.
  [[nodiscard]] std::size_t threads_used() const noexcept { return team_ ? team_->size() : 1; }

  /// One step on a batch with targets as rows (one-hot for cross_entropy).
  /// Returns the batch's loss before the update.
  template <class X, class Y>
  T step(const X& x, const Y& y) {
    static_assert(Matrix<X> && Matrix<Y>, "typenet: trainer::step(x, y): x and y must be tn::matrix values");
    if constexpr (!(Matrix<X> && Matrix<Y>) || !check_shapes<X, Y>()) {
      return T(0);
    } else {
      evaluate(x, y, [](std::size_t) {});
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
      const T padded_loss = evaluate_padded(x, y, rows);
      const T total = apply_update(static_cast<double>(batch_size) / static_cast<double>(rows));
      constexpr auto n = static_cast<T>(Loss::template normalizer<Net, batch_size>);
      return (total * n - padded_loss) / (n * static_cast<T>(rows) / static_cast<T>(batch_size));
    }
  }

 private:
  /// Evaluates the first `rows` rows of (x, y) as a batch of B: the padded
  /// rows get zero inputs and the targets that make their gradient zero.
  /// Returns the padded rows' loss (not normalized). Two forward passes.
  template <class X, class Y>
  T evaluate_padded(const X& x, const Y& y, std::size_t rows) {
    auto& xi = work_->inputs;
    auto& yi = work_->padded_targets;
    if (static_cast<const void*>(&x) != static_cast<const void*>(&xi)) std::copy_n(x.data(), rows * inputs, xi.data());
    std::fill(xi.data() + rows * inputs, xi.data() + xi.size, T(0));
    std::copy_n(y.data(), rows * outputs, yi.data());
    std::fill(yi.data() + rows * outputs, yi.data() + yi.size, T(0));
    evaluate(xi, yi, [](std::size_t) {});  // forward values; the padded targets follow from them
    const auto& out = last_output();
    T padded_loss = T(0);
    for (std::size_t r = rows; r < batch_size; ++r) padded_loss += Loss::template self_target<Net>(&out(r, 0), &yi(r, 0));
    evaluate(xi, yi, [](std::size_t) {});
    return padded_loss;
  }

 public:
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
  /// The parameters this trainer updates.
  [[nodiscard]] params<Net, T>& parameters() noexcept { return params_; }
  [[nodiscard]] const params<Net, T>& parameters() const noexcept { return params_; }

  /// Output of the network for the last batch of `step` (batch x outputs).
  [[nodiscard]] const target_matrix& last_output() const noexcept {
    if constexpr (parts == 1) return work_->eval[0].template get<Net::parameter_count + 1>();
    else return work_->output;
  }

 private:
  template <std::size_t I>
  using parameter_t = std::remove_cvref_t<decltype(std::declval<params<Net, T>&>().template get<I>())>;

 public:
  /// The contiguous gradient buffer of step_with_reduction, laid out at
  /// compile time: parameter I's gradient (row-major, the parameter's shape)
  /// from gradient_offsets[I], each on a matrix_alignment boundary (the gaps
  /// are never written); gradient_floats values in all.
  static constexpr std::array<std::size_t, Net::parameter_count + 1> gradient_offsets =
      []<std::size_t... I>(std::index_sequence<I...>) {
        constexpr std::size_t line = matrix_alignment / sizeof(T);
        const std::array<std::size_t, sizeof...(I)> sizes{parameter_t<I>::size...};
        std::array<std::size_t, sizeof...(I) + 1> offsets{};
        for (std::size_t i = 0; i < sizes.size(); ++i) offsets[i + 1] = offsets[i] + (sizes[i] + line - 1) / line * line;
        return offsets;
      }(std::make_index_sequence<Net::parameter_count>{});
  static constexpr std::size_t gradient_floats = gradient_offsets.back();

  /// One step on the first `rows` rows of x and y (0 to B) whose gradient
  /// passes through `reduce` between the backward pass and the update, as
  /// tn::mpi::fit sums it over processes. Once the loss and the gradients are
  /// checked (finite), the rows' gradient (their summed gradients over the
  /// loss's normalizer of B rows; zero when rows is 0) is written to `buffer`
  /// (at least gradient_floats values, matrix_alignment-aligned, laid out by
  /// gradient_offsets); `reduce(share)` is called with the rows' loss share
  /// (their summed losses over that normalizer), may rewrite the buffer, and
  /// returns the learning rate's scale; the update then reads the gradient
  /// from the buffer. Short batches pad as step(x, y, rows) does. Returns
  /// the share. If `reduce` throws, nothing has changed.
  template <class X, class Y, class Reduce>
  T step_with_reduction(const X& x, const Y& y, std::size_t rows, std::span<T> buffer, Reduce&& reduce) {
    if (rows > batch_size)
      throw std::invalid_argument("typenet: trainer::step_with_reduction: rows is " + std::to_string(rows) +
                                  ", the batch has " + std::to_string(batch_size));
    if (buffer.size() < gradient_floats || reinterpret_cast<std::uintptr_t>(buffer.data()) % matrix_alignment != 0)
      throw std::invalid_argument("typenet: trainer::step_with_reduction: the buffer must hold " +
                                  std::to_string(gradient_floats) + " values aligned to " +
                                  std::to_string(matrix_alignment) + " bytes");
    if constexpr (!check_shapes<X, Y>()) {
      return T(0);
    } else {
      detail::gradient_reduction<T, std::remove_reference_t<Reduce>> r{buffer, reduce, T(0)};
      if (rows == 0) {
        std::fill_n(buffer.data(), gradient_floats, T(0));
        return reduced_update(steps_ + 1, T(0), r, false);
      }
      if (rows == batch_size) {
        evaluate(x, y, [](std::size_t) {});
        return apply_update(1.0, &r);
      }
      if constexpr (Loss::template supports_partial_batches<Net>) {
        r.padded_share = evaluate_padded(x, y, rows) / static_cast<T>(Loss::template normalizer<Net, batch_size>);
        return apply_update(1.0, &r);
      } else {
        throw std::invalid_argument("typenet: trainer::step_with_reduction: partial batches need a loss matched to "
                                    "the output (cross_entropy, binary_cross_entropy after sigmoid, or mse)");
      }
    }
  }

  /// Epochs over a dataset: class labels (`label(i)`: one-hot targets, or
  /// for one output and two classes the label itself), or real-valued
  /// targets (`target_data(i)`); see nn/targets.hpp. A class dataset, a
  /// real_dataset, or a subset view of either. Each epoch walks its own
  /// shuffled order (fit_options::shuffle_seed). The last partial batch of an
  /// epoch is a short step (see step(x, y, rows)) where the loss allows it,
  /// and is otherwise filled up with the epoch's first rows. `epochs` is the
  /// total: epochs already run by this trainer (or restored from a
  /// checkpoint) are not run again.
  template <class Dataset>
  history fit(const Dataset& data, const fit_options& options = {}) {
    if constexpr (!detail::dataset_fits<inputs, outputs, Dataset>()) {
      return {};
    } else {
      static_assert(std::is_same_v<detail::row_value_t<Dataset>, T>,
                    "typenet: trainer::fit: the dataset's element type differs from the trainer's");
      const std::size_t n = data.size();
      if (n == 0) throw std::invalid_argument("typenet: trainer::fit: the dataset is empty");
      const detail::target_kind kind = detail::target_kind_of<inputs, outputs>(data, "trainer::fit");
      check_fit_options(options);
      history h;
      fit_epochs(data, kind, options, h);
      return h;
    }
  }

  /// The epochs this trainer has run (or was restored after).
  [[nodiscard]] std::size_t epochs_done() const noexcept { return epochs_done_; }

  /// Writes weights, every optimizer state tensor, the step and epoch counts
  /// and what the next epochs need (the shuffle seed, early stopping's best
  /// validation loss and patience count) to a safetensors file, atomically.
  /// The model's weights have their usual names (the file loads with
  /// tn::load and in PyTorch); optimizer state is `optimizer.<param>.<field>`.
  void save_checkpoint(const std::filesystem::path& path) const {
    auto refs = checkpoint_refs(const_cast<trainer&>(*this));
    io::save_safetensors(path, refs, checkpoint_metadata());
  }

  /// Restores a checkpoint of this trainer's type: refused (io_error naming
  /// what differs: network, optimizer, element type, a tensor's name or
  /// shape) with the model, the optimizer state and the counters untouched.
  void load_checkpoint(const std::filesystem::path& path) {
    const auto header = io::inspect_safetensors(path);
    const auto want = checkpoint_metadata();
    auto field = [&](const std::string& key) -> std::string {
      const auto it = header.metadata.find(key);
      return it == header.metadata.end() ? std::string{} : it->second;
    };
    if (field("typenet.checkpoint").empty())
      throw io_error("typenet: load_checkpoint: " + path.string() + " is not a typenet checkpoint (no typenet.checkpoint metadata)");
    for (const char* key : {"typenet.network", "typenet.loss", "typenet.optimizer", "typenet.dtype", "typenet.batch"})
      if (field(key) != want.at(key))
        throw io_error("typenet: load_checkpoint: " + path.string() + ": " + key + " is '" + field(key) +
                       "', this trainer's is '" + want.at(key) + "'");
    auto number = [&](const std::string& key) -> std::uint64_t {
      const std::string v = field(key);
      std::uint64_t out = 0;
      const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
      if (v.empty() || ec != std::errc{} || end != v.data() + v.size())
        throw io_error("typenet: load_checkpoint: " + path.string() + ": " + key + " is '" + v + "', not a count");
      return out;
    };
    const std::size_t steps = number("typenet.steps");
    const std::size_t epochs = number("typenet.epochs");
    const std::size_t bad_epochs = number("typenet.bad_epochs");
    double best = std::numeric_limits<double>::infinity();
    if (const std::string b = field("typenet.best_validation_loss"); !b.empty() && b != "inf") best = std::stod(b);
    // the tensors are checked in full before any is written (io::load_safetensors)
    io::load_safetensors(path, checkpoint_refs(*this));
    steps_ = steps;
    epochs_done_ = epochs;
    best_validation_loss_ = best;
    bad_epochs_ = bad_epochs;
  }

 private:
  static constexpr std::size_t n_params = Net::parameter_count;

  template <class P>
  struct state_of;
  template <std::size_t... I>
  struct state_of<std::index_sequence<I...>> {
    using type = std::tuple<typename Optimizer::template state<std::remove_cvref_t<decltype(std::declval<params<Net, T>&>().template get<I>())>>...>;
  };
  using states = typename state_of<std::make_index_sequence<n_params>>::type;


  template <class X, class Y>
  static constexpr bool check_shapes() {
    if constexpr (X::rows != batch_size) return shape_error<errors::batch_rows<batch_size, X::rows>>::value;
    else if constexpr (X::cols != inputs) return shape_error<errors::input_columns<inputs, X::cols>>::value;
    else if constexpr (Y::rows != batch_size) return shape_error<errors::batch_rows<batch_size, Y::rows, true>>::value;
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

  /// Evaluates every part of the batch (x, y), each on its thread, after
  /// `fill(p)` has written part p's rows of x (when x is being gathered).
  template <class X, class Y, class Fill>
  void evaluate(const X& x, const Y& y, Fill&& fill) {
    if constexpr (parts > 1 && (!std::is_same_v<typename X::value_type, T> || !std::is_same_v<typename Y::value_type, T>)) {
      // parts read their rows in place: first convert to the trainer's element type
      std::copy(x.begin(), x.end(), work_->inputs.begin());
      std::copy(y.begin(), y.end(), work_->padded_targets.begin());
      evaluate(work_->inputs, work_->padded_targets, fill);
    } else {
      evaluate_parts(x, y, fill);
    }
  }
  template <class X, class Y, class Fill>
  void evaluate_parts(const X& x, const Y& y, Fill& fill) {
    auto run_part = [&](std::size_t p, const auto& xp, const auto& yp) {
      std::apply(
          [&](const auto&... b) {
            work_->eval[p].run(typename Net::template input_t<part_rows>{} = typenet::ref(xp),
                               target<Net, part_rows> = typenet::ref(yp), b...);
          },
          params_.bindings());
    };
    if constexpr (parts == 1) {
      fill(0);
      run_part(0, x, y);
    } else {
      auto task = [&](std::size_t p) {
        fill(p);
        auto& staging = work_->staging;
        if constexpr (parts_read_in_place) {
          (void)staging;
          run_part(p, detail::row_block<part_input>(x, p, nullptr), detail::row_block<part_target>(y, p, nullptr));
        } else {
          run_part(p, detail::row_block<part_input>(x, p, &staging[p].x), detail::row_block<part_target>(y, p, &staging[p].y));
        }
        const auto& out = work_->eval[p].template get<Net::parameter_count + 1>();
        std::copy_n(out.data(), part_target::size, work_->output.data() + p * part_target::size);
        // each part checks its own gradients: a mean of finite values is finite
        std::size_t bad = n_params;
        [&]<std::size_t... I>(std::index_sequence<I...>) {
          (void)((finite(work_->eval[p].template get<I + 1>()) || (bad = I, false)) && ...);
        }(std::make_index_sequence<n_params>{});
        work_->not_finite[p] = bad;
      };
      team_->run(parts, task);
    }
  }

  /// A part's loss and gradients times this are its share of the batch's.
  static constexpr T part_weight = static_cast<T>(static_cast<double>(Loss::template normalizer<Net, part_rows>) /
                                                  static_cast<double>(Loss::template normalizer<Net, batch_size>));

  /// The batch's gradient of parameter I from the parts', for the elements
  /// of slice `k` of `slices` (each thread takes one slice of every
  /// parameter): into the gradient sums, or, when Update (plain SGD),
  /// straight into the parameter: p -= lr * (sum of the parts' shares + wd p).
  template <std::size_t I, bool Update>
  void combine(std::size_t k, std::size_t slices, T lr, T wd, T* into = nullptr) {
    using G = std::remove_cvref_t<decltype(work_->eval[0].template get<I + 1>())>;
    constexpr std::size_t n = [] {
      if constexpr (Matrix<G>) return G::size;
      else return std::size_t{1};  // a 1 x 1 parameter's gradient is a number
    }();
    constexpr std::size_t grain = 64 / sizeof(T);  // whole cache lines per thread
    const std::size_t begin = std::min(n, (n * k / slices) / grain * grain);
    const std::size_t end = k + 1 == slices ? n : std::min(n, (n * (k + 1) / slices) / grain * grain);
    std::array<const T*, parts> g{};
    for (std::size_t p = 0; p < parts; ++p) {
      if constexpr (Matrix<G>) g[p] = work_->eval[p].template get<I + 1>().data();
      else g[p] = &work_->eval[p].template get<I + 1>();
    }
    T* out;
    if constexpr (Update) out = params_.template get<I>().data();
    else if constexpr (folds_update) out = into;
    else out = into ? into : std::get<I>(work_->sums).data();
    for (std::size_t i = begin; i < end; ++i) {
      T sum = part_weight * g[0][i];
      for (std::size_t p = 1; p < parts; ++p) sum += part_weight * g[p][i];
      if constexpr (Update) out[i] -= lr * (sum + wd * out[i]);
      else out[i] = sum;
    }
  }

  void check_fit_options(const fit_options& o) const {
    auto fail = [](const std::string& what) { throw std::invalid_argument("typenet: trainer::fit: " + what); };
    const auto& es = o.early_stopping;
    if (es.enabled() && es.patience == 0) fail("early_stopping.patience is 0; it must be at least 1 epoch");
    if (!std::isfinite(es.min_delta) || es.min_delta < 0)
      fail("early_stopping.min_delta is " + std::to_string(es.min_delta) + "; it must be finite and >= 0");
    if ((es.enabled() || es.restore_best) && !o.validation)
      fail("early stopping needs a validation set (fit_options::validation)");
    if (o.validation) {
      if (o.validation.empty()) fail("the validation set " + o.validation.source() + " is empty");
      if (o.validation.value_size() != sizeof(T))
        fail("the validation set " + o.validation.source() + " holds values of " +
             std::to_string(o.validation.value_size()) + " bytes, the trainer " + std::to_string(sizeof(T)));
      (void)detail::target_kind_of<inputs, outputs>(data::typed_ref<T>{&o.validation}, "trainer::fit: validation");
    }
  }

  template <class Dataset>
  void fit_epochs(const Dataset& data, detail::target_kind kind, const fit_options& options, history& h) {
    const std::size_t n = data.size();
    const bool real = kind == detail::target_kind::real;
    const std::size_t steps_per_epoch = (n + batch_size - 1) / batch_size;
    std::vector<std::uint32_t> order;
    std::unique_ptr<params<Net, T>> best;  // with restore_best: the weights of the best epoch of this call
    for (std::size_t epoch = epochs_done_; epoch < options.epochs; ++epoch) {
      set_epoch(epoch);
      epoch_order(order, n, options.shuffle_seed, epoch, options.shuffle);
      progress_bar bar(options.progress, epoch + 1, options.epochs, steps_per_epoch);
      const auto start = std::chrono::steady_clock::now();
      double loss_sum = 0;
      std::size_t correct = 0;
      std::size_t seen = 0;
      for (std::size_t s = 0; s < steps_per_epoch; ++s) {
        const std::uint32_t* batch_rows = order.data() + s * batch_size;
        const std::size_t rows_here = std::min(batch_size, n - s * batch_size);
        // a short last batch is filled up with the epoch's first rows
        auto row_index = [&](std::size_t r) -> std::size_t { return r < rows_here ? batch_rows[r] : order[r - rows_here]; };
        for (std::size_t r = 0; r < batch_size; ++r) detail::write_targets<outputs>(kind, data, row_index(r), &work_->targets(r, 0));
        // each part gathers its own rows, on its own thread; then, as the
        // rows of a shuffled order are scattered over the dataset, it asks
        // for its rows of the next batch, which arrive while this step
        // computes (W4: ~10% off an epoch)
        auto gather = [&](std::size_t p) {
          for (std::size_t r = p * part_rows; r < (p + 1) * part_rows; ++r)
            std::copy_n(data.row_data(row_index(r)), inputs, &work_->inputs(r, 0));
          const std::size_t next = (s + 1) * batch_size + p * part_rows;
          for (std::size_t r = next; r < std::min(n, next + part_rows); ++r) detail::prefetch_row(data.row_data(order[r]), inputs);
        };
        T loss;
        if (rows_here < batch_size) {
          for (std::size_t p = 0; p < parts; ++p) gather(p);
          if constexpr (Loss::template supports_partial_batches<Net>) loss = step(work_->inputs, work_->targets, rows_here);
          else loss = step(work_->inputs, work_->targets);
        } else {
          evaluate(work_->inputs, work_->targets, gather);
          loss = apply_update();
        }
        loss_sum += static_cast<double>(loss);
        if (!real) {
          const auto& out = last_output();
          for (std::size_t r = 0; r < rows_here; ++r)
            correct += detail::predicts<outputs>(kind, &out(r, 0), detail::label_of(data, row_index(r))) ? 1 : 0;
        }
        seen += rows_here;
        bar.update(s + 1, loss_sum / static_cast<double>(s + 1),
                   real ? std::numeric_limits<double>::quiet_NaN() : static_cast<double>(correct) / static_cast<double>(seen));
      }
      epochs_done_ = epoch + 1;
      epoch_record rec;
      rec.epoch = epoch + 1;
      rec.loss = loss_sum / static_cast<double>(steps_per_epoch);
      rec.accuracy = real ? std::numeric_limits<double>::quiet_NaN() : static_cast<double>(correct) / static_cast<double>(seen);
      rec.learning_rate = learning_rate();
      bool stop = false;
      if (options.validation) {
        const metrics m = typenet::evaluate<Loss>(params_, options.validation);
        rec.validation_loss = m.loss;
        rec.validation_accuracy = m.accuracy;
        rec.validation_mae = m.mae;
        rec.validation_r2 = m.r2;
        if (m.loss < best_validation_loss_ - options.early_stopping.min_delta) {
          best_validation_loss_ = m.loss;
          bad_epochs_ = 0;
          h.best_epoch = epoch + 1;
          if (options.early_stopping.restore_best) {
            if (!best) best = std::make_unique<params<Net, T>>(params_);
            else *best = params_;
          }
        } else {
          ++bad_epochs_;
        }
        stop = options.early_stopping.enabled() && bad_epochs_ >= options.early_stopping.patience;
      }
      rec.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      bar.finish(rec);
      h.epochs.push_back(rec);
      if (options.on_epoch) options.on_epoch(rec);
      if (stop) {
        h.stopped_early = epoch + 1 < options.epochs;
        break;
      }
    }
    if (best) params_ = *best;
  }

  /// The tensors of a checkpoint: the weights under their tn::save names,
  /// then each parameter's optimizer state as optimizer.<param>.<field>.
  static std::vector<io::tensor_ref> checkpoint_refs(trainer& self) {
    std::vector<io::tensor_ref> refs = detail::tensor_refs<Net, T>(self.params_);
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (std::get<I>(*self.states_).for_each_tensor([&](const char* field, auto& m) {
        refs.push_back(io::ref("optimizer." + std::string{parameter_names[I]} + "." + field, m));
      }), ...);
    }(std::make_index_sequence<n_params>{});
    return refs;
  }

  std::map<std::string, std::string> checkpoint_metadata() const {
    char best[32];
    std::snprintf(best, sizeof best, "%.17g", best_validation_loss_);
    return {{"format", "pt"},
            {"writer", "typenet"},
            {"typenet.checkpoint", "1"},
            {"typenet.network", network_structure<Net>()},
            {"typenet.loss", std::string{Loss::name}},
            {"typenet.optimizer", std::string{Optimizer::name}},
            {"typenet.dtype", std::is_same_v<T, float> ? "float32" : "float64"},
            {"typenet.batch", std::to_string(batch_size)},
            {"typenet.steps", std::to_string(steps_)},
            {"typenet.epochs", std::to_string(epochs_done_)},
            {"typenet.bad_epochs", std::to_string(bad_epochs_)},
            {"typenet.best_validation_loss", best}};
  }

  /// The parameters' names, by index (for errors found at run time).
  static constexpr auto parameter_names = []<std::size_t... I>(std::index_sequence<I...>) {
    return std::array<std::string_view, sizeof...(I)>{params<Net, T>::template name<I>...};
  }(std::make_index_sequence<Net::parameter_count>{});

  [[noreturn]] void stop_at(std::size_t parameter) const {
    throw training_error("typenet: training stopped at step " + std::to_string(steps_ + 1) + ": the gradient of " +
                         std::string{parameter_names[parameter]} +
                         " is not finite (NaN or Inf); the weights are those before this step");
  }

  /// The configuration, refused (std::invalid_argument, naming the field)
  /// when no step could succeed with it.
  static const config& checked(const config& c) {
    const double rate = static_cast<double>(c.learning_rate);
    if (!std::isfinite(rate) || !(rate > 0))
      throw std::invalid_argument("typenet: trainer: learning_rate is " + std::to_string(rate) +
                                  "; it must be finite and positive");
    if constexpr (requires { Optimizer::validate(c); }) Optimizer::validate(c);
    return c;
  }

  /// 0 * x summed is NaN exactly when some x is NaN or infinite.
  template <class G>
  static bool finite(const G& g) noexcept {
    if constexpr (Matrix<G>) {
      return std::isfinite(kernels::map_reduce<G::size>([](auto v) { return v * decltype(v)(0); }, kernels::full<T>{g.data()}));
    } else {
      return std::isfinite(g);
    }
  }

  /// The update of one step, its learning rate scaled by `rate_scale`
  /// (B / rows for a short batch). Checks the loss and every gradient before
  /// touching any weight: a step that fails there changes nothing (weights,
  /// optimizer state, step count). The updated weights are checked too: an
  /// update that overflows (finite gradients, a learning rate far too large)
  /// stops training naming the parameter.
  template <class Reduction = detail::no_reduction>
  T apply_update(double rate_scale = 1.0, Reduction* reduction = nullptr) {
    const std::size_t t = steps_ + 1;  // this step's number, counted once it succeeds
    T loss = work_->eval[0].template get<0>();
    if constexpr (parts > 1) {
      loss *= part_weight;
      for (std::size_t p = 1; p < parts; ++p) loss += part_weight * work_->eval[p].template get<0>();
    }
    if (!std::isfinite(loss))
      throw training_error("typenet: training stopped at step " + std::to_string(t) + ": the loss is " +
                           std::to_string(loss) + "; the weights are those before this step");
    // check every gradient before touching any weight
    if constexpr (parts > 1) {
      for (std::size_t p = 0; p < parts; ++p)
        if (work_->not_finite[p] < n_params) stop_at(work_->not_finite[p]);
    } else {
      [&]<std::size_t... I>(std::index_sequence<I...>) {
        (void)((finite(gradient<I>()) || (stop_at(I), false)) && ...);
      }(std::make_index_sequence<n_params>{});
    }
    if constexpr (!std::is_same_v<Reduction, detail::no_reduction>) return reduced_update(t, loss, *reduction, true);
    const T lr = static_cast<T>(learning_rate() * rate_scale);
    if constexpr (parts > 1) {
      // the parts' gradients are combined on every thread, one slice each;
      // plain SGD is folded into that pass (p -= lr * combined gradient)
      T weight_decay = T(0);
      if constexpr (folds_update) weight_decay = static_cast<T>(config_.weight_decay);
      auto task = [&](std::size_t k) {
        [&]<std::size_t... I>(std::index_sequence<I...>) {
          (combine<I, folds_update>(k, team_->size(), lr, weight_decay), ...);
        }(std::make_index_sequence<n_params>{});
      };
      team_->run(team_->size(), task);
    }
    if constexpr (!folds_update) {
      [&]<std::size_t... I>(std::index_sequence<I...>) {
        (Optimizer::update(config_, lr, std::get<I>(*states_), params_.template get<I>(), gradient<I>(), t), ...);
      }(std::make_index_sequence<n_params>{});
    }
    steps_ = t;
    check_updated_weights(lr);
    return loss;
  }

  /// step_with_reduction's update (step t, the batch's loss): the gradient
  /// into the buffer (when `evaluated`), the reduction, the update from the
  /// buffer. Returns the rows' loss share.
  template <class Reduction>
  T reduced_update(std::size_t t, T loss, Reduction& r, bool evaluated) {
    T* g = r.buffer.data();
    if (evaluated) {
      if constexpr (parts > 1) {
        auto task = [&](std::size_t k) {
          [&]<std::size_t... I>(std::index_sequence<I...>) {
            (combine<I, false>(k, team_->size(), T(0), T(0), g + gradient_offsets[I]), ...);
          }(std::make_index_sequence<n_params>{});
        };
        team_->run(team_->size(), task);
      } else {
        [&]<std::size_t... I>(std::index_sequence<I...>) {
          ((void)std::copy_n(gradient<I>().data(), parameter_t<I>::size, g + gradient_offsets[I]), ...);
        }(std::make_index_sequence<n_params>{});
      }
    }
    const T share = loss - r.padded_share;
    const T lr = static_cast<T>(learning_rate() * r.reduce(share));
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (Optimizer::update(config_, lr, std::get<I>(*states_), params_.template get<I>(),
                         *std::launder(reinterpret_cast<const parameter_t<I>*>(g + gradient_offsets[I])), t),
       ...);
    }(std::make_index_sequence<n_params>{});
    steps_ = t;
    check_updated_weights(lr);
    return share;
  }

  /// The divergence guard, after every update: each parameter's sum of
  /// squares must be finite and at most weight_bound^2 (so no weight beyond
  /// weight_bound). No trained network comes near 1e15 (its activations
  /// would overflow float long before), so the guard never stops a run that
  /// could have gone on; it costs one read of the weights per step, the pass
  /// that a plain finiteness check needs anyway.
  static constexpr double weight_bound = 1e15;
  void check_updated_weights(T lr) const {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (void)((bounded(params_.template get<I>()) || (diverged_at(I, lr), false)) && ...);
    }(std::make_index_sequence<n_params>{});
  }
  template <class M>
  static bool bounded(const M& w) noexcept {
    const T squares = kernels::map_reduce<M::size>([](auto v) { return v * v; }, kernels::full<T>{w.data()});
    return squares <= static_cast<T>(weight_bound * weight_bound);  // false for NaN and infinity too
  }

  [[noreturn]] void diverged_at(std::size_t parameter, T lr) const {
    throw training_error("typenet: training stopped at step " + std::to_string(steps_) + ": the update made " +
                         std::string{parameter_names[parameter]} + " not finite or larger than 1e15 (learning rate " +
                         std::to_string(static_cast<double>(lr)) +
                         "); the gradients were finite, so training diverges at this rate; the weights are those "
                         "after this step");
  }

  /// Parameter I's gradient as a matrix of the parameter's shape (a 1 x 1
  /// parameter's gradient is evaluated as a number).
  template <std::size_t I>
  decltype(auto) gradient() const noexcept {
    if constexpr (parts > 1) return (std::get<I>(work_->sums));
    else return single_gradient<I>();
  }
  template <std::size_t I>
  decltype(auto) single_gradient() const noexcept {
    const auto& g = work_->eval[0].template get<I + 1>();
    if constexpr (Matrix<std::remove_cvref_t<decltype(g)>>) {
      return (g);
    } else {
      std::remove_cvref_t<decltype(params_.template get<I>())> m;
      m.values[0] = g;
      return m;
    }
  }

  params<Net, T>& params_;
  config config_;
  std::unique_ptr<states> states_;
  std::unique_ptr<workspace> work_;
  std::unique_ptr<detail::worker_team> team_;
  std::size_t steps_ = 0;
  double rate_factor_ = 1.0;
  std::size_t epochs_done_ = 0;
  /// Early stopping's state, kept across fit calls and in checkpoints.
  double best_validation_loss_ = std::numeric_limits<double>::infinity();
  std::size_t bad_epochs_ = 0;
};

}  // namespace typenet
