// Helium byte copy and fill for the window gathers (im2col). The spans are a few dozen bytes
// (one kernel row of a window, or one tap), where a call to memcpy / memset costs more in its
// call, alignment checks and word loops than the copy itself: here 16 bytes per VLDRB / VSTRB
// pair, and the last 1..15 under a VCTP predicate. Masked lanes neither read nor write memory,
// so nothing outside [src, src + n) is read and nothing outside [dst, dst + n) is written.
#pragma once

#include "isa.h"

#if TK_ISA_MVE

#include <arm_mve.h>
#include <stdint.h>

namespace tk {
namespace detail {
namespace mve {

inline void copy_bytes(int8_t* dst, const int8_t* src, int32_t n) {
  for (; n >= 16; n -= 16) {
    vstrbq_s8(dst, vldrbq_s8(src));
    dst += 16;
    src += 16;
  }
  if (n > 0) {
    const mve_pred16_t p = vctp8q(static_cast<uint32_t>(n));
    vstrbq_p_s8(dst, vldrbq_z_s8(src, p), p);
  }
}

// Every byte of [dst, dst + n) set to the lanes of `value` (all lanes equal).
inline void fill_bytes(int8_t* dst, int8x16_t value, int32_t n) {
  for (; n >= 16; n -= 16) {
    vstrbq_s8(dst, value);
    dst += 16;
  }
  if (n > 0) vstrbq_p_s8(dst, value, vctp8q(static_cast<uint32_t>(n)));
}

}  // namespace mve
}  // namespace detail
}  // namespace tk

#endif  // TK_ISA_MVE
