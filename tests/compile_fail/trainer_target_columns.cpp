// The targets of a step must have one column per network output.
// EXPECT: typenet: trainer::step: the network has 10 outputs, but the targets have 12 columns
#include <typenet/typenet.hpp>
namespace tn = typenet;
using net = tn::network<tn::input<6>, tn::dense<10>, tn::softmax>;
int main() {
  auto p = tn::init<net>(tn::glorot_uniform{}, 1);
  tn::trainer<net, tn::cross_entropy, tn::sgd, tn::batch<4>> t{p, {.learning_rate = 0.1f}};
  tn::matrix<float, 4, 6> x{};
#ifdef TYPENET_CONTROL
  tn::matrix<float, 4, 10> y{};
#else
  tn::matrix<float, 4, 12> y{};
#endif
  return static_cast<int>(t.step(x, y)) * 0;
}
