// Naive convolution: the meaning every kernel is measured against.
//
// Logical layouts are PyTorch's: input (N, C, H, W) or (N, C, L), weight (O, I/groups, kh, kw)
// or (O, I/groups, k); tensors may use any dim order. Depthwise convolution is the grouped
// convolution with groups == in_channels and out_channels == in_channels * depth_multiplier
// (output channel oc = ic * depth_multiplier + m).
//
//   acc[n, oc, oh, ow] = bias[oc] + sum over ic', i, j of
//       w[oc, ic', i, j] * (x[n, g * Cin_g + ic', oh * sh - pt + i * dh, ow * sw - pl + j * dw] + input_offset)
//   with g = oc / (Cout / groups); taps outside the input contribute nothing.
//
// Argument errors throw std::invalid_argument with a message naming the argument.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ref/quant.h"
#include "ref/tensor.h"

namespace ref {

struct ConvGeometry {
  int64_t stride_h = 1, stride_w = 1;
  int64_t pad_top = 0, pad_bottom = 0, pad_left = 0, pad_right = 0;
  int64_t dilation_h = 1, dilation_w = 1;
  int64_t groups = 1;
};

struct Conv1dGeometry {
  int64_t stride = 1;
  int64_t pad_left = 0, pad_right = 0;
  int64_t dilation = 1;
  int64_t groups = 1;
};

// floor((input + pad_before + pad_after - dilation * (kernel - 1) - 1) / stride) + 1;
// throws when an argument is out of range or the result is below 1.
int64_t conv_output_size(int64_t input, int64_t pad_before, int64_t pad_after, int64_t kernel,
                         int64_t stride, int64_t dilation);

// Validates input (N, C, H, W) against weight (O, C / groups, kh, kw) and the geometry.
Shape conv2d_output_shape(const Shape& input, const Shape& weight, const ConvGeometry& geometry);

// Keeps a parameter out of template argument deduction (so nullptr works for a bias).
template <class T>
struct NonDeduced {
  using type = T;
};

// Float convolution, accumulated in double in a fixed order. T is float or double. Bias is
// optional (nullptr or one value per output channel). The result uses out_order (default
// contiguous).
template <class T>
Tensor<T> conv2d_float(const Tensor<T>& input, const Tensor<T>& weight,
                       const std::vector<typename NonDeduced<T>::type>* bias, const ConvGeometry& geometry,
                       const DimOrder& out_order = {});
template <class T>
Tensor<T> conv1d_float(const Tensor<T>& input, const Tensor<T>& weight,
                       const std::vector<typename NonDeduced<T>::type>* bias, const Conv1dGeometry& geometry,
                       const DimOrder& out_order = {});

struct QuantizedConv {
  ConvGeometry geometry;
  int32_t input_offset = 0;   // minus the input zero point
  int32_t output_offset = 0;  // the output zero point
  int32_t activation_min = -128;
  int32_t activation_max = 127;
  std::vector<int32_t> multiplier;  // per output channel
  std::vector<int32_t> shift;       // per output channel
  Rounding rounding = Rounding::double_rounding;
};

// Which elements an int32 kernel cannot compute exactly (see requantize_in_domain).
struct DomainReport {
  int64_t elements = 0;
  int64_t accumulators_outside_int32 = 0;
  int64_t requantizations_outside_domain = 0;
  std::string first_violation;  // empty when ok()
  bool ok() const { return first_violation.empty(); }
  std::string describe() const;
};

struct QuantizedConvResult {
  Tensor<int8_t> output;        // (N, Cout, OH, OW)
  Tensor<int64_t> accumulator;  // bias included, before requantization
  DomainReport domain;
};

// Exact int64 accumulators (bias included).
Tensor<int64_t> conv2d_accumulators(const Tensor<int8_t>& input, const Tensor<int8_t>& weight,
                                    const std::vector<int32_t>* bias, const ConvGeometry& geometry,
                                    int32_t input_offset, const DimOrder& out_order = {});

// Requantizes accumulators (N, Cout, ...) per channel (dim 1) into int8 with the output
// offset and activation range, and reports domain violations.
QuantizedConvResult requantize_accumulators(Tensor<int64_t> accumulator, const QuantizedConv& conv);

QuantizedConvResult conv2d_int8(const Tensor<int8_t>& input, const Tensor<int8_t>& weight,
                                const std::vector<int32_t>* bias, const QuantizedConv& conv,
                                const DimOrder& out_order = {});

// Depthwise: weight (C * depth_multiplier, 1, kh, kw); conv.geometry.groups is ignored.
QuantizedConvResult depthwise_conv2d_int8(const Tensor<int8_t>& input, const Tensor<int8_t>& weight,
                                          const std::vector<int32_t>* bias, int64_t depth_multiplier,
                                          const QuantizedConv& conv, const DimOrder& out_order = {});

}  // namespace ref
