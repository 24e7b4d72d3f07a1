#pragma once
/// `tn::io_error`: the one exception type of the data readers and weight
/// files. The message always starts with `typenet: ` and names the file and
/// the problem, so that it can be shown to a user as it is.
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

namespace typenet {

struct io_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

namespace detail {
/// `typenet: <what> <path>: <problem>`, e.g. `typenet: load w.safetensors: tensor 2.bias is missing`.
[[noreturn]] inline void throw_io_error(std::string_view what, const std::filesystem::path& path,
                                        std::string_view problem) {
  std::string message = "typenet: ";
  message += what;
  message += ' ';
  message += path.string();
  message += ": ";
  message += problem;
  throw io_error(message);
}
}  // namespace detail

}  // namespace typenet
