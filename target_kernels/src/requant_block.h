// The output stage for a run of consecutive output channels: per-channel requantization terms
// are derived once into a small table on the stack, then a channel loop (which compilers
// vectorize) requantizes, offsets and clamps a block of accumulators.
#pragma once

#include <stdint.h>

#include "job.h"
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
};

// Terms of output channels first .. first + count - 1 (count <= kRequantBlock).
inline void fill_requant_table(const OutputStage& st, int32_t first, int32_t count,
                               RequantTable& table) {
  for (int32_t c = 0; c < count; ++c) {
    const RequantTerms t = requant_terms(st.multiplier[first + c], st.shift[first + c]);
    table.multiplier[c] = t.multiplier;
    table.left_scale[c] = t.left_scale;
    table.right_scale[c] = t.right_scale;
    table.round[c] = t.round;
    table.mask[c] = t.mask;
    table.half[c] = t.half;
  }
}

// out[c] = clamp(requantize(acc[c]) + output_offset) for c < count; acc holds int32 values
// (as unsigned, accumulated modulo 2^32).
inline void store_requantized(const RequantTable& table, const OutputStage& st,
                              const uint32_t* acc, int32_t count, int8_t* out) {
  for (int32_t c = 0; c < count; ++c) {
    const int32_t y = requantize_with(static_cast<int32_t>(acc[c]), table.multiplier[c],
                                      table.left_scale[c], table.right_scale[c], table.round[c],
                                      table.mask[c], table.half[c]);
    out[c] = finish_output(y, st.output_offset, st.activation_min, st.activation_max);
  }
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
