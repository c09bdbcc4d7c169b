# Runs an instruction-count image twice and fails unless both runs print the same BENCH lines
# and both succeed:  cmake -DLAUNCHER=... -DIMAGE=... -DARGS=... -DWORK_DIR=... -P compare_runs.cmake
foreach(var LAUNCHER IMAGE WORK_DIR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "compare_runs.cmake needs -D${var}=...")
  endif()
endforeach()
file(MAKE_DIRECTORY ${WORK_DIR})
foreach(run 1 2)
  execute_process(COMMAND ${LAUNCHER} ${IMAGE} ${ARGS}
                  OUTPUT_VARIABLE _out ERROR_VARIABLE _err RESULT_VARIABLE _rc)
  file(WRITE ${WORK_DIR}/run${run}.txt "${_out}")
  if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "run ${run} failed (exit ${_rc}):\n${_out}${_err}\n"
                        "replay: ${LAUNCHER} ${IMAGE} ${ARGS}")
  endif()
  string(REGEX MATCHALL "BENCH [^\n]*" _bench "${_out}")
  list(LENGTH _bench _count)
  if(_count EQUAL 0)
    message(FATAL_ERROR "run ${run} printed no BENCH line:\n${_out}")
  endif()
  set(_run${run} "${_bench}")
endforeach()
if(NOT _run1 STREQUAL _run2)
  message(FATAL_ERROR "two runs of the same image counted differently; outputs in ${WORK_DIR}/run1.txt "
                      "and run2.txt (diff them)\nreplay: ${LAUNCHER} ${IMAGE} ${ARGS}")
endif()
message(STATUS "two runs, ${_count} identical BENCH lines")
