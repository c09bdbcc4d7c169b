// 1xN (input height 1, filter height 1) and Nx1 (input width 1, filter width 1) convolution,
// groups 1. Both are the same thing in NHWC memory: a line of L positions of C channels, C
// bytes apart. With dilation 1 a window of k taps is one contiguous run of k*C bytes that is
// dotted straight against the OHWI filter row; only windows that overlap the padding (or
// every window, when dilated) are gathered into scratch with the padding set to the zero point.
//
// The other axis has kernel size 1 and an input size of 1, so an output row along it either
// reads the line or lies entirely in the padding.
#include <string.h>

#include "geometry.h"
#include "gemm_rows.h"
#include "paths.h"

namespace tk {
namespace detail {
namespace {

// The line axis and the cross axis of a 1xN / Nx1 problem.
struct LineGeometry {
  int32_t in_len, out_len, kernel, stride, pad, dilation;
  int32_t cross_out, cross_stride, cross_pad;
  ptrdiff_t out_step;    // output elements between consecutive line positions
  ptrdiff_t cross_step;  // output elements between consecutive cross positions
};

LineGeometry line_geometry(const ConvShape& s) {
  LineGeometry g;
  const ptrdiff_t pixel = s.output.c;
  if (s.input.h == 1 && s.filter.h == 1) {  // 1xN: the line runs along W
    g = {s.input.w, s.output.w, s.filter.w, s.stride.w, s.padding.w, s.dilation.w,
         s.output.h, s.stride.h, s.padding.h, pixel, pixel * s.output.w};
  } else {  // Nx1: the line runs along H
    g = {s.input.h, s.output.h, s.filter.h, s.stride.h, s.padding.h, s.dilation.h,
         s.output.w, s.stride.w, s.padding.w, pixel * s.output.w, pixel};
  }
  return g;
}

// True when every window is inside the line and contiguous, so no scratch is ever used.
bool all_windows_direct(const LineGeometry& g) {
  if (g.kernel > 1 && g.dilation != 1) return false;
  const int64_t extent = static_cast<int64_t>(g.dilation) * (g.kernel - 1) + 1;
  return g.pad == 0 && static_cast<int64_t>(g.out_len - 1) * g.stride + extent <= g.in_len;
}

}  // namespace

int32_t conv_line_scratch(const ConvShape& shape) {
  const LineGeometry g = line_geometry(shape);
  if (all_windows_direct(g)) return 0;
  const int64_t k = static_cast<int64_t>(g.kernel) * shape.input.c;
  return static_cast<int32_t>(window_rows_per_block(k) * k);
}

void conv_line(const ConvJob& job, int8_t* scratch) {
  const ConvShape& s = job.shape;
  const LineGeometry g = line_geometry(s);
  const int32_t channels = s.input.c;
  const int32_t k = g.kernel * channels;
  const int8_t zp = zero_point(job.input_offset);
  const GemmJob gemm = {job.filter, k, s.output.c, 0, job.input_offset, &job.stage,
                        job.weight_sums};
  const int32_t capacity = all_windows_direct(g) ? kGemmMaxRows : window_rows_per_block(k);
  RowBatch batch(gemm, scratch, capacity);

  for (int32_t n = 0; n < s.output.n; ++n) {
    const int8_t* line = job.input + static_cast<ptrdiff_t>(n) * g.in_len * channels;
    int8_t* out_image = job.output + pixel_offset(s.output, n, 0, 0);
    for (int32_t q = 0; q < g.cross_out; ++q) {
      const bool cross_inside = q * g.cross_stride - g.cross_pad == 0;
      int8_t* out_row = out_image + q * g.cross_step;
      for (int32_t o = 0; o < g.out_len; ++o) {
        int8_t* out = out_row + o * g.out_step;
        const TapSpan taps =
            cross_inside ? taps_inside(o, g.stride, g.pad, g.dilation, g.kernel, g.in_len)
                         : TapSpan{0, -1};
        if (taps.empty()) {
          batch.add(NULL, out);
          continue;
        }
        const int32_t start = o * g.stride - g.pad;  // >= 0 when the window is direct
        if (taps.first == 0 && taps.last == g.kernel - 1 && (g.dilation == 1 || g.kernel == 1)) {
          batch.add(line + static_cast<ptrdiff_t>(start) * channels, out);
          continue;
        }
        int8_t* window = batch.slot();
        for (int32_t i = 0; i < g.kernel; ++i) {
          int8_t* dst = window + static_cast<ptrdiff_t>(i) * channels;
          if (i >= taps.first && i <= taps.last) {
            const ptrdiff_t pos = start + static_cast<ptrdiff_t>(i) * g.dilation;
            memcpy(dst, line + pos * channels, static_cast<size_t>(channels));
          } else {
            memset(dst, zp, static_cast<size_t>(channels));
          }
        }
        batch.add(window, out);
      }
    }
  }
  batch.flush();
}

}  // namespace detail
}  // namespace tk
