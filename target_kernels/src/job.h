// Validated arguments as the path kernels receive them. The wrappers build these only after
// every check has passed, so kernels never re-validate.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "tk/conv.h"

namespace tk {
namespace detail {

// Geometry of a convolution (no data).
struct ConvShape {
  Dims input, filter, output;  // filter OHWI: {out_channels, kh, kw, in_channels / groups}
  HW stride, padding, dilation;
  int32_t groups;
};

// Geometry of a depthwise convolution (no data).
struct DepthwiseShape {
  Dims input, filter, output;  // filter IHWO: {1, kh, kw, in_channels * depth_multiplier}
  HW stride, padding, dilation;
  int32_t depth_multiplier;
};

// Everything that turns an int32 accumulator of output channel oc into an int8.
struct OutputStage {
  const int32_t* bias;  // NULL: zero bias
  const int32_t* multiplier;
  const int32_t* shift;
  int32_t output_offset;
  int32_t activation_min;
  int32_t activation_max;
};

struct ConvJob {
  ConvShape shape;
  const int8_t* input;
  const int8_t* filter;
  int8_t* output;
  int32_t input_offset;
  OutputStage stage;
  // Each output channel's filter-row sum, computed once per convolution where the engine
  // wants it (Helium: see weight_sums_scratch in gemm_rows.h); NULL otherwise.
  const int32_t* weight_sums = NULL;
};

struct DepthwiseJob {
  DepthwiseShape shape;
  const int8_t* input;
  const int8_t* filter;
  int8_t* output;
  int32_t input_offset;
  OutputStage stage;
};

// Element offset of pixel (n, h, w) in an NHWC tensor, channel 0.
inline ptrdiff_t pixel_offset(const Dims& d, int32_t n, int32_t h, int32_t w) {
  return ((static_cast<ptrdiff_t>(n) * d.h + h) * d.w + w) * static_cast<ptrdiff_t>(d.c);
}

// The int8 value whose (x + input_offset) is zero: padding taps stored with it contribute 0.
inline int8_t zero_point(int32_t input_offset) { return static_cast<int8_t>(-input_offset); }

}  // namespace detail
}  // namespace tk
