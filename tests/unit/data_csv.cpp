// tn::data::load_csv: values, label column anywhere, header, quoting, CRLF,
// static extents, and every error with its line and column; then shuffling
// and batching (data/batch.hpp) of a data set read from CSV.
#include <boost/test/unit_test.hpp>

#include "../support/temp_dir.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include <typenet/data/batch.hpp>
#include <typenet/data/csv.hpp>

namespace tn = typenet;
namespace fs = std::filesystem;

using typenet_test::check_error;

using typenet_test::temp_dir;

namespace {



}  // namespace

BOOST_AUTO_TEST_CASE(label_last_no_header) {
  temp_dir dir;
  const auto p = dir.write("a.csv", "0.5,1,-2.25,1\n3e-2,+4,5,0\n\n  -1.5 , 0 ,7,2\n");
  const auto d = tn::data::load_csv(p);
  BOOST_TEST(d.size() == 3u);
  BOOST_TEST(d.features() == 3u);
  BOOST_TEST(d.classes() == 3u);  // largest label + 1
  const float expected[] = {0.5f, 1.0f, -2.25f, 3e-2f, 4.0f, 5.0f, -1.5f, 0.0f, 7.0f};
  BOOST_TEST(std::equal(d.all_features().begin(), d.all_features().end(), std::begin(expected), std::end(expected)));
  BOOST_TEST(d.label(0) == 1);
  BOOST_TEST(d.label(1) == 0);
  BOOST_TEST(d.label(2) == 2);
  BOOST_TEST(d.source() == p.string());
}

BOOST_AUTO_TEST_CASE(label_first_header_crlf_quotes_semicolons_double) {
  temp_dir dir;
  const auto p = dir.write("b.csv", "\xEF\xBB\xBF\"class\";\"x; 1\";\"say \"\"y\"\"\"\r\n4;\"0.125\";1e300\r\n0;-0;2\r\n");
  const auto d = tn::data::load_csv<double>(p, {.label_column = 0, .has_header = true, .delimiter = ';', .classes = 5});
  BOOST_TEST(d.size() == 2u);
  BOOST_TEST(d.features() == 2u);
  BOOST_TEST(d.classes() == 5u);
  BOOST_TEST(d.row(0)[0] == 0.125);
  BOOST_TEST(d.row(0)[1] == 1e300);
  BOOST_TEST(d.row(1)[1] == 2.0);
  BOOST_TEST(d.label(0) == 4);
  BOOST_TEST(d.label(1) == 0);
}

BOOST_AUTO_TEST_CASE(label_in_the_middle_static_extents) {
  temp_dir dir;
  const auto p = dir.write("c.csv", "a,b,label,c\n1,2,1,3\n4,5,0,6\n");
  const auto d = tn::data::load_csv<3, 2>(p, {.label_column = 2, .has_header = true});
  static_assert(std::is_same_v<std::remove_cvref_t<decltype(d)>, tn::data::dataset<float, 3, 2>>);
  BOOST_TEST(d.x(1)(0, 0) == 4.0f);
  BOOST_TEST(d.x(1)(2, 0) == 6.0f);
  BOOST_TEST(d.y(0)(1, 0) == 1.0f);
  BOOST_TEST(d.y(0)(0, 0) == 0.0f);
  // -2 is the same column counted from the end.
  BOOST_TEST(tn::data::load_csv(p, {.label_column = -2, .has_header = true}).label(0) == 1);
  check_error([&] { (void)tn::data::load_csv<4>(p, {.label_column = 2, .has_header = true}); },
              {p.string(), "rows have 3 features (4 columns minus the label), the dataset type expects 4"});
  check_error([&] { (void)tn::data::load_csv<3, 3>(p, {.label_column = 2, .has_header = true, .classes = 2}); },
              {p.string(), "classes is 2"});
  // With 2 rows the largest label is 1, so a 3-class type needs the class count from the type, not the data.
  BOOST_TEST((tn::data::load_csv<3, 3>(p, {.label_column = 2, .has_header = true}).classes() == 3u));
}

BOOST_AUTO_TEST_CASE(errors_name_file_line_and_column) {
  temp_dir dir;
  auto load = [](fs::path p, tn::data::csv_options o = {}) { return [=] { (void)tn::data::load_csv(p, o); }; };
  check_error(load(dir.path / "missing.csv"), {"missing.csv", "no such file"});
  check_error(load(dir.write("empty.csv", "")), {"empty.csv", "empty file"});
  check_error(load(dir.write("blank.csv", "\n \r\n\n")), {"blank.csv", "empty file"});
  check_error(load(dir.write("header.csv", "a,b\n"), {.has_header = true}), {"header.csv", "no data rows"});
  check_error(load(dir.write("ragged.csv", "1,2,0\n3,4,1\n5,1\n")), {"ragged.csv", "line 3 has 2 fields, expected 3 (as on line 1)"});
  check_error(load(dir.write("ragged2.csv", "1,2,0\n\n3,4,5,1\n")), {"ragged2.csv", "line 3 has 4 fields, expected 3"});
  check_error(load(dir.write("text.csv", "1,2,0\n3,abc,1\n")), {"text.csv", "line 2, column 2: 'abc' is not a number"});
  check_error(load(dir.write("partial.csv", "1,2.5x,0\n")), {"partial.csv", "line 1, column 2: '2.5x' is not a number"});
  check_error(load(dir.write("emptyfield.csv", "1,2,0\n1,,0\n")), {"emptyfield.csv", "line 2, column 2: empty field"});
  check_error(load(dir.write("nan.csv", "1,nan,0\n")), {"nan.csv", "line 1, column 2: 'nan' is not a finite number"});
  check_error(load(dir.write("range.csv", "1,1e999,0\n")), {"range.csv", "line 1, column 2: '1e999' is out of range"});
  check_error(load(dir.write("label.csv", "1,2,0\n1,2,1.5\n")), {"label.csv", "line 2, column 3: label '1.5' is not a class index"});
  check_error(load(dir.write("neg.csv", "1,2,-1\n")), {"neg.csv", "line 1, column 3: label '-1'"});
  check_error(load(dir.write("big.csv", "1,2,3\n"), {.classes = 3}), {"big.csv", "line 1, column 3: label 3 is not a class index in [0, 3)"});
  check_error(load(dir.write("one.csv", "1\n2\n")), {"one.csv", "line 1 has 1 field, expected at least 2"});
  check_error(load(dir.write("col.csv", "1,2\n"), {.label_column = 2}), {"col.csv", "label column 2 does not exist"});
  check_error(load(dir.write("quote.csv", "1,\"2,0\n")), {"quote.csv", "line 1: unterminated quoted field"});
  check_error(load(dir.write("bin.csv", std::string("1,2,0\n\0\0", 8))), {"bin.csv", "NUL bytes"});
}

BOOST_AUTO_TEST_CASE(random_text_loads_or_is_refused) {
  // Random mixtures of digits, separators, quotes, signs and letters: a clean io_error or a data set, never a crash.
  temp_dir dir;
  std::mt19937 rng(2024);
  const std::string alphabet = "0123456789,,,,\n\n\r\".+-eE nax\t";
  std::size_t refused = 0, loaded = 0;
  for (int trial = 0; trial < 2000; ++trial) {
    std::string text;
    const std::size_t len = rng() % 60;
    for (std::size_t i = 0; i < len; ++i) text += alphabet[rng() % alphabet.size()];
    const auto p = dir.write("r.csv", text);
    try {
      const auto d = tn::data::load_csv(p);
      ++loaded;
      BOOST_TEST(d.size() > 0u);
      BOOST_TEST(d.all_features().size() == d.size() * d.features());
      for (const float v : d.all_features()) BOOST_TEST(std::isfinite(v));
    } catch (const tn::io_error& e) {
      ++refused;
      BOOST_TEST(std::string(e.what()).rfind("typenet: read " + p.string() + ": ", 0) == 0u, e.what());
    }
  }
  BOOST_TEST_MESSAGE(refused << " refused, " << loaded << " loaded");
  BOOST_TEST(refused > 0u);
}

BOOST_AUTO_TEST_CASE(gzip_csv) {
  temp_dir dir;
  const auto p = dir.write("g.csv", "1,2,1\n3,4,0\n");
  BOOST_REQUIRE(std::system(("gzip -c '" + p.string() + "' > '" + p.string() + ".gz'").c_str()) == 0);
  const auto d = tn::data::load_csv(p.string() + ".gz");
  BOOST_TEST(d.size() == 2u);
  BOOST_TEST(d.row(1)[1] == 4.0f);
}

// --- shuffling and batching (data/batch.hpp), on a data set read from CSV -------

BOOST_AUTO_TEST_CASE(batches_cover_every_row_once_per_epoch) {
  temp_dir dir;
  std::string text;
  for (int i = 0; i < 10; ++i) text += std::to_string(i) + "," + std::to_string(i * 10) + ".5," + std::to_string(i % 3) + "\n";
  const auto d = tn::data::load_csv<2, 3>(dir.write("ten.csv", text));
  std::mt19937 rng(7);
  const auto order = tn::data::shuffled_order(d.size(), rng);
  BOOST_TEST(order.size() == 10u);
  BOOST_TEST(std::is_permutation(order.begin(), order.end(), std::vector<std::size_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}.begin()));
  static_assert(tn::data::batch_count<4>(10) == 3);
  static_assert(tn::data::batch_count<5>(10) == 2);

  tn::matrix<float, 4, 2> x;
  tn::matrix<float, 4, 3> y;
  std::vector<int> seen(10, 0);
  for (std::size_t k = 0; k < tn::data::batch_count<4>(d.size()); ++k) {
    tn::data::load_batch(d, order, k, x, y);
    for (std::size_t j = 0; j < 4; ++j) {
      const std::size_t row = order[(k * 4 + j) % 10];
      const int i = static_cast<int>(x(j, 0));  // the first feature is the row number
      BOOST_TEST(static_cast<std::size_t>(i) == row);
      BOOST_TEST(x(j, 1) == static_cast<float>(i * 10) + 0.5f);
      for (std::size_t c = 0; c < 3; ++c) BOOST_TEST(y(j, c) == (c == static_cast<std::size_t>(i % 3) ? 1.0f : 0.0f));
      ++seen[static_cast<std::size_t>(i)];
    }
  }
  // 12 slots for 10 rows: the last batch wraps to the first two rows of the order.
  BOOST_TEST(std::count(seen.begin(), seen.end(), 1) == 8);
  BOOST_TEST(seen[order[0]] == 2);
  BOOST_TEST(seen[order[1]] == 2);

  BOOST_CHECK_THROW(tn::data::load_batch(d, order, 3, x, y), std::out_of_range);
  const std::vector<std::size_t> bad{0, 1, 2, 10};
  BOOST_CHECK_THROW(tn::data::load_batch(d, bad, 0, x, y), std::out_of_range);
  BOOST_CHECK_THROW(tn::data::load_batch(d, std::vector<std::size_t>{}, 0, x, y), std::out_of_range);
}
