#pragma once
/// How many parts `tn::threads<0>` (the default) splits a training step
/// into: a cost model of the batch-parallel step, decided at compile time.
///
/// Splitting a batch of B rows into 2 parts halves the products, but adds
/// a fork-join and, per parameter, the combination of the parts' gradients
/// and the transfer of the weights the other core updated. Both extra costs
/// are independent of B while the work per parameter grows with B, so the
/// split pays for large batches and not for small ones. The constants were
/// fitted to steps measured on a 2-core AVX-512 EPYC (W1 784-16-16-10 batch
/// 32: 2 parts 1.6x slower; W6 784-100-10 batch 64 with Adam: 2 parts 1.17x
/// slower; W2 784-256-128-10 batch 128: 2 parts 1.33-1.72x faster) and are
/// on the safe side: a split is taken only where the model predicts at least
/// `minimum_speedup`. tests/static/thread_policy.cpp pins the decision.
#include <cstddef>

namespace typenet::detail {

struct step_cost_model {
  /// Floating-point operations of a step (3 x B x forward FLOP per sample)
  /// one core does per nanosecond.
  static constexpr double flop_per_ns = 200.0;
  /// Waking the workers and waiting for them, twice per step.
  static constexpr double fork_join_ns = 5000.0;
  /// Combining the parts' gradients and moving the updated weights between
  /// the cores' caches, per parameter.
  static constexpr double ns_per_parameter = 1.0;
  /// A split is taken only if the model predicts at least this speed-up.
  static constexpr double minimum_speedup = 1.15;
  /// Rows a part needs at least.
  static constexpr std::size_t minimum_part_rows = 16;

  /// Predicted time of one step on one thread, and split into `parts`.
  static constexpr double step_ns(double step_flops, double parameters, std::size_t parts) {
    const double compute = step_flops / flop_per_ns;
    if (parts <= 1) return compute;
    return compute / static_cast<double>(parts) + fork_join_ns + ns_per_parameter * parameters;
  }
  static constexpr double speedup(double step_flops, double parameters, std::size_t parts) {
    return step_ns(step_flops, parameters, 1) / step_ns(step_flops, parameters, parts);
  }
};

/// The parts a trainer of Net with batches of B rows splits each batch into:
/// `Requested` when it is not 0, else 2 where the cost model says two cores
/// pay, else 1.
template <class Net, std::size_t B, std::size_t Requested>
consteval std::size_t step_parts() {
  if (Requested != 0) return Requested;
  using model = step_cost_model;
  const double flops = 3.0 * static_cast<double>(B) * static_cast<double>(Net::flops_per_sample);
  const bool splits = B % 2 == 0 && B / 2 >= model::minimum_part_rows;
  return splits && model::speedup(flops, static_cast<double>(Net::param_count), 2) >= model::minimum_speedup ? 2 : 1;
}

}  // namespace typenet::detail
