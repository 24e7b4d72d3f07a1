// The 16-level shared chain at run time (65 distinct nodes; a tree walk
// would see 2^16 paths): its gradient agrees with finite differences and with
// the derivative computed by a plain loop.
#include <boost/test/unit_test.hpp>

#include <typenet/typenet.hpp>

#include "../support/shared_chain.hpp"

namespace tn = typenet;
using namespace tn::literals;

namespace {
constexpr auto x = tn::var<"x">;
constexpr int levels = 16;
}  // namespace

BOOST_AUTO_TEST_CASE(chain_gradient_matches_finite_differences) {
  const auto f = typenet_test::shared_chain<levels>(x);
  for (double at : {-0.7, 0.05, 0.3, 0.9}) {
    const auto result = tn::gradient_check(f, x = at);
    BOOST_TEST(result.passed(), result);
  }
}

BOOST_AUTO_TEST_CASE(chain_value_matches_a_plain_loop) {
  const auto f = typenet_test::shared_chain<levels>(x);
  double v = 0.3, d = 1.0;
  for (int i = 0; i < levels; ++i) {
    d *= v / 2 + 1 - std::tanh(v) * std::tanh(v);
    v = v * v / 4 + std::tanh(v);
  }
  BOOST_TEST(tn::eval(f, x = 0.3) == v, boost::test_tools::tolerance(1e-13));
  BOOST_TEST(tn::eval(tn::grad(f, x), x = 0.3) == d, boost::test_tools::tolerance(1e-12));
}
