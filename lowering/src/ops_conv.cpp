// Float convolution and linear. Products are accumulated in double and rounded to float once.
#include <algorithm>

#include "ref/conv.h"
#include "ops_common.h"

namespace lower {

namespace {

using namespace ops;

enum ConvArg : size_t { kInput, kWeight, kBias, kStride, kPadding, kDilation, kTransposed, kOutputPadding, kGroups };

struct ConvPlan {
  size_t spatial = 0;  // 1 or 2
  std::vector<int64_t> stride, padding, dilation;
  int64_t groups = 1;
  TensorMeta out;
};

ConvPlan conv_plan(const CallArgs& call, const TensorMeta& in, const TensorMeta& w, const TensorMeta* bias) {
  require_dtype(call, kInput, in, DType::float32);
  require_dtype(call, kWeight, w, DType::float32);
  const size_t rank = in.shape.size();
  if (rank != 3 && rank != 4) call.fail(kInput, "must be 3-D (N, C, L) or 4-D (N, C, H, W), got " + describe(in));
  if (w.shape.size() != rank) {
    call.fail(kWeight, "must have the input's rank " + std::to_string(rank) + " (O, C/groups, kernel...), got " + describe(w));
  }
  ConvPlan p;
  p.spatial = rank - 2;
  if (call.boolean(kTransposed)) call.fail(kTransposed, "transposed convolution is not supported");
  p.stride = spatial_ints(call, kStride, p.spatial);
  p.padding = spatial_ints(call, kPadding, p.spatial);
  p.dilation = spatial_ints(call, kDilation, p.spatial);
  for (int64_t v : call.ints(kOutputPadding)) {
    if (v != 0) call.fail(kOutputPadding, list_string(call.ints(kOutputPadding)) + " must be zero for a non-transposed convolution");
  }
  p.groups = call.integer(kGroups);
  for (size_t k = 0; k < p.spatial; ++k) {
    if (p.stride[k] < 1) call.fail(kStride, list_string(p.stride) + " must be positive");
    if (p.padding[k] < 0) call.fail(kPadding, list_string(p.padding) + " must be non-negative");
    if (p.dilation[k] < 1) call.fail(kDilation, list_string(p.dilation) + " must be positive");
  }
  for (size_t d = 0; d < rank; ++d) {
    if (in.shape[d] < 1) call.fail(kInput, describe(in) + " has an empty dim");
    if (w.shape[d] < 1) call.fail(kWeight, describe(w) + " has an empty dim");
  }
  const int64_t channels = in.shape[1], out_channels = w.shape[0];
  if (p.groups < 1) call.fail(kGroups, "must be positive, got " + std::to_string(p.groups));
  if (channels % p.groups != 0) {
    call.fail(kGroups, std::to_string(p.groups) + " does not divide the input's " + std::to_string(channels) + " channels");
  }
  if (out_channels % p.groups != 0) {
    call.fail(kGroups, std::to_string(p.groups) + " does not divide the weight's " + std::to_string(out_channels) +
                           " output channels");
  }
  if (w.shape[1] != channels / p.groups) {
    call.fail(kWeight, describe(w) + " has " + std::to_string(w.shape[1]) + " input channels per group; input " +
                           describe(in) + " with groups " + std::to_string(p.groups) + " needs " +
                           std::to_string(channels / p.groups));
  }
  if (bias) {
    require_dtype(call, kBias, *bias, DType::float32);
    if (bias->shape != ref::Shape{out_channels}) {
      call.fail(kBias, describe(*bias) + " must be 1-D with " + std::to_string(out_channels) + " values");
    }
  }
  ref::Shape shape{in.shape[0], out_channels};
  for (size_t k = 0; k < p.spatial; ++k) {
    const int64_t extent = p.dilation[k] * (w.shape[2 + k] - 1) + 1;
    const int64_t span = in.shape[2 + k] + 2 * p.padding[k] - extent;
    if (span < 0) {
      call.fail(kWeight, "kernel extent " + std::to_string(extent) + " (weight " + describe(w) + ", dilation " +
                             list_string(p.dilation) + ") exceeds the padded input size " +
                             std::to_string(in.shape[2 + k] + 2 * p.padding[k]) + " (input " + describe(in) +
                             ", padding " + list_string(p.padding) + "): output size < 1");
    }
    shape.push_back(span / p.stride[k] + 1);
  }
  p.out = make_meta(DType::float32, shape, in.dim_order);  // channels-last stays channels-last
  return p;
}

void register_convolution() {
  OpDef def;
  def.name = "aten.convolution.default";
  def.args = {required("input", ArgKind::tensor),        required("weight", ArgKind::tensor),
              required("bias", ArgKind::optional_tensor), required("stride", ArgKind::int_list),
              required("padding", ArgKind::int_list),     required("dilation", ArgKind::int_list),
              required("transposed", ArgKind::boolean),   required("output_padding", ArgKind::int_list),
              required("groups", ArgKind::integer)};
  def.infer = [](const CallArgs& call, const MetaLookup& metas) {
    const TensorMeta* bias = call.is_none(kBias) ? nullptr : &input_meta(call, metas, kBias);
    return std::vector<TensorMeta>{
        conv_plan(call, input_meta(call, metas, kInput), input_meta(call, metas, kWeight), bias).out};
  };
  def.run = [](const CallArgs& call, const ValueLookup& values, const RunContext&) {
    const ref::Tensor<float>& x = float_input(call, values, kInput);
    const ref::Tensor<float>& w = float_input(call, values, kWeight);
    std::vector<float> bias;
    TensorMeta bias_meta;
    if (!call.is_none(kBias)) {
      const ref::Tensor<float>& b = float_input(call, values, kBias);
      bias = logical_data(b);
      bias_meta = meta_of(b);
    }
    const std::vector<float>* bias_ptr = call.is_none(kBias) ? nullptr : &bias;
    const ConvPlan p = conv_plan(call, meta_of(x), meta_of(w), bias_ptr ? &bias_meta : nullptr);
    // conv*_float accumulates in double and rounds each output to float once.
    if (p.spatial == 2) {
      ref::ConvGeometry g;
      g.stride_h = p.stride[0];
      g.stride_w = p.stride[1];
      g.pad_top = g.pad_bottom = p.padding[0];
      g.pad_left = g.pad_right = p.padding[1];
      g.dilation_h = p.dilation[0];
      g.dilation_w = p.dilation[1];
      g.groups = p.groups;
      return std::vector<Value>{ref::conv2d_float<float>(x, w, bias_ptr, g, p.out.dim_order)};
    }
    ref::Conv1dGeometry g;
    g.stride = p.stride[0];
    g.pad_left = g.pad_right = p.padding[0];
    g.dilation = p.dilation[0];
    g.groups = p.groups;
    return std::vector<Value>{ref::conv1d_float<float>(x, w, bias_ptr, g, p.out.dim_order)};
  };
  register_op(std::move(def));
}

TensorMeta linear_meta(const CallArgs& call, const TensorMeta& in, const TensorMeta& w, const TensorMeta* bias) {
  require_dtype(call, 0, in, DType::float32);
  require_dtype(call, 1, w, DType::float32);
  if (in.shape.empty()) call.fail(0, "must have at least 1 dim (..., in_features), got " + describe(in));
  if (w.shape.size() != 2) call.fail(1, "must be 2-D (out_features, in_features), got " + describe(w));
  if (w.shape[1] != in.shape.back()) {
    call.fail(1, describe(w) + " has " + std::to_string(w.shape[1]) + " in_features, the input " + describe(in) +
                     " has " + std::to_string(in.shape.back()));
  }
  if (bias) {
    require_dtype(call, 2, *bias, DType::float32);
    if (bias->shape != ref::Shape{w.shape[0]}) {
      call.fail(2, describe(*bias) + " must be 1-D with " + std::to_string(w.shape[0]) + " values");
    }
  }
  ref::Shape shape = in.shape;
  shape.back() = w.shape[0];
  return make_meta(DType::float32, shape, in.dim_order);
}

void register_linear() {
  OpDef def;
  def.name = "aten.linear.default";
  def.args = {required("input", ArgKind::tensor), required("weight", ArgKind::tensor),
              optional("bias", ArgKind::optional_tensor, None{})};
  def.infer = [](const CallArgs& call, const MetaLookup& metas) {
    const TensorMeta* bias = call.is_none(2) ? nullptr : &input_meta(call, metas, 2);
    return std::vector<TensorMeta>{linear_meta(call, input_meta(call, metas, 0), input_meta(call, metas, 1), bias)};
  };
  def.run = [](const CallArgs& call, const ValueLookup& values, const RunContext&) {
    const ref::Tensor<float>& x = float_input(call, values, 0);
    const ref::Tensor<float>& w = float_input(call, values, 1);
    std::vector<float> bias;
    TensorMeta bias_meta;
    const bool has_bias = !call.is_none(2);
    if (has_bias) {
      const ref::Tensor<float>& b = float_input(call, values, 2);
      bias = logical_data(b);
      bias_meta = meta_of(b);
    }
    const TensorMeta out = linear_meta(call, meta_of(x), meta_of(w), has_bias ? &bias_meta : nullptr);
    const std::vector<float> xs = logical_data(x), ws = logical_data(w);
    const int64_t in_features = w.dim(1), out_features = w.dim(0);
    std::vector<float> result(static_cast<size_t>(out.numel()));
    const int64_t rows = in_features == 0 ? 0 : static_cast<int64_t>(xs.size()) / in_features;
    const int64_t rows_out = out_features == 0 ? 0 : out.numel() / out_features;
    for (int64_t r = 0; r < rows_out && (in_features == 0 || r < rows); ++r) {
      for (int64_t o = 0; o < out_features; ++o) {
        double acc = has_bias ? static_cast<double>(bias[static_cast<size_t>(o)]) : 0.0;
        for (int64_t k = 0; k < in_features; ++k) {
          acc += static_cast<double>(xs[static_cast<size_t>(r * in_features + k)]) *
                 static_cast<double>(ws[static_cast<size_t>(o * in_features + k)]);
        }
        result[static_cast<size_t>(r * out_features + o)] = static_cast<float>(acc);
      }
    }
    return std::vector<Value>{tensor_from_logical(out.shape, std::move(result), out.dim_order)};
  };
  register_op(std::move(def));
}

}  // namespace

void register_conv_ops() {
  register_convolution();
  register_linear();
}

}  // namespace lower
