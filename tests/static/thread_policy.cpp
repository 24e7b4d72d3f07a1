// The default thread decision (tn::threads<0>) for the benchmark workloads:
// one thread where two measured slower on a 2-core machine, two where they
// measured faster (see plan/thread_policy.hpp for the model and its data).
#include <typenet/typenet.hpp>

namespace tn = typenet;

namespace {

using w1 = tn::network<tn::input<784>, tn::dense<16>, tn::sigmoid, tn::dense<16>, tn::sigmoid, tn::dense<10>,
                       tn::softmax>;
using w2 = tn::network<tn::input<784>, tn::dense<256>, tn::relu, tn::dense<128>, tn::relu, tn::dense<10>,
                       tn::softmax>;
using w3 = tn::network<tn::input<2>, tn::dense<4>, tn::sigmoid, tn::dense<1>, tn::sigmoid>;
using w6 = tn::network<tn::input<784>, tn::dense<100>, tn::relu, tn::dense<10>, tn::softmax>;

// W1 and W4 (W1 through fit): 2 parts measured 1.55-1.65x slower per step
static_assert(tn::trainer<w1, tn::cross_entropy, tn::sgd, tn::batch<32>>::parts == 1);
// W2: 2 parts measured 1.33-1.72x faster
static_assert(tn::trainer<w2, tn::cross_entropy, tn::sgd, tn::batch<128>>::parts == 2);
// W3: overhead only
static_assert(tn::trainer<w3, tn::mse, tn::sgd, tn::batch<4>>::parts == 1);
// W6: 2 parts measured 1.17x slower per epoch (0.204 s against 0.174 s)
static_assert(tn::trainer<w6, tn::cross_entropy, tn::adam, tn::batch<64>>::parts == 1);

// the model's predictions behind those decisions
using model = tn::detail::step_cost_model;
constexpr double step_flops(double batch, double flops_per_sample) { return 3.0 * batch * flops_per_sample; }
static_assert(model::speedup(step_flops(32, w1::flops_per_sample), w1::param_count, 2) < 1.0);
static_assert(model::speedup(step_flops(64, w6::flops_per_sample), w6::param_count, 2) < 1.0);
static_assert(model::speedup(step_flops(128, w2::flops_per_sample), w2::param_count, 2) > 1.25);
// a larger batch of the same network pays: the work per parameter grows with B
static_assert(tn::trainer<w6, tn::cross_entropy, tn::adam, tn::batch<256>>::parts == 2);
// an explicit request is kept
static_assert(tn::trainer<w1, tn::cross_entropy, tn::sgd, tn::batch<32>, float, tn::threads<2>>::parts == 2);
static_assert(tn::trainer<w2, tn::cross_entropy, tn::sgd, tn::batch<128>, float, tn::threads<1>>::parts == 1);
// a part needs 16 rows
static_assert(tn::trainer<w2, tn::cross_entropy, tn::sgd, tn::batch<30>>::parts == 1);

}  // namespace
