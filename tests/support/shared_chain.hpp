#pragma once
// A chain of shared nodes: level k+1 uses level k twice (x_k^2 / 4 + tanh(x_k)).
// A tree walk would see 2^levels paths; the DAG has 4 nodes per level plus x
// and the constants 1/4 and 2.
#include <typenet/typenet.hpp>

namespace typenet_test {

template <int Levels, class E>
constexpr auto shared_chain(E e) {
  using namespace typenet::literals;
  if constexpr (Levels == 0) return e;
  else return shared_chain<Levels - 1>(e * e / 4_c + typenet::tanh(e));
}

}  // namespace typenet_test
