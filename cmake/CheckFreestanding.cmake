# cmake -DLIBRARY=<static library> -DWORK_DIR=<dir> -P CheckFreestanding.cmake
#
# The target kernels must build for arm-none-eabi without a C++ runtime: after linking all
# of the library's objects together, the only symbols they may still need are memcpy,
# memset and memmove. Anything else (operator new, __cxa_*, std::, printf) fails.
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
execute_process(COMMAND ar x "${LIBRARY}" WORKING_DIRECTORY "${WORK_DIR}" RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "cannot unpack ${LIBRARY}")
endif()
file(GLOB objects "${WORK_DIR}/*.o")
execute_process(COMMAND ld -r -o "${WORK_DIR}/combined.o" ${objects} RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "cannot link the objects of ${LIBRARY} together")
endif()
execute_process(COMMAND nm -u "${WORK_DIR}/combined.o" OUTPUT_VARIABLE undefined)
string(REGEX MATCHALL "[^ \n]+\n" symbols "${undefined}")
set(unexpected "")
foreach(line ${symbols})
  string(STRIP "${line}" symbol)
  if(NOT symbol MATCHES "^(U|memcpy|memset|memmove|_GLOBAL_OFFSET_TABLE_)$")
    list(APPEND unexpected "${symbol}")
  endif()
endforeach()
if(unexpected)
  message(FATAL_ERROR "${LIBRARY} needs symbols a freestanding build does not have: ${unexpected}")
endif()
message(STATUS "${LIBRARY}: freestanding (undefined: ${undefined})")
