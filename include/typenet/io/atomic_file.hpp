#pragma once
/// Writing a file atomically: readers see the old contents or the new, never
/// a part. The bytes go to a temporary file in the target's directory (same
/// file system, so the rename is atomic), are flushed and fsync'ed, and the
/// temporary file is renamed over the target; on any failure it is removed
/// and the target is untouched. POSIX only.
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <random>
#include <span>
#include <string>
#include <string_view>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <typenet/io/error.hpp>

namespace typenet::detail {

/// Writes `out` to `path` atomically; throws io_error `typenet: <what> <path>: ...` on failure.
inline void write_file_atomically(const std::filesystem::path& path, std::span<const std::uint8_t> out,
                                  std::string_view what) {
  const auto fail = [&](const std::string& problem) { throw_io_error(what, path, problem); };
  const auto errno_text = [](int e) { return std::string(std::strerror(e)); };
  // O_EXCL with a random name rather than mkstemp, so that the umask applies as for any new file.
  const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  std::string tmp;
  int fd = -1;
  std::random_device rd;
  for (int attempt = 0; attempt < 100 && fd < 0; ++attempt) {
    static constexpr char chars[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    std::string suffix;
    for (int k = 0; k < 8; ++k) suffix += chars[rd() % 36];
    tmp = path.string() + ".tmp-" + suffix;
    fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0 && errno != EEXIST)
      fail("cannot create a temporary file in " + dir.string() + ": " + errno_text(errno));
  }
  if (fd < 0) fail("cannot create a temporary file in " + dir.string() + ": too many name collisions");

  const auto abandon = [&](const std::string& problem, int err) {
    if (fd >= 0) ::close(fd);
    ::unlink(tmp.c_str());
    fail(problem + ": " + errno_text(err));
  };
  std::size_t done = 0;
  while (done < out.size()) {
    const ::ssize_t w = ::write(fd, out.data() + done, out.size() - done);
    if (w < 0) {
      if (errno == EINTR) continue;
      abandon("cannot write " + tmp, errno);
    }
    done += static_cast<std::size_t>(w);
  }
  if (::fsync(fd) != 0) abandon("cannot flush " + tmp + " to disk", errno);
  const int fd_closed = fd;
  fd = -1;
  if (::close(fd_closed) != 0) abandon("cannot close " + tmp, errno);
  if (::rename(tmp.c_str(), path.c_str()) != 0) abandon("cannot rename " + tmp + " to the target", errno);
  // Make the rename itself durable; a failure here leaves a complete file in place, so it is not an error.
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    (void)::fsync(dfd);
    ::close(dfd);
  }
}

}  // namespace typenet::detail
