// Any library implementing the CMSIS-NN convolution API (ARM-software/CMSIS-NN or a fork,
// prebuilt for the host or a core) as a kernel set: arm_convolve_wrapper_s8 and
// arm_depthwise_conv_wrapper_s8 with their *_get_buffer_size scratch.
//
// Mapping of a ConvCase
//   conv       cmsis_nn_conv_params; filter dims [Cout, kh, kw, Cin/groups] (OHWI), the
//              library infers groups from input channels / filter channels
//   depthwise  cmsis_nn_dw_conv_params with ch_mult = depth_multiplier; filter dims
//              [1, kh, kw, Cout] (IHWO)
//   padding    top/left only (padding.h, padding.w); the library implies bottom/right from
//              the output size, which is the case's own
//   offsets    input_offset = -input zero point and output_offset = output zero point, as in
//              ConvCase; activation.min/max = activation_min/max
//   requant    cmsis_nn_per_channel_quant_params over copies of multiplier and shift
//   bias       NULL when the case has none
//   scratch    the wrapper's *_get_buffer_size bytes, never a NULL pointer (the kernels
//              refuse a NULL buffer even when they need none)
//
// Every buffer is guarded or compared afterwards (outputs and scratch carry guard zones;
// inputs, bias and requant arrays are copies checked for writes), as for the target kernels.
//
// Rounding: the library's build decides it (CMSIS_NN_USE_SINGLE_ROUNDING); configure with
// CMSIS_NN_ROUNDING=double|single to match. A build that disagrees fails every near-tie;
// the suite's rounding probe names the option to change.
#pragma once

#include <memory>
#include <string>

#include "cmsis_nn_call.h"
#include "conf/kernel_set.h"

namespace conf {

// The call's arguments as the API sees them (call/cmsis_nn_call.h, shared with the
// on-target runner).
cmsis_nn_call::Geometry cmsis_nn_geometry(const ConvCase& c);

// Why the CMSIS-NN API cannot carry `c` ("" when it can), reported by the kernel set as
// kUnsupportedStatus with this reason as the message:
//   - a forced output size (negative cases only);
//   - a dimension, stride, dilation or padding above 65535 (the kernels keep them in uint16);
//   - padding none of CMSIS-NN's callers produces. The API has no field for bottom/right
//     padding: the kernels take the output size and skip taps past the input end. Its two
//     conventions are PyTorch's symmetric padding and VALID (the last output row reaches no
//     more bottom padding than there is top padding) and TFLite's SAME (output size
//     ceil(in / stride), top padding total / 2, bottom the rest, so one more row). Bottom
//     padding the output never reaches does not matter and is accepted. Outside these, the
//     portable 1x1 and 3x3 depthwise kernels read past the input (seen on CMSIS-NN 7.x).
// Assumes a consistent, valid case.
std::string cmsis_nn_unsupported_reason(const ConvCase& c);

// Rows of bottom padding (or columns of right padding) the last output row (column) reaches:
// max(0, (out - 1) * stride + dilation * (kernel - 1) + 1 - in - pad_before).
int32_t cmsis_nn_reached_pad_after(int32_t in, int32_t pad_before, int32_t kernel, int32_t stride, int32_t dilation,
                                   int32_t out);

// The kernel the wrappers' documented dispatch picks on a host or DSP build (Helium builds
// differ: no 3x3 depthwise kernel, single-channel depthwise as a convolution). A label for
// coverage counts; the library, not this function, decides what runs.
std::string cmsis_nn_documented_path(const ConvCase& c);

// The rounding the library was configured as (CMSIS_NN_ROUNDING).
ref::Rounding cmsis_nn_configured_rounding();

// Whether this build has the adapter (CMSIS_NN_INCLUDE_DIR and CMSIS_NN_LIBRARY given).
bool cmsis_nn_available();
// The configure options that enable the adapter, for skip messages.
std::string cmsis_nn_how_to_enable();

// The kernel set, not isolated (the registry and the suite wrap it). Throws
// std::runtime_error when the adapter is not in this build.
std::unique_ptr<KernelSet> make_cmsis_nn_kernel_set();

}  // namespace conf
