// rapidcheck generators for convolution cases, valid by construction: every draw is made
// inside the range the earlier draws allow (no gen::suchThat, no discards).
//
// Generators produce inputs only. They ask the reference for accumulator magnitudes to
// pick output quantization that uses the int8 range, never for expected outputs.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

#include <rapidcheck.h>

#include "conf/conv_case.h"
#include "conf/kernel_set.h"

namespace gens {

// Which slice of the case space to draw from. Each dispatch path of the target kernels
// has a family whose cases satisfy that path's preconditions; the *_any families mix
// every family, as a wrapper sees them.
enum class Family {
  conv_1x1,
  conv_1x1_strided,
  conv_1xn,
  conv_nx1,
  conv_generic,
  conv_any,
  depthwise_3x3,
  depthwise_mult1,
  depthwise_generic,
  depthwise_single_channel,
  depthwise_any,
};
const char* family_name(Family family);

// Bounds that keep one case affordable for the naive reference at the PR budget.
struct Budget {
  int64_t max_macs = 1500000;
  int64_t max_input_elements = 200000;
  int32_t max_spatial = 64;
};

// A complete case: geometry, data, bias, offsets, activation tail and requantization.
rc::Gen<conf::ConvCase> conv_case(Family family, Budget budget = {});

// A conv1d case in the layout the lowering uses (length on H, W == 1): dense or grouped.
rc::Gen<conf::ConvCase> conv1d_case(Budget budget = {});

// Just the geometry of a family (channels, kernel, stride, dilation, padding, batch).
rc::Gen<conf::ConvCase> conv_geometry(Family family, Budget budget = {});

// Data, bias, offsets, activation and requantization for a given geometry.
rc::Gen<conf::ConvCase> with_data_and_quantization(const conf::ConvCase& geometry);

// A call the kernels must refuse: one argument broken on purpose.
struct InvalidCall {
  conf::ConvCase c;
  conf::Defect defect = conf::Defect::none;
  std::string expected_status;  // the kernels' status name; "a|b" when either names the defect
  std::string what;             // the broken argument, for messages
};
std::ostream& operator<<(std::ostream& os, const InvalidCall& call);
rc::Gen<InvalidCall> invalid_call();

}  // namespace gens
