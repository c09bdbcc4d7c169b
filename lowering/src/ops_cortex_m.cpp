// The cortex_m ops: what the lowering passes produce.
//
// quantize_per_tensor / dequantize_per_tensor share the quantized_decomposed ops' definition
// (ops_quant.cpp). The two convolutions follow ExecuTorch's cortex_m
// operators.yaml minus the scratch tensor (our kernel sets size their own scratch); they
// run through whatever conf::KernelSet the executor was given.
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "conf/conv_case.h"
#include "lower/verifier.h"
#include "ops_common.h"

namespace lower {

namespace {

using namespace ops;

const ref::DimOrder kChannelsLast{0, 2, 3, 1};

// ---- convolutions ---------------------------------------------------------------------

// Argument positions shared by both convolutions; depthwise has depth_multiplier at 6 and
// everything after it one later.
struct ConvLayout {
  bool depthwise;
  size_t offset() const { return depthwise ? 1 : 0; }
  size_t input_offset() const { return 6 + offset(); }
  size_t output_offset() const { return 7 + offset(); }
  size_t multipliers() const { return 8 + offset(); }
  size_t shifts() const { return 9 + offset(); }
  size_t activation_min() const { return 10 + offset(); }
  size_t activation_max() const { return 11 + offset(); }
};

std::vector<ArgSpec> conv_args(bool depthwise) {
  std::vector<ArgSpec> args{required("input", ArgKind::tensor),     required("weight", ArgKind::tensor),
                            required("bias", ArgKind::optional_tensor), required("stride", ArgKind::int_list),
                            required("padding", ArgKind::int_list),   required("dilation", ArgKind::int_list)};
  if (depthwise) args.push_back(required("depth_multiplier", ArgKind::integer));
  for (const char* name : {"input_offset", "output_offset"}) args.push_back(required(name, ArgKind::integer));
  for (const char* name : {"requantize_multipliers", "requantize_shifts"}) args.push_back(required(name, ArgKind::tensor));
  for (const char* name : {"activation_min", "activation_max"}) args.push_back(required(name, ArgKind::integer));
  return args;
}

// Everything a convolution call says, validated.
struct ConvParams {
  int64_t batch = 1, channels = 1, in_h = 1, in_w = 1;
  int64_t out_channels = 1, kernel_h = 1, kernel_w = 1;
  int64_t groups = 1, depth_multiplier = 1;
  int64_t stride[2] = {1, 1}, padding[2] = {0, 0}, dilation[2] = {1, 1};
  int64_t out_h = 1, out_w = 1;
  bool has_bias = false;
  int64_t input_offset = 0, output_offset = 0, activation_min = -128, activation_max = 127;
};

std::vector<int64_t> pair_arg(const CallArgs& call, size_t i, int64_t minimum) {
  std::vector<int64_t> v = call.ints(i);
  if (v.size() == 1) v.push_back(v[0]);
  if (v.size() != 2) call.fail(i, "expected 2 values (h, w), got " + std::to_string(v.size()));
  for (int64_t x : v) {
    if (x < minimum) call.fail(i, "values must be >= " + std::to_string(minimum) + ", got " + std::to_string(x));
  }
  return v;
}

void check_int32_vector(const CallArgs& call, const MetaLookup& metas, size_t i, int64_t length) {
  const TensorMeta& m = input_meta(call, metas, i);
  if (m.dtype != DType::int32 || m.shape != ref::Shape{length}) {
    call.fail(i, "expected int32[" + std::to_string(length) + "] (one per output channel), got " + describe(m));
  }
}

ConvParams conv_params(const CallArgs& call, const MetaLookup& metas, const ConvLayout& at) {
  ConvParams p;
  const TensorMeta& in = input_meta(call, metas, 0);
  if (in.dtype != DType::int8 || in.shape.size() != 4) call.fail(0, "expected an int8 4-D (N, C, H, W) tensor, got " + describe(in));
  if (!same_bytes(in.shape, in.dim_order, kChannelsLast)) {
    call.fail(0, "bytes must be channels-last (dim order (0,2,3,1)), got " + describe(in));
  }
  p.batch = in.shape[0];
  p.channels = in.shape[1];
  p.in_h = in.shape[2];
  p.in_w = in.shape[3];
  if (p.batch < 1 || p.channels < 1 || p.in_h < 1 || p.in_w < 1) call.fail(0, "every dim must be >= 1, got " + describe(in));

  const TensorMeta& w = input_meta(call, metas, 1);
  const std::string layout = at.depthwise ? "IHWO [1, kh, kw, C*depth_multiplier]" : "OHWI [Cout, kh, kw, Cin/groups]";
  if (w.dtype != DType::int8 || w.shape.size() != 4) call.fail(1, "expected int8 " + layout + ", got " + describe(w));
  if (!same_bytes(w.shape, w.dim_order, ref::contiguous_order(4))) call.fail(1, "must be contiguous, got " + describe(w));
  for (int64_t d : w.shape) {
    if (d < 1) call.fail(1, "every dim must be >= 1, got " + describe(w));
  }
  p.kernel_h = w.shape[1];
  p.kernel_w = w.shape[2];
  if (at.depthwise) {
    p.depth_multiplier = call.integer(6);
    if (p.depth_multiplier < 1) call.fail(6, "must be >= 1, got " + std::to_string(p.depth_multiplier));
    if (w.shape[0] != 1) call.fail(1, "depthwise weights are " + layout + ": dim 0 must be 1, got " + describe(w));
    p.out_channels = p.channels * p.depth_multiplier;
    if (w.shape[3] != p.out_channels) {
      call.fail(1, "last dim must be C * depth_multiplier = " + std::to_string(p.out_channels) + ", got " + describe(w));
    }
    p.groups = p.channels;
  } else {
    p.out_channels = w.shape[0];
    if (p.channels % w.shape[3] != 0) {
      call.fail(1, "input channels " + std::to_string(p.channels) + " are not a multiple of the weight's " +
                       std::to_string(w.shape[3]) + " channels per group");
    }
    p.groups = p.channels / w.shape[3];
    if (p.out_channels % p.groups != 0) {
      call.fail(1, "output channels " + std::to_string(p.out_channels) + " are not a multiple of groups " +
                       std::to_string(p.groups));
    }
  }

  if (!call.is_none(2)) {
    const TensorMeta& b = input_meta(call, metas, 2);
    if (b.dtype != DType::int32 || b.shape != ref::Shape{p.out_channels}) {
      call.fail(2, "expected int32[" + std::to_string(p.out_channels) + "] or None, got " + describe(b));
    }
    p.has_bias = true;
  }
  const auto stride = pair_arg(call, 3, 1), padding = pair_arg(call, 4, 0), dilation = pair_arg(call, 5, 1);
  for (size_t i = 0; i < 2; ++i) {
    p.stride[i] = stride[i];
    p.padding[i] = padding[i];
    p.dilation[i] = dilation[i];
  }
  const auto out_size = [](int64_t size, int64_t pad, int64_t dil, int64_t k, int64_t s) {
    const int64_t span = size + 2 * pad - dil * (k - 1) - 1;
    return span < 0 ? 0 : span / s + 1;
  };
  p.out_h = out_size(p.in_h, p.padding[0], p.dilation[0], p.kernel_h, p.stride[0]);
  p.out_w = out_size(p.in_w, p.padding[1], p.dilation[1], p.kernel_w, p.stride[1]);
  if (p.out_h < 1 || p.out_w < 1) {
    call.fail("the kernel (" + std::to_string(p.kernel_h) + "x" + std::to_string(p.kernel_w) + ", dilated) does not fit the padded " +
              std::to_string(p.in_h) + "x" + std::to_string(p.in_w) + " input");
  }

  p.input_offset = call.integer(at.input_offset());
  if (p.input_offset < -127 || p.input_offset > 128) {
    call.fail(at.input_offset(), "must be in [-127, 128] (minus an int8 zero point), got " + std::to_string(p.input_offset));
  }
  p.output_offset = call.integer(at.output_offset());
  if (p.output_offset < -128 || p.output_offset > 127) {
    call.fail(at.output_offset(), "must be in [-128, 127] (an int8 zero point), got " + std::to_string(p.output_offset));
  }
  check_int32_vector(call, metas, at.multipliers(), p.out_channels);
  check_int32_vector(call, metas, at.shifts(), p.out_channels);
  p.activation_min = call.integer(at.activation_min());
  p.activation_max = call.integer(at.activation_max());
  if (p.activation_min < -128 || p.activation_max > 127 || p.activation_min > p.activation_max) {
    call.fail(at.activation_min(), "activation range [" + std::to_string(p.activation_min) + ", " +
                                       std::to_string(p.activation_max) + "] must be ordered and within [-128, 127]");
  }
  return p;
}

template <class T>
std::vector<T> physical_contiguous(const Value& v, const std::string& what) {
  const auto& t = as<T>(v, what);
  return ref::to_dim_order(t, ref::contiguous_order(t.rank())).data();
}

OpDef conv_def(bool depthwise) {
  const ConvLayout at{depthwise};
  OpDef def;
  def.name = depthwise ? "cortex_m.quantized_depthwise_conv2d.default" : "cortex_m.quantized_conv2d.default";
  def.args = conv_args(depthwise);
  def.infer = [at](const CallArgs& call, const MetaLookup& metas) {
    const ConvParams p = conv_params(call, metas, at);
    return std::vector<TensorMeta>{make_meta(DType::int8, {p.batch, p.out_channels, p.out_h, p.out_w}, kChannelsLast)};
  };
  def.run = [at](const CallArgs& call, const ValueLookup& values, const RunContext& context) {
    // Metadata of the values actually given, so run() validates what it reads.
    std::map<std::string, std::vector<TensorMeta>> given;
    const MetaLookup metas = [&](const std::string& name) -> const std::vector<TensorMeta>& {
      auto [it, added] = given.try_emplace(name);
      if (added) {
        for (const Value& v : values(name)) it->second.push_back(meta_of(v));
      }
      return it->second;
    };
    const ConvParams p = conv_params(call, metas, at);
    if (!context.kernels) call.fail("no kernel set was given to run cortex_m convolutions");

    conf::ConvCase c;
    c.kind = at.depthwise ? conf::ConvKind::depthwise : conf::ConvKind::conv;
    c.batch = static_cast<int32_t>(p.batch);
    c.in_channels = static_cast<int32_t>(p.channels);
    c.out_channels = static_cast<int32_t>(p.out_channels);
    c.in_h = static_cast<int32_t>(p.in_h);
    c.in_w = static_cast<int32_t>(p.in_w);
    c.kernel_h = static_cast<int32_t>(p.kernel_h);
    c.kernel_w = static_cast<int32_t>(p.kernel_w);
    c.stride_h = static_cast<int32_t>(p.stride[0]);
    c.stride_w = static_cast<int32_t>(p.stride[1]);
    c.dilation_h = static_cast<int32_t>(p.dilation[0]);
    c.dilation_w = static_cast<int32_t>(p.dilation[1]);
    c.pad_top = c.pad_bottom = static_cast<int32_t>(p.padding[0]);
    c.pad_left = c.pad_right = static_cast<int32_t>(p.padding[1]);
    c.groups = at.depthwise ? 1 : static_cast<int32_t>(p.groups);
    c.depth_multiplier = static_cast<int32_t>(p.depth_multiplier);
    c.input_offset = static_cast<int32_t>(p.input_offset);
    c.output_offset = static_cast<int32_t>(p.output_offset);
    c.activation_min = static_cast<int32_t>(p.activation_min);
    c.activation_max = static_cast<int32_t>(p.activation_max);
    c.multiplier = physical_contiguous<int32_t>(input_value(call, values, at.multipliers()), "requantize_multipliers");
    c.shift = physical_contiguous<int32_t>(input_value(call, values, at.shifts()), "requantize_shifts");
    c.has_bias = p.has_bias;
    if (p.has_bias) c.bias = physical_contiguous<int32_t>(input_value(call, values, 2), "bias");
    // The input's bytes are channels-last (checked above): they are the NHWC buffer as is.
    c.input = as<int8_t>(input_value(call, values, 0), "input").data();
    c.weight = physical_contiguous<int8_t>(input_value(call, values, 1), "weight");

    const conf::RunOutcome outcome = context.kernels->run(c);
    if (!outcome.ok()) {
      std::string problem = "kernel set '" + context.kernels->name() + "' returned " + outcome.status;
      if (!outcome.message.empty()) problem += ": " + outcome.message;
      for (const std::string& e : outcome.integrity_errors) problem += "; " + e;
      throw IrError(problem);
    }
    const ref::Shape shape{p.batch, p.out_channels, p.out_h, p.out_w};
    if (static_cast<int64_t>(outcome.output.size()) != ref::element_count(shape)) {
      throw IrError("kernel set '" + context.kernels->name() + "' returned " + std::to_string(outcome.output.size()) +
                    " outputs for " + ref::to_string(shape));
    }
    return std::vector<Value>{ref::Tensor<int8_t>(shape, kChannelsLast, outcome.output)};
  };
  return def;
}

}  // namespace

void register_cortex_m_ops() {
  register_op(quantize_per_tensor_op("cortex_m.quantize_per_tensor.default"));
  register_op(dequantize_per_tensor_op("cortex_m.dequantize_per_tensor.default"));
  register_op(conv_def(false));
  register_op(conv_def(true));
}

}  // namespace lower
