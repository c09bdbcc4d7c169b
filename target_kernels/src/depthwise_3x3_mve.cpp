// Helium depthwise 3x3 (multiplier 1, dilation 1), any stride but 2 along W: that one is
// depthwise_3x3_s2_mve.cpp's (groups of two rows by two columns), which the caller runs first.
// VMLADAVA reduces 16 int8 products into a
// 32-bit scalar per instruction, but a depthwise output sums over its 9 taps, which are
// scattered across the NHWC input. So, per block of 16 channels and per tile of output pixels
// along W, the tile's 3 input rows are first interleaved (VST4) into a small buffer laid out
// [column][channel][row slot 0..3]: one 32-bit word holds a channel's 3 rows at one column,
// and one output's window is 3 words 64 bytes apart, fetched by a single word gather and
// dotted with the channel's weights (lane 4 * column + row, lanes of slot 3 and of the fourth
// word zero) by one VMLADAVA. Consecutive outputs are 64 * stride bytes apart.
//
// Padding: rows and columns outside the input are written to the buffer as the zero point
// (-input_offset), so every output, border or not, takes the same path. The input offset is
// folded into each channel's starting value:
//   bias + sum_t (x_t + o) * w_t = (bias + o * sum_t w_t) + sum_t x_t * w_t,
// and a padded tap x_t = -o contributes -o * w_t + o * w_t = 0, as in the portable code.
// All sums wrap modulo 2^32 like the portable accumulators.
//
// Outputs are requantized four pixels of one channel at a time (the channel's terms
// broadcast) and scattered to the NHWC output, C bytes apart. The channel records and the
// requantization are shared with the stride-2 loop (depthwise_3x3_parts_mve.h).
#include "depthwise_mve.h"

#if TK_ISA_MVE

#include <arm_mve.h>
#include <string.h>

#include "depthwise_3x3_parts_mve.h"

namespace tk {
namespace detail {
namespace {

using dw3x3::ChannelTerms;
using dw3x3::kBlock;
using dw3x3::lanes_from;
using dw3x3::output_four;
using dw3x3::PackedChannel;

constexpr int32_t kMaxCols = 32;  // input columns per tile
constexpr int32_t kColumnBytes = 4 * kBlock;

// Column q of the buffer (64 bytes at buffer + 64 q): channel c's word holds input rows
// ih0 .. ih0 + 2 at column iw0 + q (the zero point outside the input), slot 3 unused.
void interleave_tile(const DepthwiseJob& job, int32_t n, int32_t c0, int32_t count,
                     int32_t ih0, int32_t iw0, int32_t cols, int8_t* buffer) {
  const DepthwiseShape& s = job.shape;
  const ptrdiff_t pixel = s.input.c;
  const int8x16_t padding = vdupq_n_s8(zero_point(job.input_offset));
  const mve_pred16_t live = vctp8q(static_cast<uint32_t>(count));
  // Row pointers at column 0 (only dereferenced inside the input).
  const int8_t* row[3];
  bool row_inside[3];
  for (int32_t i = 0; i < 3; ++i) {
    const int32_t ih = ih0 + i;
    row_inside[i] = ih >= 0 && ih < s.input.h;
    row[i] = row_inside[i] ? job.input + pixel_offset(s.input, n, ih, 0) + c0 : job.input;
  }
  const int32_t first = iw0 < 0 ? (-iw0 < cols ? -iw0 : cols) : 0;  // columns left of the input
  const int32_t end_inside = s.input.w - iw0 < cols ? s.input.w - iw0 : cols;
  int8x16x4_t column;
  column.val[3] = padding;
  int32_t q = 0;
  for (; q < first; ++q) {
    column.val[0] = column.val[1] = column.val[2] = padding;
    vst4q_s8(buffer + q * kColumnBytes, column);
  }
  if (count == kBlock && row_inside[0] && row_inside[1] && row_inside[2] && q < end_inside) {
    // The common case without per-column tests: three loads and one interleaving store.
    const ptrdiff_t at = static_cast<ptrdiff_t>(iw0 + q) * pixel;
    const int8_t* r0 = row[0] + at;
    const int8_t* r1 = row[1] + at;
    const int8_t* r2 = row[2] + at;
    int8_t* to = buffer + q * kColumnBytes;
    for (int32_t left = end_inside - q; left > 0; --left) {
      column.val[0] = vldrbq_s8(r0);
      column.val[1] = vldrbq_s8(r1);
      column.val[2] = vldrbq_s8(r2);
      vst4q_s8(to, column);
      r0 += pixel;
      r1 += pixel;
      r2 += pixel;
      to += kColumnBytes;
    }
    q = end_inside;
  }
  for (; q < end_inside; ++q) {
    const ptrdiff_t at = static_cast<ptrdiff_t>(iw0 + q) * pixel;
    if (count == kBlock) {
      for (int32_t i = 0; i < 3; ++i)
        column.val[i] = row_inside[i] ? vldrbq_s8(row[i] + at) : padding;
    } else {
      for (int32_t i = 0; i < 3; ++i)
        column.val[i] = row_inside[i] ? vldrbq_z_s8(row[i] + at, live) : padding;
    }
    vst4q_s8(buffer + q * kColumnBytes, column);
  }
  for (; q < cols; ++q) {
    column.val[0] = column.val[1] = column.val[2] = padding;
    vst4q_s8(buffer + q * kColumnBytes, column);
  }
}

// What every channel of a tile shares.
struct TileRun {
  int8_t* out;             // output of channel c0 at the tile's first pixel
  int32_t pixels;
  int32_t channels;        // C: consecutive output pixels are C bytes apart
  uint32x4_t pixel_offsets;  // 0, C, 2C, 3C
  uint32x4_t columns;      // addresses of buffer columns 0..3 (channel 0's words)
  int32x4_t offset, lo, hi;
};

// The dot product of one window (the words at columns + kOffset) with a channel's weights.
template <int kOffset>
inline int32_t window_dot(uint32x4_t columns, int8x16_t w) {
  return vmladavq_s8(vreinterpretq_s8_s32(vldrwq_gather_base_s32(columns, kOffset)), w);
}

// Channels first .. last - 1 of the tile, all with the same kind of requantization (L > 0 or
// not, R > 0 or not), so the pixel loop has no branch. Not inlined: on its own the loop keeps
// every constant in a register. kStep: bytes between consecutive windows (64 * stride) as
// gather immediates, for stride 1, whose buffer has room for the windows of up to 3 pixels past
// the tile (computed, never stored); 0: any other stride, with a register step and no read
// past the tile.
template <int kStep, bool kLeft, bool kRight>
__attribute__((noinline)) void run_channels(const TileRun& t, int32_t first, int32_t last,
                                            const ChannelTerms& terms, ptrdiff_t step) {
  // Locals, not loads through t: the output stores could alias t as far as the compiler knows.
  const int32_t pixels = t.pixels;
  const int32_t full = pixels & ~3;
  const int32_t groups = pixels >> 2;
  const ptrdiff_t pixel_step = 4 * static_cast<ptrdiff_t>(t.channels);
  const uint32x4_t pixel_offsets = t.pixel_offsets;
  const int32_t offset = vgetq_lane_s32(t.offset, 0);
  const int32x4_t lo = t.lo, hi = t.hi;
  const mve_pred16_t tail = vctp32q(static_cast<uint32_t>(pixels - full));
  for (int32_t c = first; c < last; ++c) {
    const int8x16_t w = vldrbq_s8(terms.ch[c].weights);
    const int32_t start = terms.ch[c].start;
    const mve::ChannelRequant k = terms.ch[c].requant;
    int8_t* out = t.out + c;
    int32x4_t sums;
    if (kStep != 0) {
      uint32x4_t columns = vaddq_n_u32(t.columns, static_cast<uint32_t>(4 * c));
      for (int32_t g = groups; g > 0; --g) {
        const int32_t a0 = window_dot<0>(columns, w);
        const int32_t a1 = window_dot<kStep>(columns, w);
        const int32_t a2 = window_dot<2 * kStep>(columns, w);
        const int32_t a3 = window_dot<3 * kStep>(columns, w);
        columns = vaddq_n_u32(columns, 4 * kStep);
        const int32x4_t y =
            output_four<kLeft, kRight>(lanes_from(a0, a1, a2, a3), start, k, offset, lo, hi);
        vstrbq_scatter_offset_s32(out, pixel_offsets, y);
        out += pixel_step;
      }
      if (full == pixels) continue;
      const int32_t a0 = window_dot<0>(columns, w);
      const int32_t a1 = window_dot<kStep>(columns, w);
      const int32_t a2 = window_dot<2 * kStep>(columns, w);
      sums = lanes_from(a0, a1, a2, 0);
    } else {
      const uint32x4_t window_offsets =
          vsubq_u32(t.columns, vdupq_n_u32(vgetq_lane_u32(t.columns, 0)));
      const int8_t* window =
          reinterpret_cast<const int8_t*>(static_cast<uintptr_t>(vgetq_lane_u32(t.columns, 0))) +
          4 * c;
      int32_t p = 0;
      int32_t lanes[4] = {0, 0, 0, 0};
      for (; p < pixels; ++p) {
        const int32x4_t x =
            vldrwq_gather_offset_s32(reinterpret_cast<const int32_t*>(window), window_offsets);
        lanes[p & 3] = vmladavq_s8(vreinterpretq_s8_s32(x), w);
        window += step;
        if ((p & 3) == 3) {
          const int32x4_t y =
              output_four<kLeft, kRight>(vldrwq_s32(lanes), start, k, offset, lo, hi);
          vstrbq_scatter_offset_s32(out, pixel_offsets, y);
          out += pixel_step;
        }
      }
      if (full == pixels) continue;
      sums = vldrwq_s32(lanes);
    }
    const int32x4_t y = output_four<kLeft, kRight>(sums, start, k, offset, lo, hi);
    vstrbq_scatter_offset_p_s32(out, pixel_offsets, y, tail);
  }
}

// The dot products of kValid (1..4) consecutive windows at columns + 0, kStep, ... with a
// channel's weights; lanes past kValid are 0 and their windows are not read.
template <int kStep, int kValid>
inline int32x4_t window_sums(uint32x4_t columns, int8x16_t w) {
  const int32_t a0 = window_dot<0>(columns, w);
  const int32_t a1 = kValid > 1 ? window_dot<kStep>(columns, w) : 0;
  const int32_t a2 = kValid > 2 ? window_dot<2 * kStep>(columns, w) : 0;
  const int32_t a3 = kValid > 3 ? window_dot<3 * kStep>(columns, w) : 0;
  return lanes_from(a0, a1, a2, a3);
}

// Up to eight consecutive pixels of one channel: kFirst (1..4) from the windows at
// columns + 0 .. 3 kStep, then kSecond (0..4) from the next four; a group of fewer than four
// is stored under `live`. Eight per channel visit halve the per-channel loads and loop
// overhead of groups of four.
template <int kStep, bool kLeft, bool kRight, int kFirst, int kSecond>
inline void pixels_of_channel(uint32x4_t columns, const PackedChannel& ch, int32_t offset,
                              int32x4_t lo, int32x4_t hi, int8_t* out, ptrdiff_t group_step,
                              uint32x4_t pixel_offsets, mve_pred16_t live) {
  // Everything of the channel in registers before the first store, which could alias it as
  // far as the compiler knows.
  const int8x16_t w = vldrbq_s8(ch.weights);
  const int32_t start = ch.start;
  const mve::ChannelRequant k = ch.requant;
  const int32x4_t y0 =
      output_four<kLeft, kRight>(window_sums<kStep, kFirst>(columns, w), start, k, offset, lo, hi);
  if (kFirst < 4) vstrbq_scatter_offset_p_s32(out, pixel_offsets, y0, live);
  else vstrbq_scatter_offset_s32(out, pixel_offsets, y0);
  if (kSecond == 0) return;
  const uint32x4_t next = vaddq_n_u32(columns, 4 * kStep);
  const int32x4_t y1 =
      output_four<kLeft, kRight>(window_sums<kStep, kSecond>(next, w), start, k, offset, lo, hi);
  if (kSecond < 4) vstrbq_scatter_offset_p_s32(out + group_step, pixel_offsets, y1, live);
  else vstrbq_scatter_offset_s32(out + group_step, pixel_offsets, y1);
}

// Every channel of the block for the pixels kFirst + kSecond pixels from `columns` / `out`.
template <int kStep, bool kLeft, bool kRight, int kFirst, int kSecond>
inline void pixels_of_block(uint32x4_t columns, int8_t* out, int32_t count, const ChannelTerms& terms,
                            int32_t offset, int32x4_t lo, int32x4_t hi, ptrdiff_t group_step,
                            uint32x4_t pixel_offsets, mve_pred16_t live) {
  for (int32_t c = 0; c < count; ++c) {
    pixels_of_channel<kStep, kLeft, kRight, kFirst, kSecond>(columns, terms.ch[c], offset, lo, hi, out,
                                                             group_step, pixel_offsets, live);
    columns = vaddq_n_u32(columns, 4);
    ++out;
  }
}

// The same outputs as run_channels, in the other order: per run of eight pixels, every
// channel of the block. A channel then costs a few loads per run (its weights and terms)
// instead of a loop set-up per tile, which wins on the short rows of a tile (at most 30
// pixels). The last run takes only the pixels left (1..7), so no window past the tile is
// read or computed. Stride 1 (gather immediates of 3 kStep at most).
template <int kStep, bool kLeft, bool kRight>
__attribute__((noinline)) void run_pixels(const TileRun& t, int32_t count,
                                          const ChannelTerms& terms) {
  const int32_t pixels = t.pixels;
  const ptrdiff_t group_step = 4 * static_cast<ptrdiff_t>(t.channels);
  const uint32x4_t pixel_offsets = t.pixel_offsets;
  const int32_t offset = vgetq_lane_s32(t.offset, 0);
  const int32x4_t lo = t.lo, hi = t.hi;
  uint32x4_t columns = t.columns;
  int8_t* out = t.out;
  int32_t p = 0;
  for (; p + 8 <= pixels; p += 8) {
    pixels_of_block<kStep, kLeft, kRight, 4, 4>(columns, out, count, terms, offset, lo, hi, group_step,
                                                pixel_offsets, 0);
    columns = vaddq_n_u32(columns, 8 * kStep);
    out += 2 * group_step;
  }
  const int32_t rest = pixels - p;
  const mve_pred16_t live = vctp32q(static_cast<uint32_t>(rest & 3));
  switch (rest) {
    case 0: return;
#define TK_REST(n, first, second)                                                              \
  case n:                                                                                      \
    pixels_of_block<kStep, kLeft, kRight, first, second>(columns, out, count, terms, offset, lo, \
                                                         hi, group_step, pixel_offsets, live); \
    return;
    TK_REST(1, 1, 0)
    TK_REST(2, 2, 0)
    TK_REST(3, 3, 0)
    TK_REST(4, 4, 0)
    TK_REST(5, 4, 1)
    TK_REST(6, 4, 2)
    TK_REST(7, 4, 3)
#undef TK_REST
  }
}

template <int kStep>
void run_pixels_kind(int32_t kind, const TileRun& t, int32_t count, const ChannelTerms& terms) {
  switch (kind) {
    case 0: run_pixels<kStep, false, false>(t, count, terms); break;
    case 1: run_pixels<kStep, false, true>(t, count, terms); break;
    case 2: run_pixels<kStep, true, false>(t, count, terms); break;
    default: run_pixels<kStep, true, true>(t, count, terms); break;
  }
}

template <int kStep>
void run_kind(int32_t kind, const TileRun& t, int32_t first, int32_t last,
              const ChannelTerms& terms, ptrdiff_t step) {
  switch (kind) {
    case 0: run_channels<kStep, false, false>(t, first, last, terms, step); break;
    case 1: run_channels<kStep, false, true>(t, first, last, terms, step); break;
    case 2: run_channels<kStep, true, false>(t, first, last, terms, step); break;
    default: run_channels<kStep, true, true>(t, first, last, terms, step); break;
  }
}

template <int kStep>
void run_tile(const TileRun& t, int32_t count, const ChannelTerms& terms, ptrdiff_t step) {
  // Pixel-major wherever it applies: a tile has at most 30 pixels, and over that few a
  // channel's loop set-up in run_channels costs more than run_pixels' per-group loads.
  if (kStep != 0 && terms.common_kind >= 0) {
    run_pixels_kind<kStep>(terms.common_kind, t, count, terms);
    return;
  }
  if (terms.common_kind >= 0) {
    run_kind<kStep>(terms.common_kind, t, 0, count, terms, step);
    return;
  }
  // Runs of consecutive channels of the same kind.
  for (int32_t first = 0, last; first < count; first = last) {
    for (last = first + 1; last < count && terms.kind[last] == terms.kind[first];) ++last;
    run_kind<kStep>(terms.kind[first], t, first, last, terms, step);
  }
}

}  // namespace

bool depthwise_3x3_mve(const DepthwiseJob& job) {
  const DepthwiseShape& s = job.shape;
  const int32_t channels = s.output.c;
  const int32_t stride_w = s.stride.w;
  // Tile: as many outputs as fit kMaxCols input columns (at least one: 3 columns).
  const int32_t tile = (kMaxCols - 3) / stride_w + 1;
  const ptrdiff_t step = static_cast<ptrdiff_t>(kColumnBytes) * stride_w;
  ChannelTerms terms;
  // A spare column for the fourth word of the last window, and room for the windows of the
  // (discarded) pixels that round a tile up to a multiple of 4 at stride 1.
  alignas(8) int8_t buffer[(kMaxCols + 1 + 3) * kColumnBytes];
  memset(buffer, 0, sizeof buffer);
  TileRun t;
  t.channels = channels;
  t.pixel_offsets = vmulq_n_u32(vidupq_n_u32(0, 1), static_cast<uint32_t>(channels));
  t.columns = vaddq_n_u32(vmulq_n_u32(vidupq_n_u32(0, 1), kColumnBytes),
                          static_cast<uint32_t>(reinterpret_cast<uintptr_t>(buffer)));
  t.offset = vdupq_n_s32(job.stage.output_offset);
  t.lo = vdupq_n_s32(job.stage.activation_min);
  t.hi = vdupq_n_s32(job.stage.activation_max);
  for (int32_t c0 = 0; c0 < channels; c0 += kBlock) {
    const int32_t count = channels - c0 < kBlock ? channels - c0 : kBlock;
    dw3x3::prepare_channels(job, c0, count, terms);
    for (int32_t n = 0; n < s.output.n; ++n) {
      for (int32_t oh = 0; oh < s.output.h; ++oh) {
        const int32_t ih0 = oh * s.stride.h - s.padding.h;
        for (int32_t ow0 = 0; ow0 < s.output.w; ow0 += tile) {
          t.pixels = s.output.w - ow0 < tile ? s.output.w - ow0 : tile;
          const int32_t cols = (t.pixels - 1) * stride_w + 3;
          interleave_tile(job, n, c0, count, ih0, ow0 * stride_w - s.padding.w, cols + 1,
                          buffer);
          // The windows are read by gathers from integer addresses: keep the compiler from
          // moving the buffer's stores past them.
          __asm__ volatile("" ::: "memory");
          t.out = job.output + pixel_offset(s.output, n, oh, ow0) + c0;
          if (stride_w == 1) run_tile<kColumnBytes>(t, count, terms, step);
          else run_tile<0>(t, count, terms, step);
        }
      }
    }
  }
  return true;
}

}  // namespace detail
}  // namespace tk

#endif  // TK_ISA_MVE
