// Real-valued targets come in K >= 1 columns.
// EXPECT: data::real<K>: K is the number of real-valued target columns and must be at least 1
#include <typenet/data/csv.hpp>
namespace tn = typenet;
#ifdef TYPENET_CONTROL
using targets = tn::data::real<1>;
#else
using targets = tn::data::real<0>;
#endif
int main() {
  auto d = tn::data::load_csv<3, targets>("never-read.csv");
  return static_cast<int>(d.size()) * 0;
}
