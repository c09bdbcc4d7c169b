// Helium depthwise 3x3 at stride 2 along W (depthwise_3x3_mve.cpp takes the other strides).
// One output costs a word gather and a VMLADAV (see depthwise_3x3_parts_mve.h); what is left
// to make lean is the rest, paid per four outputs: assembling the four sums into a vector,
// requantizing, storing. That is only cheap when every group of four is whole, and a row of
// stride-2 outputs often is not a multiple of four (S8: 14). So a group here is two output
// rows by two output columns, lanes (row 0, ow), (row 1, ow), (row 0, ow + 1), (row 1, ow + 1),
// and a tile is a pair of output rows: any even width fills every group, an odd one leaves
// half a group per channel and tile.
//
// Buffer: per 16-channel block and pair of output rows, input column q (128 bytes at
// buffer + 128 q) holds the three input rows of output row 0 as 16 channel words (64 bytes),
// then those of output row 1. Channel c's window for (row r, output column p of the tile) is
// the words at 128 (2 p + j) + 64 r + 4 c, j = 0..3, so with a base vector of the four column
// addresses, the group's four windows are gathers at the immediates 0, 64, 256 and 320, and
// the next group is 512 bytes on. At vertical stride 2 the two output rows share an input row,
// loaded once.
//
// Padding rows and columns are the zero point, and the input offset is folded into the
// channel's start, as in depthwise_3x3_mve.cpp. A missing second output row (odd height) and
// a missing second column (odd width) are lanes that are computed from whatever the buffer
// holds there and not stored; so is the unused fourth word of a window, whose weights are 0.
#include "depthwise_mve.h"

#if TK_ISA_MVE

#include <arm_mve.h>

#include "depthwise_3x3_parts_mve.h"

namespace tk {
namespace detail {
namespace {

using dw3x3::ChannelTerms;
using dw3x3::kBlock;
using dw3x3::PackedChannel;

constexpr int32_t kMaxPixels = 14;                  // output columns per tile
constexpr int32_t kRowBytes = 4 * kBlock;           // one output row's words at one column
constexpr int32_t kColumnBytes = 2 * kRowBytes;     // both output rows
constexpr int32_t kGroupBytes = 4 * kColumnBytes;   // two output columns, two input columns each
constexpr int32_t kColumns = 2 * kMaxPixels + 2;    // the windows of kMaxPixels outputs, + 4th word
// Lane masks, which reach the stores only through PairTile, as values loaded at run time:
// gcc 12 materializes a constant mve_pred16_t given to an intrinsic as all ones.
constexpr mve_pred16_t kFirstRow = 0x0f0f;     // lanes 0 and 2
constexpr mve_pred16_t kFirstColumn = 0x00ff;  // lanes 0 and 1

// Rows of the input interleaved into one half (output row) of the buffer's columns.
struct RowSource {
  const int8_t* row[3];  // at input column 0 (only dereferenced inside the input)
  bool inside[3];
};

RowSource row_source(const DepthwiseJob& job, int32_t n, int32_t c0, int32_t ih0, bool wanted) {
  const DepthwiseShape& s = job.shape;
  RowSource r;
  for (int32_t i = 0; i < 3; ++i) {
    const int32_t ih = ih0 + i;
    r.inside[i] = wanted && ih >= 0 && ih < s.input.h;
    r.row[i] = r.inside[i] ? job.input + pixel_offset(s.input, n, ih, 0) + c0 : job.input;
  }
  return r;
}

// `columns` buffer columns from five input rows, each advancing by its step per column:
// rows 0..2 into output row 0's half, rows 2..4 into output row 1's.
__attribute__((noinline)) void interleave_five_rows(const int8_t* const (&rows)[5],
                                                    const ptrdiff_t (&steps)[5],
                                                    int32_t columns, int8_t* to,
                                                    int8x16_t padding) {
  const int8_t* r0 = rows[0];
  const int8_t* r1 = rows[1];
  const int8_t* r2 = rows[2];
  const int8_t* r3 = rows[3];
  const int8_t* r4 = rows[4];
  const ptrdiff_t s0 = steps[0], s1 = steps[1], s2 = steps[2], s3 = steps[3], s4 = steps[4];
  int8x16x4_t column;
  column.val[3] = padding;
  for (int32_t left = columns; left > 0; --left) {
    column.val[0] = vldrbq_s8(r0);
    column.val[1] = vldrbq_s8(r1);
    column.val[2] = vldrbq_s8(r2);
    vst4q_s8(to, column);
    column.val[0] = column.val[2];
    column.val[1] = vldrbq_s8(r3);
    column.val[2] = vldrbq_s8(r4);
    vst4q_s8(to + kRowBytes, column);
    r0 += s0;
    r1 += s1;
    r2 += s2;
    r3 += s3;
    r4 += s4;
    to += kColumnBytes;
  }
}

// interleave_five_rows with every row inside the input: the rows `row_bytes` apart, one
// step. Assembly because gcc 12 spends five more instructions per column on register copies
// and reloads around the two VST4 (which want four consecutive registers each): here each
// column is five loads, the shared row loaded twice instead of copied, two VST4 with
// write-back, five adds and the loop branch.
__attribute__((noinline)) void interleave_five_inside(const int8_t* row, ptrdiff_t row_bytes,
                                                      ptrdiff_t step, int32_t columns,
                                                      int8_t* to, const int8_t* padding) {
  const int8_t* r0 = row;
  const int8_t* r1 = r0 + row_bytes;
  const int8_t* r2 = r1 + row_bytes;
  const int8_t* r3 = r2 + row_bytes;
  const int8_t* r4 = r3 + row_bytes;
  __asm__ volatile(
      "vldrb.u8 q3, [%[padding]]\n\t"
      "vmov q7, q3\n\t"
      "dls lr, %[columns]\n"
      "1:\n\t"
      "vldrb.u8 q0, [%[r0]]\n\t"
      "vldrb.u8 q1, [%[r1]]\n\t"
      "vldrb.u8 q2, [%[r2]]\n\t"
      "vst40.8 {q0, q1, q2, q3}, [%[to]]\n\t"
      "vst41.8 {q0, q1, q2, q3}, [%[to]]\n\t"
      "vst42.8 {q0, q1, q2, q3}, [%[to]]\n\t"
      "vst43.8 {q0, q1, q2, q3}, [%[to]]!\n\t"
      "vldrb.u8 q4, [%[r2]]\n\t"
      "vldrb.u8 q5, [%[r3]]\n\t"
      "vldrb.u8 q6, [%[r4]]\n\t"
      "vst40.8 {q4, q5, q6, q7}, [%[to]]\n\t"
      "vst41.8 {q4, q5, q6, q7}, [%[to]]\n\t"
      "vst42.8 {q4, q5, q6, q7}, [%[to]]\n\t"
      "vst43.8 {q4, q5, q6, q7}, [%[to]]!\n\t"
      "add %[r0], %[step]\n\t"
      "add %[r1], %[step]\n\t"
      "add %[r2], %[step]\n\t"
      "add %[r3], %[step]\n\t"
      "add %[r4], %[step]\n\t"
      "le lr, 1b\n"
      : [r0] "+r"(r0), [r1] "+r"(r1), [r2] "+r"(r2), [r3] "+r"(r3), [r4] "+r"(r4),
        [to] "+r"(to)
      : [step] "r"(step), [columns] "r"(columns), [padding] "r"(padding)
      : "q0", "q1", "q2", "q3", "q4", "q5", "q6", "q7", "lr", "memory");
}

// Columns 0 .. cols - 1 of the buffer for input columns iw0 .. iw0 + cols - 1; output row 1's
// half only when `second`.
void interleave_pair(const DepthwiseJob& job, const RowSource (&src)[2], bool second,
                     int32_t count, int32_t iw0, int32_t cols, int8_t* buffer) {
  const DepthwiseShape& s = job.shape;
  const ptrdiff_t pixel = s.input.c;
  const int8x16_t padding = vdupq_n_s8(zero_point(job.input_offset));
  const mve_pred16_t live = vctp8q(static_cast<uint32_t>(count));
  const int32_t first = iw0 < 0 ? (-iw0 < cols ? -iw0 : cols) : 0;  // columns left of the input
  const int32_t end_inside = s.input.w - iw0 < cols ? s.input.w - iw0 : cols;
  const int32_t halves = second ? 2 : 1;
  int8x16x4_t column;
  column.val[3] = padding;
  int32_t q = 0;
  for (; q < first; ++q)
    for (int32_t b = 0; b < kColumnBytes; b += 16)
      vstrbq_s8(buffer + q * kColumnBytes + b, padding);
  if (count == kBlock && second && s.stride.h == 2 && q < end_inside) {
    // The common case: five rows (output row 1's first is output row 0's last), five loads
    // and two interleaving stores per column.
    alignas(16) int8_t zeros[kBlock];
    vstrbq_s8(zeros, padding);
    const ptrdiff_t at = static_cast<ptrdiff_t>(iw0 + q) * pixel;
    int8_t* to = buffer + q * kColumnBytes;
    if (src[0].inside[0] && src[1].inside[2]) {  // and so the rows between
      interleave_five_inside(src[0].row[0] + at, src[0].row[1] - src[0].row[0], pixel,
                             end_inside - q, to, zeros);
    } else {
      // A row outside the input is read from a vector of the zero point that does not move.
      const int8_t* rows[5];
      ptrdiff_t steps[5];
      for (int32_t r = 0; r < 5; ++r) {
        const RowSource& from = src[r / 3];
        const int32_t i = r < 3 ? r : r - 2;
        rows[r] = from.inside[i] ? from.row[i] + at : zeros;
        steps[r] = from.inside[i] ? pixel : 0;
      }
      interleave_five_rows(rows, steps, end_inside - q, to, padding);
    }
    q = end_inside;
  }
  for (; q < end_inside; ++q) {
    const ptrdiff_t at = static_cast<ptrdiff_t>(iw0 + q) * pixel;
    for (int32_t h = 0; h < halves; ++h) {
      for (int32_t i = 0; i < 3; ++i) {
        if (!src[h].inside[i]) column.val[i] = padding;
        else if (count == kBlock) column.val[i] = vldrbq_s8(src[h].row[i] + at);
        else column.val[i] = vldrbq_z_s8(src[h].row[i] + at, live);
      }
      vst4q_s8(buffer + q * kColumnBytes + h * kRowBytes, column);
    }
  }
  for (; q < cols; ++q)
    for (int32_t b = 0; b < kColumnBytes; b += 16)
      vstrbq_s8(buffer + q * kColumnBytes + b, padding);
}

// What every channel of a tile shares.
struct PairTile {
  int8_t* out;                // the block's first channel at (row 0, the tile's first column)
  uint32x4_t lane_offsets;    // output offsets of the lanes: 0, W C, C, W C + C
  uint32x4_t columns;         // addresses of buffer columns 0..3
  int32_t groups;             // groups of the tile (two output columns each)
  ptrdiff_t group_step;       // 2 C
  mve_pred16_t body;          // lanes stored by every group but the last
  mve_pred16_t last;          // lanes stored by the last group
  int32_t offset;
  int32x4_t lo, hi;
};

// The four outputs of one group of a channel, from the windows at `base` (the group's column
// addresses). (Not the write-back form of the gather to save the add that moves `base` on:
// gcc 12 surrounds it with register copies.)
template <bool kLeft, bool kRight>
inline int32x4_t group_outputs(uint32x4_t base, int8x16_t w, int32_t start,
                               const mve::ChannelRequant& k, int32_t offset, int32x4_t lo,
                               int32x4_t hi) {
  const int32_t a0 = vmladavq_s8(vreinterpretq_s8_s32(vldrwq_gather_base_s32(base, 0)), w);
  const int32_t a1 =
      vmladavq_s8(vreinterpretq_s8_s32(vldrwq_gather_base_s32(base, kRowBytes)), w);
  const int32_t a2 =
      vmladavq_s8(vreinterpretq_s8_s32(vldrwq_gather_base_s32(base, 2 * kColumnBytes)), w);
  const int32_t a3 = vmladavq_s8(
      vreinterpretq_s8_s32(vldrwq_gather_base_s32(base, 2 * kColumnBytes + kRowBytes)), w);
  return dw3x3::output_four<kLeft, kRight>(dw3x3::lanes_from(a0, a1, a2, a3), start, k, offset,
                                           lo, hi);
}

// Channels first .. last - 1 of the tile, all with the same kind of requantization, each over
// every group of the tile. kBodyPredicated: the groups store under t.body (a tile with one
// output row) rather than whole; kLastPartial: the last group stores under t.last instead (odd
// width). An even width keeps the channel's loop free of anything but whole groups.
template <bool kLeft, bool kRight, bool kBodyPredicated, bool kLastPartial>
__attribute__((noinline)) void run_pairs(const PairTile& t, int32_t first, int32_t last,
                                         const ChannelTerms& terms) {
  // Locals, not loads through t: the output stores could alias t as far as the compiler knows.
  const uint32x4_t lane_offsets = t.lane_offsets;
  const int32_t body_groups = kLastPartial ? t.groups - 1 : t.groups;
  const ptrdiff_t group_step = t.group_step;
  const mve_pred16_t body = t.body;
  const mve_pred16_t last_lanes = t.last;
  const int32_t offset = t.offset;
  const int32x4_t lo = t.lo, hi = t.hi;
  const uint32x4_t columns = t.columns;
  int8_t* const out_first = t.out;
  for (int32_t c = first; c < last; ++c) {
    // Everything of the channel in registers before the first store.
    const PackedChannel& ch = terms.ch[c];
    const int8x16_t w = vldrbq_s8(ch.weights);
    const int32_t start = ch.start;
    const mve::ChannelRequant k = ch.requant;
    uint32x4_t base = vaddq_n_u32(columns, static_cast<uint32_t>(4 * c));
    int8_t* out = out_first + c;
    // Without a partial last group every group is a body group, and there is at least one.
    for (int32_t g = body_groups; kLastPartial ? g > 0 : true;) {
      const int32x4_t y = group_outputs<kLeft, kRight>(base, w, start, k, offset, lo, hi);
      if (kBodyPredicated) vstrbq_scatter_offset_p_s32(out, lane_offsets, y, body);
      else vstrbq_scatter_offset_s32(out, lane_offsets, y);
      base = vaddq_n_u32(base, kGroupBytes);
      out += group_step;
      if (--g == 0) break;
    }
    if (kLastPartial) {
      const int32x4_t y = group_outputs<kLeft, kRight>(base, w, start, k, offset, lo, hi);
      vstrbq_scatter_offset_p_s32(out, lane_offsets, y, last_lanes);
    }
  }
}

template <bool kLeft, bool kRight>
void run_shape(const PairTile& t, int32_t first, int32_t last, const ChannelTerms& terms) {
  const bool body_predicated = t.body != 0xffff;
  const bool last_partial = t.last != t.body;
  if (body_predicated) {
    if (last_partial) run_pairs<kLeft, kRight, true, true>(t, first, last, terms);
    else run_pairs<kLeft, kRight, true, false>(t, first, last, terms);
  } else {
    if (last_partial) run_pairs<kLeft, kRight, false, true>(t, first, last, terms);
    else run_pairs<kLeft, kRight, false, false>(t, first, last, terms);
  }
}

// Kinds 0, 1 and 2 only: a channel's shift makes L > 0 or R > 0, never both.
void run_kind(int32_t kind, const PairTile& t, int32_t first, int32_t last,
              const ChannelTerms& terms) {
  switch (kind) {
    case 0: run_shape<false, false>(t, first, last, terms); break;
    case 1: run_shape<false, true>(t, first, last, terms); break;
    default: run_shape<true, false>(t, first, last, terms); break;
  }
}

void run_tile(const PairTile& t, int32_t count, const ChannelTerms& terms) {
  if (terms.common_kind >= 0) {
    run_kind(terms.common_kind, t, 0, count, terms);
    return;
  }
  // Runs of consecutive channels of the same kind.
  for (int32_t first = 0, last; first < count; first = last) {
    for (last = first + 1; last < count && terms.kind[last] == terms.kind[first];) ++last;
    run_kind(terms.kind[first], t, first, last, terms);
  }
}

}  // namespace

bool depthwise_3x3_s2_mve(const DepthwiseJob& job) {
  const DepthwiseShape& s = job.shape;
  if (s.stride.w != 2) return false;
  const int32_t channels = s.output.c;
  const ptrdiff_t row_bytes = static_cast<ptrdiff_t>(s.output.w) * channels;
  ChannelTerms terms;
  // Not cleared: bytes never written are read only by lanes that are not stored and by
  // fourth words, whose weights are 0.
  alignas(8) int8_t buffer[kColumns * kColumnBytes];
  PairTile t;
  t.lane_offsets = vreinterpretq_u32_s32(dw3x3::lanes_from(
      0, static_cast<int32_t>(row_bytes), channels, static_cast<int32_t>(row_bytes) + channels));
  t.columns = vaddq_n_u32(vmulq_n_u32(vidupq_n_u32(0, 1), kColumnBytes),
                          static_cast<uint32_t>(reinterpret_cast<uintptr_t>(buffer)));
  t.group_step = 2 * static_cast<ptrdiff_t>(channels);
  t.offset = job.stage.output_offset;
  t.lo = vdupq_n_s32(job.stage.activation_min);
  t.hi = vdupq_n_s32(job.stage.activation_max);
  for (int32_t c0 = 0; c0 < channels; c0 += kBlock) {
    const int32_t count = channels - c0 < kBlock ? channels - c0 : kBlock;
    dw3x3::prepare_channels(job, c0, count, terms);
    for (int32_t n = 0; n < s.output.n; ++n) {
      for (int32_t oh = 0; oh < s.output.h; oh += 2) {
        const bool second = oh + 1 < s.output.h;
        const RowSource src[2] = {
            row_source(job, n, c0, oh * s.stride.h - s.padding.h, true),
            row_source(job, n, c0, (oh + 1) * s.stride.h - s.padding.h, second)};
        t.body = second ? 0xffff : kFirstRow;
        for (int32_t ow0 = 0; ow0 < s.output.w; ow0 += kMaxPixels) {
          const int32_t pixels = s.output.w - ow0 < kMaxPixels ? s.output.w - ow0 : kMaxPixels;
          interleave_pair(job, src, second, count, 2 * ow0 - s.padding.w, 2 * pixels + 1,
                          buffer);
          // The windows are read by gathers from integer addresses: keep the compiler from
          // moving the buffer's stores past them.
          __asm__ volatile("" ::: "memory");
          t.out = job.output + pixel_offset(s.output, n, oh, ow0) + c0;
          t.groups = (pixels + 1) / 2;
          t.last = static_cast<mve_pred16_t>(t.body & ((pixels & 1) != 0 ? kFirstColumn : 0xffff));
          run_tile(t, count, terms);
        }
      }
    }
  }
  return true;
}

}  // namespace detail
}  // namespace tk

#endif  // TK_ISA_MVE
