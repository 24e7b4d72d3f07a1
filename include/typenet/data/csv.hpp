#pragma once
/// Numeric CSV with one integer class-label column:
///
///   auto iris = tn::data::load_csv<4, 3>("iris.csv", {.label_column = -1, .has_header = true});
///   // tn::data::dataset<float, 4, 3>
///
/// Fields may be quoted ("1.5", with "" for a quote); blank lines and a UTF-8
/// byte-order mark are ignored, CRLF line ends accepted, gzip recognised by
/// its magic bytes. Anything else that is not a number is an error that
/// names the file, the line and the column: ragged rows, empty or
/// non-numeric fields, NaN or infinite values, non-integer or negative
/// labels, a file without data rows.
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <typenet/data/dataset.hpp>
#include <typenet/io/error.hpp>
#include <typenet/io/file.hpp>
#include <typenet/io/gzip.hpp>

namespace typenet::data {

struct csv_options {
  /// The column of the class label, 0-based; negative counts from the end (-1: the last column).
  std::ptrdiff_t label_column = -1;
  /// Skip the first non-blank line.
  bool has_header = false;
  char delimiter = ',';
  /// Labels must be smaller than this; 0: the largest label + 1.
  std::size_t classes = 0;
};

namespace detail {

/// Splits one line into fields (quotes removed); returns false on an unterminated quote.
inline bool split_csv_line(std::string_view line, char delimiter, std::vector<std::string>& fields) {
  fields.clear();
  std::string field;
  std::size_t i = 0;
  for (;;) {
    field.clear();
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t') && line[i] != delimiter) ++i;
    if (i < line.size() && line[i] == '"') {
      ++i;
      for (;;) {
        if (i == line.size()) return false;
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            field += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        field += line[i++];
      }
      while (i < line.size() && line[i] != delimiter) field += line[i++];  // text after the quote: kept, so it fails as a number
    } else {
      while (i < line.size() && line[i] != delimiter) field += line[i++];
    }
    while (!field.empty() && (field.back() == ' ' || field.back() == '\t')) field.pop_back();
    fields.push_back(field);
    if (i == line.size()) return true;
    ++i;  // the delimiter
  }
}

}  // namespace detail

/// A CSV file as a dataset with run-time extents: features = columns - 1.
template <class T = float>
[[nodiscard]] dataset<T> load_csv(const std::filesystem::path& path, csv_options options = {}) {
  using typenet::detail::throw_io_error;
  std::vector<std::uint8_t> bytes = typenet::detail::read_file_bytes(path, "read");
  if (typenet::detail::is_gzip(bytes)) bytes = typenet::detail::gunzip(bytes, path);
  std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  if (text.find('\0') != std::string_view::npos) throw_io_error("read", path, "contains NUL bytes: not a text CSV file");

  const auto at = [&](std::size_t line, std::size_t column) {
    return "line " + std::to_string(line) + ", column " + std::to_string(column) + ": ";
  };

  std::vector<T> x;
  std::vector<label_type> y;
  std::vector<std::string> fields;
  std::size_t columns = 0, first_line = 0, label_col = 0, line_no = 0;
  bool header_pending = options.has_header;
  label_type max_label = -1;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    if (!detail::split_csv_line(line, options.delimiter, fields))
      throw_io_error("read", path, "line " + std::to_string(line_no) + ": unterminated quoted field");
    if (columns == 0) {
      columns = fields.size();
      first_line = line_no;
      if (columns < 2)
        throw_io_error("read", path, "line " + std::to_string(line_no) + " has " + std::to_string(columns) +
                                         " field, expected at least 2 (features and a label; is the delimiter '" +
                                         std::string(1, options.delimiter) + "'?)");
      const std::ptrdiff_t c = options.label_column < 0 ? static_cast<std::ptrdiff_t>(columns) + options.label_column
                                                        : options.label_column;
      if (c < 0 || c >= static_cast<std::ptrdiff_t>(columns))
        throw_io_error("read", path, "label column " + std::to_string(options.label_column) + " does not exist (line " +
                                         std::to_string(line_no) + " has " + std::to_string(columns) + " columns)");
      label_col = static_cast<std::size_t>(c);
    } else if (fields.size() != columns) {
      throw_io_error("read", path, "line " + std::to_string(line_no) + " has " + std::to_string(fields.size()) +
                                       " fields, expected " + std::to_string(columns) + " (as on line " +
                                       std::to_string(first_line) + ")");
    }
    if (header_pending) {
      header_pending = false;
      continue;
    }
    for (std::size_t c = 0; c < columns; ++c) {
      const std::string& f = fields[c];
      if (f.empty()) throw_io_error("read", path, at(line_no, c + 1) + "empty field");
      const char* first = f.data() + (f[0] == '+' && f.size() > 1 && f[1] != '-' ? 1 : 0);
      const char* last = f.data() + f.size();
      if (c == label_col) {
        long long v = 0;
        const auto r = std::from_chars(first, last, v);
        if (r.ec != std::errc{} || r.ptr != last || v < 0 || v > 1'000'000'000)
          throw_io_error("read", path, at(line_no, c + 1) + "label '" + f + "' is not a class index (an integer >= 0)");
        if (options.classes != 0 && static_cast<std::size_t>(v) >= options.classes)
          throw_io_error("read", path, at(line_no, c + 1) + "label " + f + " is not a class index in [0, " +
                                           std::to_string(options.classes) + ")");
        y.push_back(static_cast<label_type>(v));
        if (y.back() > max_label) max_label = y.back();
      } else {
        T v{};
        const auto r = std::from_chars(first, last, v);
        if (r.ec == std::errc::result_out_of_range)
          throw_io_error("read", path, at(line_no, c + 1) + "'" + f + "' is out of range");
        if (r.ec != std::errc{} || r.ptr != last)
          throw_io_error("read", path, at(line_no, c + 1) + "'" + f + "' is not a number");
        if (!std::isfinite(v)) throw_io_error("read", path, at(line_no, c + 1) + "'" + f + "' is not a finite number");
        x.push_back(v);
      }
    }
  }
  if (y.empty())
    throw_io_error("read", path, columns == 0 ? "empty file (no rows)" : "no data rows (only a header)");
  const std::size_t classes = options.classes != 0 ? options.classes : static_cast<std::size_t>(max_label) + 1;
  return dataset<T>(columns - 1, classes, std::move(x), std::move(y), path.string());
}

/// A CSV file as `dataset<T, Features, Classes>`; throws io_error if the rows do
/// not have exactly `Features` feature columns (or a label is >= Classes).
template <std::size_t Features, std::size_t Classes = dynamic, class T = float>
[[nodiscard]] dataset<T, Features, Classes> load_csv(const std::filesystem::path& path, csv_options options = {}) {
  if constexpr (Classes != dynamic) {
    if (options.classes != 0 && options.classes != Classes)
      throw io_error("typenet: load_csv<" + std::to_string(Features) + ", " + std::to_string(Classes) + ">(" +
                     path.string() + "): csv_options::classes is " + std::to_string(options.classes));
    options.classes = Classes;
  }
  auto d = load_csv<T>(path, options);
  if (d.features() != Features)
    typenet::detail::throw_io_error("read", path,
                                    "rows have " + std::to_string(d.features()) + " features (" +
                                        std::to_string(d.features() + 1) +
                                        " columns minus the label), the dataset type expects " + std::to_string(Features));
  return dataset<T, Features, Classes>(std::move(d));
}

}  // namespace typenet::data
