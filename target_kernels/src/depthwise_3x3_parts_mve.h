// What the two Helium depthwise 3x3 loops share (depthwise_3x3_mve.cpp, any stride;
// depthwise_3x3_s2_mve.cpp, stride 2 along W): a channel's packed weights and terms, the
// four-lane assembly of dot products, and the requantization of four outputs of one channel.
//
// Both interleave the input rows so that one 32-bit word holds a channel's three rows of a
// window at one column (slot 3 unused); a window is then four words, one per column (the
// fourth word unused), and its dot product with the channel's weights is one VMLADAV over
// the gathered words. The weights are laid out to match: lane 4 * column + row, lanes of
// slot 3 and of the fourth word zero.
#pragma once

#include "isa.h"

#if TK_ISA_MVE

#include <arm_mve.h>
#include <stdint.h>

#include "job.h"
#include "requant_mve.h"

namespace tk {
namespace detail {
namespace dw3x3 {

constexpr int32_t kBlock = 16;  // channels per interleaved column: one int8 vector

// One channel's weights and terms side by side (32 bytes), walked with one pointer.
struct PackedChannel {
  int8_t weights[16];  // [4 * column + row], other lanes zero
  int32_t start;       // bias + input_offset * sum of the 9 weights (mod 2^32)
  mve::ChannelRequant requant;
};

struct ChannelTerms {
  PackedChannel ch[kBlock];
  int32_t kind[kBlock];  // 2 * (L > 0) + (R > 0): which requantization loop the channel takes
  int32_t common_kind;   // the kind of every channel of the block, or -1
};

// Byte offsets, in units of the filter's channel count C, of weight lanes 4 * column + row:
// the even lanes (0, 2, .., 14) and the odd lanes (1, 3, .., 15). IHWO: tap (row i, column j)
// of channel c is at (3 i + j) * C + c. Lanes without a tap (row or column 3) load tap 0 and
// are then cleared by kTapLanes. (Not a predicated gather: gcc 12 materializes a constant
// mve_pred16_t such as 0x0fff as all ones.)
constexpr uint16_t kEvenTap[8] = {0, 6, 1, 7, 2, 8, 0, 0};  // rows 0 / 2, columns 0..3
constexpr uint16_t kOddTap[8] = {3, 0, 4, 0, 5, 0, 0, 0};   // rows 1 / 3, columns 0..3
constexpr uint8_t kTapLanes[16] = {0xff, 0xff, 0xff, 0, 0xff, 0xff, 0xff, 0,
                                   0xff, 0xff, 0xff, 0, 0,    0,    0,    0};

inline void prepare_channels(const DepthwiseJob& job, int32_t c0, int32_t count,
                             ChannelTerms& terms) {
  const int32_t channels = job.shape.output.c;
  // Two 16-bit-offset gathers fetch a channel's nine weights in the packed order while every
  // offset (at most 8 C) fits 16 bits; beyond, one weight at a time.
  const bool gather = 8 * channels <= 0xffff;
  const uint16x8_t even = vmulq_n_u16(vld1q_u16(kEvenTap), static_cast<uint16_t>(channels));
  const uint16x8_t odd = vmulq_n_u16(vld1q_u16(kOddTap), static_cast<uint16_t>(channels));
  const int8x16_t tap_lanes = vreinterpretq_s8_u8(vld1q_u8(kTapLanes));
  for (int32_t c = 0; c < count; ++c) {
    PackedChannel& ch = terms.ch[c];
    const int8_t* filter = job.filter + c0 + c;
    int8x16_t w;
    if (gather) {
      const int16x8_t lo = vldrbq_gather_offset_s16(filter, even);
      const int16x8_t hi = vldrbq_gather_offset_s16(filter, odd);
      w = vandq_s8(vmovntq_s16(vmovnbq_s16(tap_lanes, lo), hi), tap_lanes);
    } else {
      int8_t lanes[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
      for (int32_t i = 0; i < 3; ++i)
        for (int32_t j = 0; j < 3; ++j) lanes[4 * j + i] = filter[(3 * i + j) * channels];
      w = vld1q_s8(lanes);
    }
    vst1q_s8(ch.weights, w);
    const uint32_t sum = static_cast<uint32_t>(vaddvq_s8(w));
    const uint32_t bias =
        job.stage.bias != NULL ? static_cast<uint32_t>(job.stage.bias[c0 + c]) : 0u;
    ch.start = static_cast<int32_t>(bias + sum * static_cast<uint32_t>(job.input_offset));
    ch.requant = mve::channel_requant(job.stage.multiplier[c0 + c], job.stage.shift[c0 + c]);
    terms.kind[c] = 2 * (ch.requant.left != 1) + (ch.requant.neg_right != 0);
  }
  terms.common_kind = terms.kind[0];
  for (int32_t c = 1; c < count; ++c)
    if (terms.kind[c] != terms.common_kind) terms.common_kind = -1;
}

// Four 32-bit lanes from four general registers in two instructions: VMOV Qd[i], Qd[i-2],
// Rt, Rt2 puts Rt in lane i-2 and Rt2 in lane i (seen on QEMU; gcc 12's vcreateq assumes the
// opposite and swaps the halves, a bug fixed in later gcc, hence no intrinsic here). With
// vsetq_lane it costs one instruction per lane.
inline int32x4_t lanes_from(int32_t a0, int32_t a1, int32_t a2, int32_t a3) {
  int32x4_t v;
  __asm__("vmov %q0[2], %q0[0], %1, %2\n\tvmov %q0[3], %q0[1], %3, %4"
          : "=&w"(v)
          : "r"(a0), "r"(a2), "r"(a1), "r"(a3));
  return v;
}

// requantize_channel_as of requant_mve.h, one instruction shorter for double rounding with
// R > 0: its tie fix-up (subtract 1 from a negative y = VQRDMULH(v, M) before the rounding
// shift) is folded into VQRDMLAH, which returns acc + VQRDMULH(v, M) without an intermediate
// rounding (it adds 2 v M + 2^31 to acc * 2^32 and keeps the high half), with acc = -1 where
// v < 0. Testing v instead of y is the same: M >= 0, so v < 0 gives y <= 0, v >= 0 gives
// y >= 0, and where v < 0 but y == 0, (0 - 1 + 2^(R-1)) >> R is 0 = (0 + 2^(R-1)) >> R for
// R >= 1. No saturation: acc + y lies in [-2^31, 2^31) because |y| <= |v| M / 2^31 + 1/2 < 2^31.
template <bool kLeft, bool kRight>
inline int32x4_t requantize_four(int32x4_t acc, const mve::ChannelRequant& k) {
  const int32x4_t v = kLeft ? vmulq_n_s32(acc, k.left) : acc;
#if defined(TK_SINGLE_ROUNDING) && TK_SINGLE_ROUNDING
  if (!kRight) return vqrdmulhq_n_s32(v, k.multiplier);
  return vrshlq_n_s32(vqdmulhq_n_s32(v, k.multiplier), k.neg_right);
#else
  if (!kRight) return vqrdmulhq_n_s32(v, k.multiplier);
  return vrshlq_n_s32(vqrdmlahq_n_s32(vshrq_n_s32(v, 31), v, k.multiplier), k.neg_right);
#endif
}

// Four outputs of one channel: the channel's start added, requantized, offset, clamped.
// (Scalar operands where MVE has them, the offset and the start, to leave the eight vector
// registers to the loops.)
template <bool kLeft, bool kRight>
inline int32x4_t output_four(int32x4_t sums, int32_t start, const mve::ChannelRequant& k,
                             int32_t offset, int32x4_t lo, int32x4_t hi) {
  const int32x4_t y = requantize_four<kLeft, kRight>(vaddq_n_s32(sums, start), k);
  return vminq_s32(vmaxq_s32(vqaddq_n_s32(y, offset), lo), hi);
}

}  // namespace dw3x3
}  // namespace detail
}  // namespace tk

#endif  // TK_ISA_MVE
