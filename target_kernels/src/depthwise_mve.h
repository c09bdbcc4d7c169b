// Helium (MVE) depthwise kernels. Compiled only when TK_ISA_MVE; the portable kernels call in
// at their selection points.
#pragma once

#include "isa.h"

#if TK_ISA_MVE

#include "job.h"

namespace tk {
namespace detail {

// The depthwise_3x3 path (3x3 filter, depth multiplier 1, dilation 1, any stride, padding,
// batch; stride 2 along W reaches it only if depthwise_3x3_s2_mve did not take the job). Returns false when it does not take the job (the caller runs the portable loops).
bool depthwise_3x3_mve(const DepthwiseJob& job);

// The same at horizontal stride 2 (any other stride: false), a loop of its own
// (depthwise_3x3_s2_mve.cpp). The caller tries it first, and separately, so that the two
// stack frames (about 3.2 and 4.8 KB) never add up.
bool depthwise_3x3_s2_mve(const DepthwiseJob& job);

// IHWO [1][taps][M] to OHWI [M][taps][1], the filter transposition of depthwise_as_conv.
void transpose_filter_mve(const int8_t* filter, int32_t taps, int32_t outputs, int8_t* ohwi);

}  // namespace detail
}  // namespace tk

#endif  // TK_ISA_MVE
