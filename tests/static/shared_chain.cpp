// A chain of shared nodes: level k+1 uses level k twice (x_k^2 / 4 + tanh(x_k)).
// A tree walk would differentiate 2^n paths; reverse accumulation over the DAG
// visits each node once, so the forward graph and the gradient stay linear in
// the number of nodes. 16 levels = 65 distinct forward nodes.
#include <typenet/typenet.hpp>

#include "../support/shared_chain.hpp"

namespace tn = typenet;
using namespace tn::literals;

namespace {

constexpr auto x = tn::var<"x">;
constexpr auto f = typenet_test::shared_chain<16>(x);
using F = decltype(f);
using G = decltype(tn::grad(f, x));

// 4 new nodes per level (x_k^2, x_k^2 / 4, tanh(x_k), the sum), plus x and the constants 1/4 and 2
static_assert(tn::node_count_v<F> == 4 * 16 + 3);
// a tree of the same expression would have more than 2^16 leaves
static_assert(tn::node_count_v<G> < 10 * tn::node_count_v<F>);

}  // namespace
