// tn::save / tn::load of a network's parameters: round trips, refusals that
// leave the model untouched, and the same outputs as torch.nn.Sequential
// after moving weights both ways (via Debian's /usr/bin/python3).
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <random>
#include <string>

#include <typenet/nn/serialize.hpp>

#include "../support/matrix_check.hpp"
#include "../support/python_torch.hpp"
#include "../support/temp_dir.hpp"

namespace tn = typenet;
namespace fs = std::filesystem;
using typenet_test::random_matrix;
using typenet_test::temp_dir;

namespace {

using net = tn::network<tn::input<5>, tn::dense<4>, tn::tanh, tn::dense<3>, tn::softmax>;
using wider = tn::network<tn::input<5>, tn::dense<6>, tn::tanh, tn::dense<3>, tn::softmax>;


template <class P>
bool same_params(const P& a, const P& b) {
  bool same = true;
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    ((same = same && a.template get<I>() == b.template get<I>()), ...);
  }(std::make_index_sequence<P::count>{});
  return same;
}

}  // namespace

BOOST_AUTO_TEST_CASE(round_trip_float_and_double) {
  temp_dir dir;
  const auto p = tn::init<net>(tn::pytorch_default{}, 1);
  tn::save(p, dir.path / "p.safetensors");
  auto q = tn::init<net>(tn::pytorch_default{}, 2);
  BOOST_TEST(!same_params(p, q));
  tn::load(q, dir.path / "p.safetensors");
  BOOST_TEST(same_params(p, q));
  // float file into double parameters, converted exactly
  auto d = tn::init<net, double>(tn::glorot_uniform{}, 3);
  tn::load(d, dir.path / "p.safetensors");
  BOOST_TEST(d.get<0>()(2, 3) == static_cast<double>(p.get<0>()(2, 3)));
}

BOOST_AUTO_TEST_CASE(a_mismatched_file_is_refused_and_the_model_kept) {
  temp_dir dir;
  tn::save(tn::init<wider>(tn::glorot_uniform{}, 1), dir.path / "wider.safetensors");
  auto p = tn::init<net>(tn::glorot_uniform{}, 4);
  const auto before = p;
  try {
    tn::load(p, dir.path / "wider.safetensors");
    BOOST_FAIL("a file of another network's shapes was loaded");
  } catch (const tn::io_error& e) {
    const std::string what = e.what();
    BOOST_TEST(what.find("0.weight") != std::string::npos, what);
    BOOST_TEST(what.find("6x5") != std::string::npos, what);
    BOOST_TEST(what.find("4x5") != std::string::npos, what);
  }
  BOOST_TEST(same_params(p, before));
  BOOST_CHECK_THROW(tn::load(p, dir.path / "missing.safetensors"), tn::io_error);
  BOOST_TEST(same_params(p, before));
}

BOOST_AUTO_TEST_CASE(same_outputs_as_torch_sequential, *boost::unit_test::precondition(typenet_test::torch_available)) {
  temp_dir dir;
  std::mt19937 rng(5);
  const auto x = random_matrix<float, 7, 5>(rng);
  const auto p = tn::init<net>(tn::pytorch_default{}, 6);
  tn::save(p, dir.path / "typenet.safetensors");
  tn::matrix<float, 7, 5> xs = x;
  tn::io::save_safetensors(dir.path / "x.safetensors", {tn::io::ref("x", xs)});
  const std::string script = R"py(
import json, struct, sys
import numpy as np, torch
def read(path):
    raw = open(path, 'rb').read()
    n = struct.unpack('<Q', raw[:8])[0]
    head = json.loads(raw[8:8 + n]); data = raw[8 + n:]
    out = {}
    for k, v in head.items():
        if k == '__metadata__': continue
        b, e = v['data_offsets']
        out[k] = torch.from_numpy(np.frombuffer(data[b:e], dtype=np.float32).reshape(v['shape']).copy())
    return out
def write(path, tensors):
    head, blobs, off = {}, [], 0
    for k, t in tensors.items():
        b = t.detach().numpy().astype(np.float32).tobytes()
        head[k] = {'dtype': 'F32', 'shape': list(t.shape), 'data_offsets': [off, off + len(b)]}
        blobs.append(b); off += len(b)
    h = json.dumps(head).encode()
    open(path, 'wb').write(struct.pack('<Q', len(h)) + h + b''.join(blobs))
d = sys.argv[1]
model = torch.nn.Sequential(torch.nn.Linear(5, 4), torch.nn.Tanh(), torch.nn.Linear(4, 3), torch.nn.Softmax(dim=1))
model.load_state_dict(read(d + '/typenet.safetensors'))
x = read(d + '/x.safetensors')['x']
write(d + '/torch_out.safetensors', {'y': model(x)})
torch.manual_seed(0)
other = torch.nn.Sequential(torch.nn.Linear(5, 4), torch.nn.Tanh(), torch.nn.Linear(4, 3), torch.nn.Softmax(dim=1))
write(d + '/torch.safetensors', other.state_dict())
write(d + '/torch_other_out.safetensors', {'y': other(x)})
)py";
  const auto r = typenet_test::run_python(script, {dir.path.string()});
  BOOST_TEST_REQUIRE(r.status == 0, r.output);
  auto compare = [&](const auto& params_used, const char* file) {
    tn::matrix<float, 7, 3> want;
    tn::io::load_safetensors(dir.path / file, {tn::io::ref("y", want)});
    const auto got = tn::predict<net>(params_used, x);
    for (std::size_t i = 0; i < want.size; ++i)
      BOOST_TEST(std::abs(got.values[i] - want.values[i]) <= 1e-6f, file << "[" << i << "]: " << got.values[i] << " vs " << want.values[i]);
  };
  compare(p, "torch_out.safetensors");  // typenet's weights in torch
  auto q = tn::init<net>(tn::glorot_uniform{}, 7);
  tn::load(q, dir.path / "torch.safetensors");  // torch's weights in typenet
  compare(q, "torch_other_out.safetensors");
}
