// Networks as types: compile-time facts, parameter names and shapes, and the
// lowered expressions.
#include <typenet/typenet.hpp>

#include "../support/same_type.hpp"

namespace tn = typenet;

namespace {

using seeds = tn::network<tn::input<784>, tn::dense<16>, tn::sigmoid, tn::dense<16>, tn::sigmoid, tn::dense<10>,
                          tn::softmax>;
static_assert(seeds::param_count == 13002);  // 784*16+16*16+16*10 + 16+16+10
static_assert(seeds::input_size == 784 && seeds::output_size == 10);
static_assert(seeds::entry_count == 6);
static_assert(seeds::flops_per_sample == 2 * (784 * 16 + 16 * 16 + 16 * 10));
static_assert(seeds::parameter_count == 6);
static_assert(seeds::valid);

// nn.Sequential names and PyTorch's layout: weight out x in, bias one row
SAME((tn::at_t<0, seeds::parameters>{}), (tn::var<"0.weight", 16, 784>));
SAME((tn::at_t<1, seeds::parameters>{}), (tn::var<"0.bias", 1, 16>));
SAME((tn::at_t<2, seeds::parameters>{}), (tn::var<"2.weight", 16, 16>));
SAME((tn::at_t<5, seeds::parameters>{}), (tn::var<"4.bias", 1, 10>));
static_assert(tn::params<seeds>::name<4> == "4.weight");

// the lowered forward pass is the matrix expression one would write by hand
constexpr auto X = tn::var<"input", 32, 784>;
constexpr auto W0 = tn::var<"0.weight", 16, 784>;
constexpr auto b0 = tn::var<"0.bias", 1, 16>;
constexpr auto W2 = tn::var<"2.weight", 16, 16>;
constexpr auto b2 = tn::var<"2.bias", 1, 16>;
constexpr auto W4 = tn::var<"4.weight", 10, 16>;
constexpr auto b4 = tn::var<"4.bias", 1, 10>;
constexpr auto H1 = tn::sigmoid(X * tn::transpose(W0) + b0);
constexpr auto H2 = tn::sigmoid(H1 * tn::transpose(W2) + b2);
SAME(seeds::output<32>(), tn::softmax(H2 * tn::transpose(W4) + b4));
static_assert(std::is_same_v<tn::shape_of_t<decltype(seeds::output<32>())>, tn::shape<32, 10>>);
static_assert(std::is_same_v<seeds::output_activation, tn::softmax_op>);

// dense<In, Out> states its input width; identity, tanh, relu, leaky_relu
using checked = tn::network<tn::input<4>, tn::dense<4, 8>, tn::relu, tn::dense<8, 3>, tn::tanh, tn::dense<2>,
                            tn::leaky_relu, tn::dense<1>, tn::identity>;
static_assert(checked::param_count == 4 * 8 + 8 + 8 * 3 + 3 + 3 * 2 + 2 + 2 * 1 + 1);
static_assert(checked::output_size == 1 && checked::entry_count == 8);
static_assert(std::is_same_v<checked::output_activation, tn::identity_layer>);
// a network ending in a dense entry has its output as logits
SAME((tn::handle_t<checked::logits_t<5>>{}), checked::output<5>());

// the textbook gradients at the output fall out of tn::grad and the simplifier
constexpr auto Y = tn::target<seeds, 32>;
constexpr auto Z = H2 * tn::transpose(W4) + b4;
SAME(tn::grad(tn::cross_entropy::expression<seeds, 32>(), b4),
     tn::col_sums(tn::softmax(Z) / tn::c<32> - tn::distribution(Y) / tn::c<32>));  // Y: rows sum to 1

using logistic = tn::network<tn::input<3>, tn::dense<1>, tn::sigmoid>;
constexpr auto Xl = tn::var<"input", 8, 3>;
constexpr auto Zl = Xl * tn::transpose(tn::var<"0.weight", 1, 3>) + tn::var<"0.bias", 1, 1>;
SAME(tn::grad(tn::binary_cross_entropy::expression<logistic, 8>(), tn::var<"0.bias", 1, 1>),
     tn::col_sums(tn::sigmoid(Zl) / tn::c<8> - tn::target<logistic, 8> / tn::c<8>));

}  // namespace
