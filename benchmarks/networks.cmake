# The network benchmarks (W1, W1i, W2, W3, W4 of BENCHMARKS.md), included from
# benchmarks/CMakeLists.txt:
#   bench.networks        typenet vs hand-written Eigen (networks.cpp)
#   bench.networks_torch  the same plus LibTorch (networks_torch.cpp, which
#                         includes networks.cpp); only if find_package(Torch)
#                         succeeds and LibTorch's headers compile as C++20 with
#                         this compiler (LibTorch 1.13 + Clang 14 do not: pytorch#97689).
# scripts/bench runs networks_torch when the marker file
# ${CMAKE_CURRENT_BINARY_DIR}/networks_torch.enabled exists.

add_executable(bench.networks ${CMAKE_CURRENT_SOURCE_DIR}/networks.cpp)
set_target_properties(bench.networks PROPERTIES OUTPUT_NAME networks)
target_link_libraries(bench.networks PRIVATE typenet_bench_flags Eigen3::Eigen)

set(typenet_networks_torch_marker ${CMAKE_CURRENT_BINARY_DIR}/networks_torch.enabled)
find_package(Torch QUIET)
if(Torch_FOUND)
  include(CheckCXXSourceCompiles)
  set(CMAKE_REQUIRED_INCLUDES ${TORCH_INCLUDE_DIRS})
  set(CMAKE_REQUIRED_FLAGS "-std=c++20")
  set(CMAKE_REQUIRED_QUIET ON)
  set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
  check_cxx_source_compiles("#include <torch/torch.h>\nint main() { return 0; }" TYPENET_BENCH_TORCH_HEADERS_COMPILE)
  unset(CMAKE_REQUIRED_INCLUDES)
  unset(CMAKE_REQUIRED_FLAGS)
  unset(CMAKE_REQUIRED_QUIET)
  unset(CMAKE_TRY_COMPILE_TARGET_TYPE)
endif()
if(Torch_FOUND AND TYPENET_BENCH_TORCH_HEADERS_COMPILE)
  add_executable(bench.networks_torch ${CMAKE_CURRENT_SOURCE_DIR}/networks_torch.cpp)
  set_target_properties(bench.networks_torch PROPERTIES OUTPUT_NAME networks_torch)
  # OpenBLAS directly too: openblas_set_num_threads(1) pins the pool LibTorch's products run in.
  target_link_libraries(bench.networks_torch PRIVATE typenet_bench_flags Eigen3::Eigen ${TORCH_LIBRARIES}
                                                     ${TYPENET_OPENBLAS_LIBRARY})
  file(WRITE ${typenet_networks_torch_marker} "")
else()
  message(STATUS "typenet: LibTorch not found or its headers do not compile as C++20 here; "
                 "bench.networks_torch is not built")
  file(REMOVE ${typenet_networks_torch_marker})
endif()
