// Four channels at a time, all nine taps summed in registers: per tap one word of inputs and
// one of weights (SXTAB16 adds the input offset while widening) and one SMLABB / SMLATT per
// channel, 10 instructions for 4 multiply-accumulates (tk_dsp_window_3x3_by4, assembly).
// Leftover channels (count % 4) are summed one by one in C; the block is requantized in one
// pass at the end.
#include "depthwise_3x3_dsp.h"

#if TK_ISA_DSP

#include "dsp_lanes.h"
#include "requant_block_dsp.h"

// a[k] += the nine products (x + offset) * w of one 3x3 window for channels k = 0..3 of x and
// w, an assembly function: taps are px bytes apart along W (inputs and weights alike), row
// bytes apart along H for the inputs and 3 * px for the weights. offset is the input offset in
// both int16 lanes. It needs 13 registers: in C gcc 12 spills the accumulators at every tap,
// and as inline assembly it cannot be compiled without optimization (too few registers left),
// so it is a function of its own, the same at every optimization level.
extern "C" void tk_dsp_window_3x3_by4(int32_t* a, const int8_t* x, const int8_t* w, int32_t px,
                                      int32_t row, int32_t offset);

// One tap: inputs widened with the offset into r8 (channels 0 2) and r9 (1 3), weights into
// r10 and r11, then one 16x16 multiply-accumulate per channel into r4-r7 (channels 0-3).
#define TK_DSP_TAP(XADDR, WADDR)  \
  "ldr r8, " XADDR "\n"           \
  "ldr r10, " WADDR "\n"          \
  "sxtab16 r9, lr, r8, ror #8\n"  \
  "sxtab16 r8, lr, r8\n"          \
  "sxtb16 r11, r10, ror #8\n"     \
  "sxtb16 r10, r10\n"             \
  "smlabb r4, r8, r10, r4\n"      \
  "smlatt r6, r8, r10, r6\n"      \
  "smlabb r5, r9, r11, r5\n"      \
  "smlatt r7, r9, r11, r7\n"

// Three taps of one row (x in r1, w in r2, px in r3); then x moves to the next input row
// (r12 = row - 2 * px further) and w to the next filter row.
#define TK_DSP_ROW                   \
  TK_DSP_TAP("[r1]", "[r2]")         \
  TK_DSP_TAP("[r1, r3]", "[r2, r3]") \
  "add r1, r1, r3, lsl #1\n"         \
  "add r2, r2, r3, lsl #1\n"         \
  TK_DSP_TAP("[r1]", "[r2]")         \
  "add r1, r1, r12\n"                \
  "add r2, r2, r3\n"

// r0 a, r1 x, r2 w, r3 px, [sp] row, [sp + 4] offset.
asm(".pushsection .text.tk_dsp_window_3x3_by4,\"ax\",%progbits\n"
    ".syntax unified\n"
    ".thumb\n"
    ".global tk_dsp_window_3x3_by4\n"
    ".type tk_dsp_window_3x3_by4, %function\n"
    ".thumb_func\n"
    ".align 2\n"
    "tk_dsp_window_3x3_by4:\n"
    "push {r4-r11, lr}\n"
    "ldr r12, [sp, #36]\n"        // row
    "sub r12, r12, r3, lsl #1\n"  // row - 2 * px
    "ldr lr, [sp, #40]\n"         // offset
    "push {r0}\n"
    "ldrd r4, r5, [r0]\n"
    "ldrd r6, r7, [r0, #8]\n"
    TK_DSP_ROW TK_DSP_ROW TK_DSP_ROW
    "pop {r0}\n"
    "strd r4, r5, [r0]\n"
    "strd r6, r7, [r0, #8]\n"
    "pop {r4-r11, pc}\n"
    ".size tk_dsp_window_3x3_by4, . - tk_dsp_window_3x3_by4\n"
    ".popsection\n");
#undef TK_DSP_ROW
#undef TK_DSP_TAP

namespace tk {
namespace detail {

void depthwise_3x3_interior_dsp(const DepthwiseJob& job, const ChannelBlock& block, int32_t n,
                                int32_t ih, int32_t iw, int8_t* out) {
  const DepthwiseShape& s = job.shape;
  const ptrdiff_t px = s.input.c;                                // next tap along W
  const ptrdiff_t row = static_cast<ptrdiff_t>(s.input.w) * px;  // next tap along H
  const int8_t* x = job.input + pixel_offset(s.input, n, ih, iw) + block.first;
  const int8_t* w = job.filter + block.first;  // filter taps are px apart (multiplier 1)
  const int32_t* bias = job.stage.bias != NULL ? job.stage.bias + block.first : NULL;
  const int16x2_t offset = dsp::offset_lanes(job.input_offset);
  out += block.first;
  uint32_t acc[kDepthwiseBlock];
  int32_t c = 0;
  for (; c + 4 <= block.count; c += 4) {
    int32_t a[4] = {0, 0, 0, 0};
    if (bias != NULL) {
      for (int k = 0; k < 4; ++k) a[k] = bias[c + k];
    }
    tk_dsp_window_3x3_by4(a, x + c, w + c, static_cast<int32_t>(px), static_cast<int32_t>(row),
                          offset);
    for (int k = 0; k < 4; ++k) acc[c + k] = static_cast<uint32_t>(a[k]);
  }
  for (; c < block.count; ++c) {
    uint32_t sum = bias != NULL ? static_cast<uint32_t>(bias[c]) : 0u;
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 3; ++j)
        sum += static_cast<uint32_t>((x[i * row + j * px + c] + job.input_offset) *
                                     w[(3 * i + j) * px + c]);
    acc[c] = sum;
  }
  // The output stage in one pass over the block: a tight loop the compiler keeps in registers.
  store_requantized_dsp(block.table, job.stage, acc, block.count, out);
}

}  // namespace detail
}  // namespace tk

#endif  // TK_ISA_DSP
