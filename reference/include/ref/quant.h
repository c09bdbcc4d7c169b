// Exact quantization arithmetic: multipliers, the three requantization roundings,
// quantize/dequantize, and activation tails as int8 ranges.
//
// Everything here computes in exact integer (128-bit where needed) or in the float
// arithmetic the semantics prescribe; nothing assumes the int32 domain of the kernels.
// The domain predicates say whether a value is inside it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ref/tensor.h"

namespace ref {

enum class Rounding {
  double_rounding,  // CMSIS-NN default, TFLite: round-half-up high multiply, then
                    // divide by 2^R rounding half away from zero
  single_rounding,  // CMSIS_NN_USE_SINGLE_ROUNDING: one round-half-up shift
  float_half_even,  // XNNPACK / qnnpack: rint(float(acc) * float(scale)), half to even
};
const char* rounding_name(Rounding rounding);
// Accepts "double", "single", "float"; throws std::invalid_argument otherwise.
Rounding parse_rounding(const std::string& name);

struct QuantizedMultiplier {
  int32_t multiplier;  // 0 or in [2^30, 2^31)
  int32_t shift;       // in [-31, 30]; scale = multiplier * 2^(shift - 31)
};

// TFLite QuantizeMultiplier: frexp, round half away from zero, renormalize 2^31, flush
// scales below 2^-32 to zero. Throws std::domain_error for negative, non-finite or
// too large (>= 2^30) scales.
QuantizedMultiplier quantize_multiplier(double scale);
// The exact real number a (multiplier, shift) pair stands for.
double multiplier_to_scale(int32_t multiplier, int32_t shift);
// The float scale the float rounding mode multiplies by: float(multiplier * 2^(shift - 31)).
float float_scale(int32_t multiplier, int32_t shift);

int64_t requantize_double_rounding(int64_t acc, int32_t multiplier, int32_t shift);
int64_t requantize_single_rounding(int64_t acc, int32_t multiplier, int32_t shift);
int64_t requantize_float(int64_t acc, float scale);
// Dispatches on the mode; the float mode uses float_scale(multiplier, shift).
int64_t requantize(int64_t acc, int32_t multiplier, int32_t shift, Rounding rounding);

// Whether an int32 kernel computes this requantization without overflow:
// acc fits int32, and for double rounding acc * 2^max(shift, 0) fits int32; for single
// rounding acc * multiplier / 2^(30 - shift) fits int32; for float the result fits int32.
bool requantize_in_domain(int64_t acc, int32_t multiplier, int32_t shift, Rounding rounding);

// Whether two of the rounding modes may disagree by one on acc * scale: the fractional part
// of the exact product is one half, or within 2^-(R+1) of it when R = max(-shift, 0) > 0
// (double rounding's first step), widened by the float mode's representation error.
bool is_near_tie(int64_t acc, int32_t multiplier, int32_t shift);

// quantized_decomposed semantics: clamp(round_half_even(x * (1 / scale)) + zero_point) in
// float32, clamped to [-128, 127].
int8_t quantize(float x, float scale, int32_t zero_point);
// (q - zero_point) * scale in float32.
float dequantize(int8_t q, float scale, int32_t zero_point);

Tensor<int8_t> quantize_per_tensor(const Tensor<float>& x, float scale, int32_t zero_point);
Tensor<float> dequantize_per_tensor(const Tensor<int8_t>& q, float scale, int32_t zero_point);
// scales/zero_points indexed along logical dim `axis`.
Tensor<int8_t> quantize_per_channel(const Tensor<float>& x, const std::vector<float>& scales,
                                    const std::vector<int32_t>& zero_points, size_t axis);
Tensor<float> dequantize_per_channel(const Tensor<int8_t>& q, const std::vector<float>& scales,
                                     const std::vector<int32_t>& zero_points, size_t axis);

enum class ActivationTail { none, relu, relu6, hardtanh, hardsigmoid, clamp };
const char* activation_tail_name(ActivationTail tail);
// Accepts the names activation_tail_name gives; throws std::invalid_argument otherwise.
ActivationTail parse_activation_tail(const std::string& name);

struct ActivationRange {
  int32_t min;
  int32_t max;
};

// The int8 range a fused activation clamps to, for an output quantized with
// (out_scale, out_zero_point). hardtanh and clamp use [lower, upper] (hardtanh's defaults
// are -1 and 1); relu6 is [0, 6]; hardsigmoid's output range is [0, 1].
ActivationRange activation_range(ActivationTail tail, float out_scale, int32_t out_zero_point,
                                 float lower = -1.0f, float upper = 1.0f);

}  // namespace ref
