#pragma once
// Running Python scripts from tests with Debian's /usr/bin/python3 (which has
// python3-torch and python3-numpy; the `python3` on PATH may be another
// interpreter). Tests that need torch use the precondition `torch_available`,
// so they are skipped with a message, not failed, where torch is missing.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

namespace typenet_test {

/// /usr/bin/python3, or $TYPENET_TEST_PYTHON (e.g. to check that the interop tests skip cleanly).
inline std::string python_interpreter() {
  const char* env = std::getenv("TYPENET_TEST_PYTHON");
  return env && *env ? env : "/usr/bin/python3";
}

struct python_result {
  int status = -1;     // the exit status; -1 if it did not exit normally
  std::string output;  // stdout and stderr
};

/// `s` quoted for a POSIX shell.
inline std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (const char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

/// The folder of python/typenet_safetensors.py, the reader/writer shipped for
/// Python users; tests pass it to their scripts for sys.path.
inline std::string python_module_dir() {
  return (std::filesystem::path(__FILE__).lexically_normal().parent_path().parent_path().parent_path() / "python").string();
}

/// Runs `script` (Python source) with `args` as sys.argv[1:].
inline python_result run_python(const std::string& script, const std::vector<std::string>& args = {}) {
  std::string tmpl = (std::filesystem::temp_directory_path() / "typenet-py-XXXXXX").string();
  const int fd = ::mkstemp(tmpl.data());
  if (fd < 0) return {-1, "cannot create a temporary script file"};
  ::close(fd);
  {
    std::ofstream out(tmpl);
    out << script;
  }
  std::string command = shell_quote(python_interpreter()) + " " + shell_quote(tmpl);
  for (const auto& a : args) command += " " + shell_quote(a);
  command += " 2>&1";
  python_result r;
  if (FILE* pipe = ::popen(command.c_str(), "r")) {
    char buffer[4096];
    std::size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) r.output.append(buffer, n);
    const int status = ::pclose(pipe);
    r.status = status != -1 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  std::filesystem::remove(tmpl);
  return r;
}

/// Whether /usr/bin/python3 can import `modules` (e.g. "torch, numpy"); asked once per list.
inline bool python_can_import(const std::string& modules) {
  static std::vector<std::pair<std::string, bool>> cache;
  for (const auto& [m, ok] : cache)
    if (m == modules) return ok;
  const bool ok = std::filesystem::exists(python_interpreter()) && run_python("import " + modules + "\n").status == 0;
  cache.emplace_back(modules, ok);
  return ok;
}

/// Boost.Test precondition: torch and numpy importable by /usr/bin/python3.
inline boost::test_tools::assertion_result torch_available(boost::unit_test::test_unit_id) {
  boost::test_tools::assertion_result r(python_can_import("torch, numpy"));
  r.message() << "skipped: " << python_interpreter() << " cannot import torch and numpy (Debian's python3-torch, python3-numpy)";
  return r;
}

/// Boost.Test precondition: numpy importable by /usr/bin/python3.
inline boost::test_tools::assertion_result numpy_available(boost::unit_test::test_unit_id) {
  boost::test_tools::assertion_result r(python_can_import("numpy"));
  r.message() << "skipped: " << python_interpreter() << " cannot import numpy (Debian's python3-numpy)";
  return r;
}

}  // namespace typenet_test
