// split's views point into the data set: a temporary one would dangle.
// EXPECT: d is a temporary, and the views would point to it after it is gone
#include <typenet/data/split.hpp>
namespace tn = typenet;
tn::data::real_dataset<float, 2, 1> make() { return {{1, 2, 3, 4}, {5, 6}}; }
int main() {
#ifdef TYPENET_CONTROL
  const auto d = make();
  auto [train, valid] = tn::data::split(d, 0.5, 1);
#else
  auto [train, valid] = tn::data::split(make(), 0.5, 1);
#endif
  return static_cast<int>(train.size() + valid.size()) * 0;
}
