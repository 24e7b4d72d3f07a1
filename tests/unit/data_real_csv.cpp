// tn::data::load_csv<Features, real<K>> and tn::data::real_dataset: target
// columns last, first or in the middle, K > 1, header, double; every error
// with its file, line and column; the dataset's constructor checks.
#include <boost/test/unit_test.hpp>

#include "../support/temp_dir.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include <typenet/data/csv.hpp>
#include <typenet/data/real.hpp>

namespace tn = typenet;
namespace fs = std::filesystem;

using typenet_test::check_error;
using typenet_test::temp_dir;

namespace {

template <class T>
std::vector<T> to_vector(std::span<const T> s) {
  return {s.begin(), s.end()};
}

}  // namespace

BOOST_AUTO_TEST_CASE(one_target_last_column) {
  temp_dir dir;
  const auto p = dir.write("r.csv", "x1,x2,y\n0.5,-1,2.25\n\n3e-2, +4 ,-0.125\r\n\"7\",8,9.5\n");
  const auto d = tn::data::load_csv<2, tn::data::real<1>>(p, {.has_header = true});
  static_assert(std::is_same_v<std::remove_cvref_t<decltype(d)>, tn::data::real_dataset<float, 2, 1>>);
  static_assert(decltype(d)::static_features == 2 && decltype(d)::static_targets == 1);
  static_assert(std::is_same_v<decltype(d)::value_type, float>);
  BOOST_TEST(d.size() == 3u);
  BOOST_TEST(!d.empty());
  BOOST_TEST(d.features() == 2u);
  BOOST_TEST(d.targets() == 1u);
  BOOST_TEST(d.source() == p.string());
  BOOST_TEST(to_vector(d.all_features()) == (std::vector<float>{0.5f, -1.0f, 3e-2f, 4.0f, 7.0f, 8.0f}));
  BOOST_TEST(to_vector(d.all_targets()) == (std::vector<float>{2.25f, -0.125f, 9.5f}));
  BOOST_TEST(d.row_data(1)[0] == 3e-2f);
  BOOST_TEST(d.row_data(2)[1] == 8.0f);
  BOOST_TEST(d.target_data(1)[0] == -0.125f);
  BOOST_TEST(d.row(2)[0] == 7.0f);
  BOOST_TEST(d.target(0)[0] == 2.25f);
  BOOST_TEST(d.x(1)(1, 0) == 4.0f);
  BOOST_TEST(d.y(2)(0, 0) == 9.5f);
}

BOOST_AUTO_TEST_CASE(several_targets_anywhere_double) {
  temp_dir dir;
  // columns: a, t1, t2, b, c
  const auto p = dir.write("k.csv", "1,10,100,2,3\n4,40,400,5,6\n");
  const auto mid = tn::data::load_csv<3, tn::data::real<2>, double>(p, {.target_column = 1});
  static_assert(std::is_same_v<std::remove_cvref_t<decltype(mid)>, tn::data::real_dataset<double, 3, 2>>);
  BOOST_TEST(to_vector(mid.all_features()) == (std::vector<double>{1, 2, 3, 4, 5, 6}));
  BOOST_TEST(to_vector(mid.all_targets()) == (std::vector<double>{10, 100, 40, 400}));
  BOOST_TEST(mid.target_data(1)[1] == 400.0);
  // -3: the last target is the third column from the end, so the targets are columns 1 and 2 again.
  const auto from_end = tn::data::load_csv<3, tn::data::real<2>, double>(p, {.target_column = -3});
  BOOST_TEST(to_vector(from_end.all_targets()) == to_vector(mid.all_targets()));
  // Default: the last K columns.
  const auto last = tn::data::load_csv<3, tn::data::real<2>>(p);
  BOOST_TEST(to_vector(last.all_features()) == (std::vector<float>{1, 10, 100, 4, 40, 400}));
  BOOST_TEST(to_vector(last.all_targets()) == (std::vector<float>{2, 3, 5, 6}));
  // 0: the first K columns.
  const auto first = tn::data::load_csv<3, tn::data::real<2>>(p, {.target_column = 0});
  BOOST_TEST(to_vector(first.all_targets()) == (std::vector<float>{1, 10, 4, 40}));
  BOOST_TEST(to_vector(first.all_features()) == (std::vector<float>{100, 2, 3, 400, 5, 6}));
  // Semicolons, quotes, byte-order mark, gzip.
  const auto q = dir.write("q.csv", "\xEF\xBB\xBF\"a\";\"y\"\r\n\"1.5\";-2\r\n");
  BOOST_TEST((tn::data::load_csv<1, tn::data::real<1>>(q, {.has_header = true, .delimiter = ';'}).target_data(0)[0] == -2.0f));
  BOOST_REQUIRE(std::system(("gzip -c '" + p.string() + "' > '" + p.string() + ".gz'").c_str()) == 0);
  BOOST_TEST((tn::data::load_csv<3, tn::data::real<2>>(p.string() + ".gz").target_data(1)[0] == 5.0f));
}

BOOST_AUTO_TEST_CASE(errors_name_file_line_and_column) {
  temp_dir dir;
  using r1 = tn::data::real<1>;
  auto load = [](fs::path p, tn::data::csv_options o = {}) { return [=] { (void)tn::data::load_csv<2, r1>(p, o); }; };
  check_error(load(dir.path / "missing.csv"), {"missing.csv", "no such file"});
  check_error(load(dir.write("empty.csv", "")), {"empty.csv", "empty file"});
  check_error(load(dir.write("header.csv", "a,b,y\n"), {.has_header = true}), {"header.csv", "no data rows"});
  check_error(load(dir.write("ragged.csv", "1,2,3\n4,5,6\n7,8\n")), {"ragged.csv", "line 3 has 2 fields, expected 3 (as on line 1)"});
  check_error(load(dir.write("text.csv", "1,2,3\n4,5,abc\n")), {"text.csv", "line 2, column 3: 'abc' is not a number"});
  check_error(load(dir.write("feature.csv", "1,2,3\n\n4,x5,6\n")), {"feature.csv", "line 3, column 2: 'x5' is not a number"});
  check_error(load(dir.write("nan.csv", "1,2,nan\n")), {"nan.csv", "line 1, column 3: 'nan' is not a finite number"});
  check_error(load(dir.write("inf.csv", "1,2,3\n-inf,2,3\n")), {"inf.csv", "line 2, column 1: '-inf' is not a finite number"});
  check_error(load(dir.write("range.csv", "1,2,1e999\n")), {"range.csv", "line 1, column 3: '1e999' is out of range"});
  check_error(load(dir.write("emptyfield.csv", "1,2,\n")), {"emptyfield.csv", "line 1, column 3: empty field"});
  check_error(load(dir.write("quote.csv", "1,\"2,3\n")), {"quote.csv", "line 1: unterminated quoted field"});
  check_error(load(dir.write("bin.csv", std::string("1,2,3\n\0", 7))), {"bin.csv", "NUL bytes"});
  // The column count is Features + K, checked on the first line (a header too).
  check_error(load(dir.write("wide.csv", "a,b,c,y\n1,2,3,4\n"), {.has_header = true}),
              {"wide.csv", "line 1 has 4 fields, load_csv<2, real<1>> expects 3 (2 features and 1 target"});
  check_error([&] { (void)tn::data::load_csv<2, tn::data::real<3>>(dir.write("narrow.csv", "\n1,2,3,4\n")); },
              {"narrow.csv", "line 2 has 4 fields, load_csv<2, real<3>> expects 5 (2 features and 3 targets"});
  check_error(load(dir.write("semi.csv", "1;2;3\n")), {"semi.csv", "line 1 has 1 field,", "is the delimiter ','?"});
  // Options that place the targets outside the row, or that are for class labels.
  const auto ok = dir.write("ok.csv", "1,2,3\n");
  check_error(load(ok, {.target_column = 3}), {"ok.csv", "target_column 3 puts the target column outside the 3 columns of line 1"});
  check_error(load(ok, {.target_column = -4}), {"ok.csv", "target_column -4"});
  check_error([&] { (void)tn::data::load_csv<1, tn::data::real<2>>(ok, {.target_column = 2}); }, {"ok.csv", "target_column 2 puts the 2 target columns outside"});
  check_error(load(ok, {.classes = 3}), {"ok.csv", "csv_options::classes is 3, but real targets have no classes"});
  check_error(load(ok, {.label_column = 0}), {"ok.csv", "label_column is 0", "target_column"});
  // ... and the class loader refuses target_column.
  check_error([&] { (void)tn::data::load_csv<2, 4>(ok, {.target_column = 0}); }, {"ok.csv", "target_column is 0", "label_column"});
  // These are fine.
  BOOST_TEST((tn::data::load_csv<2, r1>(ok, {.target_column = -1}).target_data(0)[0] == 3.0f));
  BOOST_TEST((tn::data::load_csv<2, r1>(ok, {.target_column = 0}).target_data(0)[0] == 1.0f));
  BOOST_TEST((tn::data::load_csv<2, 4>(ok).label(0) == 3));
}

BOOST_AUTO_TEST_CASE(real_dataset_constructor_checks) {
  using d31 = tn::data::real_dataset<float, 3, 1>;
  const d31 d({1, 2, 3, 4, 5, 6}, {7, 8}, "mine");
  BOOST_TEST(d.size() == 2u);
  BOOST_TEST(d.source() == "mine");
  BOOST_TEST(d.target_data(1)[0] == 8.0f);
  BOOST_TEST(d31{}.empty());
  BOOST_TEST(d31{}.size() == 0u);
  check_error([] { d31({1, 2, 3, 4}, {7, 8}, "short"); }, {"short", "4 feature values for 2 rows of 3 features each"});
  check_error([] { tn::data::real_dataset<double, 1, 2>({1, 2}, {1, 2, 3}, "odd"); },
              {"odd", "3 target values are not rows of 2 targets"});
  const float nan = std::numeric_limits<float>::quiet_NaN();
  check_error([&] { d31({1, 2, 3, 4, nan, 6}, {7, 8}, "nanx"); }, {"nanx", "feature 1 of row 1 is nan, not a finite number"});
  check_error([] { d31({1, 2, 3}, {std::numeric_limits<float>::infinity()}, "infy"); },
              {"infy", "target 0 of row 0 is inf, not a finite number"});
  // feature_data is the writable row (the standardizer's way in); targets are untouched by it.
  d31 w({1, 2, 3, 4, 5, 6}, {7, 8});
  w.feature_data(1)[2] = -6.0f;
  BOOST_TEST(w.row_data(1)[2] == -6.0f);
  BOOST_TEST(w.target_data(1)[0] == 8.0f);
  auto features = std::move(w).release_features();
  BOOST_TEST(features.size() == 6u);
}
