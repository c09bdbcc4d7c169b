// Wav2Letter: 12 conv1d + relu layers over raw audio, then log_softmax over the characters.
// Kernels, strides and paddings are the real model's; channel counts shrink for the PR budget.
#include "models.h"
#include "quantized_layers.h"

namespace lower::models {

Model wav2letter_like(Size size) {
  const bool full = size == Size::full;
  const int64_t batch = 10;
  const int64_t samples = full ? 16000 : 2560;
  const int64_t c = full ? 250 : 8, d = full ? 2000 : 16, k = full ? 29 : 10;
  GraphBuilder b(full ? "wav2letter_like_full" : "wav2letter_like");
  Layers layers(b, 100);
  const std::string audio = b.input("audio", {batch, 1, samples});
  QTensor x = layers.quantize_input(audio, 1.0 / 16);
  struct L {
    int64_t in, out, kernel, stride, padding;
  };
  std::vector<L> plan{{1, c, 250, 160, 45}, {c, c, 48, 2, 23}};
  for (int i = 0; i < 7; ++i) plan.push_back({c, c, 7, 1, 3});
  plan.push_back({c, d, 32, 1, 16});
  plan.push_back({d, d, 1, 1, 0});
  plan.push_back({d, k, 1, 1, 0});
  for (size_t i = 0; i < plan.size(); ++i) {
    Conv conv;
    conv.out_channels = plan[i].out;
    conv.kernel = {plan[i].kernel};
    conv.stride = {plan[i].stride};
    conv.padding = {plan[i].padding};
    conv.relu = true;
    x = layers.conv(x, conv, "conv" + std::to_string(i + 1));
  }
  const std::string logits = layers.dequantize(x, "logits");
  b.output(b.call("aten._log_softmax.default", {NodeRef{logits}, int64_t{1}, false}, "log_probs"));

  Model m;
  m.graph = b.build();
  m.description = "Wav2Letter-like: 12 quantized conv1d + relu layers (1->C k250 s160 p45; C->C k48 s2 p23; 7x C->C k7 p3; "
                  "C->D k32 p16; D->D k1; D->K k1), batch 10, log_softmax over channels in float";
  m.tags = {"model", "conv1d", "batch>1"};
  // Near-tie flips compound with the fan-in: every node is faithful, yet end to end the
  // full-size model (250 and 2000 channels) drifts by up to 34 LSB (measured), the small
  // one by 7.
  m.compliance = full ? "qtol:64" : "qtol:16";
  m.histogram_before = {{"quantized_decomposed.quantize_per_tensor.default", 13},
                        {"quantized_decomposed.dequantize_per_tensor.default", 13},
                        {"quantized_decomposed.dequantize_per_channel.default", 24},
                        {"aten.convolution.default", 12},
                        {"aten.relu.default", 12},
                        {"aten._log_softmax.default", 1}};
  // The first layer has one input channel, so only the last layer's unwrap keeps a clone.
  m.histogram_after = {{"cortex_m.quantize_per_tensor.default", 1},
                       {"cortex_m.dequantize_per_tensor.default", 1},
                       {"cortex_m.quantized_conv2d.default", 12},
                       {"aten.view_copy.default", 2},
                       {"dim_order_ops._clone_dim_order.default", 1},
                       {"aten._log_softmax.default", 1}};
  return m;
}

}  // namespace lower::models
