// What the CMSIS-NN API can carry and which kernel its wrappers pick: plain arithmetic on a
// ConvCase, built with or without the library so the suite can test it either way.
#include <algorithm>
#include <initializer_list>
#include <string>

#include "conf/cmsis_nn_kernel_set.h"

namespace conf {

namespace {

constexpr int32_t kLargestUint16 = 65535;

// TFLite's SAME padding for this axis: output ceil(in / stride), total padding
// max((out - 1) * stride + extent - in, 0), of which total / 2 before.
bool is_tflite_same(int32_t in, int32_t pad_before, int32_t kernel, int32_t stride, int32_t dilation, int32_t out) {
  const int64_t extent = int64_t{dilation} * (kernel - 1) + 1;
  if (out != (int64_t{in} + stride - 1) / stride) return false;
  const int64_t total = std::max<int64_t>(0, int64_t{out - 1} * stride + extent - in);
  return pad_before == total / 2;
}

std::string axis_reason(const char* axis, const char* before, const char* after, int32_t in, int32_t pad_before,
                        int32_t kernel, int32_t stride, int32_t dilation, int32_t out) {
  const int32_t reached = cmsis_nn_reached_pad_after(in, pad_before, kernel, stride, dilation, out);
  if (reached <= pad_before || is_tflite_same(in, pad_before, kernel, stride, dilation, out)) return "";
  return std::string("the last output ") + axis + " reaches " + std::to_string(reached) + " of " + after +
         " padding, more than the " + std::to_string(pad_before) + " of " + before +
         " padding, and the output size is not TFLite's SAME: CMSIS-NN takes only " + before +
         " padding, and its callers (TFLite SAME/VALID, PyTorch's symmetric padding) never produce this";
}

}  // namespace

int32_t cmsis_nn_reached_pad_after(int32_t in, int32_t pad_before, int32_t kernel, int32_t stride, int32_t dilation,
                                   int32_t out) {
  const int64_t last_tap = int64_t{out - 1} * stride + int64_t{dilation} * (kernel - 1) + 1;
  return static_cast<int32_t>(std::max<int64_t>(0, last_tap - in - pad_before));
}

std::string cmsis_nn_unsupported_reason(const ConvCase& c) {
  if (c.out_h_override != 0 || c.out_w_override != 0) return "a forced output size";
  for (const int32_t v : {c.batch, c.in_channels, c.out_channels, c.in_h, c.in_w, c.kernel_h, c.kernel_w, c.stride_h,
                          c.stride_w, c.dilation_h, c.dilation_w, c.pad_top, c.pad_left, c.out_h(), c.out_w()}) {
    if (v > kLargestUint16) return "a dimension above 65535 (the kernels keep dimensions in uint16)";
  }
  std::string reason = axis_reason("row", "top", "bottom", c.in_h, c.pad_top, c.kernel_h, c.stride_h, c.dilation_h,
                                   c.out_h());
  if (reason.empty()) {
    reason = axis_reason("column", "left", "right", c.in_w, c.pad_left, c.kernel_w, c.stride_w, c.dilation_w,
                         c.out_w());
  }
  return reason;
}

std::string cmsis_nn_documented_path(const ConvCase& c) {
  const bool no_pad = c.pad_top == 0 && c.pad_left == 0;
  const bool unit_dilation = c.dilation_h == 1 && c.dilation_w == 1;
  if (c.kind == ConvKind::conv) {
    const bool dense = c.groups == 1;
    if (no_pad && unit_dilation && dense && c.kernel_h == 1 && c.kernel_w == 1) {
      return c.stride_h == 1 && c.stride_w == 1 ? "arm_convolve_1x1_s8_fast" : "arm_convolve_1x1_s8";
    }
    if (c.in_h == 1 && c.kernel_h == 1 && c.dilation_w == 1 && dense && (c.stride_w * c.in_channels) % 4 == 0) {
      return "arm_convolve_1_x_n_s8";
    }
    return "arm_convolve_s8";
  }
  if (c.depth_multiplier == 1 && c.batch == 1 && unit_dilation) {
    if (c.kernel_h == 3 && c.kernel_w == 3 && c.pad_top <= 1 && c.pad_left <= 1) return "arm_depthwise_conv_3x3_s8";
    return "arm_depthwise_conv_s8_opt";
  }
  return "arm_depthwise_conv_s8";
}

ref::Rounding cmsis_nn_configured_rounding() {
#ifdef CONFORMANCE_CMSIS_NN_SINGLE_ROUNDING
  return ref::Rounding::single_rounding;
#else
  return ref::Rounding::double_rounding;
#endif
}

std::string cmsis_nn_how_to_enable() {
  return "configure with -DCMSIS_NN_INCLUDE_DIR=<folder with arm_nnfunctions.h> "
         "-DCMSIS_NN_LIBRARY=<prebuilt static library, e.g. libcmsis-nn.a> "
         "[-DCMSIS_NN_ROUNDING=double|single, as the library was built] (see adapters/cmsis_nn/README.md)";
}

}  // namespace conf
