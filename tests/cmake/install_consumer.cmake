# ctest install.consumer: install typenet into a prefix inside the build tree,
# then configure, build and run tests/install_consumer against that prefix.
#
# cmake -D BINARY_DIR=... -D CONSUMER_DIR=... -D GENERATOR=... -D MAKE_PROGRAM=...
#       -D CXX_COMPILER=... -D CONFIG=... -P install_consumer.cmake

set(work ${BINARY_DIR}/install-test)
set(prefix ${work}/prefix)
set(consumer_build ${work}/consumer-build)
file(REMOVE_RECURSE ${work})

function(run what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "install.consumer: ${what} failed (${status})")
  endif()
endfunction()

set(config_args)
if(CONFIG)
  set(config_args --config ${CONFIG})
endif()

run("install" ${CMAKE_COMMAND} --install ${BINARY_DIR} --prefix ${prefix} ${config_args})
run("configuring the consumer"
  ${CMAKE_COMMAND} -S ${CONSUMER_DIR} -B ${consumer_build}
    -G ${GENERATOR} -D CMAKE_MAKE_PROGRAM=${MAKE_PROGRAM}
    -D CMAKE_CXX_COMPILER=${CXX_COMPILER}
    -D CMAKE_BUILD_TYPE=${CONFIG}
    -D CMAKE_PREFIX_PATH=${prefix})

# find_package must have found the fresh install, not some other copy.
file(STRINGS ${consumer_build}/CMakeCache.txt typenet_dir REGEX "^typenet_DIR:")
string(REGEX REPLACE "^[^=]*=" "" typenet_dir "${typenet_dir}")
cmake_path(IS_PREFIX prefix "${typenet_dir}" NORMALIZE found_in_prefix)
if(NOT found_in_prefix)
  message(FATAL_ERROR "install.consumer: found typenet in '${typenet_dir}', not under ${prefix}")
endif()

run("building the consumer" ${CMAKE_COMMAND} --build ${consumer_build} ${config_args})
run("running the consumer" ${consumer_build}/consumer)
message(STATUS "install.consumer: find_package(typenet) from ${typenet_dir} works")
