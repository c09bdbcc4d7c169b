# Toolchain file for the on-target images: Debian's arm-none-eabi gcc, newlib and libstdc++,
# run under qemu-system-arm. The board decides the core and so the instruction set the
# kernels are compiled for:
#   mps3-an547  Cortex-M55 with Helium (MVE) and DSP   -> tk::isa_name() "helium"
#   mps2-an386  Cortex-M4 with DSP and a single-precision FPU -> "dsp"
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)

set(CONFORMANCE_BOARD "mps3-an547" CACHE STRING "QEMU board the images are built for: mps3-an547 (Cortex-M55) or mps2-an386 (Cortex-M4)")
set_property(CACHE CONFORMANCE_BOARD PROPERTY STRINGS mps3-an547 mps2-an386)
# try_compile projects re-read this file; hand them the board.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES CONFORMANCE_BOARD)

if(CONFORMANCE_BOARD STREQUAL "mps3-an547")
  set(_core_flags "-mcpu=cortex-m55 -mfloat-abi=hard")
elseif(CONFORMANCE_BOARD STREQUAL "mps2-an386")
  set(_core_flags "-mcpu=cortex-m4 -mfpu=fpv4-sp-d16 -mfloat-abi=hard")
else()
  message(FATAL_ERROR "CONFORMANCE_BOARD must be mps3-an547 or mps2-an386, got '${CONFORMANCE_BOARD}'")
endif()

find_program(CONFORMANCE_ARM_GXX arm-none-eabi-g++)
find_program(CONFORMANCE_ARM_GCC arm-none-eabi-gcc)
if(NOT CONFORMANCE_ARM_GXX OR NOT CONFORMANCE_ARM_GCC)
  message(FATAL_ERROR "arm-none-eabi-gcc/g++ not found: apt-get install gcc-arm-none-eabi "
                      "libnewlib-arm-none-eabi libstdc++-arm-none-eabi-newlib")
endif()
set(CMAKE_C_COMPILER ${CONFORMANCE_ARM_GCC})
set(CMAKE_CXX_COMPILER ${CONFORMANCE_ARM_GXX})
set(CMAKE_ASM_COMPILER ${CONFORMANCE_ARM_GCC})
# No startup files are available before the platform library exists: test with a library.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

set(CMAKE_C_FLAGS_INIT "-mthumb ${_core_flags} -ffunction-sections -fdata-sections")
set(CMAKE_CXX_FLAGS_INIT "-mthumb ${_core_flags} -ffunction-sections -fdata-sections")
set(CMAKE_ASM_FLAGS_INIT "-mthumb ${_core_flags}")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-nostartfiles -Wl,--gc-sections")

# Search the cross sysroot for libraries and headers, the host for programs.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# ctest runs the images through QEMU (tests add --icount 7 themselves when they count
# instructions; CONFORMANCE_QEMU_ICOUNT=7 in the environment does it for every run). A cache
# variable, so that another launcher can be given on the command line.
set(CMAKE_CROSSCOMPILING_EMULATOR "${CMAKE_CURRENT_LIST_DIR}/qemu_launcher.sh;--board;${CONFORMANCE_BOARD}"
    CACHE STRING "Runs a cross-compiled image under qemu-system-arm")
