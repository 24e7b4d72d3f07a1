#pragma once
/// A small, strict JSON parser (RFC 8259) for file headers such as
/// safetensors'. Numbers are kept as their text; `as_size` reads a
/// non-negative integer exactly. Parsing takes time linear in the input
/// (duplicate keys are found with a hash set). Errors are `json_error` with the byte offset;
/// callers turn them into io_error naming their file.
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <functional>
#include <unordered_set>
#include <vector>

namespace typenet::detail::json {

struct json_error {
  std::size_t offset;
  std::string what;
};

struct value {
  enum class kind { null, boolean, number, string, array, object };
  kind type = kind::null;
  bool boolean = false;
  std::string text;                 // a string's value or a number's literal
  std::vector<value> items;         // array elements, or object values
  std::vector<std::string> keys;    // object keys, in file order, parallel to items

  [[nodiscard]] const value* find(std::string_view key) const {
    for (std::size_t i = 0; i < keys.size(); ++i)
      if (keys[i] == key) return &items[i];
    return nullptr;
  }
  /// A non-negative integer literal that fits std::size_t; nullopt otherwise.
  [[nodiscard]] std::optional<std::size_t> as_size() const {
    if (type != kind::number) return std::nullopt;
    std::uint64_t v = 0;
    const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
    if (r.ec != std::errc{} || r.ptr != text.data() + text.size() || v > SIZE_MAX) return std::nullopt;
    return static_cast<std::size_t>(v);
  }
};

inline const char* kind_name(value::kind k) {
  switch (k) {
    case value::kind::null: return "null";
    case value::kind::boolean: return "a boolean";
    case value::kind::number: return "a number";
    case value::kind::string: return "a string";
    case value::kind::array: return "an array";
    case value::kind::object: return "an object";
  }
  return "?";
}

class parser {
 public:
  explicit parser(std::string_view s) : s_(s) {}

  /// The whole input as one value; only whitespace may follow it.
  value parse_document() {
    value v = parse_value(0);
    skip_ws();
    if (i_ != s_.size()) fail("unexpected text after the JSON value");
    return v;
  }

 private:
  [[noreturn]] void fail(std::string what) const { throw json_error{i_, std::move(what)}; }

  void skip_ws() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
  }
  void expect(char c) {
    skip_ws();
    if (i_ == s_.size()) fail(std::string("expected '") + c + "', found the end of the header");
    if (s_[i_] != c) fail(std::string("expected '") + c + "', found '" + s_[i_] + "'");
    ++i_;
  }

  value parse_value(int depth) {
    if (depth > 64) fail("nested too deeply");
    skip_ws();
    if (i_ == s_.size()) fail("expected a value, found the end of the header");
    value v;
    const char c = s_[i_];
    if (c == '{') {
      v.type = value::kind::object;
      ++i_;
      // Duplicate keys in linear time: the first few are compared directly, beyond that a hash
      // set of indices into v.keys (which may move as it grows) takes over.
      constexpr std::size_t scan_limit = 16;
      const auto hash = [&v](std::size_t k) { return std::hash<std::string>{}(v.keys[k]); };
      const auto equal = [&v](std::size_t a, std::size_t b) { return v.keys[a] == v.keys[b]; };
      std::unordered_set<std::size_t, decltype(hash), decltype(equal)> seen(0, hash, equal);
      const auto is_new = [&] {
        const std::size_t k = v.keys.size() - 1;
        if (k < scan_limit) {
          for (std::size_t j = 0; j < k; ++j)
            if (v.keys[j] == v.keys[k]) return false;
          return true;
        }
        if (seen.empty())
          for (std::size_t j = 0; j < k; ++j) seen.insert(j);
        return seen.insert(k).second;
      };
      skip_ws();
      if (i_ < s_.size() && s_[i_] == '}') {
        ++i_;
        return v;
      }
      for (;;) {
        skip_ws();
        if (i_ == s_.size() || s_[i_] != '"') fail("expected a string key");
        const std::size_t key_at = i_;
        v.keys.push_back(parse_string());
        if (!is_new()) {
          i_ = key_at;
          fail("duplicate key \"" + v.keys.back() + "\"");
        }
        expect(':');
        v.items.push_back(parse_value(depth + 1));
        skip_ws();
        if (i_ < s_.size() && s_[i_] == ',') {
          ++i_;
          continue;
        }
        expect('}');
        return v;
      }
    }
    if (c == '[') {
      v.type = value::kind::array;
      ++i_;
      skip_ws();
      if (i_ < s_.size() && s_[i_] == ']') {
        ++i_;
        return v;
      }
      for (;;) {
        v.items.push_back(parse_value(depth + 1));
        skip_ws();
        if (i_ < s_.size() && s_[i_] == ',') {
          ++i_;
          continue;
        }
        expect(']');
        return v;
      }
    }
    if (c == '"') {
      v.type = value::kind::string;
      v.text = parse_string();
      return v;
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
      v.type = value::kind::number;
      v.text = parse_number();
      return v;
    }
    for (std::string_view word : {"true", "false", "null"}) {
      if (s_.substr(i_, word.size()) == word) {
        i_ += word.size();
        v.type = word == "null" ? value::kind::null : value::kind::boolean;
        v.boolean = word == "true";
        return v;
      }
    }
    fail(std::string("unexpected character '") + c + "'");
  }

  std::string parse_number() {
    const std::size_t start = i_;
    const auto digits = [&] {
      const std::size_t d = i_;
      while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') ++i_;
      return i_ - d;
    };
    if (s_[i_] == '-') ++i_;
    if (i_ < s_.size() && s_[i_] == '0') {
      ++i_;
      if (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') fail("leading zero in a number");
    } else if (digits() == 0) {
      fail("malformed number");
    }
    if (i_ < s_.size() && s_[i_] == '.') {
      ++i_;
      if (digits() == 0) fail("malformed number");
    }
    if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
      ++i_;
      if (i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-')) ++i_;
      if (digits() == 0) fail("malformed number");
    }
    return std::string(s_.substr(start, i_ - start));
  }

  unsigned hex4() {
    if (s_.size() - i_ < 4) fail("truncated \\u escape");
    unsigned v = 0;
    for (int k = 0; k < 4; ++k) {
      const char h = s_[i_++];
      v <<= 4;
      if (h >= '0' && h <= '9') v |= static_cast<unsigned>(h - '0');
      else if (h >= 'a' && h <= 'f') v |= static_cast<unsigned>(h - 'a' + 10);
      else if (h >= 'A' && h <= 'F') v |= static_cast<unsigned>(h - 'A' + 10);
      else fail("bad \\u escape");
    }
    return v;
  }

  std::string parse_string() {
    ++i_;  // the opening quote
    std::string out;
    for (;;) {
      if (i_ == s_.size()) fail("unterminated string");
      const char c = s_[i_];
      if (c == '"') {
        ++i_;
        return out;
      }
      if (static_cast<unsigned char>(c) < 0x20) fail("control character in a string");
      if (c != '\\') {
        out += c;
        ++i_;
        continue;
      }
      ++i_;
      if (i_ == s_.size()) fail("unterminated string");
      const char e = s_[i_++];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          unsigned cp = hex4();
          if (cp >= 0xD800 && cp < 0xDC00) {
            if (s_.substr(i_, 2) != "\\u") fail("unpaired surrogate in \\u escape");
            i_ += 2;
            const unsigned lo = hex4();
            if (lo < 0xDC00 || lo >= 0xE000) fail("unpaired surrogate in \\u escape");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          } else if (cp >= 0xDC00 && cp < 0xE000) {
            fail("unpaired surrogate in \\u escape");
          }
          if (cp < 0x80) {
            out += static_cast<char>(cp);
          } else if (cp < 0x800) {
            out += static_cast<char>(0xC0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 0x3F));
          } else if (cp < 0x10000) {
            out += static_cast<char>(0xE0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
          } else {
            out += static_cast<char>(0xF0 | (cp >> 18));
            out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
          }
          break;
        }
        default: --i_; fail(std::string("bad escape '\\") + e + "'");
      }
    }
  }

  std::string_view s_;
  std::size_t i_ = 0;
};

/// `s` as a JSON string literal.
inline std::string quote(std::string_view s) {
  std::string out = "\"";
  for (const char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          static constexpr char hex[] = "0123456789abcdef";
          out += "\\u00";
          out += hex[(c >> 4) & 0xF];
          out += hex[c & 0xF];
        } else {
          out += c;
        }
    }
  }
  return out + '"';
}

}  // namespace typenet::detail::json
