#pragma once
/// Reading a whole file into memory, with errors that name the file.
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <typenet/io/error.hpp>

namespace typenet::detail {

/// The bytes of `path`; `what` is the verb of the error message ("read", "load").
inline std::vector<std::uint8_t> read_file_bytes(const std::filesystem::path& path, std::string_view what) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) throw_io_error(what, path, "no such file");
  if (std::filesystem::is_directory(status)) throw_io_error(what, path, "is a directory, not a file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw_io_error(what, path, std::string("cannot open: ") + std::strerror(errno));
  std::vector<std::uint8_t> bytes;
  char buffer[1 << 16];
  while (in) {
    in.read(buffer, sizeof buffer);
    const auto got = static_cast<std::size_t>(in.gcount());
    bytes.insert(bytes.end(), reinterpret_cast<const std::uint8_t*>(buffer),
                 reinterpret_cast<const std::uint8_t*>(buffer) + got);
  }
  if (in.bad()) throw_io_error(what, path, "read error");
  return bytes;
}

}  // namespace typenet::detail
