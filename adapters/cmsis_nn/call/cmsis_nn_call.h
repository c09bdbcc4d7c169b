// One convolution through the CMSIS-NN API, and what that API can carry: freestanding (no
// heap, no exceptions, no C++ library) so that the host kernel set (adapters/cmsis_nn/src)
// and the on-target runner (on_target/runner_cmsis_nn) fill the library's structs and decide
// what is unsupported with the same code.
//
// The contract part (unsupported, documented_path, reached_pad_after) is plain arithmetic and
// builds without the library; scratch_bytes, run and status_name need arm_nnfunctions.h and
// the library (cmsis_nn_call.cpp).
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace cmsis_nn_call {

enum class Kind { conv, depthwise };

// One call's arguments as the API sees them. Filter dims follow from these: conv OHWI
// {out_channels, kernel_h, kernel_w, filter_in_channels}, depthwise IHWO {1, kernel_h,
// kernel_w, out_channels}; conv groups are implied by in_channels / filter_in_channels.
struct Geometry {
  Kind kind = Kind::conv;
  int32_t batch = 0, in_h = 0, in_w = 0, in_channels = 0;
  int32_t out_h = 0, out_w = 0, out_channels = 0;
  int32_t kernel_h = 0, kernel_w = 0, filter_in_channels = 0;
  int32_t stride_h = 0, stride_w = 0, pad_top = 0, pad_left = 0, dilation_h = 0, dilation_w = 0;
  int32_t depth_multiplier = 1;  // depthwise only
  int32_t input_offset = 0, output_offset = 0, activation_min = 0, activation_max = 0;
};

// The buffers of one call. multiplier and shift are not const because the API's
// cmsis_nn_per_channel_quant_params holds non-const pointers; callers pass copies and check
// them afterwards. bias may be NULL.
struct Operands {
  const int8_t* input = nullptr;
  const int8_t* filter = nullptr;
  const int32_t* bias = nullptr;
  int32_t* multiplier = nullptr;
  int32_t* shift = nullptr;
  int8_t* output = nullptr;
  void* scratch = nullptr;
  int32_t scratch_bytes = 0;
};

// Why the API cannot carry a valid case (see unsupported_text), in the order checked.
enum class Unsupported { none, dimension_above_uint16, rows_padding, columns_padding };

// none when the API can carry the call: every dimension fits the kernels' uint16, and on each
// axis the last output reaches no more after-padding than there is before-padding (PyTorch's
// symmetric padding, VALID) or the output size and before-padding are TFLite's SAME. The API
// has no field for bottom/right padding; outside these conventions the portable 1x1 and 3x3
// depthwise kernels read past the input. Assumes a consistent, valid call.
Unsupported unsupported(const Geometry& g);
const char* unsupported_text(Unsupported why);

// Rows of after-padding (bottom, or columns of right) the last output reaches:
// max(0, (out - 1) * stride + dilation * (kernel - 1) + 1 - in - pad_before).
int32_t reached_pad_after(int32_t in, int32_t pad_before, int32_t kernel, int32_t stride, int32_t dilation,
                          int32_t out);
// TFLite's SAME on one axis: out = ceil(in / stride), pad_before = total padding / 2.
bool is_tflite_same(int32_t in, int32_t pad_before, int32_t kernel, int32_t stride, int32_t dilation, int32_t out);

// The kernel the wrappers' documented host/DSP dispatch picks (Helium builds differ); a label
// for coverage counts, the library decides what runs.
const char* documented_path(const Geometry& g);

// The wrapper's *_get_buffer_size for this call (negative: the library's own error).
int32_t scratch_bytes(const Geometry& g);
// Calls arm_convolve_wrapper_s8 or arm_depthwise_conv_wrapper_s8; returns its
// arm_cmsis_nn_status as an integer (0 is success).
int32_t run(const Geometry& g, const Operands& o);
// "ok", "arm_cmsis_nn_arg_error", ... for run's result.
const char* status_name(int32_t status);

}  // namespace cmsis_nn_call
