// Optimizer configurations refused at construction, weight decay (PyTorch's
// L2 term and AdamW's decoupled decay) against torch.optim on the same
// weights and batches, and steps that fail changing nothing: no weight, no
// optimizer state, no step count, no learning-rate scale left behind.
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>

#include "../support/matrix_check.hpp"
#include "../support/python_torch.hpp"
#include "../support/temp_dir.hpp"

namespace tn = typenet;
using typenet_test::random_matrix;
using typenet_test::temp_dir;

namespace {

using net = tn::network<tn::input<5>, tn::dense<4>, tn::tanh, tn::dense<3>, tn::softmax>;
constexpr std::size_t B = 6;
constexpr int steps = 5;

/// Batch s of the comparison with PyTorch (the script computes the same values).
tn::matrix<float, B, 5> batch_x(int s) {
  tn::matrix<float, B, 5> x;
  for (std::size_t r = 0; r < B; ++r)
    for (std::size_t c = 0; c < 5; ++c) x(r, c) = static_cast<float>(std::sin(0.7 * double(s * 31 + int(r) * 5 + int(c))));
  return x;
}
tn::matrix<float, B, 3> batch_y(int s) {
  tn::matrix<float, B, 3> y{};
  for (std::size_t r = 0; r < B; ++r) y(r, (r + std::size_t(s)) % 3) = 1;
  return y;
}

template <class M>
float max_abs_diff(const M& a, const M& b) {
  float d = 0;
  for (std::size_t i = 0; i < M::size; ++i) d = std::max(d, std::abs(a.values[i] - b.values[i]));
  return d;
}
template <class P>
float max_params_diff(const P& a, const P& b) {
  return std::max({max_abs_diff(a.template get<0>(), b.template get<0>()), max_abs_diff(a.template get<1>(), b.template get<1>()),
                   max_abs_diff(a.template get<2>(), b.template get<2>()), max_abs_diff(a.template get<3>(), b.template get<3>())});
}

template <class Opt>
void expect_refused(typename Opt::config c, const std::string& field) {
  auto p = tn::init<net>(tn::glorot_uniform{}, 1);
  const auto before = p;
  try {
    tn::trainer<net, tn::cross_entropy, Opt, tn::batch<B>> t{p, c};
    BOOST_ERROR("a config with a bad " << field << " was accepted");
  } catch (const std::invalid_argument& e) {
    const std::string what = e.what();
    BOOST_TEST(what.find(field) != std::string::npos, what);
  }
  BOOST_TEST(max_params_diff(p, before) == 0.0f);
}

}  // namespace

BOOST_AUTO_TEST_CASE(configs_no_step_could_use_are_refused_at_construction) {
  constexpr float inf = std::numeric_limits<float>::infinity();
  constexpr float nan = std::numeric_limits<float>::quiet_NaN();
  for (const float lr : {inf, -inf, nan, 0.0f, -0.1f}) expect_refused<tn::sgd>({.learning_rate = lr}, "learning_rate");
  expect_refused<tn::adam>({.learning_rate = inf}, "learning_rate");
  expect_refused<tn::sgd>({.learning_rate = 0.1f, .weight_decay = -1.0f}, "weight_decay");
  expect_refused<tn::momentum>({.learning_rate = 0.1f, .momentum = -0.5f}, "momentum");
  expect_refused<tn::nesterov>({.learning_rate = 0.1f, .momentum = nan}, "momentum");
  expect_refused<tn::adam>({.learning_rate = 0.1f, .beta1 = 1.0f}, "beta1");
  expect_refused<tn::adamw>({.learning_rate = 0.1f, .beta2 = -0.1f}, "beta2");
  expect_refused<tn::adam>({.learning_rate = 0.1f, .epsilon = 0.0f}, "epsilon");
  auto p = tn::init<net>(tn::glorot_uniform{}, 1);
  tn::trainer<net, tn::cross_entropy, tn::adamw, tn::batch<B>> t{p, {.learning_rate = 0.01f}};  // defaults are fine
  BOOST_TEST(t.steps_done() == 0u);
}

BOOST_AUTO_TEST_CASE(weight_decay_is_torchs_l2_term_and_adamw_decouples_it) {
  // by hand for one SGD step: p -= lr (g + wd p); with wd = 0 the same as before
  auto p = tn::init<net>(tn::glorot_uniform{}, 2);
  auto q = p;
  auto r = p;
  tn::trainer<net, tn::cross_entropy, tn::sgd, tn::batch<B>> decayed{p, {.learning_rate = 0.1f, .weight_decay = 0.5f}};
  tn::trainer<net, tn::cross_entropy, tn::sgd, tn::batch<B>> plain{q, {.learning_rate = 0.1f}};
  decayed.step(batch_x(0), batch_y(0));
  plain.step(batch_x(0), batch_y(0));
  // plain moved q by -lr g: the decayed step is that and -lr wd r on top
  for (std::size_t i = 0; i < p.get<0>().size; ++i)
    BOOST_TEST(std::abs(p.get<0>().values[i] - (q.get<0>().values[i] - 0.1f * 0.5f * r.get<0>().values[i])) <= 1e-6f);
  // adamw with weight_decay 0 is adam
  auto a = tn::init<net>(tn::glorot_uniform{}, 3);
  auto w = a;
  tn::trainer<net, tn::cross_entropy, tn::adam, tn::batch<B>> ta{a, {.learning_rate = 0.01f}};
  tn::trainer<net, tn::cross_entropy, tn::adamw, tn::batch<B>> tw{w, {.learning_rate = 0.01f, .weight_decay = 0.0f}};
  for (int s = 0; s < 3; ++s) {
    ta.step(batch_x(s), batch_y(s));
    tw.step(batch_x(s), batch_y(s));
  }
  BOOST_TEST(max_params_diff(a, w) == 0.0f);
}

BOOST_AUTO_TEST_CASE(optimizers_with_weight_decay_match_torch_optim, *boost::unit_test::precondition(typenet_test::torch_available)) {
  temp_dir dir;
  const auto start = tn::init<net>(tn::pytorch_default{}, 9);
  tn::save(start, dir.path / "start.safetensors");
  auto run = [&](auto optimizer_tag, typename decltype(optimizer_tag)::config c, const char* name) {
    auto p = start;
    tn::trainer<net, tn::cross_entropy, decltype(optimizer_tag), tn::batch<B>> t{p, c};
    for (int s = 0; s < steps; ++s) t.step(batch_x(s), batch_y(s));
    tn::save(p, dir.path / (std::string(name) + ".safetensors"));
  };
  run(tn::sgd{}, {.learning_rate = 0.1f, .weight_decay = 0.05f}, "sgd");
  run(tn::momentum{}, {.learning_rate = 0.1f, .momentum = 0.9f, .weight_decay = 0.05f}, "momentum");
  run(tn::nesterov{}, {.learning_rate = 0.1f, .momentum = 0.8f, .weight_decay = 0.05f}, "nesterov");
  run(tn::adam{}, {.learning_rate = 0.01f, .weight_decay = 0.05f}, "adam");
  run(tn::adamw{}, {.learning_rate = 0.01f, .weight_decay = 0.05f}, "adamw");
  run(tn::adamw{}, {.learning_rate = 0.01f}, "adamw_default");
  const std::string script = R"py(
import math, sys
sys.path.insert(0, sys.argv[2])
import torch
import typenet_safetensors as st
read = st.load_torch
d = sys.argv[1]
B, steps = 6, 5
def batch(s):
    x = torch.tensor([[math.sin(0.7 * (s * 31 + r * 5 + c)) for c in range(5)] for r in range(B)], dtype=torch.float32)
    y = torch.tensor([(r + s) % 3 for r in range(B)])
    return x, y
cases = {
    'sgd': lambda ps: torch.optim.SGD(ps, lr=0.1, weight_decay=0.05),
    'momentum': lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, weight_decay=0.05),
    'nesterov': lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.8, nesterov=True, weight_decay=0.05),
    'adam': lambda ps: torch.optim.Adam(ps, lr=0.01, weight_decay=0.05),
    'adamw': lambda ps: torch.optim.AdamW(ps, lr=0.01, weight_decay=0.05),
    'adamw_default': lambda ps: torch.optim.AdamW(ps, lr=0.01),
}
worst = 0.0
for name, make in cases.items():
    model = torch.nn.Sequential(torch.nn.Linear(5, 4), torch.nn.Tanh(), torch.nn.Linear(4, 3))
    model.load_state_dict(read(d + '/start.safetensors'))
    opt = make(model.parameters())
    for s in range(steps):
        x, y = batch(s)
        opt.zero_grad()
        torch.nn.functional.cross_entropy(model(x), y).backward()
        opt.step()
    got = read(d + '/' + name + '.safetensors')
    for k, v in model.state_dict().items():
        diff = (got[k] - v).abs().max().item()
        worst = max(worst, diff)
        if diff > 2e-6:
            print(name, k, 'differs by', diff); sys.exit(1)
print('worst difference', worst)
)py";
  const auto r = typenet_test::run_python(script, {dir.path.string(), typenet_test::python_module_dir()});
  BOOST_TEST(r.status == 0, r.output);
  BOOST_TEST_MESSAGE(r.output);
}

BOOST_AUTO_TEST_CASE(a_failed_step_changes_nothing) {
  // Adam: a step that fails on a NaN input must leave the state so that the
  // next steps equal those of a trainer that never saw the bad batch
  auto p = tn::init<net>(tn::glorot_uniform{}, 4);
  auto q = p;
  tn::trainer<net, tn::cross_entropy, tn::adam, tn::batch<B>> failing{p, {.learning_rate = 0.01f}};
  tn::trainer<net, tn::cross_entropy, tn::adam, tn::batch<B>> clean{q, {.learning_rate = 0.01f}};
  failing.step(batch_x(0), batch_y(0));
  clean.step(batch_x(0), batch_y(0));
  auto bad = batch_x(1);
  bad(3, 2) = std::numeric_limits<float>::quiet_NaN();
  BOOST_CHECK_THROW(failing.step(bad, batch_y(1)), tn::training_error);
  BOOST_TEST(failing.steps_done() == 1u);
  BOOST_TEST(max_params_diff(p, q) == 0.0f);
  for (int s = 2; s < 5; ++s) {
    failing.step(batch_x(s), batch_y(s));
    clean.step(batch_x(s), batch_y(s));
  }
  BOOST_TEST(failing.steps_done() == clean.steps_done());
  BOOST_TEST(max_params_diff(p, q) == 0.0f);
}

BOOST_AUTO_TEST_CASE(a_failed_short_step_leaves_no_rate_scale_behind) {
  // a short step (4 of 6 rows) scales the rate by 6/4; when it fails, the
  // next full step must use the plain rate
  auto p = tn::init<net>(tn::glorot_uniform{}, 5);
  auto q = p;
  tn::trainer<net, tn::cross_entropy, tn::sgd, tn::batch<B>> failing{p, {.learning_rate = 0.1f}};
  tn::trainer<net, tn::cross_entropy, tn::sgd, tn::batch<B>> clean{q, {.learning_rate = 0.1f}};
  auto bad = batch_x(0);
  bad(1, 1) = std::numeric_limits<float>::infinity();
  BOOST_CHECK_THROW(failing.step(bad, batch_y(0), 4), tn::training_error);
  BOOST_TEST(failing.steps_done() == 0u);
  failing.step(batch_x(1), batch_y(1));
  clean.step(batch_x(1), batch_y(1));
  BOOST_TEST(max_params_diff(p, q) == 0.0f);
}

BOOST_AUTO_TEST_CASE(an_update_that_overflows_stops_training_naming_the_parameter) {
  // a linear regression with targets of 1000: gradients of the order of 1000,
  // times a finite learning rate of 1e38, overflow in the update
  using linear = tn::network<tn::input<5>, tn::dense<3>>;
  auto p = tn::init<linear>(tn::glorot_uniform{}, 6);
  tn::trainer<linear, tn::mse, tn::sgd, tn::batch<B>> t{p, {.learning_rate = 1e38f}};
  tn::matrix<float, B, 3> y;
  for (auto& v : y) v = 1000.0f;
  bool thrown = false;
  try {
    t.step(batch_x(0), y);
  } catch (const tn::training_error& e) {
    thrown = true;
    const std::string what = e.what();
    BOOST_TEST(what.find("the update made") != std::string::npos, what);
    BOOST_TEST((what.find("0.weight") != std::string::npos || what.find("0.bias") != std::string::npos), what);
  }
  BOOST_TEST(thrown);
}

BOOST_AUTO_TEST_CASE(a_diverging_update_with_finite_weights_is_stopped_too) {
  // F7: a learning rate of 1e30 on gradients of about 1 leaves finite weights
  // of about 1e30 (the loss can even look small); the guard stops there
  using linear = tn::network<tn::input<5>, tn::dense<3>>;
  auto p = tn::init<linear>(tn::glorot_uniform{}, 7);
  tn::trainer<linear, tn::mse, tn::sgd, tn::batch<B>> t{p, {.learning_rate = 1e30f}};
  tn::matrix<float, B, 3> y;
  for (auto& v : y) v = 1.0f;
  bool thrown = false;
  try {
    t.step(batch_x(0), y);
  } catch (const tn::training_error& e) {
    thrown = true;
    BOOST_TEST(std::string(e.what()).find("larger than 1e15") != std::string::npos, e.what());
  }
  BOOST_TEST(thrown);
  // ordinary large weights pass: 1e6 everywhere is far from the bound
  using rows = tn::network<tn::input<5>, tn::dense<3>>;
  auto q = tn::init<rows>(tn::glorot_uniform{}, 8);
  for (auto& v : q.get<0>()) v = 1e6f;
  tn::trainer<rows, tn::mse, tn::sgd, tn::batch<B>> u{q, {.learning_rate = 1e-20f}};
  BOOST_CHECK_NO_THROW(u.step(batch_x(1), y));
}
