#pragma once
// Test support for file-based tests: a fresh temporary directory removed with
// everything in it (permissions restored first, for tests that revoke them),
// and a check that a call throws tn::io_error with a message naming every
// given part.
#include <stdlib.h>  // mkdtemp

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <string>
#include <system_error>
#include <vector>

#include <boost/test/unit_test.hpp>
#include <typenet/io/error.hpp>

namespace typenet_test {

struct temp_dir {
  std::filesystem::path path;
  explicit temp_dir(const std::string& prefix = "typenet") {
    std::string tmpl = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
    BOOST_REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::permissions(path, std::filesystem::perms::owner_all, std::filesystem::perm_options::add, ec);
    std::filesystem::remove_all(path, ec);
  }
  std::filesystem::path operator/(const std::string& name) const { return path / name; }
  /// The names in the directory, sorted.
  std::vector<std::string> entries() const {
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(path)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }
  /// Writes `text` to the file `name` in the directory; returns its path.
  std::filesystem::path write(const std::string& name, const std::string& text) const {
    std::ofstream out(path / name, std::ios::binary);
    out << text;
    BOOST_REQUIRE(out.good());
    return path / name;
  }
};

/// Runs f, requires an io_error whose message starts with "typenet: " and
/// contains every one of `parts`.
template <class F>
void check_error(F&& f, std::initializer_list<std::string> parts) {
  try {
    f();
    BOOST_ERROR("no io_error thrown; expected one mentioning " << *parts.begin());
  } catch (const typenet::io_error& e) {
    const std::string what = e.what();
    BOOST_TEST_MESSAGE(what);
    BOOST_TEST(what.rfind("typenet: ", 0) == 0u, what);
    for (const auto& p : parts) BOOST_TEST(what.find(p) != std::string::npos, "'" << p << "' not in: " << what);
  }
}

}  // namespace typenet_test
