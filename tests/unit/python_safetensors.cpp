// python/typenet_safetensors.py, the reader/writer shipped for Python users
// without the `safetensors` package (Debian 12): a typenet file loads into
// torch.nn.Sequential with its metadata, and a file it writes from a torch
// state_dict loads into typenet, giving the same outputs.
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <filesystem>
#include <random>
#include <string>

#include <typenet/typenet.hpp>

#include "../support/matrix_check.hpp"
#include "../support/python_torch.hpp"
#include "../support/temp_dir.hpp"

namespace tn = typenet;
using typenet_test::random_matrix;
using typenet_test::temp_dir;

namespace {
using net = tn::network<tn::input<5>, tn::dense<4>, tn::tanh, tn::dense<3>, tn::softmax>;
}

BOOST_AUTO_TEST_CASE(typenet_files_move_through_the_shipped_python_reader,
                     *boost::unit_test::precondition(typenet_test::torch_available)) {
  temp_dir dir;
  std::mt19937 rng(3);
  const auto x = random_matrix<float, 6, 5>(rng);
  const auto p = tn::init<net>(tn::pytorch_default{}, 4);
  tn::save(p, dir.path / "typenet.safetensors");
  tn::matrix<float, 6, 5> xs = x;
  tn::io::save_safetensors(dir.path / "x.safetensors", {tn::io::ref("x", xs)});
  const std::string script = R"py(
import sys
sys.path.insert(0, sys.argv[2])
import torch
import typenet_safetensors as st
d = sys.argv[1]
tensors, meta = st.load(d + '/typenet.safetensors')
assert meta['typenet.network'] == 'input<5> dense<4> tanh dense<3> softmax', meta
assert sorted(tensors) == ['0.bias', '0.weight', '2.bias', '2.weight'], sorted(tensors)
model = torch.nn.Sequential(torch.nn.Linear(5, 4), torch.nn.Tanh(), torch.nn.Linear(4, 3), torch.nn.Softmax(dim=1))
model.load_state_dict(st.load_torch(d + '/typenet.safetensors'))
x = st.load_torch(d + '/x.safetensors')['x']
st.save(d + '/torch_out.safetensors', {'y': model(x)})
torch.manual_seed(0)
other = torch.nn.Sequential(torch.nn.Linear(5, 4), torch.nn.Tanh(), torch.nn.Linear(4, 3), torch.nn.Softmax(dim=1))
st.save(d + '/torch.safetensors', other.state_dict(), {'format': 'pt'})
st.save(d + '/torch_other_out.safetensors', {'y': other(x)})
# a round trip of the reader and writer keeps every byte of the values
again, _ = st.load(d + '/torch.safetensors')
for k, v in other.state_dict().items():
    assert (torch.from_numpy(again[k]) == v).all(), k
)py";
  const auto r = typenet_test::run_python(script, {dir.path.string(), typenet_test::python_module_dir()});
  BOOST_TEST_REQUIRE(r.status == 0, r.output);
  auto compare = [&](const tn::params<net>& used, const char* file) {
    tn::matrix<float, 6, 3> want;
    tn::io::load_safetensors(dir.path / file, {tn::io::ref("y", want)});
    const auto got = tn::predict<net>(used, x);
    for (std::size_t i = 0; i < want.size; ++i) BOOST_TEST(std::abs(got.values[i] - want.values[i]) <= 1e-6f, file << "[" << i << "]");
  };
  compare(p, "torch_out.safetensors");
  auto q = tn::init<net>(tn::glorot_uniform{}, 5);
  tn::load(q, dir.path / "torch.safetensors");
  compare(q, "torch_other_out.safetensors");
}
