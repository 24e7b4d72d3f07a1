// The static memory plan: every stored value has its own bytes for as long
// as it is read, values whose lifetimes do not meet share memory, and the
// workspace size is a compile-time constant.
#include <typenet/typenet.hpp>

namespace tn = typenet;
using namespace tn::literals;

namespace {

/// No two values that are alive at the same step overlap in memory; every
/// value is aligned and inside the workspace; roots live to the end.
template <class Storage>
consteval bool plan_is_sound() {
  using plan = typename Storage::plan;
  constexpr auto& layout = plan::value;
  constexpr auto& roles = plan::roles::value;
  for (std::size_t i = 0; i < plan::n; ++i) {
    if (!layout.in_workspace[i]) continue;
    if (layout.offset[i] % tn::matrix_alignment != 0) return false;
    if (layout.offset[i] + layout.extent[i] > layout.bytes) return false;
    if (roles.last_use[i] < i) return false;
    if (roles.root[i] && roles.last_use[i] != plan::n) return false;
    for (std::size_t j = 0; j < i; ++j) {
      if (!layout.in_workspace[j] || roles.last_use[j] < i) continue;  // j is dead before i is written
      const bool apart = layout.offset[i] + layout.extent[i] <= layout.offset[j] ||
                         layout.offset[j] + layout.extent[j] <= layout.offset[i];
      if (!apart) return false;
    }
  }
  return true;
}

// sum((tanh(X W1)) W2): X W1 (32 x 64, 8 KB) is dead once tanh has read it,
// so the product with W2 (32 x 16, 2 KB) takes its place at offset 0.
constexpr auto X = tn::var<"X", 32, 48>;
constexpr auto W1 = tn::var<"W1", 48, 64>;
constexpr auto W2 = tn::var<"W2", 64, 16>;
constexpr auto f = tn::sum(tn::tanh(X * W1) * W2);
using small = tn::evaluator<float, decltype(f)>;
static_assert(plan_is_sound<small::storage>());
static_assert(small::unshared_bytes == 32 * 64 * 4 + 32 * 64 * 4 + 32 * 16 * 4);
static_assert(small::workspace_bytes == 2 * 32 * 64 * 4);
static_assert(tn::evaluator<double, decltype(f)>::workspace_bytes == 2 * 32 * 64 * 8);

// values are never shared with a value they are computed from
using gradient_of_f = tn::evaluator<float, decltype(f), decltype(tn::grad(f, W1))>;
static_assert(plan_is_sound<gradient_of_f::storage>());

// the seeds' training step: loss, the six parameter gradients and the output
using seeds = tn::network<tn::input<784>, tn::dense<16>, tn::sigmoid, tn::dense<16>, tn::sigmoid, tn::dense<10>,
                          tn::softmax>;
using seeds_trainer = tn::trainer<seeds, tn::cross_entropy, tn::sgd, tn::batch<32>>;
using step = seeds_trainer::step_evaluator;
static_assert(plan_is_sound<step::storage>());
static_assert(step::workspace_bytes < step::unshared_bytes);
static_assert(seeds_trainer::workspace_bytes >= step::workspace_bytes + sizeof(seeds_trainer::input_matrix));

// a deeper network with Adam: more values, more sharing
using deep = tn::network<tn::input<64>, tn::dense<32>, tn::relu, tn::dense<32>, tn::tanh, tn::dense<32>, tn::relu,
                         tn::dense<32>, tn::sigmoid, tn::dense<4>>;
using deep_trainer = tn::trainer<deep, tn::mse, tn::adam, tn::batch<16>>;
static_assert(plan_is_sound<deep_trainer::step_evaluator::storage>());
static_assert(deep_trainer::step_evaluator::workspace_bytes < deep_trainer::step_evaluator::unshared_bytes);

}  // namespace
