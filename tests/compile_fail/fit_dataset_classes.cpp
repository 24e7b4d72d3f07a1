// A dataset whose static class count does not fit the network's outputs
// (other than 2 classes for 1 output) is refused at compile time.
// EXPECT: the network has 3 outputs, but the dataset has 10 classes
#include <typenet/typenet.hpp>
namespace tn = typenet;
using net = tn::network<tn::input<6>, tn::dense<3>, tn::softmax>;
int main() {
  auto p = tn::init<net>(tn::glorot_uniform{}, 1);
  tn::trainer<net, tn::cross_entropy, tn::sgd, tn::batch<4>> t{p, {.learning_rate = 0.1f}};
#ifdef TYPENET_CONTROL
  tn::data::dataset<float, 6, 3> data;
#else
  tn::data::dataset<float, 6, 10> data;
#endif
  return static_cast<int>(t.fit(data, {.progress = false}).epochs.size());
}
