// One libFuzzer target per loader: CMake compiles this file once per target
// with TYPENET_FUZZ_TARGET set to the harness function (idx, csv,
// safetensors, npy, json; see harness.hpp). Refusals are expected; any other
// exception, a sanitizer report, a hang or an oversized allocation is a finding.
#include <cstddef>
#include <cstdint>
#include <span>

#include "harness.hpp"

#ifndef TYPENET_FUZZ_TARGET
#error "compile with -DTYPENET_FUZZ_TARGET=<idx|csv|safetensors|npy|json>"
#endif

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)typenet_fuzz::TYPENET_FUZZ_TARGET(std::span<const std::uint8_t>(data, size));
  return 0;
}
