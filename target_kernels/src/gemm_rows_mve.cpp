// Helium dense-conv inner loop: VMLADAVA multiplies 16 int8 pairs and adds them into a
// 32-bit scalar in one instruction, so each filter row is dotted with up to 4 activation rows
// 16 bytes at a time, the K tail predicated (masked lanes load as 0, never read memory).
//
// The input offset: (x + input_offset) does not fit int8, so the loop dots the raw int8
// values and adds input_offset * sum(w) once per output (with the bias), using
//   sum_i (x_i + o) * w_i = sum_i x_i * w_i + o * sum_i w_i,
// an identity over all K terms, so it holds for any row content; padding taps, stored as the
// zero point -o, still contribute (-o + o) * w = 0 as in the portable code. Every sum wraps
// modulo 2^32 (VMLADAVA and VADDVA do), so the result equals the portable code's, which is
// exact whenever the true accumulator fits int32.
#include "gemm_rows_mve.h"

#if TK_ISA_MVE

#include <arm_mve.h>

#include "requant_mve.h"

namespace tk {
namespace detail {
namespace {


// R activation rows x C filter rows; pointers advance with the loads (post-increment
// addressing). Writes the raw dot products to acc[r][j + c] and the weight sums (VADDVA) to
// weight_sum[j + c]; the store adds bias + input_offset * weight sum (add_starts).
template <int R, int C>
void dot_block(const int8_t* const* rows, const int8_t* weights, int32_t k, int32_t* weight_sum,
               uint32_t (*acc)[kRequantBlock], int32_t j) {
  const int8_t* x[R];
  const int8_t* w[C];
  for (int r = 0; r < R; ++r) x[r] = rows[r];
  for (int c = 0; c < C; ++c) w[c] = weights + static_cast<ptrdiff_t>(c) * k;
  int32_t dot[R][C];
  int32_t sum[C];
  for (int c = 0; c < C; ++c) {
    sum[c] = 0;
    for (int r = 0; r < R; ++r) dot[r][c] = 0;
  }
  for (int32_t steps = k >> 4; steps > 0; --steps) {
    int8x16_t xv[R];
    for (int r = 0; r < R; ++r) {
      xv[r] = vldrbq_s8(x[r]);
      x[r] += 16;
    }
    for (int c = 0; c < C; ++c) {
      const int8x16_t wv = vldrbq_s8(w[c]);
      w[c] += 16;
      sum[c] = vaddvaq_s8(sum[c], wv);
      for (int r = 0; r < R; ++r) dot[r][c] = vmladavaq_s8(dot[r][c], xv[r], wv);
    }
  }
  if ((k & 15) != 0) {
    const mve_pred16_t tail = vctp8q(static_cast<uint32_t>(k & 15));
    int8x16_t xv[R];
    for (int r = 0; r < R; ++r) xv[r] = vldrbq_z_s8(x[r], tail);
    for (int c = 0; c < C; ++c) {
      const int8x16_t wv = vldrbq_z_s8(w[c], tail);
      sum[c] = vaddvaq_s8(sum[c], wv);
      for (int r = 0; r < R; ++r) dot[r][c] = vmladavaq_s8(dot[r][c], xv[r], wv);
    }
  }
  for (int c = 0; c < C; ++c) {
    weight_sum[j + c] = sum[c];
    for (int r = 0; r < R; ++r) acc[r][j + c] = static_cast<uint32_t>(dot[r][c]);
  }
}

// Two activation rows x `pairs` pairs of filter rows (2 * pairs consecutive channels),
// written out with scalars: the 2 x 2 block's 4 accumulators, 2 weight sums and 4 pointers
// stay in registers (gcc 12 keeps an array-based template's on the stack for this shape).
// Raw dot products only (the store adds bias + input_offset * weight sum, a vector per four
// channels for all rows at once, cheaper than the scalar sums per pair). kSum: also sum the
// weights (VADDVA) into weight_sum, which a pass over the same filter rows with two other
// activation rows skips. Not inlined, so that the loops own the registers.
template <bool kSum>
__attribute__((noinline)) void dot_2x2_pairs(const int8_t* row0, const int8_t* row1,
                                             const int8_t* weights, int32_t k, int32_t pairs,
                                             int32_t* weight_sum, uint32_t* acc0,
                                             uint32_t* acc1) {
  const int32_t steps = k >> 4;
  for (int32_t pair = 0; pair < pairs; ++pair) {
    const int8_t* x0 = row0;
    const int8_t* x1 = row1;
    const int8_t* w0 = weights + static_cast<ptrdiff_t>(2 * pair) * k;
    const int8_t* w1 = w0 + k;
    int32_t d00 = 0, d01 = 0, d10 = 0, d11 = 0, s0 = 0, s1 = 0;
    for (int32_t step = steps; step > 0; --step) {
      const int8x16_t a = vldrbq_s8(x0);
      const int8x16_t b = vldrbq_s8(x1);
      const int8x16_t u = vldrbq_s8(w0);
      const int8x16_t v = vldrbq_s8(w1);
      x0 += 16;
      x1 += 16;
      w0 += 16;
      w1 += 16;
      if (kSum) {
        s0 = vaddvaq_s8(s0, u);
        s1 = vaddvaq_s8(s1, v);
      }
      d00 = vmladavaq_s8(d00, a, u);
      d01 = vmladavaq_s8(d01, a, v);
      d10 = vmladavaq_s8(d10, b, u);
      d11 = vmladavaq_s8(d11, b, v);
    }
    if ((k & 15) != 0) {
      // The four predicated loads (lanes past K read as zero, memory there untouched) under
      // one VPSTTTT: gcc 12 puts a VPST before each.
      int8x16_t a, b, u, v;
      __asm__("vpstttt\n\tvldrbt.8 %q0, [%5]\n\tvldrbt.8 %q1, [%6]\n\t"
              "vldrbt.8 %q2, [%7]\n\tvldrbt.8 %q3, [%8]"
              : "=w"(a), "=w"(b), "=w"(u), "=w"(v)
              : "Up"(vctp8q(static_cast<uint32_t>(k & 15))), "r"(x0), "r"(x1), "r"(w0), "r"(w1)
              : "memory");
      if (kSum) {
        s0 = vaddvaq_s8(s0, u);
        s1 = vaddvaq_s8(s1, v);
      }
      d00 = vmladavaq_s8(d00, a, u);
      d01 = vmladavaq_s8(d01, a, v);
      d10 = vmladavaq_s8(d10, b, u);
      d11 = vmladavaq_s8(d11, b, v);
    }
    if (kSum) {
      weight_sum[0] = s0;
      weight_sum[1] = s1;
      weight_sum += 2;
    }
    acc0[0] = static_cast<uint32_t>(d00);
    acc0[1] = static_cast<uint32_t>(d01);
    acc1[0] = static_cast<uint32_t>(d10);
    acc1[1] = static_cast<uint32_t>(d11);
    acc0 += 2;
    acc1 += 2;
  }
}

// Short windows (K <= 16 * kVectors, kVectors <= 4): the activation row stays in registers
// and the filter rows stream past it, one VMLADAVA per 16 bytes with nothing else to reload.
// start[j] = bias + input_offset * (sum of filter row j): kFirst computes it and stores it for
// the other rows, which read it; the sum comes from `sums` (computed once per convolution)
// when given, else from VADDVA here. kTail: K is not a multiple of 16, the last vector is
// predicated (lanes past K zero in x, and not loaded in w, which may end there).
template <int kVectors, bool kTail, bool kFirst, bool kSums = false>
__attribute__((noinline)) void dot_row_stationary(const int8_t* row, const int8_t* weights,
                                                  int32_t k, int32_t channels, int32_t offset,
                                                  const uint32_t* bias, uint32_t* start,
                                                  uint32_t* acc, const int32_t* sums = NULL) {
  const mve_pred16_t last = vctp8q(static_cast<uint32_t>(k - 16 * (kVectors - 1)));
  int8x16_t x[kVectors];
  for (int v = 0; v < kVectors - 1; ++v) x[v] = vldrbq_s8(row + 16 * v);
  x[kVectors - 1] = kTail ? vldrbq_z_s8(row + 16 * (kVectors - 1), last)
                          : vldrbq_s8(row + 16 * (kVectors - 1));
  const int8_t* w = weights;
  for (int32_t j = 0; j < channels; ++j) {
    int32_t d = kFirst ? 0 : static_cast<int32_t>(start[j]);
    int32_t sum = 0;
    for (int v = 0; v < kVectors; ++v) {
      const int8x16_t u = kTail && v == kVectors - 1 ? vldrbq_z_s8(w + 16 * v, last)
                                                     : vldrbq_s8(w + 16 * v);
      if (kFirst && !kSums) sum = vaddvaq_s8(sum, u);
      d = vmladavaq_s8(d, x[v], u);
    }
    if (kFirst && kSums) sum = sums[j];
    if (kFirst) {
      const uint32_t s = static_cast<uint32_t>(sum) * static_cast<uint32_t>(offset) + bias[j];
      start[j] = s;
      acc[j] = static_cast<uint32_t>(d) + s;
    } else {
      acc[j] = static_cast<uint32_t>(d);
    }
    w += k;
  }
}

template <int kVectors, bool kTail>
void accumulate_short(const GemmJob& job, const int8_t* const* rows, int32_t count, int32_t c0,
                      const int8_t* weights, int32_t channels, const uint32_t* bias,
                      uint32_t (*acc)[kRequantBlock]) {
  uint32_t start[kRequantBlock];
  if (job.weight_sums != NULL) {
    dot_row_stationary<kVectors, kTail, true, true>(rows[0], weights, job.k, channels,
                                                    job.input_offset, bias, start, acc[0],
                                                    job.weight_sums + job.first_channel + c0);
  } else {
    dot_row_stationary<kVectors, kTail, true>(rows[0], weights, job.k, channels,
                                              job.input_offset, bias, start, acc[0]);
  }
  for (int32_t r = 1; r < count; ++r)
    dot_row_stationary<kVectors, kTail, false>(rows[r], weights, job.k, channels,
                                               job.input_offset, bias, start, acc[r]);
}

template <int kVectors>
void accumulate_short(const GemmJob& job, const int8_t* const* rows, int32_t count, int32_t c0,
                      const int8_t* weights, int32_t channels, const uint32_t* bias,
                      uint32_t (*acc)[kRequantBlock]) {
  if ((job.k & 15) != 0)
    accumulate_short<kVectors, true>(job, rows, count, c0, weights, channels, bias, acc);
  else
    accumulate_short<kVectors, false>(job, rows, count, c0, weights, channels, bias, acc);
}

// Filter rows two at a time; four activation rows go as two pairs (a 4 x 2 block would not
// fit the registers: 8 accumulators and 6 pointers), the second pair reusing the weight sums
// of the first. An odd last channel and a single row take the 1-channel blocks.
// Raw dot products into acc, weight sums into sums (every call writes all `channels`).
// kSummed: the job brings the weight sums (computed once per convolution), so no pair sums.
template <int R>
void accumulate(const GemmJob& job, const int8_t* const* rows, int32_t c0, int32_t channels,
                int32_t* sums, uint32_t (*acc)[kRequantBlock]) {
  const int32_t k = job.k;
  const int8_t* weights = job.weights + static_cast<ptrdiff_t>(c0) * k;
  int32_t j = 0;
  if (R >= 2) {
    const int32_t pairs = channels / 2;
    if (job.weight_sums != NULL)
      dot_2x2_pairs<false>(rows[0], rows[1], weights, k, pairs, sums, acc[0], acc[1]);
    else
      dot_2x2_pairs<true>(rows[0], rows[1], weights, k, pairs, sums, acc[0], acc[1]);
    if (R == 4)
      dot_2x2_pairs<false>(rows[2], rows[3], weights, k, pairs, sums, acc[2], acc[3]);
    j = 2 * pairs;
  }
  for (; j < channels; ++j)
    dot_block<R, 1>(rows, weights + static_cast<ptrdiff_t>(j) * k, k, sums, acc, j);
}

// acc[r][c] += bias[c] + input_offset * sums[c] for every row, four channels per vector
// (modulo 2^32, as everywhere): the offset term of accumulate's raw dot products.
void add_starts(const uint32_t* bias, const int32_t* sums, int32_t input_offset,
                uint32_t (*acc)[kRequantBlock], int32_t rows, int32_t count) {
  const uint32_t o = static_cast<uint32_t>(input_offset);
  for (int32_t c = 0; c < count; c += 4) {
    const mve_pred16_t p = vctp32q(static_cast<uint32_t>(count - c));
    const uint32x4_t start =
        vmlaq_n_u32(vldrwq_z_u32(bias + c, p),
                    vreinterpretq_u32_s32(vldrwq_z_s32(sums + c, p)), o);
    for (int32_t r = 0; r < rows; ++r)
      vstrwq_p_u32(acc[r] + c, vaddq_u32(vldrwq_z_u32(acc[r] + c, p), start), p);
  }
}

}  // namespace

const int32_t* compute_weight_sums(const int8_t* filter, int32_t k, int32_t channels, int8_t* at) {
  int32_t* sums = reinterpret_cast<int32_t*>((reinterpret_cast<uintptr_t>(at) + 3) & ~uintptr_t{3});
  const mve_pred16_t tail = vctp8q(static_cast<uint32_t>(k & 15));
  for (int32_t c = 0; c < channels; ++c) {
    const int8_t* w = filter + static_cast<ptrdiff_t>(c) * k;
    int32_t sum = 0;
    for (int32_t steps = k >> 4; steps > 0; --steps) {
      sum = vaddvaq_s8(sum, vldrbq_s8(w));
      w += 16;
    }
    if ((k & 15) != 0) sum = vaddvaq_s8(sum, vldrbq_z_s8(w, tail));
    sums[c] = sum;
  }
  return sums;
}

// store_requantized for several rows of the same channels: each vector of channel terms is
// loaded once and applied to every row.
void store_requantized_rows(const RequantTable& table, const OutputStage& st,
                            const uint32_t (*acc)[kRequantBlock], int32_t rows, int8_t* const* outs,
                            int32_t c0, int32_t count) {
  const int32x4_t offset = vdupq_n_s32(st.output_offset);
  const int32x4_t lo = vdupq_n_s32(st.activation_min);
  const int32x4_t hi = vdupq_n_s32(st.activation_max);
  for (int32_t c = 0; c < count; c += 4) {
    const mve_pred16_t p = vctp32q(static_cast<uint32_t>(count - c));
    const int32x4_t left = vreinterpretq_s32_u32(vldrwq_z_u32(table.left_scale + c, p));
    const int32x4_t multiplier = vreinterpretq_s32_u32(vldrwq_z_u32(table.multiplier + c, p));
    const int32x4_t neg_right = vldrwq_z_s32(table.neg_right + c, p);
#if defined(TK_SINGLE_ROUNDING) && TK_SINGLE_ROUNDING
    const int32x4_t round_bit =
        vreinterpretq_s32_u32(vshrq_n_u32(vldrwq_z_u32(table.round + c, p), 30));
#else
    const int32x4_t round_bit = vdupq_n_s32(0);
#endif
    for (int32_t r = 0; r < rows; ++r) {
      const int32x4_t a = vreinterpretq_s32_u32(vldrwq_z_u32(acc[r] + c, p));
      const int32x4_t y = mve::finish_lanes(
          mve::requantize_lanes(a, left, multiplier, neg_right, round_bit), offset, lo, hi);
      vstrbq_p_s32(outs[r] + c0 + c, y, p);
    }
  }
}

void gemm_rows_mve(const GemmJob& job, const int8_t* const* rows, int8_t* const* outs,
                   int32_t count) {
  const int8_t* live_rows[kGemmMaxRows];
  int8_t* live_outs[kGemmMaxRows];
  const int32_t live = gather_live_rows(rows, outs, count, live_rows, live_outs);
  const OutputStage& st = *job.stage;
  RequantTable table;
  uint32_t bias[kRequantBlock];
  uint32_t acc[kGemmMaxRows][kRequantBlock];
  for (int32_t c0 = 0; c0 < job.channels; c0 += kRequantBlock) {
    const int32_t n = job.channels - c0 < kRequantBlock ? job.channels - c0 : kRequantBlock;
    fill_requant_table(st, job.first_channel + c0, n, table);
    init_with_bias(st.bias, job.first_channel + c0, n, bias);
    // Windows entirely in the padding: the output is the requantized bias.
    for (int32_t r = 0; r < count; ++r) {
      if (rows[r] == NULL) store_requantized(table, st, bias, n, outs[r] + c0);
    }
    // The accumulators start from the bias (added with the input-offset term).
    if (job.k <= 64 && live > 1) {
      const int8_t* weights = job.weights + static_cast<ptrdiff_t>(c0) * job.k;
      switch ((job.k + 15) >> 4) {
        case 1: accumulate_short<1>(job, live_rows, live, c0, weights, n, bias, acc); break;
        case 2: accumulate_short<2>(job, live_rows, live, c0, weights, n, bias, acc); break;
        case 3: accumulate_short<3>(job, live_rows, live, c0, weights, n, bias, acc); break;
        default: accumulate_short<4>(job, live_rows, live, c0, weights, n, bias, acc); break;
      }
      store_requantized_rows(table, st, acc, live, live_outs, c0, n);
      continue;
    }
    int32_t sums[kRequantBlock];
    int32_t r = 0;
    for (; r + 4 <= live; r += 4) accumulate<4>(job, live_rows + r, c0, n, sums, acc + r);
    for (; r + 2 <= live; r += 2) accumulate<2>(job, live_rows + r, c0, n, sums, acc + r);
    for (; r < live; ++r) accumulate<1>(job, live_rows + r, c0, n, sums, acc + r);
    const int32_t* weight_sums =
        job.weight_sums != NULL ? job.weight_sums + job.first_channel + c0 : sums;
    if (live > 0) add_starts(bias, weight_sums, job.input_offset, acc, live, n);
    store_requantized_rows(table, st, acc, live, live_outs, c0, n);
  }
}

}  // namespace detail
}  // namespace tk

#endif  // TK_ISA_MVE
