// Our kernels against a CMSIS-NN library measured in the same image, on the same core, with
// the same instruction counter, buffers and parameters (images built with a CMSIS-NN library
// for this core: BENCH_WITH_CMSIS_NN).
#pragma once

#include <stdint.h>

namespace bench {

// Every shape in `shapes` (comma-separated, nullptr: all) through our wrapper and CMSIS-NN's.
// Prints a BENCH_VS line per shape, then a table: instructions both ways, MACs per
// instruction, CMSIS-NN's instructions / ours (> 1: we execute fewer) and whether the
// outputs are equal byte for byte. Problems (returned, each with its replay command): a call
// that fails, outputs that differ, or our wrapper executing more instructions than CMSIS-NN.
int32_t compare_with_cmsis_nn(const char* shapes, const char* image);

}  // namespace bench
