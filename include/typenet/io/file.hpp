#pragma once
/// Reading a whole file into memory, with errors that name the file. Only
/// regular files are read: a device (/dev/zero would never end), a FIFO (it
/// would block until a writer comes), a socket or a directory is refused up
/// front, before it is opened for reading. The buffer is sized by the
/// file's size, never by a field inside the file. POSIX only.
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <new>
#include <string>
#include <string_view>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <typenet/io/error.hpp>

namespace typenet::detail {

/// "a character device", "a FIFO (named pipe)", ...: what a non-regular file is.
inline const char* file_kind(mode_t mode) noexcept {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

/// An open regular file; closed on scope exit.
class readable_file {
 public:
  readable_file(const std::filesystem::path& path, std::string_view what) : path_(path), what_(what) {
    struct stat st{};
    if (::stat(path.c_str(), &st) != 0) {
      const int e = errno;
      if (e == ENOENT || e == ENOTDIR) throw_io_error(what, path, "no such file");
      throw_io_error(what, path, std::string("cannot open: ") + std::strerror(e));
    }
    if (S_ISDIR(st.st_mode)) throw_io_error(what, path, "is a directory, not a file");
    if (!S_ISREG(st.st_mode)) throw_io_error(what, path, std::string("is ") + file_kind(st.st_mode) + ", not a regular file");
    // O_NONBLOCK: should the path have become a FIFO since the stat, open must not wait for a writer.
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd_ < 0) throw_io_error(what, path, std::string("cannot open: ") + std::strerror(errno));
    if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode)) {
      ::close(fd_);
      throw_io_error(what, path, "is not a regular file (it changed while being opened)");
    }
    size_ = static_cast<std::uint64_t>(st.st_size);
  }
  readable_file(const readable_file&) = delete;
  readable_file& operator=(const readable_file&) = delete;
  ~readable_file() { ::close(fd_); }

  /// The size at opening.
  [[nodiscard]] std::uint64_t size() const noexcept { return size_; }

  /// Reads up to `n` bytes into `to`; fewer only at the end of the file.
  std::size_t read(std::uint8_t* to, std::size_t n) {
    std::size_t done = 0;
    while (done < n) {
      const ::ssize_t got = ::read(fd_, to + done, n - done);
      if (got < 0) {
        if (errno == EINTR) continue;
        throw_io_error(what_, path_, std::string("read error: ") + std::strerror(errno));
      }
      if (got == 0) break;
      done += static_cast<std::size_t>(got);
    }
    return done;
  }

 private:
  const std::filesystem::path& path_;
  std::string_view what_;
  int fd_ = -1;
  std::uint64_t size_ = 0;
};

/// The bytes of `path`; `what` is the verb of the error message ("read", "load").
inline std::vector<std::uint8_t> read_file_bytes(const std::filesystem::path& path, std::string_view what) {
  readable_file file(path, what);
  if (file.size() > static_cast<std::uint64_t>(PTRDIFF_MAX))
    throw_io_error(what, path, "is too large to read into memory (" + std::to_string(file.size()) + " bytes)");
  std::vector<std::uint8_t> bytes;
  try {
    bytes.resize(static_cast<std::size_t>(file.size()));
  } catch (const std::bad_alloc&) {
    throw_io_error(what, path, "cannot allocate " + std::to_string(file.size()) + " bytes to read it");
  }
  std::size_t have = file.read(bytes.data(), bytes.size());
  if (have < bytes.size()) {
    bytes.resize(have);  // shrank while being read
    return bytes;
  }
  // Grown while being read (or a file whose size is not known, as in /proc): read on in steps.
  std::uint8_t chunk[1 << 14];
  for (std::size_t got; (got = file.read(chunk, sizeof chunk)) > 0;) bytes.insert(bytes.end(), chunk, chunk + got);
  return bytes;
}

/// The first `n` bytes of `path` (fewer if the file is shorter) and the file's size.
struct file_head {
  std::vector<std::uint8_t> bytes;
  std::uint64_t size = 0;
};
inline file_head read_file_head(const std::filesystem::path& path, std::string_view what, std::size_t n) {
  readable_file file(path, what);
  file_head head{std::vector<std::uint8_t>(n), file.size()};
  head.bytes.resize(file.read(head.bytes.data(), n));
  return head;
}

}  // namespace typenet::detail
