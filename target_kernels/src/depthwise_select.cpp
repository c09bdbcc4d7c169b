// Which depthwise path applies, and which one the wrapper picks (the first applicable in the
// order depthwise_as_conv, depthwise_3x3, depthwise_mult1, depthwise_generic).
#include "paths.h"
#include "validate.h"

namespace tk {
namespace detail {

bool depthwise_path_applicable(DepthwisePath path, const DepthwiseShape& s) {
  const bool mult1 = s.depth_multiplier == 1;
  switch (path) {
    case DepthwisePath::depthwise_3x3:
      return mult1 && s.filter.h == 3 && s.filter.w == 3 && s.dilation.h == 1 &&
             s.dilation.w == 1;
    case DepthwisePath::depthwise_mult1:
      return mult1;
    case DepthwisePath::depthwise_generic:
      return true;
    case DepthwisePath::depthwise_as_conv:
      return s.input.c == 1;
  }
  return false;  // not a DepthwisePath value
}

DepthwisePath select_depthwise_path(const DepthwiseShape& s) {
  const DepthwisePath order[] = {DepthwisePath::depthwise_as_conv, DepthwisePath::depthwise_3x3,
                                 DepthwisePath::depthwise_mult1};
  for (DepthwisePath path : order) {
    if (depthwise_path_applicable(path, s)) return path;
  }
  return DepthwisePath::depthwise_generic;
}

}  // namespace detail

DepthwisePath depthwise_s8_select_path(const DepthwiseParams& params, const Dims& input,
                                       const Dims& filter, const Dims& output) {
  return detail::select_depthwise_path(
      detail::make_depthwise_shape(params, input, filter, output));
}

}  // namespace tk
