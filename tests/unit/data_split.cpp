// tn::data::split and tn::data::subset: part sizes, disjoint parts that
// cover every row, the rows a seeded shuffle gives, same seed same split and
// another seed another split, views that read their parent's rows (class and
// real datasets), a split of a view, and bad fractions refused.
#include <boost/test/unit_test.hpp>

#include "../support/check_invalid.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include <typenet/data/dataset.hpp>
#include <typenet/data/real.hpp>
#include <typenet/data/split.hpp>

namespace tn = typenet;

namespace {

/// n rows of 2 features: row i is (i, 10 i), label i % 3.
tn::data::dataset<float, 2, 3> numbered(std::size_t n) {
  std::vector<float> x;
  std::vector<tn::data::label_type> y;
  for (std::size_t i = 0; i < n; ++i) {
    x.push_back(static_cast<float>(i));
    x.push_back(static_cast<float>(10 * i));
    y.push_back(static_cast<tn::data::label_type>(i % 3));
  }
  return tn::data::dataset<float, 2, 3>(2, 3, std::move(x), std::move(y), "numbered");
}

template <class View>
std::vector<std::uint32_t> rows_of(const View& v) {
  return {v.indices().begin(), v.indices().end()};
}

void check_error(auto&& f, std::initializer_list<std::string> parts) {
  typenet_test::check_invalid_argument(f, "typenet: data::split(", parts);
}

}  // namespace

BOOST_AUTO_TEST_CASE(parts_are_disjoint_cover_all_rows_and_follow_the_seeded_shuffle) {
  const auto d = numbered(10);
  auto [fit_part, valid] = tn::data::split(d, 0.8, 1);
  using view = tn::data::subset<tn::data::dataset<float, 2, 3>>;
  static_assert(std::is_same_v<decltype(fit_part), view> && std::is_same_v<decltype(valid), view>);
  static_assert(view::static_features == 2 && view::static_classes == 3 && !view::contiguous_rows);
  static_assert(std::is_same_v<view::value_type, float>);
  BOOST_TEST(fit_part.size() == 8u);
  BOOST_TEST(valid.size() == 2u);
  BOOST_TEST(fit_part.features() == 2u);
  BOOST_TEST(valid.classes() == 3u);
  BOOST_TEST(!valid.empty());
  BOOST_TEST(&fit_part.parent() == &d);

  // The first round(0.8 * 10) = 8 of std::shuffle(0..9, mt19937_64(1)) go to the first part, each part ascending.
  std::vector<std::uint32_t> order(10);
  std::iota(order.begin(), order.end(), 0u);
  std::mt19937_64 rng(1);
  std::shuffle(order.begin(), order.end(), rng);
  std::vector<std::uint32_t> a(order.begin(), order.begin() + 8), b(order.begin() + 8, order.end());
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  BOOST_TEST(rows_of(fit_part) == a);
  BOOST_TEST(rows_of(valid) == b);

  std::vector<std::uint32_t> all = rows_of(fit_part);
  all.insert(all.end(), valid.indices().begin(), valid.indices().end());
  std::sort(all.begin(), all.end());
  std::vector<std::uint32_t> expected(10);
  std::iota(expected.begin(), expected.end(), 0u);
  BOOST_TEST(all == expected);  // disjoint (no repeats) and covering

  // The views read the parent's rows: no copies.
  for (std::size_t i = 0; i < valid.size(); ++i) {
    const std::size_t r = valid.parent_row(i);
    BOOST_TEST(valid.row_data(i) == d.row_data(r));
    BOOST_TEST(valid.row_data(i)[1] == static_cast<float>(10 * r));
    BOOST_TEST(valid.label(i) == static_cast<tn::data::label_type>(r % 3));
    BOOST_TEST(valid.row(i)[0] == static_cast<float>(r));
    BOOST_TEST(valid.x(i)(1, 0) == static_cast<float>(10 * r));
    BOOST_TEST(valid.y(i)(r % 3, 0) == 1.0f);
  }
  BOOST_TEST(valid.source().find("numbered (split part 2: 2 of 10 rows, seed 1)") == 0u, valid.source());
  BOOST_TEST(fit_part.source().find("numbered (split part 1: 8 of 10 rows") == 0u, fit_part.source());
}

BOOST_AUTO_TEST_CASE(same_seed_same_split_other_seed_other_split) {
  const auto d = numbered(1000);
  const auto [a1, b1] = tn::data::split(d, 0.7, 42);
  const auto [a2, b2] = tn::data::split(d, 0.7, 42);
  BOOST_TEST(rows_of(a1) == rows_of(a2));
  BOOST_TEST(rows_of(b1) == rows_of(b2));
  BOOST_TEST(a1.size() == 700u);
  BOOST_TEST(b1.size() == 300u);
  std::set<std::vector<std::uint32_t>> firsts;
  for (std::uint64_t seed = 0; seed < 8; ++seed) firsts.insert(rows_of(tn::data::split(d, 0.7, seed).first));
  BOOST_TEST(firsts.size() == 8u);  // 8 seeds, 8 different splits
  // A split is random, not a block: the first part takes rows from all over the data.
  const auto r = rows_of(a1);
  BOOST_TEST(r.front() < 10u);
  BOOST_TEST(r.back() > 990u);
  // round(): 0.25 of 10 rows is 2.5, rounded away from zero to 3; 0.24 gives 2.
  const auto ten = numbered(10), two = numbered(2);
  BOOST_TEST(tn::data::split(ten, 0.25, 1).first.size() == 3u);
  BOOST_TEST(tn::data::split(ten, 0.24, 1).first.size() == 2u);
  BOOST_TEST(tn::data::split(two, 0.5, 1).second.size() == 1u);
}

BOOST_AUTO_TEST_CASE(real_dataset_views_and_split_of_a_view) {
  std::vector<double> x, y;
  for (int i = 0; i < 20; ++i) {
    x.insert(x.end(), {double(i), -double(i), 0.5 * i});
    y.insert(y.end(), {double(100 + i), double(200 + i)});
  }
  const tn::data::real_dataset<double, 3, 2> d(std::move(x), std::move(y), "reals");
  auto [train, test] = tn::data::split(d, 0.75, 3);
  using view = decltype(train);
  static_assert(view::static_features == 3 && view::static_targets == 2 && view::targets() == 2);
  static_assert(std::is_same_v<view::value_type, double>);
  BOOST_TEST(train.size() == 15u);
  BOOST_TEST(test.size() == 5u);
  for (std::size_t i = 0; i < test.size(); ++i) {
    const auto r = static_cast<double>(test.parent_row(i));
    BOOST_TEST(test.row_data(i)[2] == 0.5 * r);
    BOOST_TEST(test.target_data(i)[0] == 100 + r);
    BOOST_TEST(test.target_data(i)[1] == 200 + r);
    BOOST_TEST(test.target(i)[1] == 200 + r);
  }

  // A split of a view: views of the same parent, covering exactly the view's rows.
  auto [fit_part, valid] = tn::data::split(train, 0.8, 5);
  static_assert(std::is_same_v<decltype(fit_part), view>);
  BOOST_TEST(&fit_part.parent() == &d);
  BOOST_TEST(fit_part.size() == 12u);
  BOOST_TEST(valid.size() == 3u);
  std::vector<std::uint32_t> both = rows_of(fit_part);
  both.insert(both.end(), valid.indices().begin(), valid.indices().end());
  std::sort(both.begin(), both.end());
  BOOST_TEST(both == rows_of(train));
  for (std::size_t i = 0; i < valid.size(); ++i)
    BOOST_TEST(valid.target_data(i)[0] == 100 + static_cast<double>(valid.parent_row(i)));
  BOOST_TEST(valid.source().find("(split part 1: 15 of 20 rows, seed 3) (split part 2: 3 of 15 rows, seed 5)") !=
             std::string::npos, valid.source());
}

BOOST_AUTO_TEST_CASE(run_time_extents) {
  std::vector<float> x(12);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(i);
  const tn::data::dataset<float> d(3, 2, x, {0, 1, 1, 0}, "dynamic");
  const auto [a, b] = tn::data::split(d, 0.5, 2);
  static_assert(decltype(a)::static_features == tn::data::dynamic && decltype(a)::static_classes == tn::data::dynamic);
  BOOST_TEST(a.features() == 3u);
  BOOST_TEST(b.classes() == 2u);
  BOOST_TEST(a.size() + b.size() == 4u);
  BOOST_TEST(b.row(0)[2] == static_cast<float>(3 * b.parent_row(0) + 2));
}

BOOST_AUTO_TEST_CASE(bad_fractions_are_refused_before_anything_is_done) {
  const auto d = numbered(10);
  const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
  check_error([&] { (void)tn::data::split(d, 1e-9, 1); }, {"split(numbered, 1e-09, 1)", "0 and 10 of the 10 rows"});
  for (const double f : {0.0, 1.0, -0.5, 1.5, nan, inf, -inf})
    check_error([&] { (void)tn::data::split(d, f, 1); }, {"numbered", "must be strictly between 0 and 1"});
  check_error([&] { (void)tn::data::split(d, 0.04, 1); }, {"0.04", "the parts would have 0 and 10 of the 10 rows: one would be empty"});
  check_error([&] { (void)tn::data::split(d, 0.96, 1); }, {"0.96", "the parts would have 10 and 0 of the 10 rows"});
  const auto one = numbered(1);
  const tn::data::dataset<float, 2, 3> none;
  check_error([&] { (void)tn::data::split(one, 0.5, 1); }, {"1 and 0 of the 1 rows"});
  check_error([&] { (void)tn::data::split(none, 0.5, 1); }, {"0 and 0 of the 0 rows"});
  // A view made by hand names a row that is not there.
  BOOST_CHECK_THROW((tn::data::subset<tn::data::dataset<float, 2, 3>>(d, {0, 10}, "bad")), std::out_of_range);
}
