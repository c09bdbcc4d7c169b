// The output stage for the Cortex-M DSP paths: requantize.h's arithmetic, exactly, in one
// 32x32->64 multiply-accumulate (SMLAL) and a few shifts per value instead of the two
// unsigned products of the portable form (see requantize_dsp), and the output offset added
// with a saturating add (QADD): any value beyond +-512 clamps to the same activation bound
// either way. Compiled only when TK_ISA_DSP.
#pragma once

#include "isa.h"

#if TK_ISA_DSP

#include <arm_acle.h>
#include <stdint.h>

#include "job.h"

namespace tk {
namespace detail {

// The requantization terms of one output channel, for the one-multiply form below.
struct ChannelRequant {
  int32_t multiplier;  // M
  uint32_t left;       // L
  int32_t high_shift;  // R - 1: the shift of the high word; -1 when R == 0
  uint32_t sign_mask;  // 2^31 for double rounding with R >= 1, else 0 (see requantize_dsp)
  int64_t round;       // added to v * M before the shift by 31 + R
};

inline ChannelRequant channel_requant(int32_t multiplier, int32_t shift) {
  // Shifts are validated to [-31, 30]; clamping keeps everything defined beyond that.
  const int32_t s = shift < -31 ? -31 : (shift > 31 ? 31 : shift);
  const int32_t right = s < 0 ? -s : 0;
  ChannelRequant t;
  t.multiplier = multiplier;
  t.left = s > 0 ? static_cast<uint32_t>(s) : 0u;
  t.high_shift = right - 1;
  // 2^(30 + R) for R >= 1 (0 for R == 0) in 32-bit halves: no 64-bit shift on a 32-bit core.
  const uint32_t divide_round_low = right == 1 ? UINT32_C(1) << 31 : 0u;
  const uint32_t divide_round_high = (UINT32_C(1) << right) >> 2;
  const uint32_t half_up = UINT32_C(1) << 30;
#if defined(TK_SINGLE_ROUNDING) && TK_SINGLE_ROUNDING
  const uint32_t low = right == 0 ? half_up : divide_round_low;
  t.sign_mask = 0;
#else
  const uint32_t low = half_up | divide_round_low;
  t.sign_mask = right == 0 ? 0u : UINT32_C(1) << 31;
#endif
  t.round = static_cast<int64_t>((static_cast<uint64_t>(divide_round_high) << 32) | low);
  return t;
}

// The requantization of one accumulator, exactly requantize_with's, in one 64-bit
// multiply-accumulate (SMLAL) and a shift of its high word, for R >= 1:
//   single rounding: (v * M + 2^(30 + R)) >> (31 + R)          (the definition)
//   double rounding: y = (v * M + 2^30) >> 31 rounded half away from zero at 2^R is
//     (y + 2^(R-1) - [y < 0]) >> R, and adding whole multiples of 2^31 inside the first
//     floor gives (v * M + 2^30 + 2^(30 + R) - [y < 0] * 2^31) >> (31 + R). [y < 0] may be
//     replaced by [v < 0]: they differ only when v < 0 and y == 0, where both give 0
//     (2^(R-1) - 1 < 2^R). [v < 0] * 2^31 is v's sign bit, in place (v & sign_mask).
// |v * M| < 2^62, so the 64-bit sum cannot overflow; its shift by 31 + R >= 32 is the high
// word shifted by R - 1. With R == 0 both roundings are y itself.
inline int32_t requantize_dsp(int32_t acc, const ChannelRequant& t) {
  const int32_t v = static_cast<int32_t>(static_cast<uint32_t>(acc) << t.left);
  const int64_t start = t.round - static_cast<int64_t>(static_cast<uint32_t>(v) & t.sign_mask);
  uint32_t low = static_cast<uint32_t>(start);
  int32_t high = static_cast<int32_t>(static_cast<uint64_t>(start) >> 32);
  // high:low += v * M in one SMLAL (gcc 12 makes a 64x64 multiply of it in some loops).
  __asm__("smlal %[low], %[high], %[v], %[m]"
          : [low] "+r"(low), [high] "+r"(high)
          : [v] "r"(v), [m] "r"(t.multiplier));
  if (t.high_shift < 0)
    return static_cast<int32_t>((static_cast<uint32_t>(high) << 1) | (low >> 31));
  return high >> t.high_shift;
}

// The output offset and activation range, copied out of the OutputStage so that the compiler
// need not reload them after every int8 store (which may alias anything).
struct OutputBounds {
  int32_t offset, min, max;
};

inline OutputBounds output_bounds(const OutputStage& st) {
  return {st.output_offset, st.activation_min, st.activation_max};
}

inline int8_t finish_output_dsp(int32_t y, const OutputBounds& b) {
  y = __qadd(y, b.offset);
  y = y < b.min ? b.min : y;
  y = y > b.max ? b.max : y;
  return static_cast<int8_t>(y);
}

// out[c] = the output stage of acc[c] for output channels first .. first + count - 1.
inline void store_outputs_dsp(const OutputStage& st, int32_t first, const uint32_t* acc,
                              int32_t count, int8_t* out) {
  const OutputBounds bounds = output_bounds(st);
  for (int32_t c = 0; c < count; ++c) {
    const ChannelRequant t = channel_requant(st.multiplier[first + c], st.shift[first + c]);
    out[c] = finish_output_dsp(requantize_dsp(static_cast<int32_t>(acc[c]), t), bounds);
  }
}

// store_requantized (requant_block.h) from the terms its table holds for the DSP paths.
template <class Table>
inline void store_requantized_dsp(const Table& table, const OutputStage& st, const uint32_t* acc,
                                  int32_t count, int8_t* out) {
  const OutputBounds bounds = output_bounds(st);
  for (int32_t c = 0; c < count; ++c)
    out[c] =
        finish_output_dsp(requantize_dsp(static_cast<int32_t>(acc[c]), table.channel[c]), bounds);
}

}  // namespace detail
}  // namespace tk

#endif  // TK_ISA_DSP
