// Weight layouts as physical orders of the logical PyTorch weight (O, I/groups, kh, kw).
//
//   OIHW  [O][I][kh][kw]       PyTorch
//   OHWI  [O][kh][kw][I]       CMSIS-NN convolution
//   IHWO  [1][kh][kw][O]       CMSIS-NN depthwise (I == 1, O = C * depth_multiplier)
//   HWCM  [kh][kw][C][M]       TOSA depthwise (I == 1, O = C * M, oc = c * M + m)
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ref/tensor.h"

namespace ref {

enum class WeightLayout { OIHW, OHWI, IHWO, HWCM };
const char* weight_layout_name(WeightLayout layout);
// Accepts the names weight_layout_name gives; throws std::invalid_argument otherwise.
WeightLayout parse_weight_layout(const std::string& name);

// The data of a logical (O, I, kh, kw) weight written out in `layout`. IHWO and HWCM need
// I == 1; HWCM also needs the depth multiplier to split O into (C, M).
template <class T>
std::vector<T> weights_to_layout(const Tensor<T>& weight, WeightLayout layout, int64_t depth_multiplier = 1);

// The logical (O, I, kh, kw) weight (contiguous) from data stored in `layout`.
template <class T>
Tensor<T> weights_from_layout(const std::vector<T>& data, WeightLayout layout, const Shape& oihw_shape,
                              int64_t depth_multiplier = 1);

}  // namespace ref
