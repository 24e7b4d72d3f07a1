#pragma once
/// gzip (RFC 1952) decompression without a dependency: a small inflate
/// (RFC 1951) in the manner of Mark Adler's puff.c, canonical Huffman codes
/// decoded a bit at a time. Fast enough for data sets (tens of MB/s); every
/// member's CRC-32 and length are checked, so corrupt or truncated input is
/// an error, never silently wrong or short data.
#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <typenet/io/error.hpp>

namespace typenet::detail::gzip {

inline constexpr int max_bits = 15;

struct corrupt {
  const char* why;
};

inline const std::array<std::uint32_t, 256>& crc_table() {
  static const std::array<std::uint32_t, 256> table = [] {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t n = 0; n < 256; ++n) {
      std::uint32_t c = n;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[n] = c;
    }
    return t;
  }();
  return table;
}

inline std::uint32_t crc32(const std::uint8_t* p, std::size_t n) {
  const auto& t = crc_table();
  std::uint32_t c = 0xFFFFFFFFu;
  for (std::size_t i = 0; i < n; ++i) c = t[(c ^ p[i]) & 0xFFu] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

struct huffman {
  std::array<short, max_bits + 1> count{};
  std::array<short, 288> symbol{};
};

class inflater {
 public:
  inflater(std::span<const std::uint8_t> in, std::size_t pos, std::vector<std::uint8_t>& out)
      : in_(in), pos_(pos), out_(out) {}

  /// Inflates one deflate stream; returns the input position after it (byte aligned).
  std::size_t run() {
    int last = 0;
    do {
      last = bits(1);
      switch (bits(2)) {
        case 0: stored(); break;
        case 1: fixed(); break;
        case 2: dynamic(); break;
        default: throw corrupt{"invalid deflate block type"};
      }
    } while (!last);
    bitbuf_ = 0;
    bitcnt_ = 0;
    return pos_;
  }

 private:
  int bits(int need) {
    std::uint64_t val = bitbuf_;
    while (bitcnt_ < need) {
      if (pos_ == in_.size()) throw corrupt{"truncated (the compressed data ends early)"};
      val |= std::uint64_t{in_[pos_++]} << bitcnt_;
      bitcnt_ += 8;
    }
    bitbuf_ = val >> need;
    bitcnt_ -= need;
    return static_cast<int>(val & ((std::uint64_t{1} << need) - 1));
  }

  void stored() {
    bitbuf_ = 0;
    bitcnt_ = 0;
    if (in_.size() - pos_ < 4) throw corrupt{"truncated (the compressed data ends early)"};
    const unsigned len = in_[pos_] | (unsigned{in_[pos_ + 1]} << 8);
    const unsigned nlen = in_[pos_ + 2] | (unsigned{in_[pos_ + 3]} << 8);
    pos_ += 4;
    if (len != (~nlen & 0xFFFFu)) throw corrupt{"stored block length check failed"};
    if (in_.size() - pos_ < len) throw corrupt{"truncated (the compressed data ends early)"};
    out_.insert(out_.end(), in_.begin() + static_cast<std::ptrdiff_t>(pos_),
                in_.begin() + static_cast<std::ptrdiff_t>(pos_ + len));
    pos_ += len;
  }

  int decode(const huffman& h) {
    int code = 0, first = 0, index = 0;
    for (int len = 1; len <= max_bits; ++len) {
      code |= bits(1);
      const int count = h.count[static_cast<std::size_t>(len)];
      if (code - count < first) return h.symbol[static_cast<std::size_t>(index + (code - first))];
      index += count;
      first += count;
      first <<= 1;
      code <<= 1;
    }
    throw corrupt{"invalid Huffman code"};
  }

  /// 0: complete code, > 0: incomplete, < 0: over-subscribed.
  static int construct(huffman& h, const short* length, int n) {
    h.count.fill(0);
    for (int s = 0; s < n; ++s) ++h.count[static_cast<std::size_t>(length[s])];
    if (h.count[0] == n) return 0;
    int left = 1;
    for (std::size_t len = 1; len <= max_bits; ++len) {
      left <<= 1;
      left -= h.count[len];
      if (left < 0) return left;
    }
    std::array<short, max_bits + 1> offs{};
    for (std::size_t len = 1; len < max_bits; ++len) offs[len + 1] = static_cast<short>(offs[len] + h.count[len]);
    for (int s = 0; s < n; ++s)
      if (length[s] != 0) h.symbol[static_cast<std::size_t>(offs[static_cast<std::size_t>(length[s])]++)] = static_cast<short>(s);
    return left;
  }

  void codes(const huffman& lencode, const huffman& distcode) {
    static constexpr short lens[29] = {3,  4,  5,  6,  7,  8,  9,  10, 11,  13,  15,  17,  19,  23, 27,
                                       31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
    static constexpr short lext[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
    static constexpr int dists[30] = {1,   2,   3,   4,   5,   7,    9,    13,   17,   25,   33,   49,   65,    97,    129,
                                      193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
    static constexpr short dext[30] = {0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};
    for (;;) {
      int symbol = decode(lencode);
      if (symbol < 256) {
        out_.push_back(static_cast<std::uint8_t>(symbol));
        continue;
      }
      if (symbol == 256) return;
      symbol -= 257;
      if (symbol >= 29) throw corrupt{"invalid length code"};
      const std::size_t len = static_cast<std::size_t>(lens[symbol] + bits(lext[symbol]));
      symbol = decode(distcode);
      if (symbol >= 30) throw corrupt{"invalid distance code"};
      const std::size_t dist = static_cast<std::size_t>(dists[symbol] + bits(dext[symbol]));
      if (dist > out_.size() - start_) throw corrupt{"distance too far back"};
      std::size_t from = out_.size() - dist;
      for (std::size_t k = 0; k < len; ++k) {
        const std::uint8_t byte = out_[from++];
        out_.push_back(byte);
      }
    }
  }

  void fixed() {
    static const auto tables = [] {
      std::pair<huffman, huffman> t;
      short lengths[288];
      int s = 0;
      for (; s < 144; ++s) lengths[s] = 8;
      for (; s < 256; ++s) lengths[s] = 9;
      for (; s < 280; ++s) lengths[s] = 7;
      for (; s < 288; ++s) lengths[s] = 8;
      construct(t.first, lengths, 288);
      for (s = 0; s < 30; ++s) lengths[s] = 5;
      construct(t.second, lengths, 30);
      return t;
    }();
    codes(tables.first, tables.second);
  }

  void dynamic() {
    static constexpr short order[19] = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};
    short lengths[286 + 30]{};
    const int nlen = bits(5) + 257;
    const int ndist = bits(5) + 1;
    const int ncode = bits(4) + 4;
    if (nlen > 286 || ndist > 30) throw corrupt{"bad code counts in a dynamic block"};
    int index = 0;
    for (; index < ncode; ++index) lengths[order[index]] = static_cast<short>(bits(3));
    for (; index < 19; ++index) lengths[order[index]] = 0;
    huffman lencode, distcode;
    if (construct(lencode, lengths, 19) != 0) throw corrupt{"incomplete code-length code"};
    index = 0;
    while (index < nlen + ndist) {
      int symbol = decode(lencode);
      if (symbol < 16) {
        lengths[index++] = static_cast<short>(symbol);
        continue;
      }
      short len = 0;
      if (symbol == 16) {
        if (index == 0) throw corrupt{"repeat with no first length"};
        len = lengths[index - 1];
        symbol = 3 + bits(2);
      } else if (symbol == 17) {
        symbol = 3 + bits(3);
      } else {
        symbol = 11 + bits(7);
      }
      if (index + symbol > nlen + ndist) throw corrupt{"too many code lengths"};
      while (symbol--) lengths[index++] = len;
    }
    if (lengths[256] == 0) throw corrupt{"no end-of-block code"};
    int err = construct(lencode, lengths, nlen);
    if (err < 0 || (err > 0 && nlen != lencode.count[0] + lencode.count[1])) throw corrupt{"bad literal/length code"};
    err = construct(distcode, lengths + nlen, ndist);
    if (err < 0 || (err > 0 && ndist != distcode.count[0] + distcode.count[1])) throw corrupt{"bad distance code"};
    codes(lencode, distcode);
  }

  std::span<const std::uint8_t> in_;
  std::size_t pos_;
  std::vector<std::uint8_t>& out_;
  std::size_t start_ = out_.size();
  std::uint64_t bitbuf_ = 0;
  int bitcnt_ = 0;
};

}  // namespace typenet::detail::gzip

namespace typenet::detail {

/// True if `bytes` starts with the gzip magic 1f 8b.
inline bool is_gzip(std::span<const std::uint8_t> bytes) noexcept {
  return bytes.size() >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b;
}

/// The decompressed contents of the gzip data `in` (all members) read from `path`.
/// Throws io_error naming `path` on corrupt, truncated or trailing-garbage input.
inline std::vector<std::uint8_t> gunzip(std::span<const std::uint8_t> in, const std::filesystem::path& path,
                                        std::string_view what = "read") {
  std::vector<std::uint8_t> out;
  if (in.size() >= 4) {
    const std::size_t n = in.size();
    const std::uint32_t isize = in[n - 4] | (std::uint32_t{in[n - 3]} << 8) | (std::uint32_t{in[n - 2]} << 16) |
                                (std::uint32_t{in[n - 1]} << 24);
    if (isize / 1032 <= in.size()) out.reserve(isize);  // deflate expands at most 1032:1; a larger claim is corrupt
  }
  std::size_t pos = 0;
  try {
    do {
      const std::size_t start = out.size();
      if (in.size() - pos < 10) throw gzip::corrupt{"truncated gzip header"};
      if (in[pos] != 0x1f || in[pos + 1] != 0x8b) throw gzip::corrupt{"not gzip data (bad magic bytes)"};
      if (in[pos + 2] != 8) throw gzip::corrupt{"unknown gzip compression method"};
      const std::uint8_t flags = in[pos + 3];
      if (flags & 0xE0) throw gzip::corrupt{"reserved gzip header flags set"};
      pos += 10;
      if (flags & 0x04) {  // FEXTRA
        if (in.size() - pos < 2) throw gzip::corrupt{"truncated gzip header"};
        const std::size_t xlen = in[pos] | (std::size_t{in[pos + 1]} << 8);
        pos += 2;
        if (in.size() - pos < xlen) throw gzip::corrupt{"truncated gzip header"};
        pos += xlen;
      }
      for (std::uint8_t flag : {std::uint8_t{0x08}, std::uint8_t{0x10}}) {  // FNAME, FCOMMENT
        if (!(flags & flag)) continue;
        while (pos < in.size() && in[pos] != 0) ++pos;
        if (pos == in.size()) throw gzip::corrupt{"truncated gzip header"};
        ++pos;
      }
      if (flags & 0x02) {  // FHCRC
        if (in.size() - pos < 2) throw gzip::corrupt{"truncated gzip header"};
        pos += 2;
      }
      pos = gzip::inflater(in, pos, out).run();
      if (in.size() - pos < 8) throw gzip::corrupt{"truncated (the gzip trailer is missing)"};
      const auto le32 = [&](std::size_t p) {
        return in[p] | (std::uint32_t{in[p + 1]} << 8) | (std::uint32_t{in[p + 2]} << 16) |
               (std::uint32_t{in[p + 3]} << 24);
      };
      if (le32(pos) != gzip::crc32(out.data() + start, out.size() - start))
        throw gzip::corrupt{"CRC-32 mismatch (corrupt compressed data)"};
      if (le32(pos + 4) != static_cast<std::uint32_t>(out.size() - start))
        throw gzip::corrupt{"length mismatch (corrupt compressed data)"};
      pos += 8;
    } while (is_gzip(in.subspan(pos)));  // concatenated members decompress to the concatenation
    // Zero padding after the last member is allowed by gzip(1); anything else is not.
    for (; pos < in.size(); ++pos)
      if (in[pos] != 0) throw gzip::corrupt{"trailing garbage after the gzip data"};
  } catch (const gzip::corrupt& e) {
    throw_io_error(what, path, std::string("gzip: ") + e.why);
  }
  return out;
}

}  // namespace typenet::detail
