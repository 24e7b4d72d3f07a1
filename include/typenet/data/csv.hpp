#pragma once
/// Numeric CSV with one integer class-label column, or with K real-valued
/// target columns:
///
///   auto iris = tn::data::load_csv<4, 3>("iris.csv", {.label_column = -1, .has_header = true});
///   // tn::data::dataset<float, 4, 3>
///   auto wine = tn::data::load_csv<11, tn::data::real<1>>("wine.csv", {.has_header = true, .delimiter = ';'});
///   // tn::data::real_dataset<float, 11, 1>: the last column is the target
///
/// Fields may be quoted ("1.5", with "" for a quote); blank lines and a UTF-8
/// byte-order mark are ignored, CRLF line ends accepted, gzip recognised by
/// its magic bytes. Anything else that is not a number is an error that
/// names the file, the line and the column: ragged rows, empty or
/// non-numeric fields, NaN or infinite values, non-integer or negative
/// labels, a file without data rows, a column count that is not Features + K
/// for real targets.
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <typenet/data/dataset.hpp>
#include <typenet/data/real.hpp>
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
  /// Real targets (load_csv<Features, real<K>>) are K consecutive columns.
  /// 0 or more: the 0-based column of the first of them; negative: counted
  /// from the end, the column of the last of them (-1: the last K columns).
  std::ptrdiff_t target_column = -1;
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

inline std::string csv_at(std::size_t line, std::size_t column) {
  return "line " + std::to_string(line) + ", column " + std::to_string(column) + ": ";
}

/// The text of a non-empty field as a number's characters: a leading '+' is
/// skipped (from_chars does not take it).
inline std::pair<const char*, const char*> csv_number_text(const std::string& f, const std::filesystem::path& path,
                                                           std::size_t line, std::size_t column) {
  if (f.empty()) typenet::detail::throw_io_error("read", path, csv_at(line, column) + "empty field");
  return {f.data() + (f[0] == '+' && f.size() > 1 && f[1] != '-' ? 1 : 0), f.data() + f.size()};
}

/// Field `f` (line `line`, 1-based column `column`) as a finite number.
template <class T>
T parse_csv_real(const std::string& f, const std::filesystem::path& path, std::size_t line, std::size_t column) {
  using typenet::detail::throw_io_error;
  const auto [first, last] = csv_number_text(f, path, line, column);
  T v{};
  const auto r = std::from_chars(first, last, v);
  if (r.ec == std::errc::result_out_of_range) throw_io_error("read", path, csv_at(line, column) + "'" + f + "' is out of range");
  if (r.ec != std::errc{} || r.ptr != last) throw_io_error("read", path, csv_at(line, column) + "'" + f + "' is not a number");
  if (!std::isfinite(v)) throw_io_error("read", path, csv_at(line, column) + "'" + f + "' is not a finite number");
  return v;
}

/// Reads a CSV file line by line: `on_columns(columns, line)` once, for the
/// first non-blank line (a header or not), then `on_row(fields, line)` for
/// every data row. Blank lines, a byte-order mark, CRLF and gzip are handled
/// here, and so are the errors that do not depend on what the columns mean:
/// NUL bytes, unterminated quotes, ragged rows, a file without data rows.
template <class OnColumns, class OnRow>
void read_csv_rows(const std::filesystem::path& path, const csv_options& options, OnColumns&& on_columns,
                   OnRow&& on_row) {
  using typenet::detail::throw_io_error;
  std::vector<std::uint8_t> bytes = typenet::detail::read_file_bytes(path, "read");
  if (typenet::detail::is_gzip(bytes)) bytes = typenet::detail::gunzip(bytes, path);
  std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  if (text.find('\0') != std::string_view::npos) throw_io_error("read", path, "contains NUL bytes: not a text CSV file");

  std::vector<std::string> fields;
  std::size_t columns = 0, first_line = 0, line_no = 0, rows = 0;
  bool header_pending = options.has_header;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    if (!split_csv_line(line, options.delimiter, fields))
      throw_io_error("read", path, "line " + std::to_string(line_no) + ": unterminated quoted field");
    if (columns == 0) {
      columns = fields.size();
      first_line = line_no;
      on_columns(columns, line_no);
    } else if (fields.size() != columns) {
      throw_io_error("read", path, "line " + std::to_string(line_no) + " has " + std::to_string(fields.size()) +
                                       " fields, expected " + std::to_string(columns) + " (as on line " +
                                       std::to_string(first_line) + ")");
    }
    if (header_pending) {
      header_pending = false;
      continue;
    }
    on_row(fields, line_no);
    ++rows;
  }
  if (rows == 0) throw_io_error("read", path, columns == 0 ? "empty file (no rows)" : "no data rows (only a header)");
}

}  // namespace detail

/// A CSV file as a dataset with run-time extents: features = columns - 1.
template <class T = float>
[[nodiscard]] dataset<T> load_csv(const std::filesystem::path& path, csv_options options = {}) {
  using typenet::detail::throw_io_error;
  if (options.target_column != -1)
    throw_io_error("read", path, "csv_options::target_column is " + std::to_string(options.target_column) +
                                     ", but it places real targets (load_csv<Features, real<K>>); a class label's "
                                     "column is csv_options::label_column");
  std::vector<T> x;
  std::vector<label_type> y;
  std::size_t columns = 0, label_col = 0;
  label_type max_label = -1;
  const auto on_columns = [&](std::size_t n, std::size_t line_no) {
    columns = n;
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
  };
  const auto on_row = [&](const std::vector<std::string>& fields, std::size_t line_no) {
    for (std::size_t c = 0; c < columns; ++c) {
      const std::string& f = fields[c];
      if (c != label_col) {
        x.push_back(detail::parse_csv_real<T>(f, path, line_no, c + 1));
        continue;
      }
      const auto [first, last] = detail::csv_number_text(f, path, line_no, c + 1);
      long long v = 0;
      const auto r = std::from_chars(first, last, v);
      if (r.ec != std::errc{} || r.ptr != last || v < 0 || v > 1'000'000'000)
        throw_io_error("read", path, detail::csv_at(line_no, c + 1) + "label '" + f + "' is not a class index (an integer >= 0)");
      if (options.classes != 0 && static_cast<std::size_t>(v) >= options.classes)
        throw_io_error("read", path, detail::csv_at(line_no, c + 1) + "label " + f + " is not a class index in [0, " +
                                         std::to_string(options.classes) + ")");
      y.push_back(static_cast<label_type>(v));
      if (y.back() > max_label) max_label = y.back();
    }
  };
  detail::read_csv_rows(path, options, on_columns, on_row);
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

/// A CSV file of `Features` feature columns and K real-valued target columns
/// as `real_dataset<T, Features, K>`. The targets are K consecutive columns
/// placed by `csv_options::target_column` (the last K by default); every
/// other column is a feature, in file order. Each row must have exactly
/// Features + K columns; every field must be a finite number (the errors of
/// the class loader, naming file, line and column). `label_column` and
/// `classes` are for class labels and must be left at their defaults.
template <std::size_t Features, class Targets, class T = float>
  requires is_real_v<Targets>
[[nodiscard]] auto load_csv(const std::filesystem::path& path, csv_options options = {}) {
  // -> real_dataset<T, Features, K>; deduced, so that real<0>'s error comes from this body, not from substituting
  // the signature (which clang reports as a second error, "no matching function")
  using typenet::detail::throw_io_error;
  constexpr std::size_t K = Targets::targets;
  const std::string call = "load_csv<" + std::to_string(Features) + ", real<" + std::to_string(K) + ">>";
  if (options.classes != 0)
    throw_io_error("read", path, call + ": csv_options::classes is " + std::to_string(options.classes) +
                                     ", but real targets have no classes");
  if (options.label_column != -1)
    throw_io_error("read", path, call + ": csv_options::label_column is " + std::to_string(options.label_column) +
                                     ", but real targets are placed by csv_options::target_column");
  std::vector<T> x, y;
  std::size_t first_target = 0;
  const auto on_columns = [&](std::size_t columns, std::size_t line_no) {
    if (columns != Features + K)
      throw_io_error("read", path, "line " + std::to_string(line_no) + " has " + std::to_string(columns) + " field" +
                                       (columns == 1 ? "" : "s") + ", " + call + " expects " +
                                       std::to_string(Features + K) + " (" + std::to_string(Features) +
                                       " features and " + std::to_string(K) + " target" + (K == 1 ? "" : "s") +
                                       "; is the delimiter '" + std::string(1, options.delimiter) + "'?)");
    const auto n = static_cast<std::ptrdiff_t>(columns), k = static_cast<std::ptrdiff_t>(K);
    const std::ptrdiff_t t = options.target_column >= 0 ? options.target_column : n + options.target_column - (k - 1);
    if (t < 0 || t + k > n)
      throw_io_error("read", path, "csv_options::target_column " + std::to_string(options.target_column) + " puts " +
                                       (K == 1 ? std::string("the target column") : "the " + std::to_string(K) + " target columns") +
                                       " outside the " + std::to_string(columns) + " columns of line " + std::to_string(line_no));
    first_target = static_cast<std::size_t>(t);
  };
  const auto on_row = [&](const std::vector<std::string>& fields, std::size_t line_no) {
    for (std::size_t c = 0; c < fields.size(); ++c)
      (c >= first_target && c < first_target + K ? y : x).push_back(detail::parse_csv_real<T>(fields[c], path, line_no, c + 1));
  };
  detail::read_csv_rows(path, options, on_columns, on_row);
  return real_dataset<T, Features, K>(std::move(x), std::move(y), path.string());
}

}  // namespace typenet::data
