// The host side of the contract: a ConvCase as the API's Geometry, and the freestanding
// contract (call/cmsis_nn_contract.cpp) in words with the case's numbers. Built with or
// without the library so the suite can test it either way.
#include <string>

#include "cmsis_nn_call.h"
#include "conf/cmsis_nn_kernel_set.h"

namespace conf {

namespace {

std::string padding_reason(const char* axis, const char* before, const char* after, int32_t in, int32_t pad_before,
                           int32_t kernel, int32_t stride, int32_t dilation, int32_t out) {
  const int32_t reached = cmsis_nn_call::reached_pad_after(in, pad_before, kernel, stride, dilation, out);
  return std::string("the last output ") + axis + " reaches " + std::to_string(reached) + " of " + after +
         " padding, more than the " + std::to_string(pad_before) + " of " + before +
         " padding, and the output size is not TFLite's SAME: CMSIS-NN takes only " + before +
         " padding, and its callers (TFLite SAME/VALID, PyTorch's symmetric padding) never produce this";
}

}  // namespace

cmsis_nn_call::Geometry cmsis_nn_geometry(const ConvCase& c) {
  cmsis_nn_call::Geometry g;
  g.kind = c.kind == ConvKind::conv ? cmsis_nn_call::Kind::conv : cmsis_nn_call::Kind::depthwise;
  g.batch = c.batch;
  g.in_h = c.in_h;
  g.in_w = c.in_w;
  g.in_channels = c.in_channels;
  g.out_h = c.out_h();
  g.out_w = c.out_w();
  g.out_channels = c.out_channels;
  g.kernel_h = c.kernel_h;
  g.kernel_w = c.kernel_w;
  g.filter_in_channels = c.kind == ConvKind::conv ? c.weight_in_channels() : 1;
  g.stride_h = c.stride_h;
  g.stride_w = c.stride_w;
  g.pad_top = c.pad_top;
  g.pad_left = c.pad_left;
  g.dilation_h = c.dilation_h;
  g.dilation_w = c.dilation_w;
  g.depth_multiplier = c.depth_multiplier;
  g.input_offset = c.input_offset;
  g.output_offset = c.output_offset;
  g.activation_min = c.activation_min;
  g.activation_max = c.activation_max;
  return g;
}

int32_t cmsis_nn_reached_pad_after(int32_t in, int32_t pad_before, int32_t kernel, int32_t stride, int32_t dilation,
                                   int32_t out) {
  return cmsis_nn_call::reached_pad_after(in, pad_before, kernel, stride, dilation, out);
}

std::string cmsis_nn_unsupported_reason(const ConvCase& c) {
  if (c.out_h_override != 0 || c.out_w_override != 0) return "a forced output size";
  switch (cmsis_nn_call::unsupported(cmsis_nn_geometry(c))) {
    case cmsis_nn_call::Unsupported::none: return "";
    case cmsis_nn_call::Unsupported::rows_padding:
      return padding_reason("row", "top", "bottom", c.in_h, c.pad_top, c.kernel_h, c.stride_h, c.dilation_h,
                            c.out_h());
    case cmsis_nn_call::Unsupported::columns_padding:
      return padding_reason("column", "left", "right", c.in_w, c.pad_left, c.kernel_w, c.stride_w, c.dilation_w,
                            c.out_w());
    case cmsis_nn_call::Unsupported::dimension_above_uint16: break;
  }
  return cmsis_nn_call::unsupported_text(cmsis_nn_call::Unsupported::dimension_above_uint16);
}

std::string cmsis_nn_documented_path(const ConvCase& c) {
  return cmsis_nn_call::documented_path(cmsis_nn_geometry(c));
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
