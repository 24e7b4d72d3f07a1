// dense<In, Out> states its input width; a mismatch names the layer and both widths.
// EXPECT: typenet: layer 2 \(dense<32, 10>\) expects 32 inputs, but layer 1 produces 16
#include <typenet/typenet.hpp>
namespace tn = typenet;
#ifdef TYPENET_CONTROL
using net = tn::network<tn::input<784>, tn::dense<16>, tn::sigmoid, tn::dense<16, 10>, tn::softmax>;
#else
using net = tn::network<tn::input<784>, tn::dense<16>, tn::sigmoid, tn::dense<32, 10>, tn::softmax>;
#endif
int main() { return net::param_count == 0; }
