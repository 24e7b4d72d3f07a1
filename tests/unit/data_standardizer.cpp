// tn::data::standardizer: means and population stds against a computation
// by hand and a long-double reference, accumulation in double for float
// data, a constant feature reported and only centred, fitted on a split's
// rows only, applied to class and real datasets (targets untouched) and to
// inference rows, saved and loaded (safetensors), and bad input refused
// with nothing changed.
#include <boost/test/unit_test.hpp>

#include "../support/check_invalid.hpp"

#include "../support/temp_dir.hpp"

#include <cmath>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include <typenet/data/dataset.hpp>
#include <typenet/data/real.hpp>
#include <typenet/data/split.hpp>
#include <typenet/data/standardizer.hpp>
#include <typenet/io/safetensors.hpp>

namespace tn = typenet;
namespace tt = boost::test_tools;

using typenet_test::temp_dir;

namespace {

// 4 rows of 3 features:
//   f0: 1, 2, 3, 6    mean 3, squared deviations 4 + 1 + 0 + 9 = 14, population variance 14/4 = 3.5
//   f1: 5, 5, 5, 5    constant: mean 5, std 0
//   f2: -1, 1, -1, 1  mean 0, variance 1
// labels 0, 1, 0, 1 (targets 10, 20, 30, 40 for the real dataset).
const std::vector<float> by_hand_x = {1, 5, -1, 2, 5, 1, 3, 5, -1, 6, 5, 1};

tn::data::dataset<float, 3, 2> by_hand() { return {3, 2, by_hand_x, {0, 1, 0, 1}, "by_hand"}; }

void check_invalid(auto&& f, std::initializer_list<std::string> parts) {
  typenet_test::check_invalid_argument(f, "typenet: data::standardizer<", parts);
}

}  // namespace

BOOST_AUTO_TEST_CASE(mean_and_population_std_by_hand_constant_feature_centred_only) {
  auto d = by_hand();
  const auto s = tn::data::standardizer<3>::fit(d);
  BOOST_TEST(s.mean()[0] == 3.0);
  BOOST_TEST(s.mean()[1] == 5.0);
  BOOST_TEST(s.mean()[2] == 0.0);
  BOOST_TEST(s.std()[0] == std::sqrt(3.5), tt::tolerance(1e-15));
  BOOST_TEST(s.std()[1] == 0.0);  // constant: stored as 0
  BOOST_TEST(s.std()[2] == 1.0);
  BOOST_TEST(s.constant_features() == std::vector<std::size_t>{1});

  s.apply(d);
  const double sd = std::sqrt(3.5);
  const float expected[4][3] = {{float(-2 / sd), 0, -1}, {float(-1 / sd), 0, 1}, {0, 0, -1}, {float(3 / sd), 0, 1}};
  for (std::size_t i = 0; i < 4; ++i)
    for (std::size_t j = 0; j < 3; ++j) BOOST_TEST(d.row_data(i)[j] == expected[i][j], "row " << i << " feature " << j);
  BOOST_TEST(d.label(1) == 1);  // labels are not features

  // The standardized data now has mean 0 and std 1, except the constant feature (mean 0, std 0).
  const auto again = tn::data::standardizer<3>::fit(d);
  for (std::size_t j = 0; j < 3; ++j) BOOST_TEST(again.mean()[j] == 0.0, tt::tolerance(1e-7));
  BOOST_TEST(again.std()[0] == 1.0, tt::tolerance(1e-7));
  BOOST_TEST(again.std()[1] == 0.0);
  BOOST_TEST(again.std()[2] == 1.0, tt::tolerance(1e-7));

  // The default standardizer is the identity.
  auto e = by_hand();
  tn::data::standardizer<3>{}.apply(e);
  BOOST_TEST(std::vector<float>(e.all_features().begin(), e.all_features().end()) == by_hand_x);
  BOOST_TEST(tn::data::standardizer<3>{}.constant_features().empty());
}

BOOST_AUTO_TEST_CASE(against_a_long_double_reference_and_accumulated_in_double) {
  // 20000 rows of 4 features far from 0: float accumulation would lose digits, double keeps them.
  constexpr std::size_t n = 20000;
  std::mt19937 rng(11);
  std::normal_distribution<float> noise(0.0f, 1.0f);
  const float offset[4] = {1000.0f, -3.0f, 0.0f, 12345.0f};
  const float scale[4] = {0.01f, 2.0f, 100.0f, 1.0f};
  std::vector<float> x;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < 4; ++j) x.push_back(offset[j] + scale[j] * noise(rng));
  const tn::data::real_dataset<float, 4, 1> d(x, std::vector<float>(n, 0.0f), "noise");
  const auto s = tn::data::standardizer<4>::fit(d);
  for (std::size_t j = 0; j < 4; ++j) {
    long double sum = 0, squares = 0;
    for (std::size_t i = 0; i < n; ++i) sum += x[i * 4 + j];
    const long double mean = sum / n;
    for (std::size_t i = 0; i < n; ++i) squares += (x[i * 4 + j] - mean) * (x[i * 4 + j] - mean);
    BOOST_TEST(s.mean()[j] == static_cast<double>(mean), tt::tolerance(1e-13));
    BOOST_TEST(s.std()[j] == static_cast<double>(std::sqrt(squares / n)), tt::tolerance(1e-11));
  }
  BOOST_TEST(s.constant_features().empty());

  // 100000 copies of 0.1f: a float running sum drifts (here by about 1e-4 relative), a double one does not;
  // the feature is constant.
  const tn::data::real_dataset<float, 1, 1> c(std::vector<float>(100000, 0.1f), std::vector<float>(100000, 0.0f));
  const auto sc = tn::data::standardizer<1>::fit(c);
  float float_sum = 0;
  for (int i = 0; i < 100000; ++i) float_sum += 0.1f;
  BOOST_TEST(std::abs(float_sum / 100000 - 0.1f) > 1e-5f);
  BOOST_TEST(sc.mean()[0] == static_cast<double>(0.1f));
  BOOST_TEST(sc.constant_features() == std::vector<std::size_t>{0});
  // Doubles that are all 0.1: their double sum is not exact, the std not exactly 0, still constant.
  const tn::data::real_dataset<double, 1, 1> cd(std::vector<double>(1000, 0.1), std::vector<double>(1000, 0.0));
  BOOST_TEST(tn::data::standardizer<1>::fit(cd).constant_features() == std::vector<std::size_t>{0});
}

BOOST_AUTO_TEST_CASE(fitted_on_a_split_part_applied_to_the_parent_real_targets_untouched) {
  std::vector<double> x, y;
  for (int i = 0; i < 50; ++i) {
    x.insert(x.end(), {double(i), double(i * i)});
    y.push_back(1000.0 + i);
  }
  tn::data::real_dataset<double, 2, 1> d(x, y, "squares");
  const auto [train, valid] = tn::data::split(d, 0.8, 9);
  const auto s = tn::data::standardizer<2>::fit(train);
  // By hand over the training rows only.
  double m0 = 0, m1 = 0;
  for (const auto r : train.indices()) m0 += r, m1 += double(r) * r;
  m0 /= 40, m1 /= 40;
  double v0 = 0, v1 = 0;
  for (const auto r : train.indices()) v0 += (r - m0) * (r - m0), v1 += (double(r) * r - m1) * (double(r) * r - m1);
  BOOST_TEST(s.mean()[0] == m0, tt::tolerance(1e-14));
  BOOST_TEST(s.mean()[1] == m1, tt::tolerance(1e-14));
  BOOST_TEST(s.std()[0] == std::sqrt(v0 / 40), tt::tolerance(1e-14));
  BOOST_TEST(s.std()[1] == std::sqrt(v1 / 40), tt::tolerance(1e-14));
  BOOST_TEST(s.mean()[0] != 24.5);  // not the mean of all 50 rows

  s.apply(d);  // the views now read standardized rows
  for (std::size_t i = 0; i < valid.size(); ++i) {
    const double r = static_cast<double>(valid.parent_row(i));
    BOOST_TEST(valid.row_data(i)[0] == (r - m0) / std::sqrt(v0 / 40), tt::tolerance(1e-14));
    BOOST_TEST(valid.target_data(i)[0] == 1000.0 + r);  // targets are not standardized
  }

  // Inference rows: a matrix with one example per row, or raw rows.
  tn::matrix<float, 2, 2> q{3.0f, 9.0f, 4.0f, 16.0f};
  s.apply(q);
  BOOST_TEST(q(1, 0) == static_cast<float>((4 - m0) / std::sqrt(v0 / 40)));
  BOOST_TEST(q(1, 1) == static_cast<float>((16 - m1) / std::sqrt(v1 / 40)));
  double raw[2] = {3.0, 9.0};
  s.apply_rows(raw, 1);
  BOOST_TEST(raw[0] == (3 - m0) / std::sqrt(v0 / 40), tt::tolerance(1e-15));
}

BOOST_AUTO_TEST_CASE(save_load_and_tensors) {
  temp_dir dir;
  const auto s = tn::data::standardizer<3>::fit(by_hand());
  const auto path = dir / "scale.safetensors";
  s.save(path);
  const auto h = tn::io::inspect_safetensors(path);
  BOOST_REQUIRE(h.tensors.size() == 2u);
  BOOST_TEST(h.tensors[0].name == "standardizer.mean");
  BOOST_TEST(h.tensors[0].dtype == "F64");
  BOOST_TEST(h.tensors[0].shape == std::vector<std::size_t>{3});
  BOOST_TEST(h.tensors[1].name == "standardizer.std");
  BOOST_TEST(h.metadata.at("typenet") == "standardizer");
  const auto l = tn::data::standardizer<3>::load(path);
  BOOST_TEST(l.mean() == s.mean());
  BOOST_TEST(l.std() == s.std());
  BOOST_TEST(l.constant_features() == std::vector<std::size_t>{1});

  // tensors(): read-only from a const standardizer (to save with a model's tensors), writable otherwise.
  const auto refs = s.tensors();
  BOOST_TEST(refs.size() == 2u);
  BOOST_TEST(refs[0].read_only);
  BOOST_TEST(refs[0].f64 == s.mean().data());
  BOOST_TEST(refs[1].f64 == s.std().data());
  tn::matrix<float, 2, 3> weight{1, 2, 3, 4, 5, 6};
  auto with_model = s.tensors();
  with_model.push_back(tn::io::ref("0.weight", weight));
  tn::io::save_safetensors(dir / "model.safetensors", with_model);
  tn::data::standardizer<3> into;
  BOOST_TEST(!into.tensors()[0].read_only);
  tn::io::load_safetensors(dir / "model.safetensors", into.tensors());
  BOOST_TEST(into.mean() == s.mean());
  BOOST_TEST(into.std() == s.std());

  // Another feature count, a missing file, a file without the tensors, bad values: io_error, nothing returned.
  typenet_test::check_error([&] { (void)tn::data::standardizer<4>::load(path); },
                            {path.string(), "tensor standardizer.mean has shape 3 in the file, the model expects 4"});
  typenet_test::check_error([&] { (void)tn::data::standardizer<3>::load(dir / "none.safetensors"); }, {"none.safetensors", "no such file"});
  tn::io::save_safetensors(dir / "weights.safetensors", {tn::io::ref("0.weight", weight)});
  typenet_test::check_error([&] { (void)tn::data::standardizer<3>::load(dir / "weights.safetensors"); },
                            {"tensor standardizer.mean is missing"});
  tn::matrix<double, 1, 3> mean{0, 0, 0}, bad_std{1, -2, 1};
  tn::io::save_safetensors(dir / "bad.safetensors", {tn::io::ref_1d("standardizer.mean", mean), tn::io::ref_1d("standardizer.std", bad_std)});
  typenet_test::check_error([&] { (void)tn::data::standardizer<3>::load(dir / "bad.safetensors"); },
                            {"bad.safetensors", "feature 1 has mean 0 and std -2"});
}

BOOST_AUTO_TEST_CASE(bad_input_is_refused_and_changes_nothing) {
  // Nothing to fit on; a run-time feature count that is not F.
  check_invalid([] { (void)tn::data::standardizer<3>::fit(tn::data::dataset<float, 3, 2>{}); }, {"no rows to fit"});
  const tn::data::dataset<float> dyn(3, 2, by_hand_x, {0, 1, 0, 1}, "dyn");
  check_invalid([&] { (void)tn::data::standardizer<2>::fit(dyn); }, {"fit(dyn)", "rows have 3 features"});
  BOOST_TEST(tn::data::standardizer<3>::fit(dyn).mean()[0] == 3.0);  // run-time extents that fit are fine

  // Values loaded through tensors() that cannot be used: apply refuses before writing.
  auto d = by_hand();
  tn::data::standardizer<3> s;
  auto refs = s.tensors();
  refs[1].f64[2] = std::numeric_limits<double>::quiet_NaN();
  check_invalid([&] { s.apply(d); }, {"apply(by_hand)", "feature 2 has mean 0 and std nan"});
  BOOST_TEST(std::vector<float>(d.all_features().begin(), d.all_features().end()) == by_hand_x);

  // A result that is not a finite float (a tiny std from somewhere else): refused, and no row was changed.
  refs[1].f64[2] = 1e-300;
  check_invalid([&] { s.apply(d); }, {"row 0, feature 2: (-1 - 0) / 1e-300 is not a finite value; nothing was changed"});
  BOOST_TEST(std::vector<float>(d.all_features().begin(), d.all_features().end()) == by_hand_x);
}
