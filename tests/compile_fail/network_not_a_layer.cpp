// Every entry after the input is a dense layer or an activation.
// EXPECT: typenet: network: entry 1 after the input is not a layer
#include <typenet/typenet.hpp>
namespace tn = typenet;
#ifdef TYPENET_CONTROL
using net = tn::network<tn::input<4>, tn::dense<3>, tn::tanh, tn::dense<2>>;
#else
using net = tn::network<tn::input<4>, tn::dense<3>, 42, tn::dense<2>>;
#endif
int main() { return net::param_count == 0; }
