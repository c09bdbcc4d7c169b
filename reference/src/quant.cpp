#include "ref/quant.h"

#include <cmath>
#include <limits>
#include <stdexcept>

namespace ref {

namespace {

__extension__ typedef __int128 int128;

constexpr int64_t kInt32Min = std::numeric_limits<int32_t>::min();
constexpr int64_t kInt32Max = std::numeric_limits<int32_t>::max();

bool fits_int32(int128 v) { return v >= kInt32Min && v <= kInt32Max; }

int128 pow2(int exponent) { return static_cast<int128>(1) << exponent; }

// Exact floor(a / 2^k) for k >= 0.
int128 floor_div_pow2(int128 a, int k) {
  const int128 d = pow2(k);
  int128 q = a / d;  // truncates toward zero
  if (a % d != 0 && a < 0) q -= 1;
  return q;
}

void check_shift(int32_t shift) {
  if (shift < -31 || shift > 30) {
    throw std::domain_error("shift " + std::to_string(shift) + " is outside [-31, 30]");
  }
}

int32_t saturate_int8(int64_t v) {
  return static_cast<int32_t>(std::min<int64_t>(127, std::max<int64_t>(-128, v)));
}

}  // namespace

const char* rounding_name(Rounding rounding) {
  switch (rounding) {
    case Rounding::double_rounding: return "double";
    case Rounding::single_rounding: return "single";
    case Rounding::float_half_even: return "float";
  }
  return "?";
}

Rounding parse_rounding(const std::string& name) {
  if (name == "double") return Rounding::double_rounding;
  if (name == "single") return Rounding::single_rounding;
  if (name == "float") return Rounding::float_half_even;
  throw std::invalid_argument("unknown rounding mode '" + name + "' (expected double, single or float)");
}

QuantizedMultiplier quantize_multiplier(double scale) {
  if (!std::isfinite(scale) || scale < 0) {
    throw std::domain_error("scale " + std::to_string(scale) + " must be finite and non-negative");
  }
  if (scale == 0) return {0, 0};
  int exponent = 0;
  const double fraction = std::frexp(scale, &exponent);  // scale = fraction * 2^exponent
  int64_t q = std::llround(fraction * 2147483648.0);     // half away from zero
  if (q == (int64_t{1} << 31)) {
    q /= 2;
    exponent += 1;
  }
  if (exponent < -31) return {0, 0};
  if (exponent > 30) {
    throw std::domain_error("scale " + std::to_string(scale) + " needs a shift above 30");
  }
  return {static_cast<int32_t>(q), exponent};
}

double multiplier_to_scale(int32_t multiplier, int32_t shift) {
  return std::ldexp(static_cast<double>(multiplier), shift - 31);
}

float float_scale(int32_t multiplier, int32_t shift) {
  return static_cast<float>(multiplier_to_scale(multiplier, shift));
}

int64_t requantize_double_rounding(int64_t acc, int32_t multiplier, int32_t shift) {
  check_shift(shift);
  const int left = shift > 0 ? shift : 0;
  const int right = shift < 0 ? -shift : 0;
  // First rounding: the doubling high multiply, rounding half toward +infinity.
  const int128 y = floor_div_pow2(static_cast<int128>(acc) * pow2(left) * multiplier + pow2(30), 31);
  if (right == 0) return static_cast<int64_t>(y);
  // Second rounding: divide by 2^right, half away from zero.
  const int128 magnitude = y < 0 ? -y : y;
  const int128 rounded = (magnitude + pow2(right - 1)) >> right;
  return static_cast<int64_t>(y < 0 ? -rounded : rounded);
}

int64_t requantize_single_rounding(int64_t acc, int32_t multiplier, int32_t shift) {
  check_shift(shift);
  const int total = 31 - shift;  // in [1, 62]
  return static_cast<int64_t>(
      floor_div_pow2(static_cast<int128>(acc) * multiplier + pow2(total - 1), total));
}

int64_t requantize_float(int64_t acc, float scale) {
  const float scaled = static_cast<float>(acc) * scale;
  return static_cast<int64_t>(std::nearbyint(scaled));  // default mode: half to even
}

int64_t requantize(int64_t acc, int32_t multiplier, int32_t shift, Rounding rounding) {
  switch (rounding) {
    case Rounding::double_rounding: return requantize_double_rounding(acc, multiplier, shift);
    case Rounding::single_rounding: return requantize_single_rounding(acc, multiplier, shift);
    case Rounding::float_half_even: return requantize_float(acc, float_scale(multiplier, shift));
  }
  throw std::invalid_argument("bad rounding mode");
}

bool requantize_in_domain(int64_t acc, int32_t multiplier, int32_t shift, Rounding rounding) {
  if (!fits_int32(acc) || shift < -31 || shift > 30 || multiplier < 0) return false;
  switch (rounding) {
    case Rounding::double_rounding:
      return fits_int32(static_cast<int128>(acc) * pow2(shift > 0 ? shift : 0));
    case Rounding::single_rounding:
      return fits_int32(floor_div_pow2(static_cast<int128>(acc) * multiplier, 30 - shift));
    case Rounding::float_half_even: {
      const double scaled = static_cast<double>(static_cast<float>(acc) * float_scale(multiplier, shift));
      return std::fabs(scaled) < 2147483520.0;  // below the largest float under 2^31
    }
  }
  return false;
}

bool is_near_tie(int64_t acc, int32_t multiplier, int32_t shift) {
  const int right = shift < 0 ? -shift : 0;
  // exact = acc * multiplier / 2^(31 - shift); its fractional part as an exact ratio.
  const int total = 31 - shift;
  const int128 numerator = static_cast<int128>(acc) * multiplier;
  const int128 whole = floor_div_pow2(numerator, total);
  const int128 remainder = numerator - whole * pow2(total);  // in [0, 2^total)
  const double fraction = std::ldexp(static_cast<double>(remainder), -total);
  const double magnitude = std::fabs(static_cast<double>(whole)) + 1.0;
  // Double rounding first rounds to 2^-R steps (an error up to 2^-(R+1)); with R == 0 that
  // first rounding is the only one, so only exact ties can differ. Float requantization
  // adds about 2^-24 relative error three times (acc to float, scale to float, product).
  const double double_rounding = right > 0 ? std::ldexp(1.0, -(right + 1)) : 0.0;
  const double window = double_rounding + magnitude * std::ldexp(1.0, -21);
  return std::fabs(fraction - 0.5) <= window;
}

int8_t quantize(float x, float scale, int32_t zero_point) {
  const float inverse = 1.0f / scale;
  const float rounded = std::nearbyint(x * inverse);
  if (std::isnan(rounded)) return static_cast<int8_t>(saturate_int8(zero_point));
  const double shifted = static_cast<double>(rounded) + zero_point;
  return static_cast<int8_t>(shifted >= 127 ? 127 : shifted <= -128 ? -128 : static_cast<int32_t>(shifted));
}

float dequantize(int8_t q, float scale, int32_t zero_point) {
  return static_cast<float>(static_cast<int32_t>(q) - zero_point) * scale;
}

Tensor<int8_t> quantize_per_tensor(const Tensor<float>& x, float scale, int32_t zero_point) {
  Tensor<int8_t> q(x.shape(), x.dim_order());
  for (size_t i = 0; i < x.data().size(); ++i) q.data()[i] = quantize(x.data()[i], scale, zero_point);
  return q;
}

Tensor<float> dequantize_per_tensor(const Tensor<int8_t>& q, float scale, int32_t zero_point) {
  Tensor<float> x(q.shape(), q.dim_order());
  for (size_t i = 0; i < q.data().size(); ++i) x.data()[i] = dequantize(q.data()[i], scale, zero_point);
  return x;
}

namespace {
void check_channel_params(const Shape& shape, size_t scales, size_t zero_points, size_t axis) {
  if (axis >= shape.size()) {
    throw std::invalid_argument("axis " + std::to_string(axis) + " is outside shape " + to_string(shape));
  }
  const auto channels = static_cast<size_t>(shape[axis]);
  if (scales != channels || zero_points != channels) {
    throw std::invalid_argument("per-channel parameters: " + std::to_string(scales) + " scales and " +
                                std::to_string(zero_points) + " zero points for " +
                                std::to_string(channels) + " channels");
  }
}
}  // namespace

Tensor<int8_t> quantize_per_channel(const Tensor<float>& x, const std::vector<float>& scales,
                                    const std::vector<int32_t>& zero_points, size_t axis) {
  check_channel_params(x.shape(), scales.size(), zero_points.size(), axis);
  Tensor<int8_t> q(x.shape(), x.dim_order());
  for_each_index(x.shape(), [&](const Index& i) {
    const auto c = static_cast<size_t>(i[axis]);
    q.at(i) = quantize(x.at(i), scales[c], zero_points[c]);
  });
  return q;
}

Tensor<float> dequantize_per_channel(const Tensor<int8_t>& q, const std::vector<float>& scales,
                                     const std::vector<int32_t>& zero_points, size_t axis) {
  check_channel_params(q.shape(), scales.size(), zero_points.size(), axis);
  Tensor<float> x(q.shape(), q.dim_order());
  for_each_index(q.shape(), [&](const Index& i) {
    const auto c = static_cast<size_t>(i[axis]);
    x.at(i) = dequantize(q.at(i), scales[c], zero_points[c]);
  });
  return x;
}

const char* activation_tail_name(ActivationTail tail) {
  switch (tail) {
    case ActivationTail::none: return "none";
    case ActivationTail::relu: return "relu";
    case ActivationTail::relu6: return "relu6";
    case ActivationTail::hardtanh: return "hardtanh";
    case ActivationTail::hardsigmoid: return "hardsigmoid";
    case ActivationTail::clamp: return "clamp";
  }
  return "?";
}

ActivationTail parse_activation_tail(const std::string& name) {
  for (ActivationTail tail : {ActivationTail::none, ActivationTail::relu, ActivationTail::relu6,
                              ActivationTail::hardtanh, ActivationTail::hardsigmoid, ActivationTail::clamp}) {
    if (name == activation_tail_name(tail)) return tail;
  }
  throw std::invalid_argument("unknown activation tail '" + name + "'");
}

ActivationRange activation_range(ActivationTail tail, float out_scale, int32_t out_zero_point,
                                 float lower, float upper) {
  auto q = [&](float x) { return static_cast<int32_t>(quantize(x, out_scale, out_zero_point)); };
  switch (tail) {
    case ActivationTail::none: return {-128, 127};
    case ActivationTail::relu: return {q(0.0f), 127};
    case ActivationTail::relu6: return {q(0.0f), q(6.0f)};
    case ActivationTail::hardtanh:
    case ActivationTail::clamp:
      if (lower > upper) {
        throw std::invalid_argument(std::string(activation_tail_name(tail)) + " lower bound " +
                                    std::to_string(lower) + " exceeds upper bound " + std::to_string(upper));
      }
      return {q(lower), q(upper)};
    case ActivationTail::hardsigmoid: return {q(0.0f), q(1.0f)};
  }
  throw std::invalid_argument("bad activation tail");
}

}  // namespace ref
