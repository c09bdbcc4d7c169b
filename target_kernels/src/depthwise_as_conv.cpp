// Depthwise convolution of a single input channel: the same as a dense convolution with
// depth_multiplier output channels. The IHWO filter [1][kh][kw][M] is transposed into OHWI
// [M][kh][kw][1] at the start of the scratch, and the rest of the scratch serves the conv
// path chosen for the equivalent dense problem.
#include "depthwise_mve.h"
#include "paths.h"

namespace tk {
namespace detail {
namespace {

ConvShape equivalent_conv(const DepthwiseShape& d) {
  ConvShape c;
  c.input = d.input;
  c.filter = Dims{d.output.c, d.filter.h, d.filter.w, 1};
  c.output = d.output;
  c.stride = d.stride;
  c.padding = d.padding;
  c.dilation = d.dilation;
  c.groups = 1;
  return c;
}

int64_t filter_bytes(const DepthwiseShape& d) {
  return static_cast<int64_t>(d.filter.h) * d.filter.w * d.filter.c;
}

}  // namespace

int32_t depthwise_as_conv_scratch(const DepthwiseShape& shape) {
  const ConvShape conv = equivalent_conv(shape);
  const int64_t total =
      filter_bytes(shape) + conv_path_scratch(select_conv_path(conv), conv);
  return total <= INT32_MAX ? static_cast<int32_t>(total) : -1;
}

void depthwise_as_conv(const DepthwiseJob& job, int8_t* scratch) {
  const DepthwiseShape& s = job.shape;
  const int32_t outputs = s.output.c;
  const int32_t taps = s.filter.h * s.filter.w;
  int8_t* ohwi = scratch;
#if TK_ISA_MVE
  transpose_filter_mve(job.filter, taps, outputs, ohwi);
#else
  for (int32_t t = 0; t < taps; ++t) {
    const int8_t* src = job.filter + static_cast<ptrdiff_t>(t) * outputs;
    for (int32_t m = 0; m < outputs; ++m) ohwi[static_cast<ptrdiff_t>(m) * taps + t] = src[m];
  }
#endif
  ConvJob conv;
  conv.shape = equivalent_conv(s);
  conv.input = job.input;
  conv.filter = ohwi;
  conv.output = job.output;
  conv.input_offset = job.input_offset;
  conv.stage = job.stage;
  run_conv_path(select_conv_path(conv.shape), conv, scratch + filter_bytes(s));
}

}  // namespace detail
}  // namespace tk
