// Derivative rules, checked on the derived types (values are in tests/unit).
#include <typenet/typenet.hpp>

#include "../support/same_type.hpp"

namespace tn = typenet;
using namespace tn::literals;

namespace {

constexpr auto x = tn::var<"x">;
constexpr auto y = tn::var<"y">;


// derivatives from the forward value
constexpr auto s = tn::sigmoid(x);
SAME(tn::grad(s, x), s * (1_c - s));
constexpr auto t = tn::tanh(x);
SAME(tn::grad(t, x), 1_c - t * t);
SAME(tn::grad(tn::exp(x), x), tn::exp(x));
SAME(tn::grad(tn::relu(x), x), tn::step(tn::relu(x)));

// elementary rules
SAME(tn::grad(tn::log(x), x), 1_c / x);
SAME(tn::grad(tn::pow(x, 3_c), x), 3_c * x * x);
SAME(tn::grad(tn::sqrt(x), x), 1_c / (2_c * tn::sqrt(x)));
SAME(tn::grad(x / y, y), -x / (y * y));
SAME(tn::grad(tn::pow(x, y), y), tn::log(x) * tn::pow(x, y));
SAME(tn::grad(tn::pow(x, y), x), y * tn::pow(x, y - 1_c));

// chain rule through a composition
SAME(tn::grad(tn::exp(2_c * x), x), 2_c * tn::exp(2_c * x));
SAME(tn::grad(tn::sigmoid(x * y), x), y * tn::sigmoid(x * y) * (1_c - tn::sigmoid(x * y)));

// what does not depend on the variable differentiates to an exact 0
SAME(tn::grad(tn::exp(y) * 3_c, x), 0_c);
SAME(tn::grad(5_c, x), 0_c);
SAME(tn::grad(x, x), 1_c);

// several variables at once: a tuple of the individual gradients
using all = decltype(tn::grad(x * y, x, y));
static_assert(std::tuple_size_v<all> == 2);
static_assert(typenet_test::same<std::tuple_element_t<0, all>, decltype(y)>);
static_assert(typenet_test::same<std::tuple_element_t<1, all>, decltype(x)>);

}  // namespace
