#pragma once
/// `tn::save(p, path)` / `tn::load(p, path)`: a network's parameters as a
/// safetensors file with nn.Sequential's names (`0.weight` out x in, `0.bias`
/// of shape [out]), so the file is the state_dict of the equivalent
/// `torch.nn.Sequential`. F32 and F64 load into float and double parameters
/// alike.
///
/// The file's `__metadata__` records what it was saved from, readable in
/// Python with `safe_open(path, "pt").metadata()`:
///   "typenet.network": "input<784> dense<16> sigmoid dense<10> softmax"
///   "typenet.dtype":   "float32"
/// `tn::load` refuses a file whose "typenet.network" differs from the
/// model's (two networks with the same layer sizes but other activations
/// would otherwise load each other's weights silently), naming both; the
/// element type is not compared (it is converted). Files without it
/// (written by PyTorch) load with the name and shape checks only.
///
/// Saving is atomic and refuses non-finite weights (a diverged network must
/// not replace a good file); loading checks the structure, every name and
/// shape, refuses NaN and infinity unless `io::load_options::allow_non_finite`,
/// and changes nothing unless the whole file is valid.
#include <cstddef>
#include <filesystem>
#include <map>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <typenet/io/safetensors.hpp>
#include <typenet/nn/network.hpp>
#include <typenet/nn/params.hpp>

namespace typenet {

namespace detail {
template <class Net, class T, class P>
std::vector<io::tensor_ref> tensor_refs(P& p) {
  std::vector<io::tensor_ref> refs;
  refs.reserve(params<Net, T>::count);
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    // biases and layer-norm gains are kept as 1 x n rows and stored as
    // PyTorch's 1-D [n]; weights are out x in
    auto add = [&]<std::size_t J>(std::integral_constant<std::size_t, J>) {
      const std::string name{params<Net, T>::template name<J>};
      if constexpr (Net::parameter_roles[J] != parameter_role::weight)
        refs.push_back(io::ref_1d(name, p.template get<J>()));
      else refs.push_back(io::ref(name, p.template get<J>()));
    };
    (add(std::integral_constant<std::size_t, I>{}), ...);
  }(std::make_index_sequence<params<Net, T>::count>{});
  return refs;
}

/// One entry of a network as it appears in "typenet.network": input<784>, dense<16>, sigmoid.
template <class L>
std::string entry_text() {
  if constexpr (is_input<L>::value) {
    return "input<" + std::to_string(L::width) + ">";
  } else if constexpr (is_dense<L>::value) {
    return "dense<" + std::to_string(L::outputs) + ">";
  } else if constexpr (std::is_same_v<L, identity_layer>) {
    return "identity";
  } else if constexpr (std::is_same_v<L, layer_norm_function>) {
    return "layer_norm";
  } else {
    using op = typename activation_op<L>::type;
    static_assert(!std::is_void_v<op>, "typenet: network_structure: not a network entry");
    return std::string(op::name);
  }
}

template <class Net>
struct structure_of;
template <auto... Entries>
struct structure_of<network<Entries...>> {
  static std::string text() {
    std::string s;
    ((s += (s.empty() ? "" : " ") + entry_text<std::remove_cv_t<decltype(Entries)>>()), ...);
    return s;
  }
};

inline constexpr const char* network_key = "typenet.network";
inline constexpr const char* dtype_key = "typenet.dtype";
}  // namespace detail

/// The structure tn::save records: "input<784> dense<16> sigmoid dense<10> softmax".
template <class Net>
[[nodiscard]] std::string network_structure() {
  return detail::structure_of<Net>::text();
}

/// Writes `p` to `path` (safetensors, atomically) with `metadata` and the
/// network's structure; throws io_error, writing nothing, if a weight is NaN
/// or infinite.
template <class Net, class T>
void save(const params<Net, T>& p, const std::filesystem::path& path,
          const std::map<std::string, std::string>& metadata = {{"format", "pt"}, {"writer", "typenet"}}) {
  const auto refs = detail::tensor_refs<Net, T>(p);
  for (const auto& r : refs) {
    const T* data = nullptr;
    if constexpr (std::is_same_v<T, float>) data = r.f32; else data = r.f64;
    const std::string bad = io::detail::first_non_finite<T>(std::span<const T>(data, r.elements()));
    if (!bad.empty())
      detail::throw_io_error("save", path, "tensor " + r.name + " holds " + bad +
                                               ": non-finite weights are not saved (the file is left as it was)");
  }
  auto meta = metadata;
  meta[detail::network_key] = network_structure<Net>();
  meta[detail::dtype_key] = std::is_same_v<T, float> ? "float32" : "float64";
  io::save_safetensors(path, refs, meta);
}

/// Fills `p` from the safetensors file `path` (see the top of this file).
template <class Net, class T>
void load(params<Net, T>& p, const std::filesystem::path& path, io::load_options options = {}) {
  const auto bytes = io::detail::read_safetensors_bytes(path);
  const auto header = io::detail::parse_safetensors(bytes, path);
  std::string problems;
  if (const auto it = header.metadata.find(detail::network_key); it != header.metadata.end()) {
    const std::string model = network_structure<Net>();
    if (it->second != model)
      problems = "the file holds the network \"" + it->second + "\", the model is \"" + model + "\"";
  }
  io::detail::load_tensors(bytes, header, path, detail::tensor_refs<Net, T>(p), options, std::move(problems));
}

}  // namespace typenet
