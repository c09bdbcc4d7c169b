// Argument validation. Everything is checked in 64-bit arithmetic before any buffer is touched.
#include "validate.h"

#include "geometry.h"

namespace tk {
namespace detail {
namespace {

bool dims_valid(const Dims& d) {
  const int32_t values[4] = {d.n, d.h, d.w, d.c};
  for (int32_t v : values) {
    if (v < 1 || v > kMaxDim) return false;
  }
  const int64_t count = static_cast<int64_t>(d.n) * d.h * d.w * d.c;
  return count <= INT32_MAX;
}

bool in_range(int32_t v, int32_t lo, int32_t hi) { return v >= lo && v <= hi; }

// Checks common to both operators once the channel bookkeeping has passed.
Status validate_window(const HW& stride, const HW& padding, const HW& dilation,
                       const Dims& input, const Dims& filter, const Dims& output,
                       int32_t expected_out_channels) {
  if (!in_range(stride.h, 1, kMaxStride) || !in_range(stride.w, 1, kMaxStride))
    return Status::bad_stride;
  if (!in_range(dilation.h, 1, kMaxDilation) || !in_range(dilation.w, 1, kMaxDilation))
    return Status::bad_dilation;
  if (!in_range(padding.h, 0, kMaxDim) || !in_range(padding.w, 0, kMaxDim))
    return Status::bad_padding;
  if (output.n != input.n || output.c != expected_out_channels) return Status::bad_output_dims;
  if (!output_size_reachable(input.h, output.h, filter.h, stride.h, padding.h, dilation.h) ||
      !output_size_reachable(input.w, output.w, filter.w, stride.w, padding.w, dilation.w))
    return Status::bad_output_dims;
  return Status::ok;
}

Status validate_quant_params(int32_t input_offset, int32_t output_offset,
                             const ActivationRange& act) {
  if (!in_range(input_offset, -127, 128)) return Status::bad_input_offset;
  if (!in_range(output_offset, -128, 127)) return Status::bad_output_offset;
  if (act.min < -128 || act.max > 127 || act.min > act.max) return Status::bad_activation_range;
  return Status::ok;
}

}  // namespace

Status validate_conv_shape(const ConvParams& params, const Dims& input, const Dims& filter,
                           const Dims& output) {
  if (!dims_valid(input)) return Status::bad_input_dims;
  if (!dims_valid(filter)) return Status::bad_filter_dims;
  if (!dims_valid(output)) return Status::bad_output_dims;
  if (params.groups < 1 || input.c % params.groups != 0 || filter.n % params.groups != 0)
    return Status::bad_groups;
  if (static_cast<int64_t>(filter.c) * params.groups != input.c) return Status::bad_filter_dims;
  const Status window = validate_window(params.stride, params.padding, params.dilation, input,
                                        filter, output, filter.n);
  if (window != Status::ok) return window;
  return validate_quant_params(params.input_offset, params.output_offset, params.activation);
}

Status validate_depthwise_shape(const DepthwiseParams& params, const Dims& input,
                                const Dims& filter, const Dims& output) {
  if (!dims_valid(input)) return Status::bad_input_dims;
  if (!dims_valid(filter) || filter.n != 1) return Status::bad_filter_dims;
  if (!dims_valid(output)) return Status::bad_output_dims;
  if (params.depth_multiplier < 1 ||
      static_cast<int64_t>(input.c) * params.depth_multiplier != filter.c)
    return Status::bad_depth_multiplier;
  const Status window = validate_window(params.stride, params.padding, params.dilation, input,
                                        filter, output, filter.c);
  if (window != Status::ok) return window;
  return validate_quant_params(params.input_offset, params.output_offset, params.activation);
}

Status validate_requant(const PerChannelRequant& requant, int32_t channels) {
  for (int32_t c = 0; c < channels; ++c) {
    if (requant.multiplier[c] < 0 || !in_range(requant.shift[c], -31, 30))
      return Status::bad_requant;
  }
  return Status::ok;
}

Status validate_scratch(const Scratch& scratch, int32_t needed) {
  if (needed < 0 || scratch.size < needed) return Status::bad_scratch;
  if (needed > 0 && scratch.data == NULL) return Status::bad_scratch;
  return Status::ok;
}

ConvShape make_conv_shape(const ConvParams& params, const Dims& input, const Dims& filter,
                          const Dims& output) {
  ConvShape s;
  s.input = input;
  s.filter = filter;
  s.output = output;
  s.stride = params.stride;
  s.padding = params.padding;
  s.dilation = params.dilation;
  s.groups = params.groups;
  return s;
}

DepthwiseShape make_depthwise_shape(const DepthwiseParams& params, const Dims& input,
                                    const Dims& filter, const Dims& output) {
  DepthwiseShape s;
  s.input = input;
  s.filter = filter;
  s.output = output;
  s.stride = params.stride;
  s.padding = params.padding;
  s.dilation = params.dilation;
  s.depth_multiplier = params.depth_multiplier;
  return s;
}

}  // namespace detail
}  // namespace tk
