// Channel-block helpers for the depthwise kernels. In NHWC the channels of a pixel are
// contiguous, and so are the output channels of one tap in the IHWO filter, so the kernels
// vectorize over channels: the outer loop walks blocks of output channels (deriving their
// requantization terms once), the inner loops walk the pixels with a block of int32
// accumulators on the stack.
#pragma once

#include <stdint.h>

#include "depthwise_tap_dsp.h"
#include "depthwise_tap_mve.h"
#include "isa.h"
#include "job.h"
#include "requant_block.h"

namespace tk {
namespace detail {

constexpr int32_t kDepthwiseBlock = kRequantBlock;

// Output channels first .. first + count - 1 and their requantization terms.
struct ChannelBlock {
  int32_t first;
  int32_t count;
  RequantTable table;
};

inline void prepare_block(const OutputStage& st, int32_t first, int32_t total,
                          ChannelBlock& block) {
  block.first = first;
  block.count = total - first < kDepthwiseBlock ? total - first : kDepthwiseBlock;
  fill_requant_table(st, first, block.count, block.table);
}

// acc[c] += (x[c] + input_offset) * w[c]. Accumulators are unsigned so that sums wrap instead
// of overflowing; the result is exact whenever the true accumulator fits int32.
inline void accumulate_tap(uint32_t* acc, const int8_t* x, const int8_t* w, int32_t count,
                           int32_t input_offset) {
#if TK_ISA_DSP
  accumulate_tap_dsp(acc, x, w, count, input_offset);
#elif TK_ISA_MVE
  accumulate_tap_mve(acc, x, w, count, input_offset);
#else
  const int16_t offset = static_cast<int16_t>(input_offset);
  for (int32_t c = 0; c < count; ++c) {
    const int16_t xv = static_cast<int16_t>(x[c] + offset);
    acc[c] += static_cast<uint32_t>(static_cast<int32_t>(xv) * w[c]);
  }
#endif
}

// One output pixel of the multiplier-1 path for one channel block (also the border pixels of
// the 3x3 path). Defined in depthwise_mult1.cpp.
void depthwise_mult1_pixel(const DepthwiseJob& job, const ChannelBlock& block, int32_t n,
                           int32_t oh, int32_t ow);

}  // namespace detail
}  // namespace tk
