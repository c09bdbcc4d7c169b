// Silero VAD: reflect pad, an STFT as a conv1d 1 -> 2F (k256 s128, no bias), the magnitude
// spectrum (split, square, add, sqrt), an encoder of 4 conv1d k3 + relu (strides 1, 2, 2, 1),
// an LSTM cell in float, relu, a final conv1d to one channel, sigmoid and mean.
#include "models.h"
#include "quantized_layers.h"

namespace lower::models {

namespace {

std::string linear(GraphBuilder& b, const std::string& x, int64_t in, int64_t out, uint64_t seed, const std::string& name) {
  const DataRecipe w{seed, "uniform", -64, 64, 1.0 / 256};
  const DataRecipe bias{seed + 1, "uniform", -64, 64, 1.0 / 256};
  const std::string weight = b.constant_from_recipe(name + ".weight", DType::float32, {out, in}, w);
  const std::string bias_node = b.constant_from_recipe(name + ".bias", DType::float32, {out}, bias);
  return b.call("aten.linear.default", {NodeRef{x}, NodeRef{weight}, NodeRef{bias_node}}, name);
}

}  // namespace

Model silero_vad_like(Size size) {
  const bool full = size == Size::full;
  const int64_t samples = 512, pad = 64;
  const int64_t f = full ? 129 : 8;        // frequency bins
  const int64_t hidden = full ? 128 : 16;  // LSTM width and encoder output
  const int64_t e1 = full ? 128 : 16, e2 = full ? 64 : 8;
  GraphBuilder b(full ? "silero_vad_like_full" : "silero_vad_like");
  Layers layers(b, 200);
  const std::string audio = b.input("audio", {1, samples});
  const std::string h0 = b.input("h0", {1, hidden});
  const std::string c0 = b.input("c0", {1, hidden});
  const std::string wide = b.call("aten.view_copy.default", {NodeRef{audio}, std::vector<int64_t>{1, 1, samples}}, "audio_3d");
  const std::string padded = b.call("aten.reflection_pad1d.default", {NodeRef{wide}, std::vector<int64_t>{pad, pad}}, "reflect_pad");
  QTensor x = layers.quantize_input(padded, 1.0 / 16);

  Conv stft;
  stft.out_channels = 2 * f;
  stft.kernel = {256};
  stft.stride = {128};
  stft.bias = false;
  x = layers.conv(x, stft, "stft");

  // Magnitude spectrum in float: split real and imaginary halves, square, add, sqrt.
  const std::string spectrum = layers.dequantize(x, "stft_dq");
  const std::string halves = b.call("aten.split_with_sizes_copy.default", {NodeRef{spectrum}, std::vector<int64_t>{f, f}, int64_t{1}}, "stft_split");
  const std::string re = b.getitem(halves, 0, "real");
  const std::string im = b.getitem(halves, 1, "imag");
  const std::string re2 = b.call("aten.pow.Tensor_Scalar", {NodeRef{re}, 2.0}, "real_sq");
  const std::string im2 = b.call("aten.pow.Tensor_Scalar", {NodeRef{im}, 2.0}, "imag_sq");
  const std::string power = b.call("aten.add.Tensor", {NodeRef{re2}, NodeRef{im2}}, "power");
  const std::string magnitude = b.call("aten.sqrt.default", {NodeRef{power}}, "magnitude");
  const QParams mag_q{x.q.scale * 1.5, -128, -128, 127};
  x = QTensor{b.quantize(magnitude, mag_q, "magnitude_q"), mag_q};

  const int64_t strides[] = {1, 2, 2, 1};
  const int64_t widths[] = {e1, e2, e2, hidden};
  for (int i = 0; i < 4; ++i) {
    Conv conv;
    conv.out_channels = widths[i];
    conv.kernel = {3};
    conv.stride = {strides[i]};
    conv.padding = {1};
    conv.relu = true;
    x = layers.conv(x, conv, "encoder" + std::to_string(i + 1));
  }

  // LSTM cell in float on the single remaining frame.
  const std::string features = b.call("aten.view_copy.default", {NodeRef{layers.dequantize(x, "encoder_dq")}, std::vector<int64_t>{1, hidden}}, "features");
  const std::string gates_x = linear(b, features, hidden, 4 * hidden, 300, "lstm.ih");
  const std::string gates_h = linear(b, h0, hidden, 4 * hidden, 302, "lstm.hh");
  const std::string gates = b.call("aten.add.Tensor", {NodeRef{gates_x}, NodeRef{gates_h}}, "lstm.gates");
  const std::string parts = b.call("aten.split_with_sizes_copy.default",
                                   {NodeRef{gates}, std::vector<int64_t>{hidden, hidden, hidden, hidden}, int64_t{1}}, "lstm.split");
  const std::string i_gate = b.call("aten.sigmoid.default", {NodeRef{b.getitem(parts, 0, "lstm.i_pre")}}, "lstm.i");
  const std::string f_gate = b.call("aten.sigmoid.default", {NodeRef{b.getitem(parts, 1, "lstm.f_pre")}}, "lstm.f");
  const std::string g_gate = b.call("aten.tanh.default", {NodeRef{b.getitem(parts, 2, "lstm.g_pre")}}, "lstm.g");
  const std::string o_gate = b.call("aten.sigmoid.default", {NodeRef{b.getitem(parts, 3, "lstm.o_pre")}}, "lstm.o");
  const std::string kept = b.call("aten.mul.Tensor", {NodeRef{f_gate}, NodeRef{c0}}, "lstm.fc");
  const std::string added = b.call("aten.mul.Tensor", {NodeRef{i_gate}, NodeRef{g_gate}}, "lstm.ig");
  const std::string c1 = b.call("aten.add.Tensor", {NodeRef{kept}, NodeRef{added}}, "c1");
  const std::string h1 = b.call("aten.mul.Tensor", {NodeRef{o_gate}, NodeRef{b.call("aten.tanh.default", {NodeRef{c1}}, "lstm.tanh_c")}}, "h1");
  // The relu after the LSTM has no convolution producer: it stays.
  const std::string activated = b.call("aten.relu.default", {NodeRef{h1}}, "lstm_relu");
  const std::string frame = b.call("aten.view_copy.default", {NodeRef{activated}, std::vector<int64_t>{1, hidden, 1}}, "frame");
  const QParams frame_q{1.0 / 255, -128, -128, 127};
  x = QTensor{b.quantize(frame, frame_q, "frame_q"), frame_q};

  Conv decoder;
  decoder.out_channels = 1;
  decoder.kernel = {1};
  x = layers.conv(x, decoder, "decoder");
  const std::string logit = layers.dequantize(x, "decoder_dq");
  const std::string prob = b.call("aten.sigmoid.default", {NodeRef{logit}}, "speech_prob_frames");
  b.output(b.call("aten.mean.dim", {NodeRef{prob}, std::vector<int64_t>{2}, false}, "speech_prob"));
  b.output(h1);
  b.output(c1);

  Model m;
  m.graph = b.build();
  m.description = "Silero-VAD-like: reflect pad, STFT conv1d 1->2F k256 s128 without bias, magnitude (split, square, add, "
                  "sqrt), 4 conv1d k3 + relu encoder (strides 1,2,2,1), LSTM cell in float, relu, conv1d to 1 channel, "
                  "sigmoid, mean; batch 1";
  m.tags = {"model", "conv1d", "depthwise", "lstm"};
  const std::map<std::string, int64_t> float_part = {
      {"aten.reflection_pad1d.default", 1}, {"aten.split_with_sizes_copy.default", 2}, {"getitem", 6},
      {"aten.pow.Tensor_Scalar", 2},        {"aten.add.Tensor", 3},                     {"aten.sqrt.default", 1},
      {"aten.linear.default", 2},           {"aten.sigmoid.default", 4},                {"aten.tanh.default", 2},
      {"aten.mul.Tensor", 3},               {"aten.mean.dim", 1}};
  m.histogram_before = float_part;
  m.histogram_before.insert({{"aten.view_copy.default", 3},
                             {"quantized_decomposed.quantize_per_tensor.default", 9},
                             {"quantized_decomposed.dequantize_per_tensor.default", 9},
                             {"quantized_decomposed.dequantize_per_channel.default", 11},
                             {"aten.convolution.default", 6},
                             {"aten.relu.default", 5}});
  // Six conv1d: the STFT (in == groups == 1, batch 1) becomes depthwise with multiplier 2F,
  // the others quantized_conv2d; four encoder relus fuse, the post-LSTM relu stays. Each
  // conv1d run wraps in view_copy + _clone_dim_order once: the STFT (one input channel, so
  // no input clone), the encoder chain (unwrapped only at its ends; its last two layers run at
  // length 1, where the clone between them moves no byte and folds), the decoder (length 1:
  // no input clone, one back to contiguous).
  m.histogram_after = float_part;
  m.histogram_after.insert({{"cortex_m.quantized_conv2d.default", 5},
                            {"cortex_m.quantized_depthwise_conv2d.default", 1},
                            {"aten.relu.default", 1},
                            {"cortex_m.quantize_per_tensor.default", 3},
                            {"cortex_m.dequantize_per_tensor.default", 3},
                            {"aten.view_copy.default", 3 + 2 + 2 + 2},
                            {"dim_order_ops._clone_dim_order.default", 1 + 2 + 1}});
  return m;
}

}  // namespace lower::models
