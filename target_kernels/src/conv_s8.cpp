// The conv wrappers: validate everything, check the path, check the scratch, then run.
#include "gemm_rows.h"
#include "paths.h"
#include "validate.h"

namespace tk {
namespace detail {

void run_conv_path(ConvPath path, const ConvJob& given, int8_t* scratch) {
  ConvJob job = given;
#if TK_ISA_MVE
  const int32_t own = conv_path_own_scratch(path, job.shape);
  if (weight_sums_scratch(own, job.shape) > 0) {
    const int32_t k = job.shape.filter.h * job.shape.filter.w * job.shape.filter.c;
    job.weight_sums = compute_weight_sums(job.filter, k, job.shape.output.c, scratch + own);
  }
#endif
  switch (path) {
    case ConvPath::conv_1x1:
    case ConvPath::conv_1x1_strided:
      conv_1x1(job);
      return;
    case ConvPath::conv_1xn:
    case ConvPath::conv_nx1:
      conv_line(job, scratch);
      return;
    case ConvPath::conv_generic:
      conv_im2col_gemm(job, scratch);
      return;
  }
}

}  // namespace detail

Status conv_s8_path(ConvPath path, const Scratch& scratch, const ConvParams& params,
                    const PerChannelRequant& requant, const Dims& input, const int8_t* input_data,
                    const Dims& filter, const int8_t* filter_data, const int32_t* bias,
                    const Dims& output, int8_t* output_data) {
  if (input_data == NULL || filter_data == NULL || output_data == NULL ||
      requant.multiplier == NULL || requant.shift == NULL)
    return Status::null_pointer;
  Status status = detail::validate_conv_shape(params, input, filter, output);
  if (status != Status::ok) return status;
  status = detail::validate_requant(requant, output.c);
  if (status != Status::ok) return status;
  const detail::ConvShape shape = detail::make_conv_shape(params, input, filter, output);
  if (!detail::conv_path_applicable(path, shape)) return Status::path_not_applicable;
  status = detail::validate_scratch(scratch, detail::conv_path_scratch(path, shape));
  if (status != Status::ok) return status;

  detail::ConvJob job;
  job.shape = shape;
  job.input = input_data;
  job.filter = filter_data;
  job.output = output_data;
  job.input_offset = params.input_offset;
  job.stage = {bias, requant.multiplier, requant.shift, params.output_offset,
               params.activation.min, params.activation.max};
  detail::run_conv_path(path, job, static_cast<int8_t*>(scratch.data));
  return Status::ok;
}

Status conv_s8(const Scratch& scratch, const ConvParams& params, const PerChannelRequant& requant,
               const Dims& input, const int8_t* input_data, const Dims& filter,
               const int8_t* filter_data, const int32_t* bias, const Dims& output,
               int8_t* output_data) {
  // Select only once the shape is known to be valid; conv_s8_path re-validates everything.
  ConvPath path = ConvPath::conv_generic;
  if (detail::validate_conv_shape(params, input, filter, output) == Status::ok)
    path = detail::select_conv_path(detail::make_conv_shape(params, input, filter, output));
  return conv_s8_path(path, scratch, params, requant, input, input_data, filter, filter_data,
                      bias, output, output_data);
}

}  // namespace tk
