// The depthwise wrappers: validate everything, check the path, check the scratch, then run.
#include "paths.h"
#include "validate.h"

namespace tk {
namespace detail {

void run_depthwise_path(DepthwisePath path, const DepthwiseJob& job, int8_t* scratch) {
  switch (path) {
    case DepthwisePath::depthwise_3x3:
      depthwise_3x3(job);
      return;
    case DepthwisePath::depthwise_mult1:
      depthwise_mult1(job);
      return;
    case DepthwisePath::depthwise_generic:
      depthwise_generic(job);
      return;
    case DepthwisePath::depthwise_as_conv:
      depthwise_as_conv(job, scratch);
      return;
  }
}

}  // namespace detail

Status depthwise_s8_path(DepthwisePath path, const Scratch& scratch,
                         const DepthwiseParams& params, const PerChannelRequant& requant,
                         const Dims& input, const int8_t* input_data, const Dims& filter,
                         const int8_t* filter_data, const int32_t* bias, const Dims& output,
                         int8_t* output_data) {
  if (input_data == NULL || filter_data == NULL || output_data == NULL ||
      requant.multiplier == NULL || requant.shift == NULL)
    return Status::null_pointer;
  Status status = detail::validate_depthwise_shape(params, input, filter, output);
  if (status != Status::ok) return status;
  status = detail::validate_requant(requant, output.c);
  if (status != Status::ok) return status;
  const detail::DepthwiseShape shape = detail::make_depthwise_shape(params, input, filter, output);
  if (!detail::depthwise_path_applicable(path, shape)) return Status::path_not_applicable;
  status = detail::validate_scratch(scratch, detail::depthwise_path_scratch(path, shape));
  if (status != Status::ok) return status;

  detail::DepthwiseJob job;
  job.shape = shape;
  job.input = input_data;
  job.filter = filter_data;
  job.output = output_data;
  job.input_offset = params.input_offset;
  job.stage = {bias, requant.multiplier, requant.shift, params.output_offset,
               params.activation.min, params.activation.max};
  detail::run_depthwise_path(path, job, static_cast<int8_t*>(scratch.data));
  return Status::ok;
}

Status depthwise_s8(const Scratch& scratch, const DepthwiseParams& params,
                    const PerChannelRequant& requant, const Dims& input, const int8_t* input_data,
                    const Dims& filter, const int8_t* filter_data, const int32_t* bias,
                    const Dims& output, int8_t* output_data) {
  DepthwisePath path = DepthwisePath::depthwise_generic;
  if (detail::validate_depthwise_shape(params, input, filter, output) == Status::ok)
    path = detail::select_depthwise_path(
        detail::make_depthwise_shape(params, input, filter, output));
  return depthwise_s8_path(path, scratch, params, requant, input, input_data, filter,
                           filter_data, bias, output, output_data);
}

}  // namespace tk
