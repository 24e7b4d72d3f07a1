// tn::data::read_idx / load_idx: the real Fashion-MNIST files from Debian's
// dataset-fashion-mnist (compared with an independent reading: gzip(1) and
// the IDX layout decoded here by hand), and small generated files: raw and
// gzip, corrupt, truncated, mismatched, swapped.
#include <boost/test/unit_test.hpp>

#include "../support/temp_dir.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <typenet/data/idx.hpp>

namespace tn = typenet;
namespace fs = std::filesystem;
namespace utf = boost::unit_test;

using typenet_test::check_error;

using typenet_test::temp_dir;

namespace {

const fs::path fashion_dir = "/usr/share/datasets/fashion-mnist";

boost::test_tools::assertion_result have_fashion_mnist(utf::test_unit_id) {
  boost::test_tools::assertion_result r(fs::exists(fashion_dir / "t10k-images-idx3-ubyte.gz") &&
                          fs::exists(fashion_dir / "train-labels-idx1-ubyte.gz") && std::system("gzip --version >/dev/null 2>&1") == 0);
  r.message() << "needs Debian's dataset-fashion-mnist in " << fashion_dir << " and gzip(1)";
  return r;
}


using bytes = std::vector<std::uint8_t>;

void write(const fs::path& p, const bytes& b) {
  std::ofstream out(p, std::ios::binary);
  out.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
  BOOST_REQUIRE(out.good());
}

bytes read_raw(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return bytes(std::istreambuf_iterator<char>(in), {});
}

/// gzip(1), not typenet, compresses and decompresses in these tests.
fs::path gzip_file(const fs::path& p) {
  const fs::path gz = p.string() + ".gz";
  BOOST_REQUIRE(std::system(("gzip -c '" + p.string() + "' > '" + gz.string() + "'").c_str()) == 0);
  return gz;
}
bytes gunzip_with_tool(const fs::path& gz, const fs::path& out) {
  BOOST_REQUIRE(std::system(("gzip -dc '" + gz.string() + "' > '" + out.string() + "'").c_str()) == 0);
  return read_raw(out);
}

void put32(bytes& b, std::uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<std::uint8_t>(v >> s));
}
std::uint32_t get32(const bytes& b, std::size_t at) {
  return (std::uint32_t{b[at]} << 24) | (std::uint32_t{b[at + 1]} << 16) | (std::uint32_t{b[at + 2]} << 8) | b[at + 3];
}

bytes images_file(std::uint32_t n, std::uint32_t rows, std::uint32_t cols) {
  bytes b;
  put32(b, 0x00000803);
  put32(b, n);
  put32(b, rows);
  put32(b, cols);
  for (std::uint32_t i = 0; i < n * rows * cols; ++i) b.push_back(static_cast<std::uint8_t>((i * 37 + 11) % 256));
  return b;
}
bytes labels_file(const std::vector<std::uint8_t>& labels) {
  bytes b;
  put32(b, 0x00000801);
  put32(b, static_cast<std::uint32_t>(labels.size()));
  b.insert(b.end(), labels.begin(), labels.end());
  return b;
}


}  // namespace

BOOST_AUTO_TEST_SUITE(real_fashion_mnist, *utf::precondition(have_fashion_mnist))

BOOST_AUTO_TEST_CASE(test_set_equals_an_independent_reading) {
  temp_dir dir;
  const bytes images = gunzip_with_tool(fashion_dir / "t10k-images-idx3-ubyte.gz", dir / "images");
  const bytes labels = gunzip_with_tool(fashion_dir / "t10k-labels-idx1-ubyte.gz", dir / "labels");
  BOOST_REQUIRE(images.size() > 16u);
  BOOST_REQUIRE(labels.size() > 8u);
  BOOST_REQUIRE(get32(images, 0) == 0x803u);
  BOOST_REQUIRE(get32(labels, 0) == 0x801u);
  const std::size_t n = get32(images, 4), rows = get32(images, 8), cols = get32(images, 12);
  BOOST_TEST(n == 10000u);
  BOOST_TEST(rows * cols == 784u);

  const auto d = tn::data::load_idx(fashion_dir / "t10k-images-idx3-ubyte.gz", fashion_dir / "t10k-labels-idx1-ubyte.gz");
  BOOST_TEST(d.size() == n);
  BOOST_TEST(d.features() == rows * cols);
  BOOST_TEST(d.classes() == 10u);
  std::size_t label_mismatches = 0, pixel_mismatches = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (d.label(i) != labels[8 + i]) ++label_mismatches;
    for (std::size_t j = 0; j < 784; ++j)
      if (d.row(i)[j] != static_cast<float>(images[16 + i * 784 + j]) / 255.0f) ++pixel_mismatches;
  }
  BOOST_TEST(label_mismatches == 0u);
  BOOST_TEST(pixel_mismatches == 0u);
  BOOST_TEST(d.label(0) == labels[8]);
  BOOST_TEST(d.label(9999) == labels[8 + 9999]);
  // Pixels are in [0, 1] and reach both ends.
  const auto all = d.all_features();
  BOOST_TEST(*std::min_element(all.begin(), all.end()) == 0.0f);
  BOOST_TEST(*std::max_element(all.begin(), all.end()) == 1.0f);
}

BOOST_AUTO_TEST_CASE(training_set_statically_shaped) {
  temp_dir dir;
  const bytes labels = gunzip_with_tool(fashion_dir / "train-labels-idx1-ubyte.gz", dir / "labels");
  const bytes images = gunzip_with_tool(fashion_dir / "train-images-idx3-ubyte.gz", dir / "images");
  const auto d = tn::data::load_idx<784>(fashion_dir / "train-images-idx3-ubyte.gz", fashion_dir / "train-labels-idx1-ubyte.gz");
  static_assert(std::is_same_v<std::remove_cvref_t<decltype(d)>, tn::data::dataset<float, 784, 10>>);
  BOOST_TEST(d.size() == 60000u);
  BOOST_TEST(get32(labels, 4) == 60000u);
  std::size_t label_mismatches = 0;
  std::vector<std::size_t> per_class(10, 0);
  for (std::size_t i = 0; i < d.size(); ++i) {
    if (d.label(i) != labels[8 + i]) ++label_mismatches;
    ++per_class[static_cast<std::size_t>(d.label(i))];
  }
  BOOST_TEST(label_mismatches == 0u);
  for (std::size_t c = 0; c < 10; ++c) BOOST_TEST(per_class[c] == 6000u);  // Fashion-MNIST is balanced
  // The last image, as matrix and one-hot vector.
  const auto x = d.x(59999);
  const auto y = d.y(59999);
  for (std::size_t j = 0; j < 784; ++j) BOOST_REQUIRE(x(j, 0) == static_cast<float>(images[16 + 59999 * 784 + j]) / 255.0f);
  for (std::size_t c = 0; c < 10; ++c) BOOST_TEST(y(c, 0) == (c == labels[8 + 59999] ? 1.0f : 0.0f));
  // Raw files (decompressed by gzip(1)) give the same data as the .gz files.
  const auto raw = tn::data::load_idx<784>(dir / "images", dir / "labels");
  BOOST_TEST((raw.all_features().size() == d.all_features().size()));
  BOOST_TEST(std::equal(raw.all_features().begin(), raw.all_features().end(), d.all_features().begin()));
  BOOST_TEST(std::equal(raw.all_labels().begin(), raw.all_labels().end(), d.all_labels().begin()));
}

BOOST_AUTO_TEST_CASE(wrong_static_feature_count) {
  check_error([] { (void)tn::data::load_idx<100>(fashion_dir / "t10k-images-idx3-ubyte.gz", fashion_dir / "t10k-labels-idx1-ubyte.gz"); },
              {"t10k-images-idx3-ubyte.gz", "784 pixels", "expects 100"});
}

BOOST_AUTO_TEST_CASE(training_images_with_test_labels) {
  check_error([] { (void)tn::data::load_idx(fashion_dir / "train-images-idx3-ubyte.gz", fashion_dir / "t10k-labels-idx1-ubyte.gz"); },
              {"train-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", "60000 images but 10000 labels"});
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(generated_files)

BOOST_AUTO_TEST_CASE(small_raw_and_gzip_files, *utf::precondition(have_fashion_mnist)) {
  temp_dir dir;
  const bytes img = images_file(3, 2, 3);
  write(dir / "img", img);
  write(dir / "lab", labels_file({7, 0, 9}));
  for (bool gz : {false, true}) {
    const fs::path ip = gz ? gzip_file(dir / "img") : dir / "img";
    const fs::path lp = gz ? gzip_file(dir / "lab") : dir / "lab";
    const auto d = tn::data::load_idx<double>(ip, lp);
    BOOST_TEST(d.size() == 3u);
    BOOST_TEST(d.features() == 6u);
    BOOST_TEST(d.label(0) == 7);
    BOOST_TEST(d.label(1) == 0);
    BOOST_TEST(d.label(2) == 9);
    for (std::size_t i = 0; i < 3; ++i)
      for (std::size_t j = 0; j < 6; ++j) BOOST_TEST(d.row(i)[j] == img[16 + i * 6 + j] / 255.0);
    const auto oh = tn::data::one_hot(d);
    BOOST_TEST(oh.size() == 30u);
    BOOST_TEST(oh[7] == 1.0);
    BOOST_TEST(oh[10] == 1.0);
    BOOST_TEST(oh[29] == 1.0);
    BOOST_TEST(std::count(oh.begin(), oh.end(), 1.0) == 3);
    const auto s = tn::data::load_idx<6, 10, double>(ip, lp);
    BOOST_TEST(s.x(2)(5, 0) == img[16 + 17] / 255.0);
  }
  // A file named .gz that is not compressed is read by its magic bytes, not its name.
  fs::copy_file(dir / "img", dir / "plain.gz");
  BOOST_TEST(tn::data::load_idx(dir / "plain.gz", dir / "lab").size() == 3u);
}

BOOST_AUTO_TEST_CASE(corrupt_truncated_and_mismatched, *utf::precondition(have_fashion_mnist)) {
  temp_dir dir;
  const bytes img = images_file(3, 2, 3);
  write(dir / "img", img);
  write(dir / "lab", labels_file({1, 2, 3}));
  const auto img_path = dir / "img";
  const auto lab_path = dir / "lab";
  auto load = [](const fs::path& i, const fs::path& l, std::size_t classes = 10) {
    return [=] { (void)tn::data::load_idx(i, l, {.classes = classes}); };
  };

  check_error(load(dir / "nope", lab_path), {"nope", "no such file"});
  check_error(load(dir.path, lab_path), {dir.path.string(), "is a directory"});
  write(dir / "empty", {});
  check_error(load(dir / "empty", lab_path), {"empty", "truncated", "0 bytes"});
  write(dir / "text", {'h', 'e', 'l', 'l', 'o', '\n'});
  check_error(load(dir / "text", lab_path), {"text", "not an IDX file"});

  // Swapped slots.
  check_error(load(lab_path, img_path), {lab_path.string(), "is a label file", "labels passed as images?"});
  check_error(load(img_path, img_path), {img_path.string(), "is an image file", "images passed as labels?"});

  // Wrong element type (0x0D = float).
  bytes b = img;
  b[2] = 0x0D;
  write(dir / "float", b);
  check_error(load(dir / "float", lab_path), {"float", "element type 0x0d"});

  // Truncated: header, data (by one byte); and extra bytes.
  write(dir / "short_header", bytes(img.begin(), img.begin() + 10));
  check_error(load(dir / "short_header", lab_path), {"short_header", "truncated", "needs 16 bytes, the file has 10"});
  write(dir / "short", bytes(img.begin(), img.end() - 1));
  check_error(load(dir / "short", lab_path), {"short", "truncated", "3x2x3 = 18 values, the file has 17"});
  b = img;
  b.push_back(0);
  write(dir / "long", b);
  check_error(load(dir / "long", lab_path), {"long", "1 unexpected bytes"});

  // Truncated and corrupted gzip.
  const bytes gz = read_raw(gzip_file(img_path));
  write(dir / "cut.gz", bytes(gz.begin(), gz.end() - 5));
  check_error(load(dir / "cut.gz", lab_path), {"cut.gz", "gzip: truncated"});
  write(dir / "cut2.gz", bytes(gz.begin(), gz.begin() + 12));
  check_error(load(dir / "cut2.gz", lab_path), {"cut2.gz", "gzip: truncated"});
  b = gz;
  b[b.size() - 8] ^= 0x55;  // the stored CRC-32
  write(dir / "crc.gz", b);
  check_error(load(dir / "crc.gz", lab_path), {"crc.gz", "gzip: CRC-32 mismatch"});
  b = gz;
  b.push_back('x');
  write(dir / "garbage.gz", b);
  check_error(load(dir / "garbage.gz", lab_path), {"garbage.gz", "trailing garbage"});

  // Counts disagree; labels out of range.
  write(dir / "two", labels_file({1, 2}));
  check_error(load(img_path, dir / "two"), {img_path.string(), (dir / "two").string(), "3 images but 2 labels"});
  write(dir / "ten", labels_file({1, 10, 3}));
  check_error(load(img_path, dir / "ten"), {"ten", "label 10 of item 1", "[0, 10)"});
  check_error(load(img_path, lab_path, 3), {"lab", "label 3 of item 2", "[0, 3)"});
  check_error([&] { (void)tn::data::load_idx<7>(img_path, lab_path); }, {img_path.string(), "6 pixels", "expects 7"});
  check_error([&] { (void)tn::data::load_idx<6, 3>(img_path, lab_path); }, {"label 3 of item 2"});
}

BOOST_AUTO_TEST_CASE(gzip_reader_against_gzip_tool, *utf::precondition(have_fashion_mnist)) {
  temp_dir dir;
  // Incompressible (stored blocks), repetitive (long matches), text, tiny and empty inputs.
  bytes random(200000), repetitive, text, tiny{42};
  std::uint32_t state = 12345;
  for (auto& b : random) b = static_cast<std::uint8_t>((state = state * 1664525u + 1013904223u) >> 24);
  for (int i = 0; i < 100000; ++i) repetitive.push_back(static_cast<std::uint8_t>(i % 7 == 0 ? i % 251 : 'a'));
  for (int i = 0; i < 5000; ++i) for (char c : std::to_string(i * 31) + " the quick brown fox\n") text.push_back(static_cast<std::uint8_t>(c));
  const std::pair<const char*, const bytes*> inputs[] = {{"random", &random}, {"repetitive", &repetitive}, {"text", &text}, {"tiny", &tiny}};
  bytes none;
  for (const auto& [name, data] : inputs) {
    write(dir / name, *data);
    for (const char* level : {"-1", "-6", "-9"}) {
      const fs::path gz = dir / (std::string(name) + level + ".gz");
      // From a file (header with FNAME) and from stdin (no name).
      BOOST_REQUIRE(std::system(("gzip -c " + std::string(level) + " '" + (dir / name).string() + "' > '" + gz.string() + "'").c_str()) == 0);
      BOOST_TEST((tn::detail::gunzip(read_raw(gz), gz) == *data), name << level);
      BOOST_REQUIRE(std::system(("gzip -c " + std::string(level) + " < '" + (dir / name).string() + "' > '" + gz.string() + "'").c_str()) == 0);
      BOOST_TEST((tn::detail::gunzip(read_raw(gz), gz) == *data), name << level << " (stdin)");
    }
  }
  write(dir / "empty", none);
  const bytes empty_gz = read_raw(gzip_file(dir / "empty"));
  BOOST_TEST(tn::detail::gunzip(empty_gz, "empty.gz").empty());

  // Concatenated members, zero padding after the last one.
  bytes multi = read_raw(gzip_file(dir / "text"));
  const bytes second = read_raw(gzip_file(dir / "tiny"));
  multi.insert(multi.end(), second.begin(), second.end());
  multi.insert(multi.end(), 5, 0);
  bytes both = text;
  both.push_back(42);
  BOOST_TEST((tn::detail::gunzip(multi, "multi.gz") == both));

  // FEXTRA and FCOMMENT fields (gzip(1) does not write them).
  BOOST_REQUIRE(std::system(("gzip -c < '" + (dir / "text").string() + "' > '" + (dir / "plain.gz").string() + "'").c_str()) == 0);
  const bytes plain = read_raw(dir / "plain.gz");
  bytes extra(plain.begin(), plain.begin() + 10);
  extra[3] |= 0x04 | 0x10;
  for (int b : {3, 0, int{'a'}, int{'b'}, int{'c'}, int{'h'}, int{'i'}, 0}) extra.push_back(static_cast<std::uint8_t>(b));
  extra.insert(extra.end(), plain.begin() + 10, plain.end());
  BOOST_TEST((tn::detail::gunzip(extra, "extra.gz") == text));

  // Corruption anywhere is an error naming the file, never wrong data.
  auto expect_error = [&](bytes b, const std::string& part) {
    check_error([&] { (void)tn::detail::gunzip(b, dir / "x.gz"); }, {"x.gz", "gzip: " + part});
  };
  bytes b = plain;
  b[2] = 7;
  expect_error(b, "unknown gzip compression method");
  b = plain;
  b[3] = 0x80;
  expect_error(b, "reserved gzip header flags");
  b = plain;
  b[b.size() - 2] ^= 1;  // the stored length
  expect_error(b, "length mismatch");
  std::size_t detected = 0;
  for (std::size_t at = 12; at + 8 < plain.size(); at += 97) {
    b = plain;
    b[at] ^= 0x10;
    try {
      (void)tn::detail::gunzip(b, "flip.gz");
    } catch (const tn::io_error& e) {
      ++detected;
      BOOST_TEST(std::string(e.what()).find("flip.gz: gzip: ") != std::string::npos, e.what());
    }
  }
  BOOST_TEST(detected == (plain.size() - 8 - 12 + 96) / 97);
}

BOOST_AUTO_TEST_CASE(one_hot_helpers) {
  const auto m = tn::data::one_hot<4>(2);
  BOOST_TEST(m(0, 0) == 0.0f);
  BOOST_TEST(m(2, 0) == 1.0f);
  BOOST_TEST(m(3, 0) == 0.0f);
  double out[3] = {5, 5, 5};
  check_error([&] { tn::data::one_hot<double>(3, std::span<double>(out)); }, {"one_hot", "label 3", "[0, 3)"});
  BOOST_TEST(out[0] == 5.0);  // untouched on error
  tn::data::one_hot<double>(0, std::span<double>(out));
  BOOST_TEST(out[0] == 1.0);
  BOOST_TEST(out[1] == 0.0);
  check_error([] { tn::data::dataset<float> d(2, 2, {0, 1, 2}, {0, 1}, "mine"); }, {"mine", "3 feature values for 2 labels"});
  check_error([] { tn::data::dataset<float, 3> d(2, 2, {0, 1, 2, 3}, {0, 1}, "mine"); }, {"mine", "2 features", "expects 3"});
}

BOOST_AUTO_TEST_SUITE_END()
