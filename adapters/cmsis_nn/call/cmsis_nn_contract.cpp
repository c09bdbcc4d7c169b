// What the CMSIS-NN API can carry and which kernel its wrappers pick: plain arithmetic, built
// with or without the library (the host suite tests it either way).
#include "cmsis_nn_call.h"

namespace cmsis_nn_call {

namespace {

constexpr int32_t kLargestUint16 = 65535;

bool axis_supported(int32_t in, int32_t pad_before, int32_t kernel, int32_t stride, int32_t dilation, int32_t out) {
  return reached_pad_after(in, pad_before, kernel, stride, dilation, out) <= pad_before ||
         is_tflite_same(in, pad_before, kernel, stride, dilation, out);
}

}  // namespace

int32_t reached_pad_after(int32_t in, int32_t pad_before, int32_t kernel, int32_t stride, int32_t dilation,
                          int32_t out) {
  const int64_t last_tap = int64_t{out - 1} * stride + int64_t{dilation} * (kernel - 1) + 1;
  const int64_t reached = last_tap - in - pad_before;
  return reached > 0 ? static_cast<int32_t>(reached) : 0;
}

bool is_tflite_same(int32_t in, int32_t pad_before, int32_t kernel, int32_t stride, int32_t dilation, int32_t out) {
  if (out != (int64_t{in} + stride - 1) / stride) return false;
  const int64_t extent = int64_t{dilation} * (kernel - 1) + 1;
  int64_t total = int64_t{out - 1} * stride + extent - in;
  if (total < 0) total = 0;
  return pad_before == total / 2;
}

Unsupported unsupported(const Geometry& g) {
  const int32_t dims[] = {g.batch,    g.in_channels, g.out_channels, g.in_h,       g.in_w,     g.kernel_h,
                          g.kernel_w, g.stride_h,    g.stride_w,     g.dilation_h, g.dilation_w, g.pad_top,
                          g.pad_left, g.out_h,       g.out_w};
  for (const int32_t v : dims) {
    if (v > kLargestUint16) return Unsupported::dimension_above_uint16;
  }
  if (!axis_supported(g.in_h, g.pad_top, g.kernel_h, g.stride_h, g.dilation_h, g.out_h)) {
    return Unsupported::rows_padding;
  }
  if (!axis_supported(g.in_w, g.pad_left, g.kernel_w, g.stride_w, g.dilation_w, g.out_w)) {
    return Unsupported::columns_padding;
  }
  return Unsupported::none;
}

const char* unsupported_text(Unsupported why) {
  switch (why) {
    case Unsupported::none: return "";
    case Unsupported::dimension_above_uint16: return "a dimension above 65535 (the kernels keep dimensions in uint16)";
    case Unsupported::rows_padding:
      return "the last output row reaches more bottom padding than there is top padding, and the output size is "
             "not TFLite's SAME: CMSIS-NN takes only top padding";
    case Unsupported::columns_padding:
      return "the last output column reaches more right padding than there is left padding, and the output size "
             "is not TFLite's SAME: CMSIS-NN takes only left padding";
  }
  return "unsupported";
}

const char* documented_path(const Geometry& g) {
  const bool no_pad = g.pad_top == 0 && g.pad_left == 0;
  const bool unit_dilation = g.dilation_h == 1 && g.dilation_w == 1;
  if (g.kind == Kind::conv) {
    const bool dense = g.filter_in_channels == g.in_channels;
    if (no_pad && unit_dilation && dense && g.kernel_h == 1 && g.kernel_w == 1) {
      return g.stride_h == 1 && g.stride_w == 1 ? "arm_convolve_1x1_s8_fast" : "arm_convolve_1x1_s8";
    }
    if (g.in_h == 1 && g.kernel_h == 1 && g.dilation_w == 1 && dense && (g.stride_w * g.in_channels) % 4 == 0) {
      return "arm_convolve_1_x_n_s8";
    }
    return "arm_convolve_s8";
  }
  if (g.depth_multiplier == 1 && g.batch == 1 && unit_dilation) {
    if (g.kernel_h == 3 && g.kernel_w == 3 && g.pad_top <= 1 && g.pad_left <= 1) return "arm_depthwise_conv_3x3_s8";
    return "arm_depthwise_conv_s8_opt";
  }
  return "arm_depthwise_conv_s8";
}

}  // namespace cmsis_nn_call
