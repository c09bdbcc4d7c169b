// The interior pixels of depthwise_3x3 for the Cortex-M DSP extension. Compiled only when
// TK_ISA_DSP; depthwise_3x3.cpp selects it.
#pragma once

#include "isa.h"

#if TK_ISA_DSP

#include <stdint.h>

#include "depthwise_block.h"

namespace tk {
namespace detail {

// One output pixel whose 3x3 window (top-left input pixel ih, iw) lies inside the input, for
// the channels of one block: out is the output pixel (channel 0).
void depthwise_3x3_interior_dsp(const DepthwiseJob& job, const ChannelBlock& block, int32_t n,
                                int32_t ih, int32_t iw, int8_t* out);

}  // namespace detail
}  // namespace tk

#endif  // TK_ISA_DSP
