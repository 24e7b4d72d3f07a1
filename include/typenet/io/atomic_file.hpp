#pragma once
/// Writing a file atomically: readers see the old contents or the new, never
/// a part. The bytes go to a temporary file `<target>.tmp-XXXXXXXX` in the
/// target's directory (same file system, so the rename is atomic), are
/// flushed and fsync'ed, and the temporary file is renamed over the target;
/// on any failure it is removed and the target is untouched.
///
/// A process killed during a save (SIGKILL, power loss) cannot remove its
/// temporary file; the next save to the same path does. While a save runs it
/// holds an flock on its temporary file, so a save to the same path from
/// another process never removes a temporary file that is still being
/// written: only those whose writer is gone (the kernel drops the lock with
/// the process; a save whose temporary file is taken in the microseconds
/// between its creation and its lock fails with an error, the target
/// untouched). POSIX only.
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <system_error>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <typenet/io/error.hpp>

namespace typenet::detail {

/// Test hook: when set, called before each step of a save ("open", "write",
/// "fsync", "rename") with the temporary file's path; a non-zero
/// return makes that step fail with that errno, as a full disk (ENOSPC) or
/// an I/O error (EIO) would. Never set outside tests.
inline int (*atomic_file_fault)(std::string_view step, const std::string& tmp) = nullptr;

/// True if `name` is `<target>.tmp-` followed by 8 of [a-z0-9]: a temporary file of a save to `target`.
inline bool is_temporary_of(std::string_view name, std::string_view target) noexcept {
  constexpr std::string_view tag = ".tmp-";
  if (name.size() != target.size() + tag.size() + 8 || name.substr(0, target.size()) != target ||
      name.substr(target.size(), tag.size()) != tag)
    return false;
  for (const char c : name.substr(target.size() + tag.size()))
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return false;
  return true;
}

/// Removes the temporary files that interrupted saves to `path` left behind
/// (those no live save holds a lock on). Best effort: errors are ignored.
inline void remove_abandoned_temporaries(const std::filesystem::path& path, const std::filesystem::path& dir) {
  const std::string target = path.filename().string();
  std::error_code ec;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!is_temporary_of(name, target)) continue;
    const int fd = ::open(it->path().c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0) continue;
    struct stat st{};
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && ::flock(fd, LOCK_EX | LOCK_NB) == 0) ::unlink(it->path().c_str());
    ::close(fd);  // drops the lock
  }
}

/// Writes `out` to `path` atomically; throws io_error `typenet: <what> <path>: ...` on failure.
inline void write_file_atomically(const std::filesystem::path& path, std::span<const std::uint8_t> out,
                                  std::string_view what) {
  const auto fail = [&](const std::string& problem) { throw_io_error(what, path, problem); };
  const auto errno_text = [](int e) { return std::string(std::strerror(e)); };
  const auto fault = [&](std::string_view step, const std::string& tmp) {
    if (atomic_file_fault == nullptr) return 0;
    return atomic_file_fault(step, tmp);
  };
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
    if (const int e = fault("open", tmp)) {
      errno = e;
    } else {
      fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    }
    if (fd < 0 && errno != EEXIST)
      fail("cannot create a temporary file in " + dir.string() + ": " + errno_text(errno));
  }
  if (fd < 0) fail("cannot create a temporary file in " + dir.string() + ": too many name collisions");
  // Ours until renamed or removed: no other save's clean-up takes it (see the top of this file).
  (void)::flock(fd, LOCK_EX);

  const auto abandon = [&](const std::string& problem, int err) {
    ::unlink(tmp.c_str());  // before the close that drops the lock
    if (fd >= 0) ::close(fd);
    fail(problem + ": " + errno_text(err));
  };
  const auto step = [&](std::string_view name, auto&& call) {
    if (const int e = fault(name, tmp)) {
      errno = e;
      return false;
    }
    return call();
  };
  std::size_t done = 0;
  while (done < out.size()) {
    ::ssize_t w = -1;
    if (!step("write", [&] { return (w = ::write(fd, out.data() + done, out.size() - done)) >= 0; })) {
      if (errno == EINTR) continue;
      abandon("cannot write " + tmp, errno);
    }
    done += static_cast<std::size_t>(w);
  }
  if (!step("fsync", [&] { return ::fsync(fd) == 0; })) abandon("cannot flush " + tmp + " to disk", errno);
  if (!step("rename", [&] { return ::rename(tmp.c_str(), path.c_str()) == 0; }))
    abandon("cannot rename " + tmp + " to the target", errno);
  // The data is in place; a failing close of a file already fsync'ed loses nothing.
  ::close(fd);
  fd = -1;
  // Make the rename itself durable; a failure here leaves a complete file in place, so it is not an error.
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    (void)::fsync(dfd);
    ::close(dfd);
  }
  remove_abandoned_temporaries(path, dir);
}

}  // namespace typenet::detail
