// accuracy means nothing for real-valued targets: it does not compile.
// EXPECT: accuracy: the dataset has real-valued targets
#include <typenet/typenet.hpp>
namespace tn = typenet;
using net = tn::network<tn::input<2>, tn::dense<1>>;
struct real_rows {
  using value_type = float;
  static constexpr std::size_t static_features = 2;
  static constexpr std::size_t static_targets = 1;
  float x[2] = {0, 0}, y[1] = {0};
  std::string name = "rows";
  std::size_t size() const { return 1; }
  std::size_t features() const { return 2; }
  std::size_t targets() const { return 1; }
  const std::string& source() const { return name; }
  const float* row_data(std::size_t) const { return x; }
  const float* target_data(std::size_t) const { return y; }
};
int main() {
  auto p = tn::init<net>(tn::glorot_uniform{}, 1);
  real_rows data;
#ifdef TYPENET_CONTROL
  return static_cast<int>(tn::evaluate<tn::mse>(p, data).rows) * 0;
#else
  return static_cast<int>(tn::accuracy<net>(p, data));
#endif
}
