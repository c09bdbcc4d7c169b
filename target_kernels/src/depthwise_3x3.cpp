// Depthwise 3x3, depth multiplier 1, dilation 1 (any stride, padding, batch). Pixels whose
// whole window is inside the input sum all nine taps in one pass over a block of channels;
// border pixels (any padding, also padding larger than the kernel) take the multiplier-1
// route, which skips the taps that fall in the padding.
#include "depthwise_3x3_dsp.h"
#include "depthwise_block.h"
#include "depthwise_mve.h"
#include "paths.h"

namespace tk {
namespace detail {
namespace {

void interior_pixel(const DepthwiseJob& job, const ChannelBlock& block, int32_t n, int32_t ih,
                    int32_t iw, int8_t* out) {
#if TK_ISA_DSP
  depthwise_3x3_interior_dsp(job, block, n, ih, iw, out);
#else
  const DepthwiseShape& s = job.shape;
  const ptrdiff_t px = s.input.c;                                // next tap along W
  const ptrdiff_t row = static_cast<ptrdiff_t>(s.input.w) * px;  // next tap along H
  const int16_t offset = static_cast<int16_t>(job.input_offset);
  const int8_t* x = job.input + pixel_offset(s.input, n, ih, iw) + block.first;
  const int8_t* w = job.filter + block.first;
  uint32_t acc[kDepthwiseBlock];
  init_with_bias(job.stage.bias, block.first, block.count, acc);
  for (int32_t c = 0; c < block.count; ++c) {
    int32_t sum = 0;  // nine terms of at most 255 * 128: |sum| < 2^19
    for (int32_t i = 0; i < 3; ++i) {
      for (int32_t j = 0; j < 3; ++j) {
        const int16_t xv = static_cast<int16_t>(x[i * row + j * px + c] + offset);
        sum += static_cast<int32_t>(xv) * w[(i * 3 + j) * px + c];
      }
    }
    acc[c] += static_cast<uint32_t>(sum);
  }
  store_requantized(block.table, job.stage, acc, block.count, out + block.first);
#endif
}

}  // namespace

void depthwise_3x3(const DepthwiseJob& job) {
#if TK_ISA_MVE
  if (depthwise_3x3_s2_mve(job) || depthwise_3x3_mve(job)) return;
#endif
  const DepthwiseShape& s = job.shape;
  ChannelBlock block;
  for (int32_t c0 = 0; c0 < s.output.c; c0 += kDepthwiseBlock) {
    prepare_block(job.stage, c0, s.output.c, block);
    for (int32_t n = 0; n < s.output.n; ++n) {
      for (int32_t oh = 0; oh < s.output.h; ++oh) {
        const int32_t ih = oh * s.stride.h - s.padding.h;
        const bool rows_inside = ih >= 0 && ih + 2 < s.input.h;
        for (int32_t ow = 0; ow < s.output.w; ++ow) {
          const int32_t iw = ow * s.stride.w - s.padding.w;
          if (rows_inside && iw >= 0 && iw + 2 < s.input.w) {
            interior_pixel(job, block, n, ih, iw, job.output + pixel_offset(s.output, n, oh, ow));
          } else {
            depthwise_mult1_pixel(job, block, n, oh, ow);
          }
        }
      }
    }
  }
}

}  // namespace detail
}  // namespace tk
