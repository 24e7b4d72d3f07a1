// A split's views are read-only: a standardizer is applied to their parent.
// EXPECT: a subset is a read-only view of its parent's rows; apply the standardizer to the parent data set
#include <typenet/data/split.hpp>
#include <typenet/data/standardizer.hpp>
namespace tn = typenet;
int main() {
  tn::data::real_dataset<float, 2, 1> d({1, 2, 3, 4}, {5, 6});
  auto [train, valid] = tn::data::split(d, 0.5, 1);
  const auto scale = tn::data::standardizer<2>::fit(train);
#ifdef TYPENET_CONTROL
  scale.apply(d);
#else
  scale.apply(valid);
#endif
  return static_cast<int>(valid.size()) * 0;
}
