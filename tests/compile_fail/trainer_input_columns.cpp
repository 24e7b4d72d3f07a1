// A step takes rows of the network's input width.
// EXPECT: typenet: trainer::step: the network takes 6 inputs, but the batch has 7 columns
#include <typenet/typenet.hpp>
namespace tn = typenet;
using net = tn::network<tn::input<6>, tn::dense<3>, tn::softmax>;
int main() {
  auto p = tn::init<net>(tn::glorot_uniform{}, 1);
  tn::trainer<net, tn::cross_entropy, tn::sgd, tn::batch<4>> t{p, {.learning_rate = 0.1f}};
  tn::matrix<float, 4, 3> y{};
#ifdef TYPENET_CONTROL
  tn::matrix<float, 4, 6> x{};
#else
  tn::matrix<float, 4, 7> x{};
#endif
  return static_cast<int>(t.step(x, y)) * 0;
}
