#pragma once
// Test support for the file readers' tests: whole files as bytes, little-endian
// values as bytes, and the message of the io_error a call throws.
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>
#include <typenet/io/error.hpp>

namespace typenet_test {

using bytes = std::vector<std::uint8_t>;

inline bytes read_raw(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return bytes(std::istreambuf_iterator<char>(in), {});
}
inline void write_raw(const std::filesystem::path& p, const bytes& b) {
  std::ofstream out(p, std::ios::binary);
  out.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
  BOOST_REQUIRE(out.good());
}
/// The values' bytes in memory order (little-endian on every host typenet supports).
template <class T>
bytes le_bytes(std::initializer_list<T> values) {
  bytes b(values.size() * sizeof(T));
  std::memcpy(b.data(), std::data(values), b.size());
  return b;
}
/// The message of the io_error `f` throws; a test error if it throws none.
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const typenet::io_error& e) {
    BOOST_TEST_MESSAGE(e.what());
    return e.what();
  }
  BOOST_ERROR("no io_error thrown");
  return {};
}

}  // namespace typenet_test
