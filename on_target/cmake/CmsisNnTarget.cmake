# A CMSIS-NN library built for this board's core, given by the host build (on_target/host
# passes CMSIS_NN_LIBRARY_CORTEX_M55 / _M4 as CMSIS_NN_LIBRARY) or on the command line of a
# standalone cross build. Defines the library `cmsis_nn_call` (the adapter's call sequence,
# adapters/cmsis_nn/call, linked with the user's library) when one is given, and
# CMSIS_NN_TARGET_MISSING (why not) otherwise. Nothing of CMSIS-NN is built here.
set(CMSIS_NN_INCLUDE_DIR "" CACHE PATH "Folder with arm_nnfunctions.h (a CMSIS-NN checkout's Include/)")
set(CMSIS_NN_LIBRARY "" CACHE FILEPATH "CMSIS-NN static library built for this board's core")
set(CMSIS_NN_ROUNDING "double" CACHE STRING "Rounding the library was built with: double or single")

set(CMSIS_NN_TARGET_MISSING "")
if(NOT CMSIS_NN_LIBRARY)
  set(CMSIS_NN_TARGET_MISSING "no CMSIS-NN library for this core")
elseif(NOT EXISTS "${CMSIS_NN_LIBRARY}" OR IS_DIRECTORY "${CMSIS_NN_LIBRARY}")
  set(CMSIS_NN_TARGET_MISSING "CMSIS_NN_LIBRARY='${CMSIS_NN_LIBRARY}' is not a file")
elseif(NOT EXISTS "${CMSIS_NN_INCLUDE_DIR}/arm_nnfunctions.h")
  set(CMSIS_NN_TARGET_MISSING "CMSIS_NN_INCLUDE_DIR='${CMSIS_NN_INCLUDE_DIR}' has no arm_nnfunctions.h")
elseif(NOT CMSIS_NN_ROUNDING MATCHES "^(double|single)$")
  message(FATAL_ERROR "CMSIS_NN_ROUNDING must be double or single, not '${CMSIS_NN_ROUNDING}'")
endif()

if(CMSIS_NN_TARGET_MISSING)
  message(STATUS "CMSIS-NN on ${CONFORMANCE_BOARD}: not built (${CMSIS_NN_TARGET_MISSING})")
  return()
endif()
set(_call ${CONFORMANCE_ROOT}/adapters/cmsis_nn/call)
add_library(cmsis_nn_call STATIC ${_call}/cmsis_nn_contract.cpp ${_call}/cmsis_nn_call.cpp)
target_include_directories(cmsis_nn_call PUBLIC ${_call})
# SYSTEM: the library's C headers are not held to this project's warning flags.
target_include_directories(cmsis_nn_call SYSTEM PRIVATE "${CMSIS_NN_INCLUDE_DIR}")
target_link_libraries(cmsis_nn_call PUBLIC "${CMSIS_NN_LIBRARY}")
target_compile_options(cmsis_nn_call PRIVATE -fno-exceptions -fno-rtti)
project_warnings(cmsis_nn_call)
message(STATUS "CMSIS-NN on ${CONFORMANCE_BOARD}: ${CMSIS_NN_LIBRARY} (${CMSIS_NN_ROUNDING} rounding)")
