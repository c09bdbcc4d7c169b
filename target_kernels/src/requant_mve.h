// Helium (MVE) form of the requantization in requantize.h, bit-exact with it for every
// argument the validator lets through (0 <= M < 2^31, shift in [-31, 30]), and equal to the
// portable code's wrap-around value beyond the acc * 2^L domain as well.
//
// Why each step is exact:
//   v = acc * 2^L      vmulq: the low 32 bits, the same wrap as the portable code.
//   high multiply      double rounding and single rounding with R == 0 want
//                      floor((v * M + 2^30) / 2^31): that is VQRDMULH exactly (it computes
//                      (2 * v * M + 2^31) >> 32, ties upward, and saturates only for
//                      INT32_MIN * INT32_MIN, impossible with M >= 0). Single rounding with
//                      R >= 1 wants floor(v * M / 2^31): VQDMULH.
//   divide by 2^R      VRSHL by -R rounds ties upward. Single rounding wants exactly that.
//                      Double rounding rounds ties away from zero, so a negative y first
//                      loses 1: (y - 1 + 2^(R-1)) >> R is y / 2^R rounded half down for
//                      y < 0, and y - 1 cannot wrap (y > -2^31 since M < 2^31). The fix-up
//                      is masked to R > 0 through the sign of -R.
//   output             offset added with saturation, then clamped: the same as the portable
//                      code's bound to +-512, add, clamp.
#pragma once

#include <stdint.h>

#include "isa.h"
#include "job.h"

#if TK_ISA_MVE
#include <arm_mve.h>

namespace tk {
namespace detail {
namespace mve {

// y = requantize(acc) for four lanes with per-lane terms: left = 2^L, multiplier = M,
// neg_right = -R; round_bit (single rounding only) is 1 where R == 0, else 0.
// (No predicate select here: gcc 12 fails with an internal error on VPSEL of a compare.)
inline int32x4_t requantize_lanes(int32x4_t acc, int32x4_t left, int32x4_t multiplier,
                                  int32x4_t neg_right, int32x4_t round_bit) {
  const int32x4_t v = vmulq_s32(acc, left);
#if defined(TK_SINGLE_ROUNDING) && TK_SINGLE_ROUNDING
  // The rounded and the truncated high product differ by 0 or 1; keep the difference only
  // where R == 0.
  const int32x4_t truncated = vqdmulhq_s32(v, multiplier);
  const int32x4_t rounded = vqrdmulhq_s32(v, multiplier);
  const int32x4_t y = vaddq_s32(truncated, vandq_s32(vsubq_s32(rounded, truncated), round_bit));
  return vrshlq_s32(y, neg_right);
#else
  (void)round_bit;
  const int32x4_t y = vqrdmulhq_s32(v, multiplier);
  const int32x4_t minus_one_if_negative = vshrq_n_s32(vandq_s32(y, neg_right), 31);
  return vrshlq_s32(vaddq_s32(y, minus_one_if_negative), neg_right);
#endif
}

// Output offset and activation clamp of four requantized lanes.
inline int32x4_t finish_lanes(int32x4_t y, int32x4_t output_offset, int32x4_t activation_min,
                              int32x4_t activation_max) {
  return vminq_s32(vmaxq_s32(vqaddq_s32(y, output_offset), activation_min), activation_max);
}

// The same with one channel's terms broadcast over four lanes (four pixels of one channel).
struct ChannelRequant {
  int32_t left;       // 2^L
  int32_t multiplier;
  int32_t neg_right;  // -R
};

// -R = min(shift, 0), with the portable code's clamp of shifts beyond the validated range.
inline int32_t neg_right_shift(int32_t shift) {
  return shift < -31 ? -31 : (shift < 0 ? shift : 0);
}

// The terms store_requantized_lanes reads, for channels 0 .. count - 1: M, 2^L (the portable
// clamp of shifts to [-31, 31] included), the rounding constant and -R.
inline void fill_requant_lanes(const int32_t* multiplier, const int32_t* shift, int32_t count,
                               uint32_t* multiplier_out, uint32_t* left_scale, uint32_t* round,
                               int32_t* neg_right) {
  for (int32_t c = 0; c < count; c += 4) {
    const mve_pred16_t p = vctp32q(static_cast<uint32_t>(count - c));
    const int32x4_t s =
        vmaxq_s32(vminq_s32(vldrwq_z_s32(shift + c, p), vdupq_n_s32(31)), vdupq_n_s32(-31));
    const int32x4_t left = vmaxq_s32(s, vdupq_n_s32(0));
    vstrwq_p_u32(multiplier_out + c, vreinterpretq_u32_s32(vldrwq_z_s32(multiplier + c, p)), p);
    vstrwq_p_u32(left_scale + c, vshlq_u32(vdupq_n_u32(1), left), p);
    vstrwq_p_s32(neg_right + c, vminq_s32(s, vdupq_n_s32(0)), p);
#if defined(TK_SINGLE_ROUNDING) && TK_SINGLE_ROUNDING
    // 2^30 where R == 0 (shift >= 0), else 0.
    const uint32x4_t r_is_zero = vreinterpretq_u32_s32(vmvnq_s32(vshrq_n_s32(s, 31)));
    vstrwq_p_u32(round + c, vandq_u32(vdupq_n_u32(UINT32_C(1) << 30), r_is_zero), p);
#else
    vstrwq_p_u32(round + c, vdupq_n_u32(UINT32_C(1) << 30), p);
#endif
  }
}

// out[c] = clamp(requantize(acc[c]) + output_offset) for c < count, four channels per step,
// the tail predicated (no access beyond count). Terms as in RequantTable: 2^L, M, the rounding
// constant (2^30, or 0 for single rounding with R >= 1) and -R.
inline void store_requantized_lanes(const uint32_t* multiplier, const uint32_t* left_scale,
                                    const uint32_t* round, const int32_t* neg_right,
                                    const OutputStage& st, const uint32_t* acc, int32_t count,
                                    int8_t* out) {
  const int32x4_t offset = vdupq_n_s32(st.output_offset);
  const int32x4_t lo = vdupq_n_s32(st.activation_min);
  const int32x4_t hi = vdupq_n_s32(st.activation_max);
  for (int32_t c = 0; c < count; c += 4) {
    const mve_pred16_t p = vctp32q(static_cast<uint32_t>(count - c));
    const int32x4_t a = vreinterpretq_s32_u32(vldrwq_z_u32(acc + c, p));
    const int32x4_t l = vreinterpretq_s32_u32(vldrwq_z_u32(left_scale + c, p));
    const int32x4_t m = vreinterpretq_s32_u32(vldrwq_z_u32(multiplier + c, p));
    const int32x4_t r = vldrwq_z_s32(neg_right + c, p);
#if defined(TK_SINGLE_ROUNDING) && TK_SINGLE_ROUNDING
    // round is 2^30 exactly where R == 0 (see requant_terms), else 0.
    const int32x4_t round_bit = vreinterpretq_s32_u32(vshrq_n_u32(vldrwq_z_u32(round + c, p), 30));
#else
    (void)round;
    const int32x4_t round_bit = vdupq_n_s32(0);
#endif
    const int32x4_t y = finish_lanes(requantize_lanes(a, l, m, r, round_bit), offset, lo, hi);
    vstrbq_p_s32(out + c, y, p);
  }
}

inline ChannelRequant channel_requant(int32_t multiplier, int32_t shift) {
  const int32_t s = shift < -31 ? -31 : (shift > 31 ? 31 : shift);
  ChannelRequant k;
  k.left = s > 0 ? static_cast<int32_t>(UINT32_C(1) << s) : 1;
  k.multiplier = multiplier;
  k.neg_right = s < 0 ? s : 0;
  return k;
}

// requantize_channel for a channel known to have L > 0 (kLeft) and R > 0 (kRight) or not, so
// that loops over pixels carry no branch.
template <bool kLeft, bool kRight>
inline int32x4_t requantize_channel_as(int32x4_t acc, int32_t left, int32_t multiplier,
                                       int32_t neg_right) {
  const int32x4_t v = kLeft ? vmulq_n_s32(acc, left) : acc;
#if defined(TK_SINGLE_ROUNDING) && TK_SINGLE_ROUNDING
  if (!kRight) return vqrdmulhq_n_s32(v, multiplier);
  return vrshlq_n_s32(vqdmulhq_n_s32(v, multiplier), neg_right);
#else
  const int32x4_t y = vqrdmulhq_n_s32(v, multiplier);
  if (!kRight) return y;
  return vrshlq_n_s32(vaddq_s32(y, vshrq_n_s32(y, 31)), neg_right);
#endif
}

inline int32x4_t requantize_channel(int32x4_t acc, const ChannelRequant& k) {
  const int32x4_t v = k.left == 1 ? acc : vmulq_n_s32(acc, k.left);
#if defined(TK_SINGLE_ROUNDING) && TK_SINGLE_ROUNDING
  if (k.neg_right == 0) return vqrdmulhq_n_s32(v, k.multiplier);
  return vrshlq_n_s32(vqdmulhq_n_s32(v, k.multiplier), k.neg_right);
#else
  const int32x4_t y = vqrdmulhq_n_s32(v, k.multiplier);
  if (k.neg_right == 0) return y;
  return vrshlq_n_s32(vaddq_s32(y, vshrq_n_s32(y, 31)), k.neg_right);
#endif
}

}  // namespace mve
}  // namespace detail
}  // namespace tk

#endif  // TK_ISA_MVE
