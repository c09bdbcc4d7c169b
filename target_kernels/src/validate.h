// Argument checks shared by the wrappers and the buffer-size getters. Each returns the first
// refusal in a fixed order (pointers, dims, groups / depth multiplier, stride, dilation,
// padding, output dims, offsets, activation range, requant); Status::ok when all pass.
#pragma once

#include <stdint.h>

#include "job.h"
#include "tk/conv.h"

namespace tk {
namespace detail {

// Geometry and scalar parameters (everything a buffer-size getter sees).
Status validate_conv_shape(const ConvParams& params, const Dims& input, const Dims& filter,
                           const Dims& output);
Status validate_depthwise_shape(const DepthwiseParams& params, const Dims& input,
                                const Dims& filter, const Dims& output);

// multiplier[c] >= 0 and shift[c] in [-31, 30] for every c < channels.
Status validate_requant(const PerChannelRequant& requant, int32_t channels);

// Scratch of at least `needed` bytes (NULL allowed only when needed is 0).
Status validate_scratch(const Scratch& scratch, int32_t needed);

ConvShape make_conv_shape(const ConvParams& params, const Dims& input, const Dims& filter,
                          const Dims& output);
DepthwiseShape make_depthwise_shape(const DepthwiseParams& params, const Dims& input,
                                    const Dims& filter, const Dims& output);

}  // namespace detail
}  // namespace tk
