// Names and messages for status codes and dispatch paths.
#include "isa.h"
#include "tk/conv.h"

namespace tk {

const char* status_name(Status status) {
  switch (status) {
    case Status::ok: return "ok";
    case Status::null_pointer: return "null_pointer";
    case Status::bad_input_dims: return "bad_input_dims";
    case Status::bad_filter_dims: return "bad_filter_dims";
    case Status::bad_output_dims: return "bad_output_dims";
    case Status::bad_groups: return "bad_groups";
    case Status::bad_depth_multiplier: return "bad_depth_multiplier";
    case Status::bad_stride: return "bad_stride";
    case Status::bad_dilation: return "bad_dilation";
    case Status::bad_padding: return "bad_padding";
    case Status::bad_input_offset: return "bad_input_offset";
    case Status::bad_output_offset: return "bad_output_offset";
    case Status::bad_activation_range: return "bad_activation_range";
    case Status::bad_requant: return "bad_requant";
    case Status::bad_scratch: return "bad_scratch";
    case Status::path_not_applicable: return "path_not_applicable";
  }
  return "unknown_status";
}

const char* status_message(Status status) {
  switch (status) {
    case Status::ok:
      return "ok";
    case Status::null_pointer:
      return "input, filter, output, multiplier or shift is NULL";
    case Status::bad_input_dims:
      return "an input dimension is < 1 or > kMaxDim, or the element count exceeds int32";
    case Status::bad_filter_dims:
      return "a filter dimension is < 1 or > kMaxDim, or the filter does not match the input "
             "channels and groups";
    case Status::bad_output_dims:
      return "output batch or channels differ from input and filter, or the output size is not "
             "reachable with non-negative bottom/right padding";
    case Status::bad_groups:
      return "groups < 1, or input/output channels not divisible by groups";
    case Status::bad_depth_multiplier:
      return "depth_multiplier < 1, or filter channels != input channels * depth_multiplier";
    case Status::bad_stride:
      return "a stride is < 1 or > kMaxStride";
    case Status::bad_dilation:
      return "a dilation is < 1 or > kMaxDilation";
    case Status::bad_padding:
      return "top/left padding is < 0 or > kMaxDim";
    case Status::bad_input_offset:
      return "input_offset is outside [-127, 128]";
    case Status::bad_output_offset:
      return "output_offset is outside [-128, 127]";
    case Status::bad_activation_range:
      return "activation range is not -128 <= min <= max <= 127";
    case Status::bad_requant:
      return "a requant multiplier is negative or a shift is outside [-31, 30]";
    case Status::bad_scratch:
      return "scratch is smaller than the buffer-size getter requires, or NULL while needed";
    case Status::path_not_applicable:
      return "the forced dispatch path does not apply to these arguments";
  }
  return "unknown status";
}

const char* path_name(ConvPath path) {
  switch (path) {
    case ConvPath::conv_1x1: return "conv_1x1";
    case ConvPath::conv_1x1_strided: return "conv_1x1_strided";
    case ConvPath::conv_1xn: return "conv_1xn";
    case ConvPath::conv_nx1: return "conv_nx1";
    case ConvPath::conv_generic: return "conv_generic";
  }
  return "unknown_path";
}

const char* path_name(DepthwisePath path) {
  switch (path) {
    case DepthwisePath::depthwise_3x3: return "depthwise_3x3";
    case DepthwisePath::depthwise_mult1: return "depthwise_mult1";
    case DepthwisePath::depthwise_generic: return "depthwise_generic";
    case DepthwisePath::depthwise_as_conv: return "depthwise_as_conv";
  }
  return "unknown_path";
}

const char* isa_name() {
#if TK_ISA_MVE
  return "helium";
#elif TK_ISA_DSP
  return "dsp";
#else
  return "portable";
#endif
}

}  // namespace tk
