#include "quantized_layers.h"

#include <cmath>

namespace lower::models {

QTensor Layers::quantize_input(const std::string& x, double scale) {
  const QParams q{scale, 0, -128, 127};
  return {b_.quantize(x, q, x + "_q"), q};
}

QTensor Layers::conv(const QTensor& x, const Conv& c, const std::string& name) {
  const ref::Shape& in = b_.graph().node(x.node).meta().shape;
  ConvSpec spec;
  spec.out_channels = c.out_channels;
  spec.kernel = c.kernel;
  spec.stride = c.stride;
  spec.padding = c.padding;
  spec.dilation = c.dilation;
  spec.groups = c.groups;
  spec.bias = c.bias;
  const uint64_t seed = seed_++;
  spec.weight = DataRecipe{seed * 2 + 1, "uniform", -127, 127, 1.0};
  spec.bias_values = DataRecipe{seed * 2 + 2, "uniform", -4000, 4000, 1.0};
  double mean_scale = 0;
  for (int64_t oc = 0; oc < c.out_channels; ++oc) {
    spec.weight_scales.push_back((1.0 + static_cast<double>((oc * 5 + static_cast<int64_t>(seed)) % 7) / 6.0) / 256.0);
    mean_scale += spec.weight_scales.back() / static_cast<double>(c.out_channels);
  }
  double fan_in = static_cast<double>(in.at(1) / c.groups);
  for (int64_t k : c.kernel) fan_in *= static_cast<double>(k);
  // Uniform int8 weights have a standard deviation near 73; activations about 50 steps.
  const double typical = std::sqrt(fan_in) * 73.0 * 50.0 * x.q.scale * mean_scale;
  if (c.relu) {
    spec.tail = ref::ActivationTail::relu;
    spec.output = QParams{typical * 2.0 / 255.0, -128, -128, 127};
  } else {
    spec.output = QParams{typical * 3.0 / 127.0, 0, -128, 127};
  }
  return {b_.quantized_conv(x.node, x.q, spec, name), spec.output};
}

QTensor Layers::float_op(const QTensor& x, const std::string& op, std::vector<Arg> extra_args, const QParams& out,
                         const std::string& name) {
  std::vector<Arg> args{NodeRef{dequantize(x, name + "_dq")}};
  for (Arg& a : extra_args) args.push_back(std::move(a));
  const std::string y = b_.call(op, std::move(args), name);
  return {b_.quantize(y, out, name + "_q"), out};
}

std::string Layers::dequantize(const QTensor& x, const std::string& name) { return b_.dequantize(x.node, x.q, name); }

}  // namespace lower::models
