#pragma once
/// IDX files (MNIST, Fashion-MNIST): unsigned-byte images and labels, raw or
/// gzip-compressed (recognised by the magic bytes 1f 8b, not by the name).
///
///   auto train = tn::data::load_idx<784>("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz");
///   // tn::data::dataset<float, 784, 10>, pixels scaled to [0, 1]
///
/// Everything in the file is checked: magic numbers, dimension counts, that
/// the data is exactly as long as the header says (no short reads, no
/// trailing bytes), that image and label counts agree, that labels are class
/// indices, and that images and labels were not passed in each other's slot.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <typenet/data/dataset.hpp>
#include <typenet/io/error.hpp>
#include <typenet/io/file.hpp>
#include <typenet/io/gzip.hpp>

namespace typenet::data {

/// The contents of an IDX file of unsigned bytes: its dimensions and values.
struct idx_array {
  std::vector<std::size_t> dims;
  std::vector<std::uint8_t> values;
};

namespace detail {

inline std::string idx_kind(std::size_t ndims) {
  switch (ndims) {
    case 1: return "a label file (magic 0x00000801)";
    case 3: return "an image file (magic 0x00000803)";
    default: return "an IDX file with " + std::to_string(ndims) + " dimensions";
  }
}

inline std::string dims_string(const std::vector<std::size_t>& dims) {
  std::string s;
  for (std::size_t i = 0; i < dims.size(); ++i) s += (i ? "x" : "") + std::to_string(dims[i]);
  return s;
}

}  // namespace detail

/// Reads an IDX file of unsigned bytes (type code 0x08) with `expected_dims`
/// dimensions. Throws io_error naming `path` and the problem.
inline idx_array read_idx(const std::filesystem::path& path, std::size_t expected_dims) {
  using typenet::detail::throw_io_error;
  std::vector<std::uint8_t> bytes = typenet::detail::read_file_bytes(path, "read");
  if (typenet::detail::is_gzip(bytes)) bytes = typenet::detail::gunzip(bytes, path);
  if (bytes.size() < 4) throw_io_error("read", path, "truncated: " + std::to_string(bytes.size()) +
                                                         " bytes, too short for an IDX header");
  if (bytes[0] != 0 || bytes[1] != 0)
    throw_io_error("read", path, "not an IDX file (bad magic number)");
  if (bytes[2] != 0x08)
    throw_io_error("read", path, "IDX element type 0x" + std::string(1, "0123456789abcdef"[bytes[2] >> 4]) +
                                     std::string(1, "0123456789abcdef"[bytes[2] & 15]) +
                                     " is not unsigned byte (0x08)");
  const std::size_t ndims = bytes[3];
  if (ndims != expected_dims)
    throw_io_error("read", path, "is " + detail::idx_kind(ndims) + ", expected " + detail::idx_kind(expected_dims) +
                                     (expected_dims == 3 && ndims == 1   ? " (labels passed as images?)"
                                      : expected_dims == 1 && ndims == 3 ? " (images passed as labels?)"
                                                                         : ""));
  const std::size_t header = 4 + 4 * ndims;
  if (bytes.size() < header)
    throw_io_error("read", path, "truncated: the header needs " + std::to_string(header) + " bytes, the file has " +
                                     std::to_string(bytes.size()));
  idx_array out;
  std::size_t count = 1;
  for (std::size_t d = 0; d < ndims; ++d) {
    const std::uint8_t* p = bytes.data() + 4 + 4 * d;
    const std::size_t n = (std::size_t{p[0]} << 24) | (std::size_t{p[1]} << 16) | (std::size_t{p[2]} << 8) | p[3];
    out.dims.push_back(n);
    constexpr std::size_t limit = std::size_t{1} << 40;  // far beyond any file this reads into memory
    if (n != 0 && count > limit / n)
      throw_io_error("read", path, "dimensions " + detail::dims_string(out.dims) + "... are implausibly large");
    count *= n;
  }
  const std::size_t have = bytes.size() - header;
  if (have < count)
    throw_io_error("read", path, "truncated: the header says " + detail::dims_string(out.dims) + " = " +
                                     std::to_string(count) + " values, the file has " + std::to_string(have));
  if (have > count)
    throw_io_error("read", path, std::to_string(have - count) + " unexpected bytes after the " +
                                     std::to_string(count) + " values of " + detail::dims_string(out.dims));
  bytes.erase(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(header));  // in place: no second buffer
  out.values = std::move(bytes);
  return out;
}

/// Options of load_idx.
struct idx_options {
  /// Labels must be smaller than this.
  std::size_t classes = 10;
};

/// Images and labels as a dataset with run-time extents: features = rows*cols,
/// pixels divided by 255.
template <class T = float>
[[nodiscard]] dataset<T> load_idx(const std::filesystem::path& images_path, const std::filesystem::path& labels_path,
                                  idx_options options = {}) {
  using typenet::detail::throw_io_error;
  const idx_array images = read_idx(images_path, 3);
  const idx_array labels = read_idx(labels_path, 1);
  const std::size_t n = images.dims[0];
  const std::size_t features = images.dims[1] * images.dims[2];
  if (labels.dims[0] != n)
    throw io_error("typenet: read " + images_path.string() + " and " + labels_path.string() + ": " +
                   std::to_string(n) + " images but " + std::to_string(labels.dims[0]) + " labels");
  if (features == 0) throw_io_error("read", images_path, "images are " + detail::dims_string({images.dims[1], images.dims[2]}) + ", they have no pixels");
  if (options.classes == 0 || options.classes > 256)
    throw io_error("typenet: load_idx: idx_options::classes must be in [1, 256], is " + std::to_string(options.classes));
  std::vector<label_type> y(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (labels.values[i] >= options.classes)
      throw_io_error("read", labels_path, "label " + std::to_string(labels.values[i]) + " of item " +
                                              std::to_string(i) + " is not a class index in [0, " +
                                              std::to_string(options.classes) + ")");
    y[i] = labels.values[i];
  }
  std::vector<T> x(images.values.size());
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<T>(images.values[i]) / T{255};
  return dataset<T>(features, options.classes, std::move(x), std::move(y),
                    images_path.string() + " + " + labels_path.string());
}

/// Images and labels as `dataset<T, Features, Classes>`; throws io_error if
/// the images do not have exactly `Features` pixels (rows*cols).
template <std::size_t Features, std::size_t Classes = 10, class T = float>
[[nodiscard]] dataset<T, Features, Classes> load_idx(const std::filesystem::path& images_path,
                                                     const std::filesystem::path& labels_path) {
  auto d = load_idx<T>(images_path, labels_path, {.classes = Classes});
  if (d.features() != Features)
    typenet::detail::throw_io_error("read", images_path,
                                    "images have " + std::to_string(d.features()) +
                                        " pixels (rows x cols), the dataset type expects " + std::to_string(Features));
  return dataset<T, Features, Classes>(std::move(d));
}

}  // namespace typenet::data
