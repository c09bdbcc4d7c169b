// Generic convolution: any groups, dilation, stride, padding, batch. For each group and each
// output pixel the window (kh x kw taps of the group's in_channels / groups channels) is
// gathered into a scratch slot in OHWI order, padding taps set to the input zero point, and a
// block of such rows goes through gemm_rows against the group's filter rows.
#include <string.h>

#include "geometry.h"
#include "gemm_rows.h"
#include "paths.h"
#include "window_copy_mve.h"

namespace tk {
namespace detail {
namespace {

// The gather's byte moves. On Helium, inline vector loops (window_copy_mve.h): the spans are
// one kernel row or one tap, too short for a call to memcpy / memset to pay for itself.
#if TK_ISA_MVE
inline void fill_zero_point(int8_t* dst, int8_t zp, size_t n) {
  mve::fill_bytes(dst, vdupq_n_s8(zp), static_cast<int32_t>(n));
}
inline void copy_taps(int8_t* dst, const int8_t* src, size_t n) {
  mve::copy_bytes(dst, src, static_cast<int32_t>(n));
}
// A window whose taps are all inside the input, with groups 1 and dilation.w 1: `runs` kernel
// rows, each `run` contiguous input bytes, `step` bytes apart in the input. Most windows are
// such; done here without gather_window's per-row clipping, which costs more than the copy.
inline void gather_inside(const int8_t* src, ptrdiff_t step, int32_t run, int32_t runs,
                          int8_t* window) {
  for (int32_t i = 0; i < runs; ++i) {
    mve::copy_bytes(window, src, run);
    window += run;
    src += step;
  }
}
#else
inline void fill_zero_point(int8_t* dst, int8_t zp, size_t n) { memset(dst, zp, n); }
inline void copy_taps(int8_t* dst, const int8_t* src, size_t n) { memcpy(dst, src, n); }
#endif

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
      fill_zero_point(dst, zp, row_bytes);
      continue;
    }
    const int32_t ih = ih0 + i * s.dilation.h;
    if (contiguous_cols) {
      // Taps cols.first..cols.last are adjacent pixels: one copy, zero point around it.
      const size_t before = static_cast<size_t>(cols.first) * cg;
      const size_t inside = static_cast<size_t>(cols.last - cols.first + 1) * cg;
      const int32_t iw = iw0 + cols.first;
      fill_zero_point(dst, zp, before);
      copy_taps(dst + before, job.input + pixel_offset(s.input, n, ih, iw), inside);
      fill_zero_point(dst + before + inside, zp, row_bytes - before - inside);
      continue;
    }
    for (int32_t j = 0; j < s.filter.w; ++j) {
      int8_t* tap = dst + static_cast<ptrdiff_t>(j) * cg;
      if (j < cols.first || j > cols.last) {
        fill_zero_point(tap, zp, static_cast<size_t>(cg));
      } else {
        const int32_t iw = iw0 + j * s.dilation.w;
        copy_taps(tap, job.input + pixel_offset(s.input, n, ih, iw) + first_channel,
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
#if TK_ISA_MVE
  const bool rows_contiguous = s.groups == 1 && s.dilation.w == 1;
  const int32_t run = s.filter.w * s.filter.c;
  const ptrdiff_t run_step = static_cast<ptrdiff_t>(s.dilation.h) * s.input.w * s.input.c;
#endif
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
#if TK_ISA_MVE
          if (rows_contiguous && rows.first == 0 && rows.last == s.filter.h - 1 &&
              cols.first == 0 && cols.last == s.filter.w - 1) {
            const int32_t iw0 = ow * s.stride.w - s.padding.w;
            gather_inside(job.input + pixel_offset(s.input, n, ih0, iw0), run_step, run,
                          s.filter.h, window);
            batch.add(window, out);
            continue;
          }
#endif
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
