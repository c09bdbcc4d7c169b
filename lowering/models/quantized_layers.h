// Quantized layers as a model author writes them: every int8 tensor carries its
// quantization, and each layer picks its output quantization from the typical magnitude of
// its real output, the way a calibrating observer would.
#pragma once

#include <string>
#include <vector>

#include "lower/builder.h"

namespace lower::models {

struct QTensor {
  std::string node;  // an int8 node
  QParams q;
};

struct Conv {
  int64_t out_channels = 1;
  std::vector<int64_t> kernel, stride, padding, dilation;
  int64_t groups = 1;
  bool bias = true;
  bool relu = false;  // fused (the output zero point sits at qmin, so relu is exact saturation)
};

class Layers {
 public:
  Layers(GraphBuilder& builder, uint64_t seed) : b_(builder), seed_(seed) {}

  QTensor quantize_input(const std::string& x, double scale);
  QTensor conv(const QTensor& x, const Conv& c, const std::string& name);
  // dequantize -> float op -> quantize with the given output quantization.
  QTensor float_op(const QTensor& x, const std::string& op, std::vector<Arg> extra_args, const QParams& out,
                   const std::string& name);
  std::string dequantize(const QTensor& x, const std::string& name);
  GraphBuilder& builder() { return b_; }

 private:
  GraphBuilder& b_;
  uint64_t seed_;
};

}  // namespace lower::models
