// tn::save / tn::load of a network's parameters: round trips, refusals that
// leave the model untouched, and the same outputs as torch.nn.Sequential
// after moving weights both ways (via Debian's /usr/bin/python3).
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <random>
#include <string>
#include <vector>

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

// --- the model fingerprint and non-finite weights (issue 14) --------------------------

namespace {
using net_sigmoid = tn::network<tn::input<5>, tn::dense<4>, tn::sigmoid, tn::dense<3>, tn::softmax>;
using net_relu_out = tn::network<tn::input<5>, tn::dense<4>, tn::tanh, tn::dense<3>>;
}  // namespace

BOOST_AUTO_TEST_CASE(the_structure_is_recorded_and_checked) {
  temp_dir dir;
  BOOST_TEST(tn::network_structure<net>() == "input<5> dense<4> tanh dense<3> softmax");
  BOOST_TEST(tn::network_structure<net_relu_out>() == "input<5> dense<4> tanh dense<3>");
  BOOST_TEST((tn::network_structure<tn::network<tn::input<2>, tn::dense<2, 3>, tn::leaky_relu, tn::dense<1>, tn::identity>>() ==
              "input<2> dense<3> leaky_relu dense<1> identity"));
  const auto p = tn::init<net>(tn::pytorch_default{}, 1);
  tn::save(p, dir.path / "tanh.safetensors");
  const auto h = tn::io::inspect_safetensors(dir.path / "tanh.safetensors");
  BOOST_TEST(h.metadata.at("typenet.network") == "input<5> dense<4> tanh dense<3> softmax");
  BOOST_TEST(h.metadata.at("typenet.dtype") == "float32");
  BOOST_TEST(h.metadata.at("format") == "pt");
  const auto d = tn::init<net, double>(tn::pytorch_default{}, 1);
  tn::save(d, dir.path / "double.safetensors");
  BOOST_TEST(tn::io::inspect_safetensors(dir.path / "double.safetensors").metadata.at("typenet.dtype") == "float64");

  // Same layer sizes, another activation: refused, naming both, the model unchanged.
  auto s = tn::init<net_sigmoid>(tn::glorot_uniform{}, 2);
  const auto before = s;
  typenet_test::check_error([&] { tn::load(s, dir.path / "tanh.safetensors"); },
                            {"tanh.safetensors", "the file holds the network \"input<5> dense<4> tanh dense<3> softmax\"",
                             "the model is \"input<5> dense<4> sigmoid dense<3> softmax\""});
  BOOST_TEST(same_params(s, before));
  // Another output activation too.
  auto r = tn::init<net_relu_out>(tn::glorot_uniform{}, 3);
  typenet_test::check_error([&] { tn::load(r, dir.path / "tanh.safetensors"); }, {"the model is \"input<5> dense<4> tanh dense<3>\""});
  // Other sizes: the structure and every shape are named.
  auto w = tn::init<wider>(tn::glorot_uniform{}, 4);
  typenet_test::check_error([&] { tn::load(w, dir.path / "tanh.safetensors"); },
                            {"input<5> dense<6> tanh", "tensor 0.weight has shape 4x5 in the file, the model expects 6x5"});
  // The element type is converted, not compared.
  auto f = tn::init<net>(tn::glorot_uniform{}, 5);
  tn::load(f, dir.path / "double.safetensors");
  BOOST_TEST(f.get<0>()(1, 2) == static_cast<float>(d.get<0>()(1, 2)));

  // A file without typenet's metadata (as PyTorch writes it) loads into either network by name and shape.
  tn::io::save_safetensors(dir.path / "torch.safetensors", tn::detail::tensor_refs<net, float>(p), {{"format", "pt"}});
  tn::load(s, dir.path / "torch.safetensors");
  BOOST_TEST(s.get<2>() == p.get<2>());
  // User metadata is kept beside typenet's.
  tn::save(p, dir.path / "mine.safetensors", {{"epoch", "7"}});
  const auto m = tn::io::inspect_safetensors(dir.path / "mine.safetensors").metadata;
  BOOST_TEST(m.at("epoch") == "7");
  BOOST_TEST(m.at("typenet.network") == tn::network_structure<net>());
}

BOOST_AUTO_TEST_CASE(non_finite_weights_are_neither_saved_nor_loaded) {
  temp_dir dir;
  const auto good = tn::init<net>(tn::pytorch_default{}, 1);
  tn::save(good, dir.path / "w.safetensors");
  const auto file = dir.path / "w.safetensors";
  std::ifstream in(file, std::ios::binary);
  const std::vector<char> before((std::istreambuf_iterator<char>(in)), {});
  auto bad = good;
  bad.get<2>()(2, 1) = std::numeric_limits<float>::quiet_NaN();  // 2.weight, element 2 * 4 + 1
  typenet_test::check_error([&] { tn::save(bad, file); }, {"save " + file.string(), "tensor 2.weight holds NaN at element 9", "not saved"});
  bad.get<2>()(2, 1) = 0.5f;
  bad.get<3>()(0, 2) = -std::numeric_limits<float>::infinity();
  typenet_test::check_error([&] { tn::save(bad, file); }, {"tensor 2.bias holds -inf at element 2"});
  std::ifstream again(file, std::ios::binary);
  BOOST_TEST((std::vector<char>((std::istreambuf_iterator<char>(again)), {}) == before));  // the good file is kept
  BOOST_TEST(dir.entries() == std::vector<std::string>{"w.safetensors"});

  // A file holding a NaN (written with io::save_safetensors, which writes what it is given).
  tn::io::save_safetensors(dir.path / "nan.safetensors", tn::detail::tensor_refs<net, float>(bad));
  auto q = tn::init<net>(tn::glorot_uniform{}, 8);
  const auto q0 = q;
  typenet_test::check_error([&] { tn::load(q, dir.path / "nan.safetensors"); },
                            {"nan.safetensors", "tensor 2.bias holds -inf at element 2", "allow_non_finite"});
  BOOST_TEST(same_params(q, q0));
  tn::load(q, dir.path / "nan.safetensors", {.allow_non_finite = true});
  BOOST_TEST(q.get<3>()(0, 2) == -std::numeric_limits<float>::infinity());
}
