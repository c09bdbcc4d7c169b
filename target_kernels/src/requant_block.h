// The output stage for a run of consecutive output channels: per-channel requantization terms
// are derived once into a small table on the stack, then a channel loop (which compilers
// vectorize) requantizes, offsets and clamps a block of accumulators.
#pragma once

#include <stdint.h>

#include "isa.h"
#include "job.h"
#include "requant_block_dsp.h"
#include "requant_mve.h"
#include "requantize.h"

namespace tk {
namespace detail {

// Channels per table (24 bytes each on the stack).
constexpr int32_t kRequantBlock = 64;

struct RequantTable {
  uint32_t multiplier[kRequantBlock];
  uint32_t left_scale[kRequantBlock];
  uint32_t right_scale[kRequantBlock];
  uint32_t round[kRequantBlock];
  uint32_t mask[kRequantBlock];
  uint32_t half[kRequantBlock];
#if TK_ISA_MVE
  int32_t neg_right[kRequantBlock];  // -R, the rounding shift of VRSHL
#elif TK_ISA_DSP
  ChannelRequant channel[kRequantBlock];  // the terms of the DSP output stage
#endif
};

// Terms of output channels first .. first + count - 1 (count <= kRequantBlock).
inline void fill_requant_table(const OutputStage& st, int32_t first, int32_t count,
                               RequantTable& table) {
#if TK_ISA_MVE
  // Only the terms the Helium output stage reads (the others stay unset), four channels per
  // step.
  mve::fill_requant_lanes(st.multiplier + first, st.shift + first, count, table.multiplier,
                          table.left_scale, table.round, table.neg_right);
#else
  for (int32_t c = 0; c < count; ++c) {
    const RequantTerms t = requant_terms(st.multiplier[first + c], st.shift[first + c]);
    table.multiplier[c] = t.multiplier;
    table.left_scale[c] = t.left_scale;
    table.right_scale[c] = t.right_scale;
    table.round[c] = t.round;
    table.mask[c] = t.mask;
    table.half[c] = t.half;
#if TK_ISA_DSP
    table.channel[c] = channel_requant(st.multiplier[first + c], st.shift[first + c]);
#endif
  }
#endif
}

// out[c] = clamp(requantize(acc[c]) + output_offset) for c < count; acc holds int32 values
// (as unsigned, accumulated modulo 2^32).
inline void store_requantized(const RequantTable& table, const OutputStage& st,
                              const uint32_t* acc, int32_t count, int8_t* out) {
#if TK_ISA_MVE
  mve::store_requantized_lanes(table.multiplier, table.left_scale, table.round, table.neg_right,
                               st, acc, count, out);
#elif TK_ISA_DSP
  store_requantized_dsp(table, st, acc, count, out);
#else
  for (int32_t c = 0; c < count; ++c) {
    const int32_t y = requantize_with(static_cast<int32_t>(acc[c]), table.multiplier[c],
                                      table.left_scale[c], table.right_scale[c], table.round[c],
                                      table.mask[c], table.half[c]);
    out[c] = finish_output(y, st.output_offset, st.activation_min, st.activation_max);
  }
#endif
}

// acc[c] = bias[first + c] (0 without bias), the starting value of an accumulator block.
inline void init_with_bias(const int32_t* bias, int32_t first, int32_t count, uint32_t* acc) {
  if (bias != NULL) {
    for (int32_t c = 0; c < count; ++c) acc[c] = static_cast<uint32_t>(bias[first + c]);
  } else {
    for (int32_t c = 0; c < count; ++c) acc[c] = 0;
  }
}

}  // namespace detail
}  // namespace tk
