// Canonical forms and the simplifier's rules, checked on types.
#include <typenet/typenet.hpp>

#include "../support/same_type.hpp"

namespace tn = typenet;
using namespace tn::literals;

namespace {

constexpr auto x = tn::var<"x">;
constexpr auto y = tn::var<"y">;
constexpr auto z = tn::var<"z">;


using X = std::remove_const_t<decltype(x)>;

// exact rational constant folding
SAME(1_c / 2_c + 1_c / 3_c, (tn::c<5, 6>));
SAME(2_c * 3_c - 7_c, tn::c<-1>);
SAME(0.3_c, (tn::c<3, 10>));
SAME(1'000_c, tn::c<1000>);
SAME((tn::c<4, 6>), (tn::c<2, 3>));
SAME(tn::pow(2_c / 3_c, 3_c), (tn::c<8, 27>));
SAME(tn::pow(2_c, 0_c - 2_c), (tn::c<1, 4>));
SAME(tn::sqrt(9_c / 4_c), (tn::c<3, 2>));
static_assert(!tn::Constant<decltype(tn::sqrt(2_c))>);  // irrational stays symbolic
SAME(tn::sqrt(2_c) * tn::sqrt(2_c), 2_c);                // and multiplies back exactly

// identities
SAME(0_c * x, 0_c);
SAME(x * 0_c, 0_c);
SAME(1_c * x, x);
SAME(x + 0_c, x);
SAME(x - x, 0_c);
SAME(x / x, 1_c);
SAME(tn::pow(x, 1_c), x);
SAME(tn::pow(x, 0_c), 1_c);
SAME(-(-x), x);
SAME(x - (-x), 2_c * x);

// canonical order: equal expressions are the same type
SAME(x * y, y * x);
SAME(x + y, y + x);
SAME((x + y) + z, x + (z + y));
SAME((x * y) * z, z * (y * x));
SAME(x * y + y * x, 2_c * x * y);
SAME(tn::exp(x + y), tn::exp(y + x));

// like terms and powers
SAME(2_c * x + 3_c * x, 5_c * x);
SAME(x * x, tn::pow(x, 2_c));
SAME(x * x * x / x, tn::square(x));
SAME(tn::pow(tn::pow(x, 2_c), 3_c), tn::pow(x, 6_c));
SAME(tn::pow(2_c * x, 2_c), 4_c * x * x);
SAME(tn::sqrt(x) * tn::sqrt(x), x);
SAME(x / (x * y), 1_c / y);
SAME(x + y - x, y);
// (x^2)^(1/2) is |x|, not x: left alone
static_assert(!typenet_test::same<decltype(tn::sqrt(x * x)), X>);

// local rewrites of elementary functions
SAME(tn::exp(0_c), 1_c);
SAME(tn::log(1_c), 0_c);
SAME(tn::log(tn::exp(x)), x);
SAME(tn::exp(tn::log(x)), x);
SAME(tn::sigmoid(0_c), (tn::c<1, 2>));
SAME(tn::tanh(0_c), 0_c);
SAME(tn::relu(0_c - 3_c), 0_c);
SAME(tn::relu(3_c / 2_c), (tn::c<3, 2>));
SAME(tn::relu(tn::relu(x)), tn::relu(x));
SAME(tn::leaky_relu(0_c - 2_c), (tn::c<-1, 50>));
SAME(tn::leaky_relu(0_c - 2_c, 1_c / 5_c), (tn::c<-2, 5>));

// evaluation of the rational/polynomial part is a constant expression
static_assert(tn::eval(x * x - 2_c * x + 1_c, x = 3.0) == 4.0);
static_assert(tn::eval(x / y, x = 1.0, y = 4.0) == 0.25);
static_assert(tn::eval(tn::sqrt(x), x = 16.0) == 4.0);
static_assert(tn::eval(tn::relu(x) + tn::leaky_relu(y, 1_c / 4_c), x = 2.0, y = -2.0) == 1.5);
static_assert(tn::eval(7_c / 2_c) == 3.5);  // nothing to bind: double
static_assert(std::is_same_v<decltype(tn::eval(x, x = 1.0f)), float>);
static_assert(std::is_same_v<decltype(tn::eval(x, x = 1)), double>);  // integers bind as double

}  // namespace
