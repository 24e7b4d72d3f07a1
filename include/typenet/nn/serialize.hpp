#pragma once
/// `tn::save(p, path)` / `tn::load(p, path)`: a network's parameters as a
/// safetensors file with nn.Sequential's names (`0.weight` out x in, `0.bias`
/// of shape [out]), so the file is the state_dict of the equivalent
/// `torch.nn.Sequential`. Saving is atomic; loading checks every name and
/// shape (a mismatch is refused naming the tensor and both shapes) and
/// changes nothing unless the whole file is valid. F32 and F64 load into
/// float and double parameters alike.
#include <filesystem>
#include <map>
#include <type_traits>
#include <utility>
#include <string>
#include <vector>

#include <typenet/io/safetensors.hpp>
#include <typenet/nn/params.hpp>

namespace typenet {

namespace detail {
template <class Net, class T, class P>
std::vector<io::tensor_ref> tensor_refs(P& p) {
  std::vector<io::tensor_ref> refs;
  refs.reserve(params<Net, T>::count);
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    // parameters alternate weight, bias; biases are kept as 1 x out rows and
    // stored as PyTorch's 1-D [out]
    auto add = [&]<std::size_t J>(std::integral_constant<std::size_t, J>) {
      const std::string name{params<Net, T>::template name<J>};
      if constexpr (J % 2 == 1) refs.push_back(io::ref_1d(name, p.template get<J>()));
      else refs.push_back(io::ref(name, p.template get<J>()));
    };
    (add(std::integral_constant<std::size_t, I>{}), ...);
  }(std::make_index_sequence<params<Net, T>::count>{});
  return refs;
}
}  // namespace detail

template <class Net, class T>
void save(const params<Net, T>& p, const std::filesystem::path& path,
          const std::map<std::string, std::string>& metadata = {{"format", "pt"}, {"writer", "typenet"}}) {
  io::save_safetensors(path, detail::tensor_refs<Net, T>(p), metadata);
}

template <class Net, class T>
void load(params<Net, T>& p, const std::filesystem::path& path) {
  io::load_safetensors(path, detail::tensor_refs<Net, T>(p));
}

}  // namespace typenet
