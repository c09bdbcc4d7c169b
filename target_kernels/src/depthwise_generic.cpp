// Depthwise convolution, any depth multiplier M, dilation, stride, padding, batch. Output
// channel oc reads input channel oc / M. Per tap, the block's input values (plus the input
// offset) are first spread to output-channel order, then multiplied channel-wise with the
// tap's IHWO filter row, which is contiguous in output channels.
#include "depthwise_block.h"
#include "geometry.h"
#include "paths.h"

namespace tk {
namespace detail {
namespace {

void generic_pixel(const DepthwiseJob& job, const ChannelBlock& block, int32_t n, int32_t oh,
                   int32_t ow) {
  const DepthwiseShape& s = job.shape;
  const int32_t channels = s.output.c;
  const int32_t mult = s.depth_multiplier;
  const TapSpan rows =
      taps_inside(oh, s.stride.h, s.padding.h, s.dilation.h, s.filter.h, s.input.h);
  const TapSpan cols =
      taps_inside(ow, s.stride.w, s.padding.w, s.dilation.w, s.filter.w, s.input.w);
  const int32_t ih0 = oh * s.stride.h - s.padding.h;
  const int32_t iw0 = ow * s.stride.w - s.padding.w;
  uint32_t acc[kDepthwiseBlock];
  int16_t spread[kDepthwiseBlock];
  init_with_bias(job.stage.bias, block.first, block.count, acc);
  for (int32_t i = rows.first; i <= rows.last; ++i) {
    const int32_t ih = ih0 + i * s.dilation.h;
    for (int32_t j = cols.first; j <= cols.last; ++j) {
      const int32_t iw = iw0 + j * s.dilation.w;
      const int8_t* x = job.input + pixel_offset(s.input, n, ih, iw);
      const int8_t* w =
          job.filter + (static_cast<ptrdiff_t>(i) * s.filter.w + j) * channels + block.first;
      int32_t ic = block.first / mult;
      int32_t m = block.first % mult;
      for (int32_t c = 0; c < block.count; ++c) {
        spread[c] = static_cast<int16_t>(x[ic] + job.input_offset);
        if (++m == mult) {
          m = 0;
          ++ic;
        }
      }
      for (int32_t c = 0; c < block.count; ++c)
        acc[c] += static_cast<uint32_t>(static_cast<int32_t>(spread[c]) * w[c]);
    }
  }
  int8_t* out = job.output + pixel_offset(s.output, n, oh, ow) + block.first;
  store_requantized(block.table, job.stage, acc, block.count, out);
}

}  // namespace

void depthwise_generic(const DepthwiseJob& job) {
  const DepthwiseShape& s = job.shape;
  ChannelBlock block;
  for (int32_t c0 = 0; c0 < s.output.c; c0 += kDepthwiseBlock) {
    prepare_block(job.stage, c0, s.output.c, block);
    for (int32_t n = 0; n < s.output.n; ++n)
      for (int32_t oh = 0; oh < s.output.h; ++oh)
        for (int32_t ow = 0; ow < s.output.w; ++ow) generic_pixel(job, block, n, oh, ow);
  }
}

}  // namespace detail
}  // namespace tk
