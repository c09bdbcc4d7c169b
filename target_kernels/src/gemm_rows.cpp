// Row x filter blocks: 4 rows x 4 output channels per inner loop (16 accumulators sharing 8
// loads per step), narrower blocks at the tails. The loops are written so that compilers
// vectorize the K loop (widening multiply-add of int16 by int8 into int32).
#include "gemm_rows.h"

#include "gemm_rows_dsp.h"
#include "gemm_rows_mve.h"
#include "isa.h"
#include "requant_block.h"

namespace tk {
namespace detail {
namespace {

// |(x + input_offset) * w| <= 255 * 128 < 2^15, so an int32 partial sum of this many terms
// cannot overflow; the chunks are combined modulo 2^32, exact whenever the total fits int32.
constexpr int32_t kSumChunk = 32768;

// Output channels accumulated before one pass of the output stage.
constexpr int32_t kChannelChunk = kRequantBlock;

template <int R, int C>
inline void dot_block(const int8_t* const* rows, const int8_t* weights, int32_t k,
                      int32_t input_offset, uint32_t (&sums)[R][C]) {
  const int8_t* x[R];
  const int8_t* w[C];
  for (int r = 0; r < R; ++r) x[r] = rows[r];
  for (int c = 0; c < C; ++c) w[c] = weights + static_cast<ptrdiff_t>(c) * k;
  for (int r = 0; r < R; ++r)
    for (int c = 0; c < C; ++c) sums[r][c] = 0;
  const int16_t offset = static_cast<int16_t>(input_offset);
  for (int32_t begin = 0; begin < k; begin += kSumChunk) {
    const int32_t end = k - begin > kSumChunk ? begin + kSumChunk : k;
    int32_t s[R][C] = {};
    for (int32_t i = begin; i < end; ++i) {
      for (int r = 0; r < R; ++r) {
        const int16_t xv = static_cast<int16_t>(x[r][i] + offset);
        for (int c = 0; c < C; ++c) s[r][c] += static_cast<int32_t>(xv) * w[c][i];
      }
    }
    for (int r = 0; r < R; ++r)
      for (int c = 0; c < C; ++c) sums[r][c] += static_cast<uint32_t>(s[r][c]);
  }
}

// acc[r][j] = dot(row r, filter row of channel c0 + j) for r < R, j < channels.
template <int R>
void accumulate_chunk(const GemmJob& job, const int8_t* const* rows, int32_t c0, int32_t channels,
                      uint32_t (*acc)[kChannelChunk]) {
  const int32_t k = job.k;
  int32_t j = 0;
  for (; j + 4 <= channels; j += 4) {
    uint32_t sums[R][4];
    dot_block<R, 4>(rows, job.weights + static_cast<ptrdiff_t>(c0 + j) * k, k, job.input_offset,
                    sums);
    for (int r = 0; r < R; ++r)
      for (int c = 0; c < 4; ++c) acc[r][j + c] = sums[r][c];
  }
  for (; j < channels; ++j) {
    uint32_t sums[R][1];
    dot_block<R, 1>(rows, job.weights + static_cast<ptrdiff_t>(c0 + j) * k, k, job.input_offset,
                    sums);
    for (int r = 0; r < R; ++r) acc[r][j] = sums[r][0];
  }
}

}  // namespace

void gemm_rows(const GemmJob& job, const int8_t* const* rows, int8_t* const* outs, int32_t count) {
#if TK_ISA_MVE
  gemm_rows_mve(job, rows, outs, count);
#elif TK_ISA_DSP
  gemm_rows_dsp(job, rows, outs, count);
#else
  const int8_t* live_rows[kGemmMaxRows];
  int8_t* live_outs[kGemmMaxRows];
  const int32_t live = gather_live_rows(rows, outs, count, live_rows, live_outs);
  const OutputStage& st = *job.stage;
  RequantTable table;
  uint32_t bias[kChannelChunk];
  uint32_t acc[kGemmMaxRows][kChannelChunk];
  for (int32_t c0 = 0; c0 < job.channels; c0 += kChannelChunk) {
    const int32_t n = job.channels - c0 < kChannelChunk ? job.channels - c0 : kChannelChunk;
    fill_requant_table(st, job.first_channel + c0, n, table);
    init_with_bias(st.bias, job.first_channel + c0, n, bias);
    // Windows entirely in the padding: the output is the requantized bias.
    for (int32_t r = 0; r < count; ++r) {
      if (rows[r] == NULL) store_requantized(table, st, bias, n, outs[r] + c0);
    }
    if (live == kGemmMaxRows) {
      accumulate_chunk<kGemmMaxRows>(job, live_rows, c0, n, acc);
    } else {
      for (int32_t r = 0; r < live; ++r) {
        accumulate_chunk<1>(job, &live_rows[r], c0, n, &acc[r]);
      }
    }
    for (int32_t r = 0; r < live; ++r) {
      for (int32_t j = 0; j < n; ++j) acc[r][j] += bias[j];
      store_requantized(table, st, acc[r], n, live_outs[r] + c0);
    }
  }
#endif
}

}  // namespace detail
}  // namespace tk
