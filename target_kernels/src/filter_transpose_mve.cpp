// Helium transposition of a depthwise filter with one input channel, IHWO [1][taps][M] to
// OHWI [M][taps][1] (depthwise_as_conv): per output channel, eight taps M bytes apart come in
// with one widening byte gather (16-bit offsets) and leave with one narrowing contiguous store,
// instead of a scalar load and store per byte.
#include "depthwise_mve.h"

#if TK_ISA_MVE

#include <arm_mve.h>

namespace tk {
namespace detail {

void transpose_filter_mve(const int8_t* filter, int32_t taps, int32_t outputs, int8_t* ohwi) {
  // The gather's offsets are 16-bit: 7 * M must fit.
  const bool gather = static_cast<int64_t>(outputs) * 7 <= UINT16_MAX;
  if (!gather) {
    for (int32_t t = 0; t < taps; ++t) {
      const int8_t* src = filter + static_cast<ptrdiff_t>(t) * outputs;
      for (int32_t m = 0; m < outputs; ++m) ohwi[static_cast<ptrdiff_t>(m) * taps + t] = src[m];
    }
    return;
  }
  const uint16x8_t offsets = vmulq_n_u16(vidupq_n_u16(0, 1), static_cast<uint16_t>(outputs));
  const ptrdiff_t eight_taps = static_cast<ptrdiff_t>(outputs) * 8;
  for (int32_t m = 0; m < outputs; ++m) {
    const int8_t* src = filter + m;
    int8_t* dst = ohwi + static_cast<ptrdiff_t>(m) * taps;
    int32_t t = 0;
    for (; t + 8 <= taps; t += 8) {
      vstrbq_s16(dst + t, vldrbq_gather_offset_s16(src, offsets));
      src += eight_taps;
    }
    if (t < taps) {
      const mve_pred16_t rest = vctp16q(static_cast<uint32_t>(taps - t));
      vstrbq_p_s16(dst + t, vldrbq_gather_offset_z_s16(src, offsets, rest), rest);
    }
  }
}

}  // namespace detail
}  // namespace tk

#endif  // TK_ISA_MVE
