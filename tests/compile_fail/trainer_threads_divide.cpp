// tn::threads<N> splits each batch into N equal parts.
// EXPECT: typenet: trainer: threads<3> splits a batch into 3 parts, but the batch of 4 rows does not divide by 3
#include <typenet/typenet.hpp>
namespace tn = typenet;
using net = tn::network<tn::input<6>, tn::dense<3>, tn::softmax>;
#ifdef TYPENET_CONTROL
using trainer = tn::trainer<net, tn::cross_entropy, tn::sgd, tn::batch<4>, float, tn::threads<2>>;
#else
using trainer = tn::trainer<net, tn::cross_entropy, tn::sgd, tn::batch<4>, float, tn::threads<3>>;
#endif
int main() { return trainer::part_rows == 0; }
