#include "bench_shapes.h"

#include <string.h>

namespace bench {
namespace {

// Output size along one axis (dilation 1), padding on both sides as PyTorch pads.
constexpr int32_t out_size(int32_t in, int32_t k, int32_t pad, int32_t stride) {
  return (in + 2 * pad - k) / stride + 1;
}

// conv1d in the layout its lowering produces: length on H, W == 1.
constexpr LayerShape conv1d(const char* name, const char* what, int32_t cin, int32_t cout,
                            int32_t k, int32_t pad, int32_t stride, int32_t length) {
  return {name, what, LayerKind::conv,
          {1, length, 1, cin}, {cout, k, 1, cin},
          {1, out_size(length, k, pad, stride), 1, cout},
          {stride, 1}, {pad, 0}, 1};
}

constexpr LayerShape conv2d(const char* name, const char* what, int32_t cin, int32_t cout,
                            int32_t k, int32_t pad, int32_t stride, int32_t size) {
  return {name, what, LayerKind::conv,
          {1, size, size, cin}, {cout, k, k, cin},
          {1, out_size(size, k, pad, stride), out_size(size, k, pad, stride), cout},
          {stride, stride}, {pad, pad}, 1};
}

// The depthwise layer with the geometry of a conv shape: IHWO filter, in * multiplier outputs.
constexpr LayerShape depthwise(LayerShape s, int32_t multiplier) {
  s.kind = LayerKind::depthwise;
  s.depth_multiplier = multiplier;
  s.filter = {1, s.filter.h, s.filter.w, s.input.c * multiplier};
  s.output.c = s.input.c * multiplier;
  return s;
}

constexpr LayerShape kShapes[] = {
    conv1d("S1", "conv1d 250->250 k7 p3 L64", 250, 250, 7, 3, 1, 64),
    conv1d("S2", "conv1d 250->250 k48 p23 s2 L128", 250, 250, 48, 23, 2, 128),
    conv1d("S3", "conv1d 2000->2000 k1 L8", 2000, 2000, 1, 0, 1, 8),
    conv1d("S3b", "conv1d 500->500 k1 L8", 500, 500, 1, 0, 1, 8),
    conv1d("S4", "conv1d 129->128 k3 p1 L16", 129, 128, 3, 1, 1, 16),
    conv2d("S5", "conv2d 3x3 s2 p1 32->64 40x40", 32, 64, 3, 1, 2, 40),
    conv2d("S6", "conv2d 1x1 64->64 20x20", 64, 64, 1, 0, 1, 20),
    depthwise(conv2d("S7", "depthwise 3x3 p1 64ch 20x20", 64, 64, 3, 1, 1, 20), 1),
    depthwise(conv2d("S8", "depthwise 3x3 p1 s2 96ch 28x28", 96, 96, 3, 1, 2, 28), 1),
    depthwise(conv1d("S9", "depthwise conv1d 1ch x64 k256 s128 L640", 1, 1, 256, 0, 128, 640), 64),
};

}  // namespace

const LayerShape* layer_shapes() { return kShapes; }
int32_t layer_shape_count() { return static_cast<int32_t>(sizeof kShapes / sizeof kShapes[0]); }

int64_t layer_macs(const LayerShape& s) {
  const int64_t outputs = int64_t{s.output.n} * s.output.h * s.output.w * s.output.c;
  const int64_t per_output_channels = s.kind == LayerKind::conv ? s.filter.c : 1;
  return outputs * s.filter.h * s.filter.w * per_output_channels;
}

bool shape_selected(const char* list, const char* name) {
  if (list == nullptr) return true;
  const size_t length = strlen(name);
  for (const char* p = list; *p != '\0';) {
    const char* end = strchr(p, ',');
    const size_t word = end != nullptr ? static_cast<size_t>(end - p) : strlen(p);
    if (word == length && strncmp(p, name, length) == 0) return true;
    if (end == nullptr) break;
    p = end + 1;
  }
  return false;
}

}  // namespace bench
