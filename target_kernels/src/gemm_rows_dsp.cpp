// The dense-conv engine on the Cortex-M DSP extension.
//
// The rows are first widened to int16 with the input offset added (SXTAB16), a pair of rows
// and up to kKChunk elements at a time, into a small aligned buffer on the stack, in the lane
// order SXTB16 gives the weights: per group of four elements, row 0's elements (0, 2) and
// (1, 3), then row 1's. Each widened row is then reused by every filter row. The inner block
// is 2 rows x 2 filter rows: per group of four, 2 LDRD (both rows), 2 weight loads, 4 SXTB16
// and 8 SMLAD, 16 instructions for 16 multiply-accumulates, written in assembly (see
// tk_dsp_dot_2x2_by8). Odd rows, odd channels and the K % 8 rest are C.
//
// SMLAD wraps modulo 2^32 like the portable code's unsigned sums: every accumulator is exact
// whenever the true sum fits int32. The filter is only ever read inside its k bytes per row.
#include "gemm_rows_dsp.h"

#if TK_ISA_DSP

#include "dsp_lanes.h"
#include "requant_block.h"
#include "requant_block_dsp.h"

// The 2x2 block over 8 * pairs elements (pairs >= 1), an assembly function:
//   sums[0..3] (s00, s01, s10, s11) += widened rows 0, 1 (x) . filter rows w0, w1.
// It needs 14 registers (4 sums, 3 pointers, the end, 6 temporaries): in C gcc 12 spills in
// the loop and runs at half the rate, and as inline assembly it cannot be compiled without
// optimization or with a frame pointer (too few registers left), so it is a function of its
// own, the same at every optimization level.
extern "C" void tk_dsp_dot_2x2_by8(int32_t* sums, const int16x2_t* x, const int8_t* w0,
                                   const int8_t* w1, int32_t pairs);

// One group of four: row 0 lanes (0 2) (1 3) in r8 r9, row 1 in r10 r11, a weight word
// widened into r0 (0 2) and lr (1 3).
#define TK_DSP_GROUP_2X2     \
  "ldrd r8, r9, [r1], #8\n"   \
  "ldrd r10, r11, [r1], #8\n" \
  "ldr r0, [r2], #4\n"        \
  "sxtb16 lr, r0, ror #8\n"   \
  "sxtb16 r0, r0\n"           \
  "smlad r4, r8, r0, r4\n"    \
  "smlad r4, r9, lr, r4\n"    \
  "smlad r6, r10, r0, r6\n"   \
  "smlad r6, r11, lr, r6\n"   \
  "ldr r0, [r3], #4\n"        \
  "sxtb16 lr, r0, ror #8\n"   \
  "sxtb16 r0, r0\n"           \
  "smlad r5, r8, r0, r5\n"    \
  "smlad r5, r9, lr, r5\n"    \
  "smlad r7, r10, r0, r7\n"   \
  "smlad r7, r11, lr, r7\n"

// r0 sums, r1 x, r2 w0, r3 w1, [sp] pairs; r4-r7 the sums, r12 the end of x.
asm(".pushsection .text.tk_dsp_dot_2x2_by8,\"ax\",%progbits\n"
    ".syntax unified\n"
    ".thumb\n"
    ".global tk_dsp_dot_2x2_by8\n"
    ".type tk_dsp_dot_2x2_by8, %function\n"
    ".thumb_func\n"
    ".align 2\n"
    "tk_dsp_dot_2x2_by8:\n"
    "push {r4-r11, lr}\n"
    "ldr r12, [sp, #36]\n"       // pairs
    "add r12, r1, r12, lsl #5\n" // 32 bytes of x per pass: 2 groups x 2 rows x 2 words
    "push {r0}\n"
    "ldrd r4, r5, [r0]\n"
    "ldrd r6, r7, [r0, #8]\n"
    "1:\n" TK_DSP_GROUP_2X2 TK_DSP_GROUP_2X2
    "cmp r1, r12\n"
    "bne 1b\n"
    "pop {r0}\n"
    "strd r4, r5, [r0]\n"
    "strd r6, r7, [r0, #8]\n"
    "pop {r4-r11, pc}\n"
    ".size tk_dsp_dot_2x2_by8, . - tk_dsp_dot_2x2_by8\n"
    ".popsection\n");
#undef TK_DSP_GROUP_2X2

namespace tk {
namespace detail {
namespace {

// K elements widened per pass (a multiple of 8); the buffer holds two rows of them.
constexpr int32_t kKChunk = 512;
// Output channels accumulated before one pass of the output stage.
constexpr int32_t kChannelChunk = 64;

struct Widened {
  const int16x2_t* lanes;  // groups of four elements, 2 words per row per group
  int32_t groups;          // complete groups of four in this chunk
};

// Widens R rows of 4 * groups elements starting at element i0.
template <int R>
void widen_rows(const int8_t* const* rows, int32_t i0, int32_t groups, int16x2_t offset,
                int16x2_t* out) {
  const int8_t* x[R];
  for (int r = 0; r < R; ++r) x[r] = rows[r] + i0;
  for (int32_t g = 0; g < groups; ++g) {
    for (int r = 0; r < R; ++r) {
      const dsp::Lanes l = dsp::widen_with_offset(dsp::load4(x[r] + 4 * g), offset);
      out[(g * R + r) * 2] = l.even;
      out[(g * R + r) * 2 + 1] = l.odd;
    }
  }
}

// One group of four of an R x C block in C: s[r][c] += widened row r . filter row c.
template <int R, int C>
inline void dot_group(const int16x2_t*& x, const int8_t* (&w)[C], int32_t (&s)[R][C]) {
  for (int c = 0; c < C; ++c) {
    const dsp::Lanes wl = dsp::widen(dsp::load4(w[c]));
    w[c] += 4;
    for (int r = 0; r < R; ++r) {
      s[r][c] = __smlad(x[2 * r], wl.even, s[r][c]);
      s[r][c] = __smlad(x[2 * r + 1], wl.odd, s[r][c]);
    }
  }
  x += 2 * R;
}

// acc[r][j + c] += dot over one chunk: the widened groups, then (last chunk only) the tail
// elements one by one from the raw rows. weights points at filter row j, element i0. On the
// first chunk the sums start from first_bias[j + c] instead (the bias, or zeros).
template <int R, int C>
inline void block_chunk(const Widened& wide, const int8_t* weights, int32_t k,
                        const int8_t* const* tail_rows, int32_t tail_count, int32_t input_offset,
                        const int32_t* first_bias, uint32_t (*acc)[kChannelChunk], int32_t j) {
  const int16x2_t* x = wide.lanes;
  const int8_t* w[C];
  for (int c = 0; c < C; ++c) w[c] = weights + static_cast<ptrdiff_t>(c) * k;
  int32_t s[R][C];
  for (int r = 0; r < R; ++r) {
    for (int c = 0; c < C; ++c) {
      s[r][c] = first_bias != NULL ? first_bias[j + c] : static_cast<int32_t>(acc[r][j + c]);
    }
  }
  int32_t g = 0;
  if constexpr (R == 2 && C == 2) {
    if (wide.groups >= 2) {
      const int32_t pairs = wide.groups / 2;
      tk_dsp_dot_2x2_by8(&s[0][0], x, w[0], w[1], pairs);
      g = 2 * pairs;
      x += 8 * pairs;
      for (int c = 0; c < C; ++c) w[c] += 8 * pairs;
    }
  }
  for (; g < wide.groups; ++g) dot_group<R, C>(x, w, s);
  for (int32_t t = 0; t < tail_count; ++t) {
    for (int r = 0; r < R; ++r) {
      const int32_t xv = tail_rows[r][t] + input_offset;
      for (int c = 0; c < C; ++c)
        s[r][c] = static_cast<int32_t>(static_cast<uint32_t>(s[r][c]) +
                                       static_cast<uint32_t>(xv * w[c][t]));
    }
  }
  for (int r = 0; r < R; ++r)
    for (int c = 0; c < C; ++c) acc[r][j + c] = static_cast<uint32_t>(s[r][c]);
}

// acc[r][0 .. n) = bias + the dot products of R rows with filter rows c0 .. c0 + n - 1.
template <int R>
void accumulate_rows(const GemmJob& job, const int8_t* const* rows, int32_t c0, int32_t n,
                     uint32_t (*acc)[kChannelChunk]) {
  const int32_t k = job.k;
  const int16x2_t offset = dsp::offset_lanes(job.input_offset);
  alignas(8) int16x2_t lanes[kKChunk / 4 * 2 * R];
  static const int32_t kZeros[kChannelChunk] = {};
  const int32_t* bias =
      job.stage->bias != NULL ? job.stage->bias + job.first_channel + c0 : kZeros;
  for (int32_t i0 = 0; i0 < k; i0 += kKChunk) {
    const int32_t* first_bias = i0 == 0 ? bias : NULL;
    const int32_t length = k - i0 < kKChunk ? k - i0 : kKChunk;
    const Widened wide = {lanes, length / 4};
    widen_rows<R>(rows, i0, wide.groups, offset, lanes);
    const int32_t tail_begin = i0 + wide.groups * 4;
    const int8_t* tail_rows[R];
    for (int r = 0; r < R; ++r) tail_rows[r] = rows[r] + tail_begin;
    const int32_t tail_count = i0 + length - tail_begin;
    const int8_t* weights = job.weights + static_cast<ptrdiff_t>(c0) * k + i0;
    int32_t j = 0;
    for (; j + 2 <= n; j += 2) {
      block_chunk<R, 2>(wide, weights + static_cast<ptrdiff_t>(j) * k, k, tail_rows, tail_count,
                        job.input_offset, first_bias, acc, j);
    }
    if (j < n) {
      block_chunk<R, 1>(wide, weights + static_cast<ptrdiff_t>(j) * k, k, tail_rows, tail_count,
                        job.input_offset, first_bias, acc, j);
    }
  }
}

}  // namespace

void gemm_rows_dsp(const GemmJob& job, const int8_t* const* rows, int8_t* const* outs,
                   int32_t count) {
  const int8_t* live_rows[kGemmMaxRows];
  int8_t* live_outs[kGemmMaxRows];
  const int32_t live = gather_live_rows(rows, outs, count, live_rows, live_outs);
  const OutputStage& st = *job.stage;
  const OutputBounds bounds = output_bounds(st);
  uint32_t acc[kGemmMaxRows][kChannelChunk];
  for (int32_t c0 = 0; c0 < job.channels; c0 += kChannelChunk) {
    const int32_t n = job.channels - c0 < kChannelChunk ? job.channels - c0 : kChannelChunk;
    const int32_t first = job.first_channel + c0;
    // Windows entirely in the padding: the output is the requantized bias.
    if (live < count) {
      init_with_bias(st.bias, first, n, acc[0]);
      for (int32_t r = 0; r < count; ++r) {
        if (rows[r] == NULL) store_outputs_dsp(st, first, acc[0], n, outs[r] + c0);
      }
    }
    int32_t r = 0;
    for (; r + 2 <= live; r += 2) accumulate_rows<2>(job, live_rows + r, c0, n, acc + r);
    if (r < live) accumulate_rows<1>(job, live_rows + r, c0, n, acc + r);
    // The output stage channel by channel, its terms derived once for every row.
    for (int32_t j = 0; j < n; ++j) {
      const ChannelRequant t = channel_requant(st.multiplier[first + j], st.shift[first + j]);
      for (int32_t row = 0; row < live; ++row) {
        live_outs[row][c0 + j] =
            finish_output_dsp(requantize_dsp(static_cast<int32_t>(acc[row][j]), t), bounds);
      }
    }
  }
}

}  // namespace detail
}  // namespace tk

#endif  // TK_ISA_DSP
