// accumulate_tap (depthwise_block.h) for the Cortex-M DSP extension: four channels per step,
// one word of inputs and one of weights widened to int16 lanes (the input offset added in the
// same SXTAB16), then one 16x16 multiply-accumulate per channel (SMLABB / SMLATT on the low
// and high lanes). The sums wrap modulo 2^32 like the portable unsigned ones. Compiled only
// when TK_ISA_DSP.
#pragma once

#include "isa.h"

#if TK_ISA_DSP

#include <stdint.h>

#include "dsp_lanes.h"

namespace tk {
namespace detail {

inline void accumulate_tap_dsp(uint32_t* acc, const int8_t* x, const int8_t* w, int32_t count,
                               int32_t input_offset) {
  const int16x2_t offset = dsp::offset_lanes(input_offset);
  int32_t c = 0;
  for (; c + 4 <= count; c += 4) {
    const dsp::Lanes xl = dsp::widen_with_offset(dsp::load4(x + c), offset);
    const dsp::Lanes wl = dsp::widen(dsp::load4(w + c));
    // even lanes hold channels c and c + 2, odd lanes c + 1 and c + 3
    acc[c] = static_cast<uint32_t>(__smlabb(xl.even, wl.even, static_cast<int32_t>(acc[c])));
    acc[c + 1] = static_cast<uint32_t>(__smlabb(xl.odd, wl.odd, static_cast<int32_t>(acc[c + 1])));
    acc[c + 2] =
        static_cast<uint32_t>(__smlatt(xl.even, wl.even, static_cast<int32_t>(acc[c + 2])));
    acc[c + 3] = static_cast<uint32_t>(__smlatt(xl.odd, wl.odd, static_cast<int32_t>(acc[c + 3])));
  }
  for (; c < count; ++c) acc[c] += static_cast<uint32_t>((x[c] + input_offset) * w[c]);
}

}  // namespace detail
}  // namespace tk

#endif  // TK_ISA_DSP
