// The bench layer shapes S1-S9 of bench/conv_bench.cpp (the host benchmark), rebuilt here
// without the host harness: the same dims, padding, stride, offsets, activation range, bias
// range and per-channel multipliers and shifts, so the instruction counts measured on the
// target are for the very layers the host benchmark times.
#pragma once

#include <stdint.h>

#include "tk/conv.h"

namespace bench {

enum class LayerKind { conv, depthwise };

struct LayerShape {
  const char* name;  // "S1" ...
  const char* what;  // human description, as in bench/conv_bench.cpp
  LayerKind kind;
  tk::Dims input, filter, output;
  tk::HW stride, padding;
  int32_t depth_multiplier;  // depthwise only
};

// Every bench shape, in order; count() of them.
const LayerShape* layer_shapes();
int32_t layer_shape_count();

// Whether `name` is in the comma-separated `list` (nullptr: every shape is).
bool shape_selected(const char* list, const char* name);

// Multiply-accumulates of the layer as the host benchmark counts them: output elements times
// the filter taps per output (taps in the padding included).
int64_t layer_macs(const LayerShape& shape);

// The parameters every bench layer shares (bench/conv_bench.cpp's with_data).
constexpr int32_t kInputOffset = 3;
constexpr int32_t kOutputOffset = -5;
constexpr int32_t kActivationMin = -5;  // relu: the output zero point
constexpr int32_t kActivationMax = 127;
constexpr int32_t kBiasLimit = 4096;  // bias uniform in [-4096, 4096]
inline int32_t layer_multiplier(int32_t oc) { return (1 << 30) + 7919 * oc; }
inline int32_t layer_shift(int32_t oc) { return -10 - oc % 3; }

}  // namespace bench
