#pragma once
/// gzip (RFC 1952) decompression with zlib (Debian: zlib1g-dev; typenet::typenet
/// links ZLIB::ZLIB). Every member's CRC-32 and length are checked by zlib,
/// so corrupt or truncated input is an io_error naming the file, never
/// silently wrong or short data. Concatenated members decompress to the
/// concatenation (as gzip -d does); zero padding after the last member is
/// allowed, anything else is not.
///
/// Memory: the output grows as data arrives (it starts at about twice the
/// compressed size and doubles), never from what the file claims: the
/// trailer's ISIZE field is not trusted. Decompressing more than `limit`
/// bytes (default `gunzip_default_limit`, 2 GiB) is an io_error, and so is
/// an allocation that fails on the way, so a gzip bomb ends in a clear error
/// instead of std::bad_alloc.
#include <algorithm>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <new>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <zlib.h>

#include <typenet/io/error.hpp>

namespace typenet::detail {

/// The default largest decompressed size `gunzip` accepts: 2 GiB.
inline constexpr std::size_t gunzip_default_limit = std::size_t{1} << 31;

/// True if `bytes` starts with the gzip magic 1f 8b.
inline bool is_gzip(std::span<const std::uint8_t> bytes) noexcept {
  return bytes.size() >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b;
}

namespace gzip {

/// zlib's message for a corrupt stream, in the words of this library's errors.
inline std::string describe(const char* zlib_message) {
  const std::string_view m = zlib_message ? zlib_message : "corrupt compressed data";
  if (m == "incorrect data check") return "CRC-32 mismatch (corrupt compressed data)";
  if (m == "incorrect length check") return "length mismatch (corrupt compressed data)";
  if (m == "unknown compression method") return "unknown gzip compression method";
  if (m == "unknown header flags set") return "reserved gzip header flags set";
  if (m == "incorrect header check") return "not gzip data (bad magic bytes)";
  if (m == "header crc mismatch") return "gzip header CRC mismatch";
  return "corrupt compressed data (zlib: " + std::string(m) + ")";
}

/// A z_stream set up for gzip decoding, ended on scope exit.
class stream {
 public:
  // 16 + MAX_WBITS: the gzip wrapper only (not raw deflate, not zlib), the largest window.
  stream() : ok_(inflateInit2(&z_, 16 + MAX_WBITS) == Z_OK) {}
  stream(const stream&) = delete;
  stream& operator=(const stream&) = delete;
  ~stream() {
    if (ok_) inflateEnd(&z_);
  }
  [[nodiscard]] bool ok() const noexcept { return ok_; }
  z_stream* operator->() noexcept { return &z_; }
  z_stream* get() noexcept { return &z_; }

 private:
  z_stream z_{};
  bool ok_;
};

}  // namespace gzip

/// The decompressed contents of the gzip data `in` (all members) read from
/// `path`; `what` is the verb of the error message. Throws io_error naming
/// `path` on corrupt, truncated or trailing-garbage input, and on output
/// larger than `limit` bytes.
inline std::vector<std::uint8_t> gunzip(std::span<const std::uint8_t> in, const std::filesystem::path& path,
                                        std::string_view what = "read", std::size_t limit = gunzip_default_limit) {
  const auto fail = [&](const std::string& problem) { throw_io_error(what, path, "gzip: " + problem); };
  if (in.size() < 10) fail("truncated gzip header");
  if (!is_gzip(in)) fail("not gzip data (bad magic bytes)");

  std::vector<std::uint8_t> out;
  std::size_t produced = 0;
  const auto grow = [&] {
    if (out.size() >= limit)
      fail("decompresses to more than " + std::to_string(limit) + " bytes, the limit (a gzip bomb or a corrupt file?)");
    const std::size_t want = out.empty() ? std::min(limit, 2 * std::min(in.size(), limit / 2) + (std::size_t{1} << 16))
                                         : std::min(limit, out.size() > limit / 2 ? limit : 2 * out.size());
    try {
      out.resize(want);
    } catch (const std::bad_alloc&) {
      fail("cannot allocate " + std::to_string(want) + " bytes for the decompressed data");
    }
  };

  gzip::stream z;
  if (!z.ok()) fail("cannot set up zlib (out of memory?)");
  std::size_t consumed = 0;  // input bytes handed to zlib so far (whole members and the current one)
  for (;;) {
    if (produced == out.size()) grow();
    // avail_in / avail_out are 32-bit: feed at most UINT_MAX bytes at a time.
    const std::size_t in_chunk = std::min<std::size_t>(in.size() - consumed, UINT_MAX);
    const std::size_t out_chunk = std::min<std::size_t>(out.size() - produced, UINT_MAX);
    z->next_in = const_cast<Bytef*>(in.data() + consumed);  // zlib's API is not const-correct; never written
    z->avail_in = static_cast<uInt>(in_chunk);
    z->next_out = out.data() + produced;
    z->avail_out = static_cast<uInt>(out_chunk);
    const int rc = inflate(z.get(), Z_NO_FLUSH);
    consumed += in_chunk - z->avail_in;
    produced += out_chunk - z->avail_out;
    if (rc == Z_STREAM_END) {
      // Another member follows, or zero padding, or garbage.
      const auto rest = in.subspan(consumed);
      if (is_gzip(rest)) {
        if (inflateReset(z.get()) != Z_OK) fail("cannot reset the zlib stream");
        continue;
      }
      if (std::any_of(rest.begin(), rest.end(), [](std::uint8_t b) { return b != 0; }))
        fail("trailing garbage after the gzip data");
      break;
    }
    if (rc == Z_DATA_ERROR) fail(gzip::describe(z->msg));
    if (rc == Z_MEM_ERROR) fail("zlib ran out of memory");
    if (rc == Z_NEED_DICT) fail("corrupt compressed data (a preset dictionary is needed)");
    // Z_OK or Z_BUF_ERROR: zlib wants more input or more output space.
    if (z->avail_out == 0) continue;
    if (consumed == in.size()) fail("truncated (the compressed data ends early)");
    if (rc != Z_OK && rc != Z_BUF_ERROR) fail("zlib error " + std::to_string(rc));
  }
  out.resize(produced);
  return out;
}

}  // namespace typenet::detail
