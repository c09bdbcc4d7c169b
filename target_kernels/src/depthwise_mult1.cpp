// Depthwise convolution with depth multiplier 1 (any kernel, stride, dilation, padding,
// batch): output channel c reads input channel c, so every in-bounds tap is one
// channel-vectorized multiply-add of an input pixel against a filter tap.
#include "depthwise_block.h"
#include "geometry.h"
#include "paths.h"

namespace tk {
namespace detail {

void depthwise_mult1_pixel(const DepthwiseJob& job, const ChannelBlock& block, int32_t n,
                           int32_t oh, int32_t ow) {
  const DepthwiseShape& s = job.shape;
  const int32_t channels = s.output.c;
  const TapSpan rows =
      taps_inside(oh, s.stride.h, s.padding.h, s.dilation.h, s.filter.h, s.input.h);
  const TapSpan cols =
      taps_inside(ow, s.stride.w, s.padding.w, s.dilation.w, s.filter.w, s.input.w);
  const int32_t ih0 = oh * s.stride.h - s.padding.h;
  const int32_t iw0 = ow * s.stride.w - s.padding.w;
  uint32_t acc[kDepthwiseBlock];
  init_with_bias(job.stage.bias, block.first, block.count, acc);
  for (int32_t i = rows.first; i <= rows.last; ++i) {
    const int32_t ih = ih0 + i * s.dilation.h;
    for (int32_t j = cols.first; j <= cols.last; ++j) {
      const int32_t iw = iw0 + j * s.dilation.w;
      const int8_t* x = job.input + pixel_offset(s.input, n, ih, iw) + block.first;
      const int8_t* w =
          job.filter + (static_cast<ptrdiff_t>(i) * s.filter.w + j) * channels + block.first;
      accumulate_tap(acc, x, w, block.count, job.input_offset);
    }
  }
  int8_t* out = job.output + pixel_offset(s.output, n, oh, ow) + block.first;
  store_requantized(block.table, job.stage, acc, block.count, out);
}

void depthwise_mult1(const DepthwiseJob& job) {
  const DepthwiseShape& s = job.shape;
  ChannelBlock block;
  for (int32_t c0 = 0; c0 < s.output.c; c0 += kDepthwiseBlock) {
    prepare_block(job.stage, c0, s.output.c, block);
    for (int32_t n = 0; n < s.output.n; ++n)
      for (int32_t oh = 0; oh < s.output.h; ++oh)
        for (int32_t ow = 0; ow < s.output.w; ++ow) depthwise_mult1_pixel(job, block, n, oh, ow);
  }
}

}  // namespace detail
}  // namespace tk
