// The public requantization entry points; the arithmetic lives in requantize.h.
#include "requantize.h"

#include "tk/conv.h"

namespace tk {

int32_t requantize(int32_t acc, int32_t multiplier, int32_t shift) {
  return detail::requantize_value(acc, multiplier, shift);
}

Rounding rounding_mode() {
#if defined(TK_SINGLE_ROUNDING) && TK_SINGLE_ROUNDING
  return Rounding::single_rounding;
#else
  return Rounding::double_rounding;
#endif
}

}  // namespace tk
