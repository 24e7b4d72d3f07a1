// A dataset whose static feature count is not the network's input width is
// refused at compile time by evaluate (and fit, accuracy).
// EXPECT: the network takes 6 inputs, but the dataset has 5 features
#include <typenet/typenet.hpp>
namespace tn = typenet;
using net = tn::network<tn::input<6>, tn::dense<3>, tn::softmax>;
int main() {
  auto p = tn::init<net>(tn::glorot_uniform{}, 1);
#ifdef TYPENET_CONTROL
  tn::data::dataset<float, 6, 3> data;
#else
  tn::data::dataset<float, 5, 3> data;
#endif
  return static_cast<int>(tn::evaluate<tn::cross_entropy>(p, data).rows);
}
