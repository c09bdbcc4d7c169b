#include "lower/builder.h"

#include <cstdint>
#include <limits>

#include "lower/graph_json.h"
#include "lower/rewriter.h"
#include "lower/verifier.h"

namespace lower {

namespace {

constexpr const char* kQuantize = "quantized_decomposed.quantize_per_tensor.default";
constexpr const char* kDequantize = "quantized_decomposed.dequantize_per_tensor.default";
constexpr const char* kDequantizePerChannel = "quantized_decomposed.dequantize_per_channel.default";

// "aten.convolution.default" -> "convolution".
std::string short_op_name(const std::string& op) {
  std::string s = op;
  const std::string suffix = ".default";
  if (s.size() > suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0) {
    s.resize(s.size() - suffix.size());
  }
  const size_t dot = s.rfind('.');
  return dot == std::string::npos ? s : s.substr(dot + 1);
}

std::vector<int64_t> or_default(const std::vector<int64_t>& given, size_t rank, int64_t value, const char* what) {
  if (given.empty()) return std::vector<int64_t>(rank, value);
  if (given.size() == 1 && rank > 1) return std::vector<int64_t>(rank, given[0]);
  if (given.size() != rank) {
    throw IrError(std::string("ConvSpec.") + what + " has " + std::to_string(given.size()) + " values for a " +
                  std::to_string(rank) + "-D convolution");
  }
  return given;
}

}  // namespace

GraphBuilder::GraphBuilder(std::string graph_name) { graph_.name = std::move(graph_name); }

std::string GraphBuilder::name_for(const std::string& hint, const std::string& fallback) {
  if (!hint.empty()) return graph_.fresh_name(hint);
  for (;;) {
    std::string candidate = fallback + "_" + std::to_string(counter_++);
    if (!graph_.has(candidate)) return candidate;
  }
}

std::string GraphBuilder::input(const std::string& name, ref::Shape shape, DType dtype, ref::DimOrder order) {
  Node node;
  node.kind = NodeKind::placeholder;
  node.name = name;
  TensorMeta meta;
  meta.dtype = dtype;
  meta.dim_order = order.empty() ? ref::contiguous_order(shape.size()) : std::move(order);
  meta.shape = std::move(shape);
  if (!ref::is_valid_dim_order(meta.dim_order, meta.shape.size())) {
    throw IrError("input '" + name + "': dim order " + ref::to_string(meta.dim_order) + " does not fit shape " +
                  ref::to_string(meta.shape));
  }
  node.outputs.push_back(std::move(meta));
  return graph_.add(std::move(node)).name;
}

std::string GraphBuilder::constant(const std::string& name, TensorMeta meta, ConstantData data,
                                   std::optional<DataRecipe> recipe) {
  if (meta.dim_order.empty()) meta.dim_order = ref::contiguous_order(meta.shape.size());
  const size_t count = std::visit([](const auto& v) { return v.size(); }, data);
  if (static_cast<int64_t>(count) != meta.numel()) {
    throw IrError("constant '" + name + "' has " + std::to_string(count) + " values for " + describe(meta));
  }
  Node node;
  node.kind = NodeKind::constant;
  node.name = name;
  node.outputs.push_back(std::move(meta));
  node.data = std::move(data);
  node.recipe = std::move(recipe);
  return graph_.add(std::move(node)).name;
}

std::string GraphBuilder::constant_from_recipe(const std::string& name, DType dtype, ref::Shape shape,
                                               const DataRecipe& recipe) {
  TensorMeta meta;
  meta.dtype = dtype;
  meta.dim_order = ref::contiguous_order(shape.size());
  meta.shape = std::move(shape);
  ConstantData data = data_from_recipe(recipe, dtype, static_cast<size_t>(meta.numel()));
  return constant(name, std::move(meta), std::move(data), recipe);
}

std::string GraphBuilder::call(const std::string& op, std::vector<Arg> args, const std::string& name_hint) {
  Node node;
  node.kind = NodeKind::call;
  node.op = op;
  node.args = std::move(args);
  node.outputs = infer_outputs(graph_, node);
  node.name = name_for(name_hint, short_op_name(op));
  return graph_.add(std::move(node)).name;
}

std::string GraphBuilder::getitem(const std::string& node, int64_t index, const std::string& name_hint) {
  return call("getitem", {NodeRef{node}, index}, name_hint.empty() ? node + "_" + std::to_string(index) : name_hint);
}

void GraphBuilder::output(const std::string& node) {
  if (!graph_.has(node)) throw IrError("output '" + node + "' is not a node");
  graph_.outputs.push_back(node);
}

std::string GraphBuilder::quantize(const std::string& x, const QParams& q, const std::string& name_hint) {
  return call(kQuantize, {NodeRef{x}, q.scale, q.zero_point, q.qmin, q.qmax, std::string("int8")},
              name_hint.empty() ? x + ".q" : name_hint);
}

std::string GraphBuilder::dequantize(const std::string& q_node, const QParams& q, const std::string& name_hint) {
  return call(kDequantize, {NodeRef{q_node}, q.scale, q.zero_point, q.qmin, q.qmax, std::string("int8")},
              name_hint.empty() ? q_node + ".dq" : name_hint);
}

std::string GraphBuilder::quantized_conv(const std::string& x, const QParams& in, const ConvSpec& spec,
                                         const std::string& name) {
  const TensorMeta& xm = graph_.node(x).meta();
  if (xm.dtype != DType::int8 || (xm.shape.size() != 3 && xm.shape.size() != 4)) {
    throw IrError("quantized_conv '" + name + "': input '" + x + "' must be int8 (N, C, L) or (N, C, H, W), got " +
                  describe(xm));
  }
  const size_t spatial = xm.shape.size() - 2;
  if (spec.kernel.size() != spatial) {
    throw IrError("quantized_conv '" + name + "': " + std::to_string(spec.kernel.size()) + " kernel sizes for a " +
                  std::to_string(spatial) + "-D convolution");
  }
  const int64_t channels = xm.shape[1];
  if (spec.groups < 1 || channels % spec.groups != 0 || spec.out_channels % spec.groups != 0) {
    throw IrError("quantized_conv '" + name + "': groups " + std::to_string(spec.groups) + " must divide " +
                  std::to_string(channels) + " input and " + std::to_string(spec.out_channels) + " output channels");
  }
  const auto out = static_cast<size_t>(spec.out_channels);
  std::vector<double> w_scales = spec.weight_scales;
  if (w_scales.empty()) w_scales.assign(out, 1.0 / 64.0);
  if (w_scales.size() != out) {
    throw IrError("quantized_conv '" + name + "': " + std::to_string(w_scales.size()) + " weight scales for " +
                  std::to_string(out) + " output channels");
  }
  const std::vector<int64_t> zeros(out, 0);

  const std::string x_dq = dequantize(x, in, name + ".in_dq");

  ref::Shape w_shape{spec.out_channels, channels / spec.groups};
  w_shape.insert(w_shape.end(), spec.kernel.begin(), spec.kernel.end());
  const std::string w = constant_from_recipe(graph_.fresh_name(name + ".w"), DType::int8, w_shape, spec.weight);
  const std::string w_dq = call(kDequantizePerChannel,
                                {NodeRef{w}, w_scales, zeros, int64_t{0}, int64_t{-127}, int64_t{127}, std::string("int8")},
                                name + ".w_dq");

  Arg bias = None{};
  if (spec.bias) {
    const std::string b = constant_from_recipe(graph_.fresh_name(name + ".b"), DType::int32, {spec.out_channels}, spec.bias_values);
    std::vector<double> b_scales;
    for (double s : w_scales) b_scales.push_back(in.scale * s);
    bias = NodeRef{call(kDequantizePerChannel,
                        {NodeRef{b}, b_scales, zeros, int64_t{0}, int64_t{std::numeric_limits<int32_t>::min()},
                         int64_t{std::numeric_limits<int32_t>::max()}, std::string("int32")},
                        name + ".b_dq")};
  }

  const std::vector<int64_t> stride = or_default(spec.stride, spatial, 1, "stride");
  const std::vector<int64_t> padding = or_default(spec.padding, spatial, 0, "padding");
  const std::vector<int64_t> dilation = or_default(spec.dilation, spatial, 1, "dilation");
  std::string y = call("aten.convolution.default",
                       {NodeRef{x_dq}, NodeRef{w_dq}, bias, stride, padding, dilation, false,
                        std::vector<int64_t>(spatial, 0), spec.groups},
                       name + ".conv");

  switch (spec.tail) {
    case ref::ActivationTail::none: break;
    case ref::ActivationTail::relu: y = call("aten.relu.default", {NodeRef{y}}, name + ".relu"); break;
    case ref::ActivationTail::relu6:
      y = call("aten.hardtanh.default", {NodeRef{y}, 0.0, 6.0}, name + ".relu6");
      break;
    case ref::ActivationTail::hardtanh:
      y = call("aten.hardtanh.default", {NodeRef{y}, spec.tail_min, spec.tail_max}, name + ".hardtanh");
      break;
    case ref::ActivationTail::hardsigmoid: y = call("aten.hardsigmoid.default", {NodeRef{y}}, name + ".hardsigmoid"); break;
    case ref::ActivationTail::clamp:
      y = call("aten.clamp.default", {NodeRef{y}, spec.tail_min, spec.tail_max}, name + ".clamp");
      break;
  }
  return quantize(y, spec.output, name + ".q");
}

Graph GraphBuilder::build() const {
  verify_or_throw(graph_, "(built by GraphBuilder)");
  return graph_;
}

}  // namespace lower
