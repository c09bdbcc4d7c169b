// Generic convolution: any groups, dilation, stride, padding, batch. For each group and each
// output pixel the window (kh x kw taps of the group's in_channels / groups channels) is
// gathered into a scratch slot in OHWI order, padding taps set to the input zero point, and a
// block of such rows goes through gemm_rows against the group's filter rows.
#include <string.h>

#include "geometry.h"
#include "gemm_rows.h"
#include "paths.h"

namespace tk {
namespace detail {
namespace {

int64_t window_length(const ConvShape& s) {
  return static_cast<int64_t>(s.filter.h) * s.filter.w * s.filter.c;
}

// Gathers the window of output pixel (n, oh, ow) for the group whose first input channel is
// first_channel. Taps outside the input hold the zero point.
void gather_window(const ConvJob& job, int32_t n, int32_t first_channel, const TapSpan& rows,
                   const TapSpan& cols, int32_t ih0, int32_t iw0, int8_t* window) {
  const ConvShape& s = job.shape;
  const int32_t cg = s.filter.c;
  const int8_t zp = zero_point(job.input_offset);
  const size_t row_bytes = static_cast<size_t>(s.filter.w) * cg;
  const bool contiguous_cols = s.groups == 1 && s.dilation.w == 1;
  for (int32_t i = 0; i < s.filter.h; ++i) {
    int8_t* dst = window + static_cast<ptrdiff_t>(i) * s.filter.w * cg;
    if (i < rows.first || i > rows.last || cols.empty()) {
      memset(dst, zp, row_bytes);
      continue;
    }
    const int32_t ih = ih0 + i * s.dilation.h;
    if (contiguous_cols) {
      // Taps cols.first..cols.last are adjacent pixels: one copy, zero point around it.
      const size_t before = static_cast<size_t>(cols.first) * cg;
      const size_t inside = static_cast<size_t>(cols.last - cols.first + 1) * cg;
      const int32_t iw = iw0 + cols.first;
      memset(dst, zp, before);
      memcpy(dst + before, job.input + pixel_offset(s.input, n, ih, iw), inside);
      memset(dst + before + inside, zp, row_bytes - before - inside);
      continue;
    }
    for (int32_t j = 0; j < s.filter.w; ++j) {
      int8_t* tap = dst + static_cast<ptrdiff_t>(j) * cg;
      if (j < cols.first || j > cols.last) {
        memset(tap, zp, static_cast<size_t>(cg));
      } else {
        const int32_t iw = iw0 + j * s.dilation.w;
        memcpy(tap, job.input + pixel_offset(s.input, n, ih, iw) + first_channel,
               static_cast<size_t>(cg));
      }
    }
  }
}

}  // namespace

int32_t conv_im2col_gemm_scratch(const ConvShape& shape) {
  const int64_t k = window_length(shape);
  return static_cast<int32_t>(window_rows_per_block(k) * k);
}

void conv_im2col_gemm(const ConvJob& job, int8_t* scratch) {
  const ConvShape& s = job.shape;
  const int32_t k = static_cast<int32_t>(window_length(s));
  const int32_t out_per_group = s.output.c / s.groups;
  const int32_t capacity = window_rows_per_block(k);
  for (int32_t g = 0; g < s.groups; ++g) {
    const GemmJob gemm = {job.filter + static_cast<ptrdiff_t>(g) * out_per_group * k, k,
                          out_per_group, g * out_per_group, job.input_offset, &job.stage,
                          job.weight_sums};
    RowBatch batch(gemm, scratch, capacity);
    for (int32_t n = 0; n < s.output.n; ++n) {
      for (int32_t oh = 0; oh < s.output.h; ++oh) {
        const TapSpan rows =
            taps_inside(oh, s.stride.h, s.padding.h, s.dilation.h, s.filter.h, s.input.h);
        const int32_t ih0 = oh * s.stride.h - s.padding.h;
        for (int32_t ow = 0; ow < s.output.w; ++ow) {
          int8_t* out = job.output + pixel_offset(s.output, n, oh, ow) + gemm.first_channel;
          const TapSpan cols =
              taps_inside(ow, s.stride.w, s.padding.w, s.dilation.w, s.filter.w, s.input.w);
          if (rows.empty() || cols.empty()) {
            batch.add(NULL, out);
            continue;
          }
          int8_t* window = batch.slot();
          gather_window(job, n, g * s.filter.c, rows, cols, ih0,
                        ow * s.stride.w - s.padding.w, window);
          batch.add(window, out);
        }
      }
    }
    batch.flush();
  }
}

}  // namespace detail
}  // namespace tk
