// The requantization step and the output stage, shared by tk::requantize and every kernel so
// that the public function is, by construction, the arithmetic the kernels apply.
//
// Spec (TFLite convention, scale = multiplier * 2^(shift - 31)), L = max(shift, 0),
// R = max(-shift, 0), v = acc * 2^L:
//   double rounding: y = (v * M + 2^30) >> 31, then y / 2^R rounded half away from zero
//   single rounding: (acc * M + 2^(30 - shift)) >> (31 - shift)
// Single rounding is rewritten in the same two-step form, which is exact: with
// y = floor((v * M + c) / 2^31), c = 2^30 when R == 0 else 0, the result is y / 2^R rounded
// half up (nested floors compose, and 2^(30 + R) / 2^31 is an integer when R >= 1).
//
// The per-element step uses no variable shifts and no signed 64-bit products, only unsigned
// 32x32->64 multiplies by per-channel terms, so a loop over channels vectorizes (SSE2, MVE).
#pragma once

#include <stdint.h>

namespace tk {
namespace detail {

// Per-channel constants derived once from (multiplier, shift).
struct RequantTerms {
  uint32_t multiplier;   // M
  uint32_t left_scale;   // 2^L
  uint32_t right_scale;  // 2^(31 - R): floor(y * 2^(31-R) / 2^31) == floor(y / 2^R)
  uint32_t round;        // c: 2^30, or 0 for single rounding with R >= 1
  uint32_t mask;         // 2^R - 1
  uint32_t half;         // mask >> 1
};

inline RequantTerms requant_terms(int32_t multiplier, int32_t shift) {
  // Shifts are validated to [-31, 30]; clamping keeps everything defined beyond that.
  const int32_t s = shift < -31 ? -31 : (shift > 31 ? 31 : shift);
  const uint32_t left = s > 0 ? static_cast<uint32_t>(s) : 0u;
  const uint32_t right = s < 0 ? static_cast<uint32_t>(-s) : 0u;
  RequantTerms t;
  t.multiplier = static_cast<uint32_t>(multiplier);
  t.left_scale = UINT32_C(1) << left;
  t.right_scale = UINT32_C(1) << (31u - right);
  t.mask = (UINT32_C(1) << right) - 1u;
  t.half = t.mask >> 1;
#if defined(TK_SINGLE_ROUNDING) && TK_SINGLE_ROUNDING
  t.round = right == 0 ? (UINT32_C(1) << 30) : 0u;
#else
  t.round = UINT32_C(1) << 30;
#endif
  return t;
}

// The requantization of one accumulator. Exact as specified when acc * 2^L fits int32,
// 0 <= multiplier < 2^31 and shift is in [-31, 30]; defined (unsigned wrap-around) otherwise.
inline int32_t requantize_with(int32_t acc, uint32_t multiplier, uint32_t left_scale,
                               uint32_t right_scale, uint32_t round, uint32_t mask,
                               uint32_t half) {
  // v = acc * 2^L modulo 2^32 (exact in the domain).
  const uint32_t v = static_cast<uint32_t>(acc) * left_scale;
  const uint32_t v_negative = 0u - (v >> 31);  // all ones when v < 0
  // y = floor((v * M + c) / 2^31) from an unsigned product: reading a negative v as
  // v + 2^32 adds exactly 2M to the quotient, which is taken off again (mod 2^32).
  const uint64_t p = static_cast<uint64_t>(v) * multiplier + round;
  const uint32_t y = static_cast<uint32_t>(p >> 31) - (v_negative & (2u * multiplier));
  const uint32_t y_negative = 0u - (y >> 31);
  // q = floor(y / 2^R), the same way.
  const uint64_t t = static_cast<uint64_t>(y) * right_scale;
  const uint32_t q = static_cast<uint32_t>(t >> 31) - (y_negative & (2u * right_scale));
  // Round the division: the remainder beyond half rounds up; for double rounding a negative y
  // needs one more (half away from zero), for single rounding ties go up.
#if defined(TK_SINGLE_ROUNDING) && TK_SINGLE_ROUNDING
  const uint32_t threshold = half;
#else
  const uint32_t threshold = half - y_negative;  // half + 1 when y < 0
#endif
  const uint32_t round_up = (y & mask) > threshold ? 1u : 0u;  // both below 2^31
  return static_cast<int32_t>(q + round_up);
}

inline int32_t requantize_value(int32_t acc, int32_t multiplier, int32_t shift) {
  const RequantTerms t = requant_terms(multiplier, shift);
  return requantize_with(acc, t.multiplier, t.left_scale, t.right_scale, t.round, t.mask,
                         t.half);
}

// Add the output zero point and clamp to the activation range. Values beyond +-512 clamp the
// same way after adding an offset in [-128, 127]; bounding them first avoids any overflow.
inline int8_t finish_output(int32_t y, int32_t output_offset, int32_t activation_min,
                            int32_t activation_max) {
  y = y < -512 ? -512 : y;
  y = y > 512 ? 512 : y;
  y += output_offset;
  y = y < activation_min ? activation_min : y;
  y = y > activation_max ? activation_max : y;
  return static_cast<int8_t>(y);
}

}  // namespace detail
}  // namespace tk
