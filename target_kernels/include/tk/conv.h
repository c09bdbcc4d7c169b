// Optimized NHWC int8 convolution kernels: the system under test.
//
// Calling convention modeled on CMSIS-NN (parameter structs, buffer-size getters, status
// codes) under our own names. Freestanding: no heap, no exceptions, no iostream; the caller
// passes every buffer, including the scratch buffer sized by *_get_buffer_size.
//
// Layouts
//   input   NHWC int8, dims {n, h, w, c}
//   output  NHWC int8, dims {n, h, w, c}
//   conv filter       OHWI int8, dims {n = out_channels, h = kh, w = kw, c = in_channels / groups}
//   depthwise filter  IHWO int8, dims {n = 1, h = kh, w = kw, c = in_channels * depth_multiplier}
//                     (output channel oc = ic * depth_multiplier + m)
//   bias    int32 per output channel, may be NULL (treated as zero)
//
// Padding: only top/left are passed; the output dims imply bottom/right. Taps that fall in
// the padding contribute nothing (the padding value is the input zero point).
//
// Requantization per output channel: y = requantize(acc, multiplier[oc], shift[oc]);
// out = clamp(y + output_offset, activation.min, activation.max). The rounding mode is fixed
// when the library is built (see rounding_mode()).
#pragma once

#include <stdint.h>

namespace tk {

// Each refusal names the argument that caused it; status_message() spells it out.
enum class Status : int32_t {
  ok = 0,
  null_pointer,          // input, filter, output, multiplier or shift is NULL (bias may be NULL)
  bad_input_dims,        // a dimension < 1 or > kMaxDim, or element count beyond int32
  bad_filter_dims,       // a dimension < 1 or > kMaxDim, or inconsistent with input/groups
  bad_output_dims,       // batch or channels differ from what input and filter imply, or
                         // spatial size not reachable with non-negative bottom/right padding
  bad_groups,            // groups < 1, or in/out channels not divisible by groups
  bad_depth_multiplier,  // depth_multiplier < 1 or filter.c != input.c * depth_multiplier
  bad_stride,            // stride < 1 or > kMaxStride
  bad_dilation,          // dilation < 1 or > kMaxDilation
  bad_padding,           // top/left padding < 0 or > kMaxDim
  bad_input_offset,      // input_offset outside [-127, 128] (= minus an int8 zero point)
  bad_output_offset,     // output_offset outside [-128, 127]
  bad_activation_range,  // not -128 <= min <= max <= 127
  bad_requant,           // a multiplier < 0 or a shift outside [-31, 30]
  bad_scratch,           // scratch smaller than *_get_buffer_size, or NULL while non-empty
  path_not_applicable,   // a forced dispatch path whose preconditions the arguments break
};

const char* status_name(Status status);
const char* status_message(Status status);

constexpr int32_t kMaxDim = 32767;
constexpr int32_t kMaxStride = 255;
constexpr int32_t kMaxDilation = 255;

struct Dims {
  int32_t n, h, w, c;
};

struct HW {
  int32_t h, w;
};

struct ActivationRange {
  int32_t min, max;
};

struct ConvParams {
  int32_t input_offset;   // minus the input zero point
  int32_t output_offset;  // the output zero point
  HW stride;
  HW padding;  // top, left
  HW dilation;
  ActivationRange activation;
  int32_t groups;
};

struct DepthwiseParams {
  int32_t input_offset;
  int32_t output_offset;
  HW stride;
  HW padding;  // top, left
  HW dilation;
  ActivationRange activation;
  int32_t depth_multiplier;
};

// Per output channel, TFLite convention: scale = multiplier * 2^(shift - 31).
struct PerChannelRequant {
  const int32_t* multiplier;
  const int32_t* shift;
};

struct Scratch {
  void* data;
  int32_t size;  // bytes
};

enum class ConvPath : int32_t {
  conv_1x1,          // 1x1 filter, stride 1, groups 1: a GEMM over pixels
  conv_1x1_strided,  // 1x1 filter, any other stride, groups 1
  conv_1xn,          // input height 1, filter height 1, groups 1
  conv_nx1,          // input width 1, filter width 1, groups 1 (the layout conv1d lowers to)
  conv_generic,      // im2col + GEMM: any groups, dilation, batch
};
constexpr int32_t kConvPathCount = 5;

enum class DepthwisePath : int32_t {
  depthwise_3x3,      // 3x3 filter, depth multiplier 1, dilation 1
  depthwise_mult1,    // depth multiplier 1
  depthwise_generic,  // any depth multiplier, dilation, batch
  depthwise_as_conv,  // one input channel: runs as a dense conv with depth_multiplier outputs
};
constexpr int32_t kDepthwisePathCount = 4;

const char* path_name(ConvPath path);
const char* path_name(DepthwisePath path);

enum class Rounding : int32_t { double_rounding, single_rounding };
// The requantization rounding the library was built with (TK_SINGLE_ROUNDING selects single).
Rounding rounding_mode();

// The instruction-set variant of the inner loops, fixed at compile time from the compiler's
// feature macros: "helium" (MVE), "dsp" (the 32-bit SIMD multiply-accumulates) or "portable".
const char* isa_name();

// The requantization step on its own, exactly as every kernel applies it (before the output
// offset and clamp). Arguments outside the domain (acc * 2^max(shift,0) beyond int32, shift
// outside [-31, 30]) give an unspecified but defined value.
int32_t requantize(int32_t acc, int32_t multiplier, int32_t shift);

// ---- convolution ----

// The path conv_s8 takes for these arguments (arguments assumed valid).
ConvPath conv_s8_select_path(const ConvParams& params, const Dims& input, const Dims& filter,
                             const Dims& output);

// Scratch bytes conv_s8 needs; negative when the arguments are invalid.
int32_t conv_s8_get_buffer_size(const ConvParams& params, const Dims& input, const Dims& filter,
                                const Dims& output);
// Scratch bytes a forced path needs; negative when invalid or the path is not applicable.
int32_t conv_s8_path_get_buffer_size(ConvPath path, const ConvParams& params, const Dims& input,
                                     const Dims& filter, const Dims& output);

// Validates every argument, then runs the selected path. On any status other than ok, the
// output and scratch buffers are left untouched.
Status conv_s8(const Scratch& scratch, const ConvParams& params, const PerChannelRequant& requant,
               const Dims& input, const int8_t* input_data, const Dims& filter,
               const int8_t* filter_data, const int32_t* bias, const Dims& output,
               int8_t* output_data);

// Same, forcing one path; path_not_applicable when its preconditions do not hold.
Status conv_s8_path(ConvPath path, const Scratch& scratch, const ConvParams& params,
                    const PerChannelRequant& requant, const Dims& input, const int8_t* input_data,
                    const Dims& filter, const int8_t* filter_data, const int32_t* bias,
                    const Dims& output, int8_t* output_data);

// ---- depthwise convolution ----

DepthwisePath depthwise_s8_select_path(const DepthwiseParams& params, const Dims& input,
                                       const Dims& filter, const Dims& output);

int32_t depthwise_s8_get_buffer_size(const DepthwiseParams& params, const Dims& input,
                                     const Dims& filter, const Dims& output);
int32_t depthwise_s8_path_get_buffer_size(DepthwisePath path, const DepthwiseParams& params,
                                          const Dims& input, const Dims& filter,
                                          const Dims& output);

Status depthwise_s8(const Scratch& scratch, const DepthwiseParams& params,
                    const PerChannelRequant& requant, const Dims& input, const int8_t* input_data,
                    const Dims& filter, const int8_t* filter_data, const int32_t* bias,
                    const Dims& output, int8_t* output_data);

Status depthwise_s8_path(DepthwisePath path, const Scratch& scratch,
                         const DepthwiseParams& params, const PerChannelRequant& requant,
                         const Dims& input, const int8_t* input_data, const Dims& filter,
                         const int8_t* filter_data, const int32_t* bias, const Dims& output,
                         int8_t* output_data);

}  // namespace tk
