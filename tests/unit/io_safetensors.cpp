// tn::io::save_safetensors / load_safetensors (and, at the end, save_npy /
// load_npy, which share tensor_ref and the atomic writer): round trips (float, double,
// conversions), the exact file layout, every error path (truncated, bad
// header length, malformed JSON, bad offsets, wrong shape, missing name,
// unsupported dtype, unwritable directory) with the destination untouched,
// atomic saves, and interop with PyTorch through /usr/bin/python3.
#include <boost/test/unit_test.hpp>

#include "../support/file_bytes.hpp"
#include "../support/temp_dir.hpp"

#include <sys/resource.h>

#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <typenet/io/npy.hpp>
#include <typenet/io/safetensors.hpp>

#include "../support/python_torch.hpp"

namespace tn = typenet;
namespace fs = std::filesystem;
namespace utf = boost::unit_test;
using typenet_test::run_python;

using typenet_test::temp_dir;
using typenet_test::bytes;
using typenet_test::error_of;
using typenet_test::le_bytes;
using typenet_test::read_raw;
using typenet_test::write_raw;

namespace {


/// A safetensors file with this header text and data buffer, written here by hand.
bytes make_file(const std::string& header, const bytes& data, std::uint64_t length_field = ~std::uint64_t{0}) {
  const std::uint64_t n = length_field == ~std::uint64_t{0} ? header.size() : length_field;
  bytes b;
  for (int k = 0; k < 8; ++k) b.push_back(static_cast<std::uint8_t>(n >> (8 * k)));
  b.insert(b.end(), header.begin(), header.end());
  b.insert(b.end(), data.begin(), data.end());
  return b;
}
#define CHECK_CONTAINS(text, part) BOOST_TEST((text).find(part) != std::string::npos, "'" << (part) << "' not in: " << (text))

template <class M>
void fill(M& m, double start, double step) {
  for (std::size_t i = 0; i < M::size; ++i) m.values[i] = static_cast<typename M::value_type>(start + step * static_cast<double>(i));
}
template <class M>
bool all_equal_to(const M& m, typename M::value_type v) {
  return std::all_of(m.begin(), m.end(), [&](auto x) { return x == v; });
}

}  // namespace

BOOST_AUTO_TEST_SUITE(round_trips)

BOOST_AUTO_TEST_CASE(float_matrices_biases_and_metadata) {
  temp_dir dir;
  const auto p = dir / "net.safetensors";
  tn::matrix<float, 3, 4> w0;
  tn::matrix<float, 3, 1> b0;
  tn::matrix<float, 1, 2> b2;
  tn::matrix<float, 2, 3> w2;
  fill(w0, -1.5, 0.1);
  fill(b0, 0.25, -0.5);
  fill(b2, 3.0, 1e-7);
  fill(w2, 1e30, -3e29);
  tn::io::save_safetensors(p, {tn::io::ref("0.weight", w0), tn::io::ref_1d("0.bias", b0), tn::io::ref("2.weight", w2),
                               tn::io::ref_1d("2.bias", b2)},
                           {{"format", "pt"}, {"note", "quote \" and \\ and \xC3\xA9"}});
  BOOST_TEST(dir.entries() == std::vector<std::string>{"net.safetensors"});

  // The layout, read by hand: length, 8-byte aligned JSON, tensors in order.
  const bytes raw = read_raw(p);
  std::uint64_t n = 0;
  for (int k = 7; k >= 0; --k) n = (n << 8) | raw[static_cast<std::size_t>(k)];
  BOOST_TEST(n % 8 == 0u);
  BOOST_TEST(raw.size() == 8 + n + 4 * (12 + 3 + 6 + 2));
  float first;
  std::memcpy(&first, raw.data() + 8 + n, 4);
  BOOST_TEST(first == w0.values[0]);
  float last;
  std::memcpy(&last, raw.data() + raw.size() - 4, 4);
  BOOST_TEST(last == b2.values[1]);

  const auto h = tn::io::inspect_safetensors(p);
  BOOST_REQUIRE(h.tensors.size() == 4u);
  BOOST_TEST(h.tensors[0].name == "0.weight");
  BOOST_TEST(h.tensors[0].dtype == "F32");
  BOOST_TEST((h.tensors[0].shape == std::vector<std::size_t>{3, 4}));
  BOOST_TEST((h.tensors[1].shape == std::vector<std::size_t>{3}));
  BOOST_TEST((h.tensors[3].shape == std::vector<std::size_t>{2}));
  BOOST_TEST(h.tensors[1].begin == 48u);
  BOOST_TEST(h.tensors[1].end == 60u);
  BOOST_TEST(h.metadata.at("format") == "pt");
  BOOST_TEST(h.metadata.at("note") == "quote \" and \\ and \xC3\xA9");

  tn::matrix<float, 3, 4> w0l;
  tn::matrix<float, 1, 3> b0l;  // a bias saved 1-D loads into a row or a column
  tn::matrix<float, 2, 3> w2l;
  tn::matrix<float, 2, 1> b2l;
  tn::io::load_safetensors(p, {tn::io::ref("0.weight", w0l), tn::io::ref_1d("0.bias", b0l), tn::io::ref("2.weight", w2l),
                               tn::io::ref_1d("2.bias", b2l)});
  BOOST_TEST(w0l == w0);
  BOOST_TEST(std::equal(b0.begin(), b0.end(), b0l.begin()));
  BOOST_TEST(w2l == w2);
  BOOST_TEST(std::equal(b2.begin(), b2.end(), b2l.begin()));

  // A subset, in another order, from a const-free span.
  std::vector<float> only(6, 0.0f);
  tn::io::load_safetensors(p, {tn::io::ref("2.weight", std::span<float>(only), {2, 3})});
  BOOST_TEST(std::equal(only.begin(), only.end(), w2.begin()));
}

BOOST_AUTO_TEST_CASE(double_and_conversions) {
  temp_dir dir;
  const auto p64 = dir / "d.safetensors";
  const auto p32 = dir / "f.safetensors";
  tn::matrix<double, 4, 5> w;
  fill(w, 0.1, 1.0 / 3.0);  // not representable in float
  const tn::matrix<double, 4, 5>& cw = w;
  tn::io::save_safetensors(p64, {tn::io::ref("w", cw)});  // saving from a const matrix
  BOOST_TEST(tn::io::inspect_safetensors(p64).tensors.at(0).dtype == "F64");
  BOOST_TEST(tn::io::inspect_safetensors(p64).metadata.empty());

  tn::matrix<double, 4, 5> wd;
  tn::io::load_safetensors(p64, {tn::io::ref("w", wd)});
  BOOST_TEST(wd == w);  // bit for bit

  tn::matrix<float, 4, 5> wf;  // F64 file into float storage: rounded to nearest
  tn::io::load_safetensors(p64, {tn::io::ref("w", wf)});
  for (std::size_t i = 0; i < 20; ++i) BOOST_TEST(wf.values[i] == static_cast<float>(w.values[i]));

  tn::io::save_safetensors(p32, {tn::io::ref("w", wf)});
  tn::matrix<double, 4, 5> back;  // F32 file into double storage: exact
  tn::io::load_safetensors(p32, {tn::io::ref("w", back)});
  for (std::size_t i = 0; i < 20; ++i) BOOST_TEST(back.values[i] == static_cast<double>(wf.values[i]));

  // A double beyond float's range does not become inf silently; nothing is written.
  tn::matrix<double, 1, 2> big{1.0, 1e300};
  tn::io::save_safetensors(p64, {tn::io::ref("big", big)});
  tn::matrix<float, 1, 2> small{7.0f, 7.0f};
  const auto e = error_of([&] { tn::io::load_safetensors(p64, {tn::io::ref("big", small)}); });
  CHECK_CONTAINS(e, "tensor big has the value 1e+300 (element 1), out of float range");
  CHECK_CONTAINS(e, "out of float range");
  BOOST_TEST(all_equal_to(small, 7.0f));
}

BOOST_AUTO_TEST_CASE(names_needing_escapes_and_empty_tensors) {
  temp_dir dir;
  const auto p = dir / "odd.safetensors";
  tn::matrix<float, 1, 2> a{1.0f, 2.0f};
  std::vector<float> none;
  tn::io::save_safetensors(p, {tn::io::ref("a \"q\"\n\\", a), tn::io::ref("empty", std::span<float>(none), {0, 3})});
  tn::matrix<float, 1, 2> a2;
  tn::io::load_safetensors(p, {tn::io::ref("a \"q\"\n\\", a2), tn::io::ref("empty", std::span<float>(none), {0, 3})});
  BOOST_TEST(a2 == a);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(refusals_leave_the_model_untouched)

BOOST_AUTO_TEST_CASE(wrong_shape_exact_message) {
  temp_dir dir;
  const auto p = dir / "w.safetensors";
  auto w16 = std::make_unique<tn::matrix<float, 16, 784>>();
  fill(*w16, 0.0, 1e-3);
  tn::io::save_safetensors(p, {tn::io::ref("0.weight", *w16)});
  auto w32 = std::make_unique<tn::matrix<float, 32, 784>>();
  std::fill(w32->begin(), w32->end(), 9.0f);
  const auto e = error_of([&] { tn::io::load_safetensors(p, {tn::io::ref("0.weight", *w32)}); });
  BOOST_TEST(e == "typenet: load " + p.string() + ": tensor 0.weight has shape 16x784 in the file, the model expects 32x784");
  BOOST_TEST(all_equal_to(*w32, 9.0f));
  // 1-D vs 2-D is a different shape too.
  tn::matrix<float, 16, 1> b;
  tn::io::save_safetensors(p, {tn::io::ref_1d("0.bias", b)});
  const auto e2 = error_of([&] { tn::io::load_safetensors(p, {tn::io::ref("0.bias", b)}); });
  CHECK_CONTAINS(e2, "tensor 0.bias has shape 16 in the file, the model expects 16x1");
}

BOOST_AUTO_TEST_CASE(missing_names_and_nothing_partially_written) {
  temp_dir dir;
  const auto p = dir / "w.safetensors";
  tn::matrix<float, 2, 3> w0{1, 2, 3, 4, 5, 6};
  tn::matrix<float, 2, 1> b0{7, 8};
  tn::io::save_safetensors(p, {tn::io::ref("0.weight", w0), tn::io::ref_1d("0.bias", b0)});
  tn::matrix<float, 2, 3> w;
  tn::matrix<float, 2, 1> b;
  tn::matrix<float, 1, 2> b2;
  std::fill(w.begin(), w.end(), -1.0f);
  std::fill(b.begin(), b.end(), -1.0f);
  std::fill(b2.begin(), b2.end(), -1.0f);
  // 0.weight and 0.bias are fine, but 2.bias is missing: nothing may be written.
  const auto e = error_of([&] {
    tn::io::load_safetensors(p, {tn::io::ref("0.weight", w), tn::io::ref_1d("0.bias", b), tn::io::ref_1d("2.bias", b2)});
  });
  BOOST_TEST(e == "typenet: load " + p.string() + ": tensor 2.bias is missing");
  BOOST_TEST(all_equal_to(w, -1.0f));
  BOOST_TEST(all_equal_to(b, -1.0f));
  // Every problem is listed.
  tn::matrix<float, 3, 3> w_wrong;
  const auto e2 = error_of([&] {
    tn::io::load_safetensors(p, {tn::io::ref("0.weight", w_wrong), tn::io::ref_1d("0.bias", b), tn::io::ref_1d("2.bias", b2),
                                 tn::io::ref("2.weight", w)});
  });
  CHECK_CONTAINS(e2, "tensor 0.weight has shape 2x3 in the file, the model expects 3x3; tensor 2.bias is missing; tensor 2.weight is missing");
  BOOST_TEST(all_equal_to(b, -1.0f));
  // Loading into a read-only view or a view without storage is refused.
  const tn::matrix<float, 2, 3> cw{};
  CHECK_CONTAINS(error_of([&] { tn::io::load_safetensors(p, {tn::io::ref("0.weight", cw)}); }), "tensor_ref 0.weight is read-only");
  CHECK_CONTAINS(error_of([&] { tn::io::load_safetensors(p, {tn::io::tensor_ref{"0.weight", {2, 3}}}); }),
                 "must point to exactly one of float and double storage");
  std::vector<float> five(5);
  CHECK_CONTAINS(error_of([&] { (void)tn::io::ref("x", std::span<float>(five), {2, 3}); }), "5 values do not fill the shape (6 elements)");
}

BOOST_AUTO_TEST_CASE(unsupported_dtype) {
  temp_dir dir;
  const auto p = dir / "i64.safetensors";
  // I64 step counter (fine while not requested) and an F32 tensor.
  write_raw(p, make_file(R"({"step":{"dtype":"I64","shape":[1],"data_offsets":[0,8]},"w":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}})",
                         [] { bytes b = le_bytes<std::int64_t>({42}); bytes f = le_bytes<float>({1.5f, -2.5f}); b.insert(b.end(), f.begin(), f.end()); return b; }()));
  tn::matrix<float, 2, 1> w;
  tn::io::load_safetensors(p, {tn::io::ref_1d("w", w)});
  BOOST_TEST(w(0, 0) == 1.5f);
  BOOST_TEST(w(1, 0) == -2.5f);
  tn::matrix<double, 1, 1> step{3.0};
  const auto e = error_of([&] { tn::io::load_safetensors(p, {tn::io::ref_1d("step", step)}); });
  BOOST_TEST(e == "typenet: load " + p.string() + ": tensor step has dtype I64, expected F32 or F64");
  BOOST_TEST(step(0, 0) == 3.0);
  write_raw(p, make_file(R"({"w":{"dtype":"F33","shape":[2],"data_offsets":[0,8]}})", le_bytes<float>({1, 2})));
  CHECK_CONTAINS(error_of([&] { tn::io::load_safetensors(p, {tn::io::ref_1d("w", w)}); }), "tensor w: unknown dtype \"F33\"");
}

BOOST_AUTO_TEST_CASE(truncated_files_and_bad_header_lengths) {
  temp_dir dir;
  const auto good = dir / "good.safetensors";
  tn::matrix<float, 3, 4> w;
  fill(w, 1.0, 1.0);
  tn::io::save_safetensors(good, {tn::io::ref("w", w)});
  const bytes raw = read_raw(good);
  const auto p = dir / "bad.safetensors";
  tn::matrix<float, 3, 4> dst;
  std::fill(dst.begin(), dst.end(), -3.0f);
  const auto load = [&] { tn::io::load_safetensors(p, {tn::io::ref("w", dst)}); };

  write_raw(p, bytes(raw.begin(), raw.end() - 1));  // one byte of data missing
  CHECK_CONTAINS(error_of(load), "tensor w: data_offsets [0, 48] reach past the end of the 47-byte data buffer (truncated file?)");
  write_raw(p, bytes(raw.begin(), raw.begin() + 20));  // cut inside the header
  CHECK_CONTAINS(error_of(load), "is larger than the rest of the file (12 bytes): truncated or not a safetensors file");
  write_raw(p, bytes(raw.begin(), raw.begin() + 5));
  CHECK_CONTAINS(error_of(load), "truncated: 5 bytes, too short for the 8-byte header length");
  write_raw(p, {});
  CHECK_CONTAINS(error_of(load), "truncated: 0 bytes");
  bytes huge = raw;
  huge[7] = 0x7f;  // header length ~ 9e18
  write_raw(p, huge);
  CHECK_CONTAINS(error_of(load), "header length 9151314442816847");
  CHECK_CONTAINS(error_of(load), "is larger than the rest of the file");
  write_raw(p, make_file("{}", {}, 1));
  CHECK_CONTAINS(error_of(load), "header length 1 is too small");
  write_raw(p, make_file("[1, 2]", {}));
  CHECK_CONTAINS(error_of(load), "does not start with '{'");
  write_raw(p, bytes(raw.begin(), raw.end()) = [&] { bytes b = raw; b.push_back(0); return b; }());  // one byte too many
  CHECK_CONTAINS(error_of(load), "1 bytes after the last tensor (at 48 of the 49-byte data buffer) belong to no tensor");
  CHECK_CONTAINS(error_of([&] { tn::io::load_safetensors(dir / "none.safetensors", {tn::io::ref("w", dst)}); }), "none.safetensors: no such file");
  BOOST_TEST(all_equal_to(dst, -3.0f));
  BOOST_TEST(error_of(load).rfind("typenet: load " + p.string() + ": ", 0) == 0u);
}

BOOST_AUTO_TEST_CASE(malformed_json_and_bad_entries) {
  temp_dir dir;
  const auto p = dir / "bad.safetensors";
  tn::matrix<float, 1, 2> dst{5, 5};
  const bytes data = le_bytes<float>({1, 2});
  const auto check = [&](const std::string& header, const std::string& expected) {
    write_raw(p, make_file(header, data));
    const auto e = error_of([&] { tn::io::load_safetensors(p, {tn::io::ref_1d("w", dst)}); });
    BOOST_TEST(e.rfind("typenet: load " + p.string() + ": ", 0) == 0u, e);
    CHECK_CONTAINS(e, expected);
    BOOST_TEST(all_equal_to(dst, 5.0f));
  };
  const std::string w = R"("w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]})";
  check("{" + w, "malformed JSON header at byte 53: expected '}', found the end of the header");
  check("{" + w + ",}", "malformed JSON header at byte 54: expected a string key");
  check("{" + w + "} x", "malformed JSON header at byte 55: unexpected text after the JSON value");
  check("{" + w + "," + w + "}", "malformed JSON header at byte 54: duplicate key \"w\"");
  check(R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,08]}})", "leading zero");
  check(R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}, "x": tru})", "unexpected character 't'");
  check(R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}, "x\q": 1})", "bad escape '\\q'");
  check(R"({"w":[]})", "tensor w: entry is an array, not an object");
  check(R"({"w":{"shape":[2],"data_offsets":[0,8]}})", "tensor w: \"dtype\" is missing or not a string");
  check(R"({"w":{"dtype":"F32","data_offsets":[0,8]}})", "tensor w: \"shape\" is missing or not an array");
  check(R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0]}})", "tensor w: \"data_offsets\" is missing");
  check(R"({"w":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}})", "tensor w: shape entries must be non-negative integers");
  check(R"({"w":{"dtype":"F32","shape":[2.0],"data_offsets":[0,8]}})", "tensor w: shape entries must be non-negative integers");
  check(R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"__metadata__":{"a":1}})", "__metadata__ value of \"a\" is not a string");
  // Offsets: out of range, reversed, not matching dtype x shape, overlapping, leaving a hole.
  check(R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,12]}})", "tensor w: data_offsets [0, 12] reach past the end of the 8-byte data buffer");
  check(R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}})", "tensor w: data_offsets [8, 0] end before they begin");
  check(R"({"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", "tensor w: data_offsets [0, 8] hold 8 bytes, but F32 3 needs 12");
  check(R"({"w":{"dtype":"F64","shape":[2],"data_offsets":[0,8]}})", "hold 8 bytes, but F64 2 needs 16");
  check(R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"v":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})",
        "tensors w and v overlap in the data buffer");
  check(R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})", "bytes [0, 4) of the data buffer belong to no tensor");
  check(R"({"w":{"dtype":"F32","shape":[4294967296,4294967296,4294967296],"data_offsets":[0,8]}})", "is too large");
}

BOOST_AUTO_TEST_CASE(every_flipped_byte_and_every_truncation_is_handled) {
  // Each corruption must either load (a flipped data byte is just another value) or be
  // refused with an io_error that leaves the destination untouched; never a crash.
  temp_dir dir;
  tn::matrix<float, 2, 3> w{1, 2, 3, 4, 5, 6};
  tn::matrix<double, 2, 1> b{7, 8};
  const auto good = dir / "good.safetensors";
  tn::io::save_safetensors(good, {tn::io::ref("0.weight", w), tn::io::ref_1d("0.bias", b)}, {{"k", "v"}});
  const bytes raw = read_raw(good);
  const auto p = dir / "x.safetensors";
  std::size_t refused = 0, loaded = 0;
  const auto attempt = [&](const bytes& file) {
    write_raw(p, file);
    tn::matrix<float, 2, 3> w2;
    tn::matrix<double, 2, 1> b2;
    std::fill(w2.begin(), w2.end(), -9.0f);
    std::fill(b2.begin(), b2.end(), -9.0);
    try {
      tn::io::load_safetensors(p, {tn::io::ref("0.weight", w2), tn::io::ref_1d("0.bias", b2)});
      ++loaded;
    } catch (const tn::io_error& e) {
      ++refused;
      BOOST_TEST(std::string(e.what()).rfind("typenet: load " + p.string() + ": ", 0) == 0u, e.what());
      BOOST_TEST(all_equal_to(w2, -9.0f));
      BOOST_TEST(all_equal_to(b2, -9.0));
    }
  };
  for (std::size_t at = 0; at < raw.size(); ++at) {
    for (const std::uint8_t mask : {std::uint8_t{0x01}, std::uint8_t{0x20}, std::uint8_t{0xFF}}) {
      bytes b2 = raw;
      b2[at] ^= mask;
      attempt(b2);
    }
  }
  for (std::size_t len = 0; len < raw.size(); ++len) attempt(bytes(raw.begin(), raw.begin() + static_cast<std::ptrdiff_t>(len)));
  BOOST_TEST_MESSAGE(refused << " refused, " << loaded << " loaded");
  BOOST_TEST(refused > raw.size());  // every truncation, most header corruptions
  BOOST_TEST(loaded >= 3 * 40u);     // every data byte flip (6 floats + 2 doubles = 40 bytes) loads
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(atomic_saves)

BOOST_AUTO_TEST_CASE(refused_before_touching_the_disk) {
  temp_dir dir;
  const auto p = dir / "w.safetensors";
  tn::matrix<float, 2, 2> a{1, 2, 3, 4};
  tn::io::save_safetensors(p, {tn::io::ref("a", a)});
  const bytes before = read_raw(p);
  tn::matrix<float, 2, 2> z{};
  CHECK_CONTAINS(error_of([&] { tn::io::save_safetensors(p, {tn::io::ref("a", z), tn::io::ref("a", z)}); }),
                 "save " + p.string() + ": tensor a is given twice");
  CHECK_CONTAINS(error_of([&] { tn::io::save_safetensors(p, {tn::io::ref("", z)}); }), "tensor 0 has an empty name");
  CHECK_CONTAINS(error_of([&] { tn::io::save_safetensors(p, {tn::io::ref("__metadata__", z)}); }), "\"__metadata__\" is reserved");
  CHECK_CONTAINS(error_of([&] { tn::io::save_safetensors(p, {tn::io::tensor_ref{"x", {1}}}); }), "must point to exactly one");
  BOOST_TEST(read_raw(p) == before);
  BOOST_TEST(dir.entries() == std::vector<std::string>{"w.safetensors"});
}

BOOST_AUTO_TEST_CASE(unwritable_directory_leaves_nothing_behind) {
  temp_dir dir;
  tn::matrix<float, 2, 2> a{1, 2, 3, 4};
  // The parent "directory" is a regular file.
  write_raw(dir / "file", {1});
  const auto e = error_of([&] { tn::io::save_safetensors(dir / "file" / "w.safetensors", {tn::io::ref("a", a)}); });
  CHECK_CONTAINS(e, "typenet: save " + (dir / "file" / "w.safetensors").string() + ": cannot create a temporary file in");
  CHECK_CONTAINS(e, "Not a directory");
  // A directory that does not exist.
  CHECK_CONTAINS(error_of([&] { tn::io::save_safetensors(dir / "no" / "w.safetensors", {tn::io::ref("a", a)}); }),
                 "No such file or directory");
  // A read-only directory (root may write anyway; then only check that the save worked).
  fs::create_directory(dir / "ro");
  fs::permissions(dir / "ro", fs::perms::owner_read | fs::perms::owner_exec);
  if (::geteuid() != 0) {
    CHECK_CONTAINS(error_of([&] { tn::io::save_safetensors(dir / "ro" / "w.safetensors", {tn::io::ref("a", a)}); }),
                   "Permission denied");
    BOOST_TEST(fs::is_empty(dir / "ro"));
  }
  fs::permissions(dir / "ro", fs::perms::owner_all);
  BOOST_TEST((dir.entries() == std::vector<std::string>{"file", "ro"}));
}

BOOST_AUTO_TEST_CASE(failure_while_writing_keeps_the_old_file) {
  temp_dir dir;
  const auto p = dir / "w.safetensors";
  tn::matrix<float, 2, 2> a{1, 2, 3, 4};
  tn::io::save_safetensors(p, {tn::io::ref("a", a)});
  const bytes before = read_raw(p);

  // The file-size limit makes write() fail with EFBIG after 1000 bytes.
  auto big = std::make_unique<tn::matrix<float, 64, 64>>();
  fill(*big, 0.0, 1.0);
  rlimit old{};
  BOOST_REQUIRE(::getrlimit(RLIMIT_FSIZE, &old) == 0);
  const auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
  rlimit small = old;
  small.rlim_cur = 1000;
  BOOST_REQUIRE(::setrlimit(RLIMIT_FSIZE, &small) == 0);
  const auto e = error_of([&] { tn::io::save_safetensors(p, {tn::io::ref("a", *big)}); });
  ::setrlimit(RLIMIT_FSIZE, &old);
  std::signal(SIGXFSZ, old_handler);
  CHECK_CONTAINS(e, "typenet: save " + p.string() + ": cannot write " + p.string() + ".tmp-");
  CHECK_CONTAINS(e, "File too large");
  BOOST_TEST(read_raw(p) == before);
  BOOST_TEST(dir.entries() == std::vector<std::string>{"w.safetensors"});

  // Without the limit the same save replaces the file.
  tn::io::save_safetensors(p, {tn::io::ref("a", *big)});
  auto back = std::make_unique<tn::matrix<float, 64, 64>>();
  tn::io::load_safetensors(p, {tn::io::ref("a", *back)});
  BOOST_TEST(*back == *big);
  BOOST_TEST(dir.entries() == std::vector<std::string>{"w.safetensors"});
}

BOOST_AUTO_TEST_SUITE_END()

// --- PyTorch interop ---------------------------------------------------------------

namespace {

/// The Sequential of the interop tests, with `dtype`; Python writes safetensors by hand
/// (the safetensors package is not a dependency).
const std::string python_prelude = R"PY(
import json, struct, sys
import numpy as np
import torch

def model():
    torch.manual_seed(1234)
    return torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.Sigmoid(), torch.nn.Linear(3, 2))

def write_safetensors(path, tensors, metadata):
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        a = t.detach().cpu().contiguous().numpy()
        b = a.astype(a.dtype.newbyteorder('<')).tobytes()
        header[name] = {"dtype": {np.float32: "F32", np.float64: "F64"}[a.dtype.type],
                        "shape": list(a.shape), "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    header["__metadata__"] = metadata
    h = json.dumps(header).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))

def read_safetensors(path):
    data = open(path, "rb").read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    meta = header.pop("__metadata__", {})
    buf = data[8 + n:]
    out = {}
    for name, info in header.items():
        dt = {"F32": np.float32, "F64": np.float64}[info["dtype"]]
        b, e = info["data_offsets"]
        out[name] = torch.from_numpy(np.frombuffer(buf[b:e], dtype=np.dtype(dt).newbyteorder('<')).copy().reshape(info["shape"]))
    return out, meta

x = torch.tensor([[0.1, -0.2, 0.3, 0.4]], dtype=torch.float64)
)PY";

std::vector<double> parse_numbers(const std::string& text) {
  std::istringstream in(text);
  std::vector<double> v;
  std::string word;
  while (in >> word) v.push_back(std::strtod(word.c_str(), nullptr));
  return v;
}

/// sigmoid(W0 x + b0) then W2 h + b2, in long double.
template <class M0, class B0, class M2, class B2>
std::vector<long double> forward(const M0& w0, const B0& b0, const M2& w2, const B2& b2, const double (&x)[4]) {
  long double h[3];
  for (std::size_t r = 0; r < 3; ++r) {
    long double s = b0.values[r];
    for (std::size_t c = 0; c < 4; ++c) s += static_cast<long double>(w0(r, c)) * x[c];
    h[r] = 1.0L / (1.0L + std::exp(-s));
  }
  std::vector<long double> y(2);
  for (std::size_t r = 0; r < 2; ++r) {
    long double s = b2.values[r];
    for (std::size_t c = 0; c < 3; ++c) s += static_cast<long double>(w2(r, c)) * h[c];
    y[r] = s;
  }
  return y;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(pytorch_interop, *utf::precondition(typenet_test::torch_available))

BOOST_AUTO_TEST_CASE(typenet_loads_a_torch_state_dict) {
  temp_dir dir;
  const auto p32 = dir / "torch32.safetensors";
  const auto p64 = dir / "torch64.safetensors";
  // Python writes the state_dict (float32 and float64) and prints every value with
  // repr() (exact for float32 and float64) and the model's output for x.
  const auto r = run_python(python_prelude + R"PY(
m = model()
write_safetensors(sys.argv[1], m.state_dict(), {"format": "pt"})
write_safetensors(sys.argv[2], m.double().state_dict(), {"format": "pt"})
for name in ["0.weight", "0.bias", "2.weight", "2.bias"]:
    print(" ".join(repr(v) for v in m.state_dict()[name].flatten().tolist()))
print(" ".join(repr(v) for v in m(x).flatten().tolist()))
)PY",
                            {p32.string(), p64.string()});
  BOOST_REQUIRE_MESSAGE(r.status == 0, r.output);
  std::vector<std::vector<double>> expected;
  std::istringstream lines(r.output);
  for (std::string line; std::getline(lines, line);) expected.push_back(parse_numbers(line));
  BOOST_REQUIRE(expected.size() == 5u);
  BOOST_REQUIRE(expected[0].size() == 12u);
  BOOST_REQUIRE(expected[3].size() == 2u);

  const auto h = tn::io::inspect_safetensors(p32);
  BOOST_TEST(h.metadata.at("format") == "pt");
  BOOST_TEST(h.tensors.size() == 4u);

  tn::matrix<float, 3, 4> w0;
  tn::matrix<float, 3, 1> b0;
  tn::matrix<float, 2, 3> w2;
  tn::matrix<float, 2, 1> b2;
  tn::io::load_safetensors(p32, {tn::io::ref("0.weight", w0), tn::io::ref_1d("0.bias", b0), tn::io::ref("2.weight", w2),
                                 tn::io::ref_1d("2.bias", b2)});
  for (std::size_t i = 0; i < 12; ++i) BOOST_TEST(w0.values[i] == static_cast<float>(expected[0][i]));
  for (std::size_t i = 0; i < 3; ++i) BOOST_TEST(b0.values[i] == static_cast<float>(expected[1][i]));
  for (std::size_t i = 0; i < 6; ++i) BOOST_TEST(w2.values[i] == static_cast<float>(expected[2][i]));
  for (std::size_t i = 0; i < 2; ++i) BOOST_TEST(b2.values[i] == static_cast<float>(expected[3][i]));
  // Same values, both row-major: the same function as torch's module.
  const double x[4] = {0.1, -0.2, 0.3, 0.4};
  const auto y = forward(w0, b0, w2, b2, x);
  for (std::size_t i = 0; i < 2; ++i) BOOST_TEST(static_cast<double>(y[i]) == expected[4][i], boost::test_tools::tolerance(1e-12));

  // The float64 file into double matrices: the same values exactly; into floats: rounded.
  tn::matrix<double, 3, 4> w0d;
  tn::matrix<double, 3, 1> b0d;
  tn::matrix<double, 2, 3> w2d;
  tn::matrix<double, 2, 1> b2d;
  tn::io::load_safetensors(p64, {tn::io::ref("0.weight", w0d), tn::io::ref_1d("0.bias", b0d), tn::io::ref("2.weight", w2d),
                                 tn::io::ref_1d("2.bias", b2d)});
  for (std::size_t i = 0; i < 12; ++i) BOOST_TEST(w0d.values[i] == expected[0][i]);
  for (std::size_t i = 0; i < 2; ++i) BOOST_TEST(b2d.values[i] == expected[3][i]);
  tn::matrix<float, 3, 4> w0f;
  tn::io::load_safetensors(p64, {tn::io::ref("0.weight", w0f)});
  BOOST_TEST(w0f == w0);

  // A model of the wrong size is refused with the torch file's shapes.
  tn::matrix<float, 5, 4> wrong;
  const auto e = error_of([&] { tn::io::load_safetensors(p32, {tn::io::ref("0.weight", wrong)}); });
  BOOST_TEST(e == "typenet: load " + p32.string() + ": tensor 0.weight has shape 3x4 in the file, the model expects 5x4");
}

BOOST_AUTO_TEST_CASE(torch_loads_a_typenet_file) {
  temp_dir dir;
  for (const bool f64 : {false, true}) {
    const auto p = dir / (f64 ? "tn64.safetensors" : "tn32.safetensors");
    // Values from a formula that Python evaluates on its own: (k * 7 % 23 - 11) / 16 for the k-th
    // value of all tensors in order (exact in float).
    const auto value = [](std::size_t k) { return (static_cast<double>(k * 7 % 23) - 11.0) / 16.0; };
    std::size_t k = 0;
    const auto make = [&](auto& m) { for (auto& v : m) v = static_cast<std::remove_reference_t<decltype(v)>>(value(k++)); };
    const auto run = [&](auto& w0, auto& b0, auto& w2, auto& b2) {  // by reference: 64-byte aligned matrices
      make(w0);
      make(b0);
      make(w2);
      make(b2);
      tn::io::save_safetensors(p, {tn::io::ref("0.weight", w0), tn::io::ref_1d("0.bias", b0), tn::io::ref("2.weight", w2),
                                   tn::io::ref_1d("2.bias", b2)},
                               {{"producer", "typenet"}});
      const auto r = run_python(python_prelude + R"PY(
sd, meta = read_safetensors(sys.argv[1])
assert meta == {"producer": "typenet"}, meta
want_dtype = torch.float64 if sys.argv[2] == "1" else torch.float32
m = model()
if want_dtype == torch.float64:
    m = m.double()
assert all(t.dtype == want_dtype for t in sd.values()), [t.dtype for t in sd.values()]
m.load_state_dict(sd, strict=True)
k = 0
for name in ["0.weight", "0.bias", "2.weight", "2.bias"]:
    p = m.state_dict()[name]
    want = torch.tensor([((k + i) * 7 % 23 - 11) / 16 for i in range(p.numel())], dtype=want_dtype).reshape(p.shape)
    assert torch.equal(p, want), (name, p, want)
    k += p.numel()
print(" ".join(repr(v) for v in m(x.to(want_dtype)).flatten().tolist()))
)PY",
                                  {p.string(), f64 ? "1" : "0"});
      BOOST_REQUIRE_MESSAGE(r.status == 0, r.output);
      const auto y_torch = parse_numbers(r.output);
      BOOST_REQUIRE(y_torch.size() == 2u);
      const double x[4] = {0.1, -0.2, 0.3, 0.4};
      const auto y = forward(w0, b0, w2, b2, x);
      const double tol = f64 ? 1e-12 : 1e-6;  // torch computes in the file's precision
      for (std::size_t i = 0; i < 2; ++i) BOOST_TEST(static_cast<double>(y[i]) == y_torch[i], boost::test_tools::tolerance(tol));
    };
    if (f64) {
      tn::matrix<double, 3, 4> w0;
      tn::matrix<double, 1, 3> b0;
      tn::matrix<double, 2, 3> w2;
      tn::matrix<double, 2, 1> b2;
      run(w0, b0, w2, b2);
    } else {
      tn::matrix<float, 3, 4> w0;
      tn::matrix<float, 1, 3> b0;
      tn::matrix<float, 2, 3> w2;
      tn::matrix<float, 2, 1> b2;
      run(w0, b0, w2, b2);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

// --- .npy (io/npy.hpp): same tensor_ref, same guarantees -----------------------------

BOOST_AUTO_TEST_SUITE(npy)

BOOST_AUTO_TEST_CASE(round_trips_and_layout) {
  temp_dir dir;
  tn::matrix<float, 3, 4> w;
  fill(w, -2.0, 0.37);
  tn::io::save_npy(dir / "w.npy", tn::io::ref("w", w));
  const bytes raw = read_raw(dir / "w.npy");
  const std::string expected_header = "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }";
  BOOST_TEST(std::string(raw.begin() + 10, raw.begin() + 10 + static_cast<std::ptrdiff_t>(expected_header.size())) == expected_header);
  BOOST_TEST(raw[6] == 1);
  const std::size_t header_end = 10 + (raw[8] | (std::size_t{raw[9]} << 8));
  BOOST_TEST(header_end % 64 == 0u);
  BOOST_TEST(raw[header_end - 1] == '\n');
  BOOST_TEST(raw.size() == header_end + 48);
  tn::matrix<float, 3, 4> back;
  tn::io::load_npy(dir / "w.npy", tn::io::ref("w", back));
  BOOST_TEST(back == w);

  tn::matrix<double, 5, 1> b;
  fill(b, 0.1, 1.0 / 7.0);
  tn::io::save_npy(dir / "b.npy", tn::io::ref_1d("b", b));
  const auto h = tn::io::inspect_npy(dir / "b.npy");
  BOOST_TEST(h.descr == "<f8");
  BOOST_TEST((h.shape == std::vector<std::size_t>{5}));
  tn::matrix<double, 1, 5> bd;
  tn::io::load_npy(dir / "b.npy", tn::io::ref_1d("b", bd));
  BOOST_TEST(std::equal(b.begin(), b.end(), bd.begin()));
  tn::matrix<float, 5, 1> bf;
  tn::io::load_npy(dir / "b.npy", tn::io::ref_1d("b", bf));
  for (std::size_t i = 0; i < 5; ++i) BOOST_TEST(bf.values[i] == static_cast<float>(b.values[i]));

  double scalar = 2.5, scalar_back = 0;
  tn::io::save_npy(dir / "s.npy", tn::io::ref("s", std::span<double>(&scalar, 1), {}));
  BOOST_TEST(tn::io::inspect_npy(dir / "s.npy").shape.empty());
  tn::io::load_npy(dir / "s.npy", tn::io::ref("s", std::span<double>(&scalar_back, 1), {}));
  BOOST_TEST(scalar_back == 2.5);
  BOOST_TEST((dir.entries() == std::vector<std::string>{"b.npy", "s.npy", "w.npy"}));
}

BOOST_AUTO_TEST_CASE(refusals_leave_the_destination_untouched) {
  temp_dir dir;
  tn::matrix<float, 2, 3> w{1, 2, 3, 4, 5, 6};
  tn::io::save_npy(dir / "w.npy", tn::io::ref("w", w));
  const bytes raw = read_raw(dir / "w.npy");
  tn::matrix<float, 2, 3> dst;
  std::fill(dst.begin(), dst.end(), -4.0f);
  const auto p = dir / "bad.npy";
  const auto load = [&] { tn::io::load_npy(p, tn::io::ref("W1", dst)); };
  const auto with_header = [&](const std::string& dict, const bytes& data) {
    bytes b = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, static_cast<std::uint8_t>(dict.size()), 0};
    b.insert(b.end(), dict.begin(), dict.end());
    b.insert(b.end(), data.begin(), data.end());
    write_raw(p, b);
  };
  const bytes six = le_bytes<float>({1, 2, 3, 4, 5, 6});

  tn::matrix<float, 3, 2> other;
  BOOST_TEST(error_of([&] { tn::io::load_npy(dir / "w.npy", tn::io::ref("W1", other)); }) ==
             "typenet: load " + (dir / "w.npy").string() + ": the array has shape 2x3 in the file, W1 expects 3x2");
  write_raw(p, bytes(raw.begin(), raw.end() - 1));
  CHECK_CONTAINS(error_of(load), "truncated: shape 2x3 of '<f4' needs 24 bytes of data, the file has 23");
  write_raw(p, [&] { bytes b = raw; b.push_back(0); return b; }());
  CHECK_CONTAINS(error_of(load), "1 unexpected bytes after the data");
  write_raw(p, bytes(raw.begin(), raw.begin() + 40));
  CHECK_CONTAINS(error_of(load), "header length 118 is larger than the rest of the file (30 bytes): truncated");
  write_raw(p, bytes(raw.begin(), raw.begin() + 7));
  CHECK_CONTAINS(error_of(load), "truncated: 7 bytes");
  write_raw(p, {'P', 'K', 3, 4, 0, 0, 0, 0, 0, 0, 0, 0});
  CHECK_CONTAINS(error_of(load), "not a .npy file (bad magic bytes)");
  write_raw(p, [&] { bytes b = raw; b[7] = 1; return b; }());
  CHECK_CONTAINS(error_of(load), ".npy format version 1.1 is not supported (1.0, 2.0 and 3.0 are)");
  with_header("{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }", six);
  CHECK_CONTAINS(error_of(load), "the array has dtype '<i4', expected '<f4' (float32) or '<f8' (float64)");
  with_header("{'descr': '>f4', 'fortran_order': False, 'shape': (2, 3), }", six);
  CHECK_CONTAINS(error_of(load), "dtype '>f4'");
  with_header("{'descr': '<f4', 'fortran_order': False, }", six);
  CHECK_CONTAINS(error_of(load), "needs 'descr', 'fortran_order' and 'shape'");
  with_header("{'descr': '<f4', 'fortran_order': Maybe, 'shape': (2, 3), }", six);
  CHECK_CONTAINS(error_of(load), "malformed .npy header at byte 34: 'fortran_order' is not True or False");
  with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (2, -3), }", six);
  CHECK_CONTAINS(error_of(load), "'shape' entries must be non-negative integers");
  with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'x': 1}", six);
  CHECK_CONTAINS(error_of(load), "unexpected key 'x'");
  with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3) } junk", six);
  CHECK_CONTAINS(error_of(load), "unexpected text after the header dict");
  BOOST_TEST(all_equal_to(dst, -4.0f));

  // Fortran order is converted to row-major.
  with_header("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", le_bytes<float>({1, 4, 2, 5, 3, 6}));
  load();
  BOOST_TEST(dst == w);
}

BOOST_AUTO_TEST_CASE(every_flipped_byte_and_every_truncation_is_handled) {
  temp_dir dir;
  tn::matrix<float, 2, 3> w{1, 2, 3, 4, 5, 6};
  tn::io::save_npy(dir / "good.npy", tn::io::ref("w", w));
  const bytes raw = read_raw(dir / "good.npy");
  const auto p = dir / "x.npy";
  std::size_t refused = 0, loaded = 0;
  const auto attempt = [&](const bytes& file) {
    write_raw(p, file);
    tn::matrix<float, 2, 3> w2;
    std::fill(w2.begin(), w2.end(), -9.0f);
    try {
      tn::io::load_npy(p, tn::io::ref("w", w2));
      ++loaded;
    } catch (const tn::io_error& e) {
      ++refused;
      BOOST_TEST(std::string(e.what()).rfind("typenet: load " + p.string() + ": ", 0) == 0u, e.what());
      BOOST_TEST(all_equal_to(w2, -9.0f));
    }
  };
  for (std::size_t at = 0; at < raw.size(); ++at)
    for (const std::uint8_t mask : {std::uint8_t{0x01}, std::uint8_t{0x20}, std::uint8_t{0xFF}}) {
      bytes b = raw;
      b[at] ^= mask;
      attempt(b);
    }
  for (std::size_t len = 0; len < raw.size(); ++len) attempt(bytes(raw.begin(), raw.begin() + static_cast<std::ptrdiff_t>(len)));
  BOOST_TEST_MESSAGE(refused << " refused, " << loaded << " loaded");
  BOOST_TEST(refused > raw.size());
  BOOST_TEST(loaded == 3 * 24u);  // exactly the flips of data bytes
}

BOOST_AUTO_TEST_CASE(numpy_reads_and_writes_them, *utf::precondition(typenet_test::numpy_available)) {
  temp_dir dir;
  // numpy writes: float32 2-D, float64 1-D, a Fortran-order 3-D array, a version 2.0 file.
  const auto r = run_python(R"PY(
import sys, numpy as np
d = sys.argv[1]
a = (np.arange(12, dtype=np.float32).reshape(3, 4) - 5.5) / 3
b = np.array([0.1, 1 / 3, -2.5e-300], dtype=np.float64)
c = np.asfortranarray(np.arange(24, dtype=np.float64).reshape(2, 3, 4) / 7)
assert c.flags.f_contiguous and not c.flags.c_contiguous
np.save(d + "/a.npy", a)
np.save(d + "/b.npy", b)
np.save(d + "/c.npy", c)
with open(d + "/v2.npy", "wb") as f:
    np.lib.format.write_array(f, a, version=(2, 0))
for x in (a, b, c):
    print(" ".join(repr(float(v)) for v in np.ascontiguousarray(x).flatten()))
)PY",
                            {dir.path.string()});
  BOOST_REQUIRE_MESSAGE(r.status == 0, r.output);
  std::istringstream lines(r.output);
  std::vector<std::vector<double>> expected;
  for (std::string line; std::getline(lines, line);) expected.push_back(parse_numbers(line));
  BOOST_REQUIRE(expected.size() == 3u);

  tn::matrix<float, 3, 4> a;
  tn::io::load_npy(dir / "a.npy", tn::io::ref("a", a));
  for (std::size_t i = 0; i < 12; ++i) BOOST_TEST(a.values[i] == static_cast<float>(expected[0][i]));
  tn::matrix<float, 3, 4> a2;
  tn::io::load_npy(dir / "v2.npy", tn::io::ref("a", a2));
  BOOST_TEST(tn::io::inspect_npy(dir / "v2.npy").major_version == 2);
  BOOST_TEST(a2 == a);
  tn::matrix<double, 3, 1> b;
  tn::io::load_npy(dir / "b.npy", tn::io::ref_1d("b", b));
  for (std::size_t i = 0; i < 3; ++i) BOOST_TEST(b.values[i] == expected[1][i]);
  BOOST_TEST(tn::io::inspect_npy(dir / "c.npy").fortran_order);
  std::vector<double> c(24);
  tn::io::load_npy(dir / "c.npy", tn::io::ref("c", std::span<double>(c), {2, 3, 4}));
  for (std::size_t i = 0; i < 24; ++i) BOOST_TEST(c[i] == expected[2][i]);

  // typenet writes, numpy reads.
  tn::matrix<float, 2, 3> w{0.5f, -1.25f, 3.0f, 1e-3f, 7.0f, -0.0f};
  tn::matrix<double, 4, 1> v{1.0 / 3.0, 2.0, -1e-300, 4.0};
  tn::io::save_npy(dir / "w.npy", tn::io::ref("w", w));
  tn::io::save_npy(dir / "v.npy", tn::io::ref_1d("v", v));
  const auto r2 = run_python(R"PY(
import sys, numpy as np
d = sys.argv[1]
w = np.load(d + "/w.npy")
v = np.load(d + "/v.npy")
assert w.dtype == np.float32 and w.shape == (2, 3) and w.flags.c_contiguous, (w.dtype, w.shape)
assert v.dtype == np.float64 and v.shape == (4,), (v.dtype, v.shape)
assert np.array_equal(w, np.array([[0.5, -1.25, 3.0], [1e-3, 7.0, -0.0]], dtype=np.float32)), w
assert np.array_equal(v, np.array([1 / 3, 2.0, -1e-300, 4.0])), v
print("ok")
)PY",
                             {dir.path.string()});
  BOOST_TEST(r2.status == 0, r2.output);
  BOOST_TEST(r2.output == "ok\n");
}

BOOST_AUTO_TEST_SUITE_END()
