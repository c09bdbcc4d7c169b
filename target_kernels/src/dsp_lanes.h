// Building blocks of the Cortex-M DSP paths (ARMv7E-M: Cortex-M4, M7, M33): four int8 values
// read as one word and widened to two pairs of int16 lanes, the operands of the dual 16-bit
// multiply-accumulate (SMLAD) and of the per-lane multiplies (SMLABB / SMLATT).
//
// SXTB16 widens bytes 0 and 2 of a word into the low and high lanes, and the same on the word
// rotated by 8 widens bytes 1 and 3: the "even" and "odd" pairs. Taking both operands of a
// dot product apart the same way keeps each product between matching elements, so no
// re-packing is needed. SXTAB16 also adds the input offset to both lanes in the same
// instruction: x + input_offset is in [-255, 255] (input_offset in [-127, 128]), so the lane
// sums are exact int16.
#pragma once

#include "isa.h"

#if TK_ISA_DSP

#include <arm_acle.h>
#include <stdint.h>
#include <string.h>

namespace tk {
namespace detail {
namespace dsp {

// Four bytes at any alignment (Cortex-M4 loads unaligned words in one instruction).
inline uint32_t load4(const int8_t* p) {
  uint32_t word;
  memcpy(&word, p, sizeof word);
  return word;
}

// SXTB16 / SXTAB16 of the word rotated by 8, in one instruction (the instructions take the
// rotation as an operand; gcc 12 does not fold a separate rotate into the intrinsics).
inline int16x2_t sxtb16_ror8(uint32_t four) {
  int16x2_t lanes;
  __asm__("sxtb16 %0, %1, ror #8" : "=r"(lanes) : "r"(four));
  return lanes;
}

inline int16x2_t sxtab16_ror8(int16x2_t add, uint32_t four) {
  int16x2_t lanes;
  __asm__("sxtab16 %0, %1, %2, ror #8" : "=r"(lanes) : "r"(add), "r"(four));
  return lanes;
}

struct Lanes {
  int16x2_t even;  // elements 0 (low lane) and 2 (high lane)
  int16x2_t odd;   // elements 1 and 3
};

inline Lanes widen(uint32_t four) {
  return {__sxtb16(static_cast<int8x4_t>(four)), sxtb16_ror8(four)};
}

// The input offset in both lanes, the first operand of SXTAB16.
inline int16x2_t offset_lanes(int32_t input_offset) {
  return static_cast<int16x2_t>((static_cast<uint32_t>(input_offset) & 0xFFFFu) * 0x10001u);
}

// widen(four) with the input offset added to every lane.
inline Lanes widen_with_offset(uint32_t four, int16x2_t offset) {
  return {__sxtab16(offset, static_cast<int8x4_t>(four)), sxtab16_ror8(offset, four)};
}

}  // namespace dsp
}  // namespace detail
}  // namespace tk

#endif  // TK_ISA_DSP
