// Scratch bytes per path, and the public getters. Only conv_1xn / conv_nx1 (windows that
// touch the padding, or any dilation), conv_generic (im2col rows) and depthwise_as_conv (the
// transposed filter plus its conv path) use scratch of their own; on Helium every dense path
// adds the weight sums (weight_sums_scratch in gemm_rows.h).
#include "gemm_rows.h"
#include "paths.h"
#include "validate.h"

namespace tk {
namespace detail {

int32_t conv_path_scratch(ConvPath path, const ConvShape& shape) {
  const int32_t own = conv_path_own_scratch(path, shape);
  return own < 0 ? -1 : own + weight_sums_scratch(own, shape);
}

int32_t conv_path_own_scratch(ConvPath path, const ConvShape& shape) {
  switch (path) {
    case ConvPath::conv_1x1:
    case ConvPath::conv_1x1_strided:
      return 0;
    case ConvPath::conv_1xn:
    case ConvPath::conv_nx1:
      return conv_line_scratch(shape);
    case ConvPath::conv_generic:
      return conv_im2col_gemm_scratch(shape);
  }
  return -1;
}

int32_t depthwise_path_scratch(DepthwisePath path, const DepthwiseShape& shape) {
  switch (path) {
    case DepthwisePath::depthwise_3x3:
    case DepthwisePath::depthwise_mult1:
    case DepthwisePath::depthwise_generic:
      return 0;
    case DepthwisePath::depthwise_as_conv:
      return depthwise_as_conv_scratch(shape);
  }
  return -1;
}

}  // namespace detail

int32_t conv_s8_get_buffer_size(const ConvParams& params, const Dims& input, const Dims& filter,
                                const Dims& output) {
  if (detail::validate_conv_shape(params, input, filter, output) != Status::ok) return -1;
  const detail::ConvShape shape = detail::make_conv_shape(params, input, filter, output);
  return detail::conv_path_scratch(detail::select_conv_path(shape), shape);
}

int32_t conv_s8_path_get_buffer_size(ConvPath path, const ConvParams& params, const Dims& input,
                                     const Dims& filter, const Dims& output) {
  if (detail::validate_conv_shape(params, input, filter, output) != Status::ok) return -1;
  const detail::ConvShape shape = detail::make_conv_shape(params, input, filter, output);
  if (!detail::conv_path_applicable(path, shape)) return -1;
  return detail::conv_path_scratch(path, shape);
}

int32_t depthwise_s8_get_buffer_size(const DepthwiseParams& params, const Dims& input,
                                     const Dims& filter, const Dims& output) {
  if (detail::validate_depthwise_shape(params, input, filter, output) != Status::ok) return -1;
  const detail::DepthwiseShape shape = detail::make_depthwise_shape(params, input, filter, output);
  return detail::depthwise_path_scratch(detail::select_depthwise_path(shape), shape);
}

int32_t depthwise_s8_path_get_buffer_size(DepthwisePath path, const DepthwiseParams& params,
                                          const Dims& input, const Dims& filter,
                                          const Dims& output) {
  if (detail::validate_depthwise_shape(params, input, filter, output) != Status::ok) return -1;
  const detail::DepthwiseShape shape = detail::make_depthwise_shape(params, input, filter, output);
  if (!detail::depthwise_path_applicable(path, shape)) return -1;
  return detail::depthwise_path_scratch(path, shape);
}

}  // namespace tk
