// XNNPACK (Debian's libxnnpack-dev) as a kernel set: xnn_create_convolution2d_nhwc_qc8, the
// int8 NHWC convolution with per-channel weight scales, run on one thread (NULL pthreadpool).
//
// Mapping of a ConvCase
//   conv       groups = c.groups, kernel [groups][out/groups][kh][kw][in/groups] == OHWI
//   depthwise  XNN_FLAG_DEPTHWISE_CONVOLUTION, groups = in_channels, 1 input and
//              depth_multiplier output channels per group, kernel [kh][kw][in*M] == IHWO
//   padding    top/right/bottom/left as given (asymmetric is fine), stride, dilation as given
//   offsets    input zero point = -input_offset, output zero point = output_offset (both int8)
//   bias       NULL when the case has none
//
// Requantization: XNNPACK multiplies float(acc) by the float in_scale * w_scale[oc] / out_scale
// it computed at creation, rounds half to even and adds the zero point. A case carries only
// the integer encoding (multiplier, shift), and the reference's float mode defines the float
// scale as float(multiplier * 2^(shift - 31)) (ref::float_scale). We hand XNNPACK exactly that
// float as w_scale[oc] with input and output scales 1.0f: 1 * s / 1 is exact in float, so
// XNNPACK multiplies by the very float the reference does, and "exact against the reference
// in float mode" is a fair demand. Real input and output scales would add two float roundings
// (a product and a quotient) and could move the scale by an ulp, which no compliance mode but
// near_tie could absorb.
//
// What XNNPACK cannot express is reported as conf::kUnsupportedStatus, not as a failure:
// a zero or >= 256 requantization scale, zero points outside int8, an empty activation range
// (XNNPACK wants min < max), a forced output size.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "conf/kernel_set.h"

namespace conf {

std::unique_ptr<KernelSet> make_xnnpack_kernel_set();

// Why XNNPACK cannot run `c` ("" when it can). Assumes a consistent case.
std::string xnnpack_unsupported_reason(const ConvCase& c);

// The per-channel kernel scales handed to XNNPACK (input and output scales are 1.0f).
std::vector<float> xnnpack_kernel_scales(const ConvCase& c);

// A created and set-up operator, for timing: run() calls xnn_run_operator and nothing else.
class PreparedXnnpackCall {
 public:
  // Throws std::invalid_argument when XNNPACK refuses the case or cannot initialize.
  explicit PreparedXnnpackCall(const ConvCase& c);
  ~PreparedXnnpackCall();
  PreparedXnnpackCall(const PreparedXnnpackCall&) = delete;
  PreparedXnnpackCall& operator=(const PreparedXnnpackCall&) = delete;
  // Returns the status name ("ok").
  const char* run();
  const std::vector<int8_t>& output() const;

 private:
  struct State;
  State* state_;
};

}  // namespace conf
