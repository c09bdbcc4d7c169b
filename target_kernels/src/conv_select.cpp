// Which conv path applies, and which one the wrapper picks (the first applicable in the order
// conv_1x1, conv_1x1_strided, conv_1xn, conv_nx1, conv_generic).
#include "paths.h"
#include "validate.h"

namespace tk {
namespace detail {

bool conv_path_applicable(ConvPath path, const ConvShape& s) {
  const bool filter_1x1 = s.filter.h == 1 && s.filter.w == 1;
  const bool dense = s.groups == 1;
  switch (path) {
    case ConvPath::conv_1x1:
      return filter_1x1 && dense && s.stride.h == 1 && s.stride.w == 1;
    case ConvPath::conv_1x1_strided:  // any stride; the wrapper prefers conv_1x1 for stride 1
      return filter_1x1 && dense;
    case ConvPath::conv_1xn:
      return s.input.h == 1 && s.filter.h == 1 && dense;
    case ConvPath::conv_nx1:
      return s.input.w == 1 && s.filter.w == 1 && dense;
    case ConvPath::conv_generic:
      return true;
  }
  return false;  // not a ConvPath value
}

ConvPath select_conv_path(const ConvShape& s) {
  const ConvPath order[] = {ConvPath::conv_1x1, ConvPath::conv_1x1_strided, ConvPath::conv_1xn,
                            ConvPath::conv_nx1};
  for (ConvPath path : order) {
    if (conv_path_applicable(path, s)) return path;
  }
  return ConvPath::conv_generic;
}

}  // namespace detail

ConvPath conv_s8_select_path(const ConvParams& params, const Dims& input, const Dims& filter,
                             const Dims& output) {
  return detail::select_conv_path(detail::make_conv_shape(params, input, filter, output));
}

}  // namespace tk
