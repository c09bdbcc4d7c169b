// One convolution case as every loop of the suite sees it: the parameters, the
// quantization and the tensors, in the kernels' physical layouts.
//
// Tensors are stored as the target kernels take them: input NHWC, weight OHWI for a
// convolution and IHWO for a depthwise convolution. The reference reads the same bytes
// through an explicit dim order (it handles any order), so no layout conversion stands
// between a case and either side of the comparison.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "ref/conv.h"
#include "ref/quant.h"
#include "ref/tensor.h"

namespace conf {

enum class ConvKind { conv, depthwise };
const char* kind_name(ConvKind kind);  // "conv2d" or "depthwise_conv2d"
ConvKind parse_kind(const std::string& name);

struct ConvCase {
  ConvKind kind = ConvKind::conv;
  int32_t batch = 1;
  int32_t in_channels = 1;
  int32_t out_channels = 1;
  int32_t in_h = 1, in_w = 1;
  int32_t kernel_h = 1, kernel_w = 1;
  int32_t stride_h = 1, stride_w = 1;
  int32_t dilation_h = 1, dilation_w = 1;
  int32_t pad_top = 0, pad_bottom = 0, pad_left = 0, pad_right = 0;
  int32_t groups = 1;            // conv only
  int32_t depth_multiplier = 1;  // depthwise only: out_channels == in_channels * depth_multiplier
  // Output spatial size; 0 means "derived from the geometry" (negative cases may force one).
  int32_t out_h_override = 0, out_w_override = 0;

  int32_t input_offset = 0;   // minus the input zero point
  int32_t output_offset = 0;  // the output zero point
  int32_t activation_min = -128, activation_max = 127;
  std::string activation_tail = "none";  // what the range stands for, for reports

  std::vector<int32_t> multiplier, shift;  // per output channel
  bool has_bias = false;
  std::vector<int32_t> bias;    // per output channel when has_bias
  std::vector<int8_t> input;    // NHWC
  std::vector<int8_t> weight;   // OHWI (conv) or IHWO (depthwise)

  int32_t out_h() const;  // override or geometry; may be < 1 for an invalid geometry
  int32_t out_w() const;
  int32_t weight_in_channels() const;  // channels per group in the weight (1 for depthwise)
  int64_t input_elements() const;
  int64_t weight_elements() const;
  int64_t output_elements() const;
  int64_t macs() const;  // multiply-accumulates of a full evaluation
};

// One line a person can read and a tool can parse back: every parameter, no data.
std::string describe(const ConvCase& c);
std::ostream& operator<<(std::ostream& os, const ConvCase& c);

// Throws std::invalid_argument naming the first field that is inconsistent (tensor sizes,
// per-channel array lengths, channel arithmetic). Geometry the kernels must refuse (stride 0
// and such) is not checked here: negative cases carry it on purpose.
void check_consistent(const ConvCase& c);
// The same without the per-channel requantization arrays (for cases still being built).
void check_tensors_consistent(const ConvCase& c);

// The case's tensors as the reference sees them: logical (N, C, H, W) / (O, I, kh, kw).
ref::Tensor<int8_t> input_tensor(const ConvCase& c);
ref::Tensor<int8_t> weight_tensor(const ConvCase& c);
ref::ConvGeometry geometry(const ConvCase& c);
ref::QuantizedConv quantization(const ConvCase& c, ref::Rounding rounding);

// The reference result with output and accumulators in NHWC order (data() is NHWC).
ref::QuantizedConvResult reference_result(const ConvCase& c, ref::Rounding rounding);
// Accumulators only (bias included), NHWC order.
ref::Tensor<int64_t> reference_accumulators(const ConvCase& c);

}  // namespace conf
