// Building graphs in code: the golden model graphs, the random graphs of the generators and
// the pass unit tests all spell quantized layers the way PT2E-quantized edge graphs do.
//
// A quantized convolution layer, as quantization leaves it:
//
//   x (int8) -> dequantize_per_tensor -> convolution(., dequantize_per_channel(w int8),
//               dequantize_per_channel(bias int32)) -> [relu | hardtanh | hardsigmoid | clamp]
//            -> quantize_per_tensor -> (int8)
//
// with weight zero points 0 and the bias scale in_scale * w_scale[oc]. The lowering passes
// turn exactly this pattern into cortex_m ops.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "lower/ir.h"
#include "ref/quant.h"

namespace lower {

struct QParams {
  double scale = 1.0;
  int64_t zero_point = 0;
  int64_t qmin = -128;
  int64_t qmax = 127;
};

struct ConvSpec {
  int64_t out_channels = 1;
  std::vector<int64_t> kernel;    // {k} for conv1d, {kh, kw} for conv2d
  std::vector<int64_t> stride;    // default all 1
  std::vector<int64_t> padding;   // symmetric, PyTorch style; default all 0
  std::vector<int64_t> dilation;  // default all 1
  int64_t groups = 1;
  bool bias = true;
  ref::ActivationTail tail = ref::ActivationTail::none;
  double tail_min = -1.0, tail_max = 1.0;  // hardtanh and clamp bounds
  QParams output;                          // quantization of the layer's output
  std::vector<double> weight_scales;       // one per output channel; empty: all 1/64
  DataRecipe weight{0, "uniform", -127, 127, 1.0};
  DataRecipe bias_values{0, "uniform", -2000, 2000, 1.0};
};

class GraphBuilder {
 public:
  explicit GraphBuilder(std::string graph_name);

  std::string input(const std::string& name, ref::Shape shape, DType dtype = DType::float32, ref::DimOrder order = {});
  std::string constant(const std::string& name, TensorMeta meta, ConstantData data,
                       std::optional<DataRecipe> recipe = std::nullopt);
  std::string constant_from_recipe(const std::string& name, DType dtype, ref::Shape shape, const DataRecipe& recipe);
  // A call whose output metadata its op infers. Throws IrError when the op refuses the call.
  std::string call(const std::string& op, std::vector<Arg> args, const std::string& name_hint = "");
  std::string getitem(const std::string& node, int64_t index, const std::string& name_hint = "");
  void output(const std::string& node);

  // quantized_decomposed.quantize_per_tensor / dequantize_per_tensor.
  std::string quantize(const std::string& x, const QParams& q, const std::string& name_hint = "");
  std::string dequantize(const std::string& q_node, const QParams& q, const std::string& name_hint = "");

  // The quantized layer pattern above. `x` is an int8 node (a quantize_per_tensor or the
  // output of an earlier layer) quantized with `in`. The convolution is 1-D for a rank-3
  // input and 2-D for rank 4. Returns the int8 output (the quantize_per_tensor node).
  std::string quantized_conv(const std::string& x, const QParams& in, const ConvSpec& spec, const std::string& name);

  const Graph& graph() const { return graph_; }
  // Verifies and returns the graph; throws IrError listing every problem.
  Graph build() const;

 private:
  std::string name_for(const std::string& hint, const std::string& fallback);
  Graph graph_;
  int counter_ = 0;
};

}  // namespace lower
