// The dispatch paths: when each applies, what scratch it needs, and the kernels themselves.
// Kernels assume validated arguments (see validate.h) and an applicable path.
#pragma once

#include <stdint.h>

#include "job.h"
#include "tk/conv.h"

namespace tk {
namespace detail {

// ---- convolution ----

bool conv_path_applicable(ConvPath path, const ConvShape& shape);
ConvPath select_conv_path(const ConvShape& shape);
// Scratch bytes of an applicable path; negative when not representable as int32.
int32_t conv_path_scratch(ConvPath path, const ConvShape& shape);
// The path's scratch before the dense engine's weight sums (which follow it).
int32_t conv_path_own_scratch(ConvPath path, const ConvShape& shape);
void run_conv_path(ConvPath path, const ConvJob& job, int8_t* scratch);

void conv_1x1(const ConvJob& job);  // both the stride-1 and the strided 1x1 path
int32_t conv_line_scratch(const ConvShape& shape);
void conv_line(const ConvJob& job, int8_t* scratch);  // 1xN and Nx1
int32_t conv_im2col_gemm_scratch(const ConvShape& shape);
void conv_im2col_gemm(const ConvJob& job, int8_t* scratch);

// ---- depthwise convolution ----

bool depthwise_path_applicable(DepthwisePath path, const DepthwiseShape& shape);
DepthwisePath select_depthwise_path(const DepthwiseShape& shape);
int32_t depthwise_path_scratch(DepthwisePath path, const DepthwiseShape& shape);
void run_depthwise_path(DepthwisePath path, const DepthwiseJob& job, int8_t* scratch);

void depthwise_3x3(const DepthwiseJob& job);
void depthwise_mult1(const DepthwiseJob& job);
void depthwise_generic(const DepthwiseJob& job);
int32_t depthwise_as_conv_scratch(const DepthwiseShape& shape);
void depthwise_as_conv(const DepthwiseJob& job, int8_t* scratch);

}  // namespace detail
}  // namespace tk
