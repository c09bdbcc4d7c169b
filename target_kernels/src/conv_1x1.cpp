// 1x1 convolution, any stride (groups 1): each output pixel's window is the C channels of one
// input pixel, already contiguous in NHWC, so rows point straight into the input and no
// scratch is needed. Output pixels that land in the padding get the requantized bias.
#include "gemm_rows.h"
#include "paths.h"

namespace tk {
namespace detail {

void conv_1x1(const ConvJob& job) {
  const ConvShape& s = job.shape;
  const GemmJob gemm = {job.filter, s.input.c, s.output.c, 0, job.input_offset, &job.stage,
                        job.weight_sums};
  RowBatch batch(gemm, NULL, kGemmMaxRows);
  for (int32_t n = 0; n < s.output.n; ++n) {
    for (int32_t oh = 0; oh < s.output.h; ++oh) {
      const int32_t ih = oh * s.stride.h - s.padding.h;
      const bool row_inside = ih >= 0 && ih < s.input.h;
      for (int32_t ow = 0; ow < s.output.w; ++ow) {
        const int32_t iw = ow * s.stride.w - s.padding.w;
        const int8_t* row = NULL;
        if (row_inside && iw >= 0 && iw < s.input.w)
          row = job.input + pixel_offset(s.input, n, ih, iw);
        batch.add(row, job.output + pixel_offset(s.output, n, oh, ow));
      }
    }
  }
  batch.flush();
}

}  // namespace detail
}  // namespace tk
