// Where a kernel window lands on one spatial axis.
#pragma once

#include <stdint.h>

namespace tk {
namespace detail {

// Taps first..last (inclusive) of a window are inside the input; empty when first > last.
struct TapSpan {
  int32_t first;
  int32_t last;
  bool empty() const { return first > last; }
};

// Tap i of output position out_pos reads input position out_pos*stride - pad + i*dilation.
// All quantities are bounded by kMaxDim * kMaxStride (or kMaxDilation), so int32 suffices.
inline TapSpan taps_inside(int32_t out_pos, int32_t stride, int32_t pad, int32_t dilation,
                           int32_t kernel, int32_t in_size) {
  const int32_t start = out_pos * stride - pad;
  TapSpan span;
  span.first = start >= 0 ? 0 : (-start + dilation - 1) / dilation;
  if (start > in_size - 1) {
    span.last = -1;
  } else {
    const int32_t last = (in_size - 1 - start) / dilation;
    span.last = last < kernel - 1 ? last : kernel - 1;
  }
  return span;
}

// True when some bottom/right padding >= 0 gives exactly out_size outputs:
// floor((in + pad + pad_end - extent) / stride) + 1 == out_size for some pad_end >= 0.
inline bool output_size_reachable(int32_t in_size, int32_t out_size, int32_t kernel,
                                  int32_t stride, int32_t pad, int32_t dilation) {
  if (out_size < 1) return false;
  const int64_t extent = static_cast<int64_t>(dilation) * (kernel - 1) + 1;
  const int64_t pad_end_min =
      static_cast<int64_t>(out_size - 1) * stride + extent - in_size - pad;
  return pad_end_min > -static_cast<int64_t>(stride);
}

}  // namespace detail
}  // namespace tk
