// The engine every dense conv path ends in: a few activation rows (each K contiguous int8
// values, the window of one output pixel) times the OHWI filter rows of a run of output
// channels, then the output stage.
//
// Rows hold raw int8 inputs; the input offset is added inside the inner loop, so a padding
// tap stored as the input zero point contributes exactly 0 and no weight sums are needed.
#pragma once

#include <stdint.h>

#include "isa.h"
#include "job.h"

namespace tk {
namespace detail {

// Most rows one gemm_rows call takes; the paths that materialize windows need this many
// K-byte slots of scratch.
constexpr int32_t kGemmMaxRows = 4;

struct GemmJob {
  const int8_t* weights;   // filter row of channel first_channel; rows are k bytes apart
  int32_t k;               // window length (kh * kw * in_channels_per_group)
  int32_t channels;        // output channels computed (filter rows used)
  int32_t first_channel;   // index into bias / multiplier / shift of the first one
  int32_t input_offset;
  const OutputStage* stage;
  const int32_t* weight_sums;  // ConvJob::weight_sums (indexed by channel), or NULL
};

// Scratch bytes the dense engine wants after a path's own `own` bytes: on Helium, each output
// channel's filter-row sum (for the input-offset term), computed once per convolution instead
// of once per block of rows: 4 * channels bytes, plus 3 to align them. Only worth it over more
// than two blocks of rows (`pixels` output pixels per group): a separate pass over the filter
// costs about what summing inside two blocks' first pass does. 0 on the other engines, and
// when the total would not fit int32 (the Helium engine then sums per block, as before).
inline int32_t weight_sums_scratch(int32_t own, const ConvShape& shape) {
#if TK_ISA_MVE
  const int64_t pixels = static_cast<int64_t>(shape.output.n) * shape.output.h * shape.output.w;
  if (pixels <= 2 * kGemmMaxRows) return 0;
  const int64_t bytes = 4 * static_cast<int64_t>(shape.output.c) + 3;
  return own + bytes <= INT32_MAX ? static_cast<int32_t>(bytes) : 0;
#else
  (void)own;
  (void)shape;
  return 0;
#endif
}

#if TK_ISA_MVE
// The sums of `channels` filter rows of k bytes each, written 4-byte aligned at or after `at`
// (weight_sums_scratch bytes); returns where they start.
const int32_t* compute_weight_sums(const int8_t* filter, int32_t k, int32_t channels, int8_t* at);
#endif

// For r < count: outs[r][j] = output stage of (bias[first + j] + sum_i w[j][i] * (rows[r][i] +
// input_offset)), j < channels. rows[r] == NULL means the window lies entirely in the padding
// (the output is the requantized bias).
void gemm_rows(const GemmJob& job, const int8_t* const* rows, int8_t* const* outs, int32_t count);

// Copies the rows that hold a window (rows[r] != NULL) and their outputs, in order, into
// live_rows / live_outs and returns how many there are. The other rows lie entirely in the
// padding; every engine (portable, DSP, Helium) gives them the requantized bias instead.
inline int32_t gather_live_rows(const int8_t* const* rows, int8_t* const* outs, int32_t count,
                                const int8_t** live_rows, int8_t** live_outs) {
  int32_t live = 0;
  for (int32_t r = 0; r < count; ++r) {
    if (rows[r] != NULL) {
      live_rows[live] = rows[r];
      live_outs[live] = outs[r];
      ++live;
    }
  }
  return live;
}

// Rows of K bytes per block such that the scratch (rows * K bytes) stays representable as
// int32 (K itself is at most INT32_MAX, the filter's element count). No 64-bit division, so
// no runtime helper is needed on 32-bit targets.
inline int32_t window_rows_per_block(int64_t k) {
  static_assert(kGemmMaxRows == 4, "the thresholds below assume blocks of 4 rows");
  if (k <= INT32_MAX / 4) return 4;
  if (k <= INT32_MAX / 2) return 2;
  return 1;
}

// Collects rows until a block is full, then runs gemm_rows on them. A path that materializes
// a window writes it into slot(), the scratch slot belonging to the next row added.
class RowBatch {
 public:
  RowBatch(const GemmJob& job, int8_t* slots, int32_t capacity)
      : job_(job), slots_(slots), capacity_(capacity) {}
  RowBatch(const RowBatch&) = delete;
  RowBatch& operator=(const RowBatch&) = delete;

  int8_t* slot() const { return slots_ + static_cast<ptrdiff_t>(count_) * job_.k; }

  void add(const int8_t* row, int8_t* out) {
    rows_[count_] = row;
    outs_[count_] = out;
    if (++count_ == capacity_) flush();
  }

  void flush() {
    if (count_ > 0) gemm_rows(job_, rows_, outs_, count_);
    count_ = 0;
  }

 private:
  const GemmJob& job_;
  int8_t* slots_;
  int32_t capacity_;
  int32_t count_ = 0;
  const int8_t* rows_[kGemmMaxRows] = {};
  int8_t* outs_[kGemmMaxRows] = {};
};

}  // namespace detail
}  // namespace tk
