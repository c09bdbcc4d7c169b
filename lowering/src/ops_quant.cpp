// quantized_decomposed's fake-quant ops, in float32 as PyTorch computes them:
//   quantize:   clamp(round_half_even(x * float(1 / float(scale))) + zp, quant_min, quant_max)
//               (ref::quantize, then the [quant_min, quant_max] clamp)
//   dequantize per tensor:  (float(q) - float(zp)) * float(scale)
//   dequantize per channel: float(q - zp[c]) * float(scale[c])
// (identical for int8; they differ only for int32 values beyond 2^24 with a zero point).
// Outputs keep the input's dim order.
#include <cmath>
#include <limits>

#include "ref/quant.h"
#include "ops_common.h"

namespace lower {

namespace {

using namespace ops;

// Argument positions: per tensor (input, scale, zero_point, quant_min, quant_max, dtype),
// per channel (input, scales, zero_points, axis, quant_min, quant_max, dtype).
struct QArgs {
  size_t qmin, qmax, dtype;
};
constexpr QArgs kPerTensor{3, 4, 5};
constexpr QArgs kPerChannel{4, 5, 6};

std::pair<int64_t, int64_t> dtype_range(DType d) {
  if (d == DType::int8) return {-128, 127};
  return {std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max()};
}

// The quantized dtype named by the dtype argument; quantize accepts int8 only.
DType quantized_dtype(const CallArgs& call, const QArgs& a, bool allow_int32) {
  const std::string& name = call.string(a.dtype);
  if (name == "int8" || name == "torch.int8") return DType::int8;
  if (allow_int32 && (name == "int32" || name == "torch.int32")) return DType::int32;
  call.fail(a.dtype, "'" + name + "' is not supported (" + (allow_int32 ? "int8 or int32" : "int8") + " only)");
}

void check_range(const CallArgs& call, const QArgs& a, DType dtype) {
  const auto [lo, hi] = dtype_range(dtype);
  const int64_t qmin = call.integer(a.qmin), qmax = call.integer(a.qmax);
  if (qmin < lo || qmin > hi) {
    call.fail(a.qmin, std::to_string(qmin) + " is outside the " + dtype_name(dtype) + " range [" + std::to_string(lo) +
                          ", " + std::to_string(hi) + "]");
  }
  if (qmax < lo || qmax > hi) {
    call.fail(a.qmax, std::to_string(qmax) + " is outside the " + dtype_name(dtype) + " range [" + std::to_string(lo) +
                          ", " + std::to_string(hi) + "]");
  }
  if (qmin > qmax) call.fail(a.qmax, std::to_string(qmax) + " is below quant_min " + std::to_string(qmin));
}

void check_scale(const CallArgs& call, size_t arg, double scale) {
  if (!(scale > 0.0) || !std::isfinite(scale) || !std::isfinite(static_cast<float>(scale)) ||
      static_cast<float>(scale) == 0.0f) {
    call.fail(arg, "scale " + std::to_string(scale) + " must be positive and finite in float32");
  }
}

void check_zero_point(const CallArgs& call, size_t arg, int64_t zp) {
  if (zp < std::numeric_limits<int32_t>::min() || zp > std::numeric_limits<int32_t>::max()) {
    call.fail(arg, "zero point " + std::to_string(zp) + " does not fit int32");
  }
}

// ---- per tensor ---------------------------------------------------------------------------

std::vector<ArgSpec> per_tensor_args() {
  return {required("input", ArgKind::tensor),     required("scale", ArgKind::real),
          required("zero_point", ArgKind::integer), required("quant_min", ArgKind::integer),
          required("quant_max", ArgKind::integer), required("dtype", ArgKind::string)};
}

void check_per_tensor(const CallArgs& call) {
  check_scale(call, 1, call.real(1));
  check_zero_point(call, 2, call.integer(2));
}

}  // namespace

OpDef ops::quantize_per_tensor_op(const std::string& name) {
  OpDef def;
  def.name = name;
  def.args = per_tensor_args();
  def.infer = [](const CallArgs& call, const MetaLookup& metas) {
    const TensorMeta& in = float_input_meta(call, metas, 0);
    const DType dtype = quantized_dtype(call, kPerTensor, false);
    check_range(call, kPerTensor, dtype);
    check_per_tensor(call);
    TensorMeta out = make_meta(dtype, in.shape, in.dim_order);
    out.quant = QuantMeta{{call.real(1)}, {call.integer(2)}, -1};
    return std::vector<TensorMeta>{out};
  };
  def.run = [](const CallArgs& call, const ValueLookup& values, const RunContext&) {
    const ref::Tensor<float>& x = float_input(call, values, 0);
    const auto scale = static_cast<float>(call.real(1));
    const auto zp = static_cast<int32_t>(call.integer(2));
    const int64_t qmin = call.integer(kPerTensor.qmin), qmax = call.integer(kPerTensor.qmax);
    ref::Tensor<int8_t> q(x.shape(), x.dim_order());
    for (size_t i = 0; i < x.data().size(); ++i) {
      const int64_t v = ref::quantize(x.data()[i], scale, zp);
      q.data()[i] = static_cast<int8_t>(std::min(std::max(v, qmin), qmax));
    }
    return std::vector<Value>{std::move(q)};
  };
  return def;
}

namespace {

template <class Q>
ref::Tensor<float> dequantize_tensor(const ref::Tensor<Q>& q, float scale, int64_t zp) {
  ref::Tensor<float> x(q.shape(), q.dim_order());
  const auto fzp = static_cast<float>(zp);
  for (size_t i = 0; i < q.data().size(); ++i) x.data()[i] = (static_cast<float>(q.data()[i]) - fzp) * scale;
  return x;
}

}  // namespace

OpDef ops::dequantize_per_tensor_op(const std::string& name) {
  OpDef def;
  def.name = name;
  def.args = per_tensor_args();
  def.infer = [](const CallArgs& call, const MetaLookup& metas) {
    const TensorMeta& in = input_meta(call, metas, 0);
    const DType dtype = quantized_dtype(call, kPerTensor, true);
    require_dtype(call, 0, in, dtype);
    check_range(call, kPerTensor, dtype);
    check_per_tensor(call);
    return std::vector<TensorMeta>{make_meta(DType::float32, in.shape, in.dim_order)};
  };
  def.run = [](const CallArgs& call, const ValueLookup& values, const RunContext&) {
    const Value& v = input_value(call, values, 0);
    const auto scale = static_cast<float>(call.real(1));
    const int64_t zp = call.integer(2);
    if (const auto* q8 = std::get_if<ref::Tensor<int8_t>>(&v)) return std::vector<Value>{dequantize_tensor(*q8, scale, zp)};
    if (const auto* q32 = std::get_if<ref::Tensor<int32_t>>(&v)) return std::vector<Value>{dequantize_tensor(*q32, scale, zp)};
    call.fail(0, std::string("must be int8 or int32, got ") + dtype_name(dtype_of(v)));
  };
  return def;
}

namespace {

// ---- per channel --------------------------------------------------------------------------

std::vector<ArgSpec> per_channel_args() {
  return {required("input", ArgKind::tensor),        required("scales", ArgKind::real_list),
          required("zero_points", ArgKind::int_list), required("axis", ArgKind::integer),
          required("quant_min", ArgKind::integer),   required("quant_max", ArgKind::integer),
          required("dtype", ArgKind::string)};
}

// The normalized axis, after checking the per-channel parameters against the input.
size_t check_per_channel(const CallArgs& call, const TensorMeta& in) {
  if (in.shape.empty()) call.fail(0, "per-channel quantization needs at least 1 dim, got " + describe(in));
  const size_t axis = normalize_dim(call, 3, call.integer(3), in.shape.size());
  const std::vector<double> scales = call.reals(1);
  const std::vector<int64_t> zps = call.ints(2);
  const auto channels = static_cast<size_t>(in.shape[axis]);
  if (scales.size() != channels) {
    call.fail(1, std::to_string(scales.size()) + " scales for " + std::to_string(channels) + " channels along axis " +
                     std::to_string(axis) + " of " + describe(in));
  }
  if (zps.size() != channels) {
    call.fail(2, std::to_string(zps.size()) + " zero points for " + std::to_string(channels) + " channels along axis " +
                     std::to_string(axis) + " of " + describe(in));
  }
  for (double s : scales) check_scale(call, 1, s);
  for (int64_t z : zps) check_zero_point(call, 2, z);
  return axis;
}

void register_quantize_per_channel() {
  OpDef def;
  def.name = "quantized_decomposed.quantize_per_channel.default";
  def.args = per_channel_args();
  def.infer = [](const CallArgs& call, const MetaLookup& metas) {
    const TensorMeta& in = float_input_meta(call, metas, 0);
    const DType dtype = quantized_dtype(call, kPerChannel, false);
    check_range(call, kPerChannel, dtype);
    const size_t axis = check_per_channel(call, in);
    TensorMeta out = make_meta(dtype, in.shape, in.dim_order);
    out.quant = QuantMeta{call.reals(1), call.ints(2), static_cast<int64_t>(axis)};
    return std::vector<TensorMeta>{out};
  };
  def.run = [](const CallArgs& call, const ValueLookup& values, const RunContext&) {
    const ref::Tensor<float>& x = float_input(call, values, 0);
    const size_t axis = check_per_channel(call, meta_of(x));
    const std::vector<double> scales = call.reals(1);
    const std::vector<int64_t> zps = call.ints(2);
    const int64_t qmin = call.integer(kPerChannel.qmin), qmax = call.integer(kPerChannel.qmax);
    ref::Tensor<int8_t> q = build_tensor<int8_t>(x.shape(), x.dim_order(), [&](const ref::Index& index) {
      const auto c = static_cast<size_t>(index[axis]);
      const int64_t v = ref::quantize(x.at(index), static_cast<float>(scales[c]), static_cast<int32_t>(zps[c]));
      return static_cast<int8_t>(std::min(std::max(v, qmin), qmax));
    });
    return std::vector<Value>{std::move(q)};
  };
  register_op(std::move(def));
}

template <class Q>
ref::Tensor<float> dequantize_channels(const ref::Tensor<Q>& q, const std::vector<double>& scales,
                                       const std::vector<int64_t>& zps, size_t axis) {
  return build_tensor<float>(q.shape(), q.dim_order(), [&](const ref::Index& index) {
    const auto c = static_cast<size_t>(index[axis]);
    return static_cast<float>(static_cast<int64_t>(q.at(index)) - zps[c]) * static_cast<float>(scales[c]);
  });
}

void register_dequantize_per_channel() {
  OpDef def;
  def.name = "quantized_decomposed.dequantize_per_channel.default";
  def.args = per_channel_args();
  def.infer = [](const CallArgs& call, const MetaLookup& metas) {
    const TensorMeta& in = input_meta(call, metas, 0);
    const DType dtype = quantized_dtype(call, kPerChannel, true);
    require_dtype(call, 0, in, dtype);
    check_range(call, kPerChannel, dtype);
    check_per_channel(call, in);
    return std::vector<TensorMeta>{make_meta(DType::float32, in.shape, in.dim_order)};
  };
  def.run = [](const CallArgs& call, const ValueLookup& values, const RunContext&) {
    const Value& v = input_value(call, values, 0);
    const size_t axis = check_per_channel(call, meta_of(v));
    const std::vector<double> scales = call.reals(1);
    const std::vector<int64_t> zps = call.ints(2);
    if (const auto* q8 = std::get_if<ref::Tensor<int8_t>>(&v)) {
      return std::vector<Value>{dequantize_channels(*q8, scales, zps, axis)};
    }
    if (const auto* q32 = std::get_if<ref::Tensor<int32_t>>(&v)) {
      return std::vector<Value>{dequantize_channels(*q32, scales, zps, axis)};
    }
    call.fail(0, std::string("must be int8 or int32, got ") + dtype_name(dtype_of(v)));
  };
  register_op(std::move(def));
}

}  // namespace

void register_quant_ops() {
  register_op(quantize_per_tensor_op("quantized_decomposed.quantize_per_tensor.default"));
  register_op(dequantize_per_tensor_op("quantized_decomposed.dequantize_per_tensor.default"));
  register_quantize_per_channel();
  register_dequantize_per_channel();
}

}  // namespace lower
