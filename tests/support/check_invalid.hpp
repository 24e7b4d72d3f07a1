#pragma once
// Test support: a check that a call throws std::invalid_argument whose
// message starts with `start` and contains every one of `parts` (the
// std::invalid_argument twin of temp_dir.hpp's check_error for io_error).
#include <initializer_list>
#include <stdexcept>
#include <string>

#include <boost/test/unit_test.hpp>

namespace typenet_test {

template <class F>
void check_invalid_argument(F&& f, const std::string& start, std::initializer_list<std::string> parts) {
  try {
    f();
    BOOST_ERROR("no std::invalid_argument thrown; expected one starting with " << start);
  } catch (const std::invalid_argument& e) {
    const std::string what = e.what();
    BOOST_TEST_MESSAGE(what);
    BOOST_TEST(what.rfind(start, 0) == 0u, what);
    for (const auto& p : parts) BOOST_TEST(what.find(p) != std::string::npos, "'" << p << "' not in: " << what);
  }
}

}  // namespace typenet_test
