// accumulate_tap (depthwise_block.h) for Helium: four channels per step in the 32-bit lanes,
// inputs and weights widened by the loads themselves (VLDRB.S32), the input offset added,
// then VMUL and VADD into the accumulators (MVE's VMLA takes a scalar operand only), which
// wrap modulo 2^32 like the portable unsigned sums; (x + o) * w itself is exact in 32 bits.
// A tail of 1..3 channels runs under a VCTP predicate: masked lanes neither read nor write
// memory. Compiled only when TK_ISA_MVE.
#pragma once

#include "isa.h"

#if TK_ISA_MVE

#include <arm_mve.h>
#include <stdint.h>

namespace tk {
namespace detail {

inline void accumulate_tap_mve(uint32_t* acc, const int8_t* x, const int8_t* w, int32_t count,
                               int32_t input_offset) {
  int32_t c = 0;
  for (; c + 4 <= count; c += 4) {
    const int32x4_t xv = vaddq_n_s32(vldrbq_s32(x + c), input_offset);
    const int32x4_t sum =
        vaddq_s32(vreinterpretq_s32_u32(vldrwq_u32(acc + c)), vmulq_s32(xv, vldrbq_s32(w + c)));
    vstrwq_u32(acc + c, vreinterpretq_u32_s32(sum));
  }
  if (c == count) return;
  const mve_pred16_t live = vctp32q(static_cast<uint32_t>(count - c));
  const int32x4_t xv = vaddq_n_s32(vldrbq_z_s32(x + c, live), input_offset);
  const int32x4_t sum = vaddq_s32(vreinterpretq_s32_u32(vldrwq_z_u32(acc + c, live)),
                                  vmulq_s32(xv, vldrbq_z_s32(w + c, live)));
  vstrwq_p_u32(acc + c, vreinterpretq_u32_s32(sum), live);
}

}  // namespace detail
}  // namespace tk

#endif  // TK_ISA_MVE
