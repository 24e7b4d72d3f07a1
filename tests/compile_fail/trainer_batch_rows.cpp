// A step takes exactly the trainer's batch of rows.
// EXPECT: typenet: trainer::step\(x, y\): the trainer takes batches of 4 rows, but x has 5
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
  tn::matrix<float, 5, 6> x{};
#endif
  return static_cast<int>(t.step(x, y)) * 0;
}
