// A YOLO-style detector (2-D, batch 1, channels-last input): conv + SiLU blocks with
// stride-2 downsampling, a C2f-style split-bottleneck-concat block with a residual add, an
// SPPF-style max-pool block, nearest upsample + concat, and two heads of depthwise 3x3 and
// pointwise convolutions. 21 convolutions, 4 of them depthwise.
#include <cmath>

#include "models.h"
#include "quantized_layers.h"

namespace lower::models {

namespace {

struct Yolo {
  GraphBuilder& b;
  Layers& layers;

  // SiLU's output is at least -0.279: the zero point leaves room for it below zero.
  QParams silu_quantization(const QParams& pre) const {
    const auto below = static_cast<int64_t>(std::ceil(0.2785 / pre.scale)) + 1;
    return QParams{pre.scale, std::min<int64_t>(-128 + below, 0), -128, 127};
  }
  QTensor conv_silu(const QTensor& x, int64_t out, int64_t k, int64_t stride, int64_t groups, const std::string& name) {
    Conv c;
    c.out_channels = out;
    c.kernel = {k, k};
    c.stride = {stride, stride};
    c.padding = {k / 2, k / 2};
    c.groups = groups;
    const QTensor pre = layers.conv(x, c, name);
    return layers.float_op(pre, "aten.silu.default", {}, silu_quantization(pre.q), name + "_silu");
  }
  QTensor conv_plain(const QTensor& x, int64_t out, const std::string& name) {
    Conv c;
    c.out_channels = out;
    c.kernel = {1, 1};
    return layers.conv(x, c, name);
  }
  int64_t channels(const QTensor& x) const { return b.graph().node(x.node).meta().shape.at(1); }
  // Concatenation of tensors with different quantizations happens in float.
  QTensor float_cat(const std::vector<QTensor>& parts, const std::string& name) {
    std::vector<NodeRef> refs;
    double scale = 0;
    for (size_t i = 0; i < parts.size(); ++i) {
      refs.push_back(NodeRef{layers.dequantize(parts[i], name + "_dq" + std::to_string(i))});
      scale = std::max(scale, parts[i].q.scale);
    }
    const std::string joined = b.call("aten.cat.default", {refs, int64_t{1}}, name);
    const QParams q{scale, -100, -128, 127};
    return {b.quantize(joined, q, name + "_q"), q};
  }
  QTensor head(QTensor x, int64_t outputs, const std::string& name) {
    const int64_t c = channels(x);
    x = conv_silu(x, c, 3, 1, c, name + "_dw1");
    x = conv_silu(x, c, 1, 1, 1, name + "_pw1");
    x = conv_silu(x, c, 3, 1, c, name + "_dw2");
    x = conv_silu(x, c, 1, 1, 1, name + "_pw2");
    return conv_plain(x, outputs, name + "_out");
  }
};

}  // namespace

Model yolo_like(Size size) {
  const bool full = size == Size::full;
  const int64_t w = full ? 32 : 8, side = full ? 160 : 32, outputs = 8;
  GraphBuilder b(full ? "yolo_like_full" : "yolo_like");
  Layers layers(b, 400);
  Yolo y{b, layers};
  const std::string image = b.input("image", {1, 3, side, side}, DType::float32, ref::channels_last_order(4));
  QTensor x = layers.quantize_input(image, 1.0 / 16);
  x = y.conv_silu(x, w, 3, 2, 1, "stem1");
  x = y.conv_silu(x, 2 * w, 3, 2, 1, "stem2");

  // C2f: 1x1 conv, split in two, a bottleneck with a residual add on one half, concat, 1x1 conv.
  const QTensor c = y.conv_silu(x, 2 * w, 1, 1, 1, "c2f_cv1");
  const std::string halves = b.call("aten.split_with_sizes_copy.default", {NodeRef{c.node}, std::vector<int64_t>{w, w}, int64_t{1}}, "c2f_split");
  const QTensor a{b.getitem(halves, 0, "c2f_a"), c.q};
  const QTensor bb{b.getitem(halves, 1, "c2f_b"), c.q};
  QTensor m = y.conv_silu(bb, w, 3, 1, 1, "c2f_m1");
  m = y.conv_silu(m, w, 3, 1, 1, "c2f_m2");
  const std::string sum = b.call("aten.add.Tensor", {NodeRef{layers.dequantize(bb, "c2f_res_dq0")}, NodeRef{layers.dequantize(m, "c2f_res_dq1")}}, "c2f_residual");
  const QParams res_q{m.q.scale * 2, -60, -128, 127};
  const QTensor residual{b.quantize(sum, res_q, "c2f_residual_q"), res_q};
  const QTensor c2f = y.conv_silu(y.float_cat({a, bb, residual}, "c2f_cat"), 2 * w, 1, 1, 1, "c2f_cv2");

  x = y.conv_silu(c2f, 4 * w, 3, 2, 1, "down1");
  // SPPF: max pools of one quantization concatenate as int8.
  const QTensor p0 = y.conv_silu(x, 2 * w, 1, 1, 1, "sppf_cv1");
  std::vector<NodeRef> pooled{NodeRef{p0.node}};
  std::string last = p0.node;
  for (int i = 1; i <= 3; ++i) {
    last = b.call("aten.max_pool2d.default", {NodeRef{last}, std::vector<int64_t>{5, 5}, std::vector<int64_t>{1, 1},
                                              std::vector<int64_t>{2, 2}}, "sppf_pool" + std::to_string(i));
    pooled.push_back(NodeRef{last});
  }
  const QTensor spp{b.call("aten.cat.default", {pooled, int64_t{1}}, "sppf_cat"), p0.q};
  const QTensor sppf = y.conv_silu(spp, 4 * w, 1, 1, 1, "sppf_cv2");

  // Neck: nearest upsample of the deep features, concatenated with the C2f output.
  const QTensor up{b.call("aten.upsample_nearest2d.vec", {NodeRef{sppf.node}, None{}, std::vector<double>{2.0, 2.0}}, "neck_up"), sppf.q};
  const QTensor neck = y.conv_silu(y.float_cat({up, c2f}, "neck_cat"), 2 * w, 1, 1, 1, "neck_cv");
  const QTensor head_a = y.head(neck, outputs, "head_a");
  const QTensor down = y.conv_silu(neck, 4 * w, 3, 2, 1, "neck_down");
  const QTensor head_b = y.head(y.float_cat({down, sppf}, "head_b_cat"), outputs, "head_b");
  b.output(layers.dequantize(head_a, "boxes_a"));
  b.output(layers.dequantize(head_b, "boxes_b"));

  Model model;
  model.graph = b.build();
  model.description = "YOLO-like: channels-last 2-D input, conv+SiLU blocks with stride-2 downsampling, a C2f block "
                      "(split, bottleneck, residual add, concat), SPPF (3 max pools, concat), nearest upsample + "
                      "concat, two heads with depthwise 3x3 convolutions; 21 convolutions, 4 depthwise";
  model.tags = {"model", "conv2d", "depthwise", "channels_last"};
  const std::map<std::string, int64_t> float_part = {
      {"aten.silu.default", 19},         {"aten.split_with_sizes_copy.default", 1}, {"getitem", 2},
      {"aten.add.Tensor", 1},            {"aten.cat.default", 4},                   {"aten.max_pool2d.default", 3},
      {"aten.upsample_nearest2d.vec", 1}};
  // Quantize: the input, 21 conv outputs, 19 SiLU outputs, the residual and 3 float concats.
  // Dequantize: 21 conv inputs, 19 SiLU inputs, 2 residual inputs, 7 concat inputs, 2 outputs.
  model.histogram_before = float_part;
  model.histogram_before.insert({{"quantized_decomposed.quantize_per_tensor.default", 45},
                                 {"quantized_decomposed.dequantize_per_tensor.default", 51},
                                 {"quantized_decomposed.dequantize_per_channel.default", 42},
                                 {"aten.convolution.default", 21}});
  // Every convolution absorbs its input dequantize and output quantize; the channels-last
  // input means no _clone_dim_order is needed anywhere.
  model.histogram_after = float_part;
  model.histogram_after.insert({{"cortex_m.quantize_per_tensor.default", 45 - 21},
                                {"cortex_m.dequantize_per_tensor.default", 51 - 21},
                                {"cortex_m.quantized_conv2d.default", 17},
                                {"cortex_m.quantized_depthwise_conv2d.default", 4}});
  model.unchanged_by = {"lower_conv1d"};
  model.compliance = "qtol:8";
  return model;
}

std::map<std::string, Model> all_models(Size size) {
  return {{"wav2letter_like", wav2letter_like(size)}, {"silero_vad_like", silero_vad_like(size)}, {"yolo_like", yolo_like(size)}};
}

}  // namespace lower::models
