// The reference checked against hand-worked vectors and independent arithmetic. If the
// reference is wrong every differential verdict is wrong, so these run with the
// conformance label too.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "ref/conv.h"
#include "ref/layout.h"
#include "ref/quant.h"

namespace {

using ref::Rounding;

TEST(QuantizeMultiplier, PowersOfTwo) {
  EXPECT_EQ(ref::quantize_multiplier(0.5).multiplier, 1 << 30);
  EXPECT_EQ(ref::quantize_multiplier(0.5).shift, 0);
  EXPECT_EQ(ref::quantize_multiplier(1.0).shift, 1);
  EXPECT_EQ(ref::quantize_multiplier(0.25).shift, -1);
  EXPECT_EQ(ref::quantize_multiplier(0.0).multiplier, 0);
}

TEST(QuantizeMultiplier, RenormalizesWhenRoundingReaches2To31) {
  // Just below 1.0: q * 2^31 = 2147483647.75 rounds to 2^31, which becomes 2^30 with shift + 1.
  const auto q = ref::quantize_multiplier(std::nextafter(1.0, 0.0));
  EXPECT_EQ(q.multiplier, 1 << 30);
  EXPECT_EQ(q.shift, 1);
}

TEST(QuantizeMultiplier, RoundsHalfAwayFromZeroLikeTflite) {
  // 0.5 + 2^-32: q * 2^31 = 2^30 + 0.5 exactly; TFLite rounds away (ExecuTorch's Python
  // round-half-even would give 2^30).
  EXPECT_EQ(ref::quantize_multiplier(0.5 + std::ldexp(1.0, -32)).multiplier, (1 << 30) + 1);
}

TEST(QuantizeMultiplier, FlushesShiftsBelowMinus31ToZero) {
  EXPECT_EQ(ref::quantize_multiplier(std::ldexp(1.0, -32)).multiplier, 1 << 30);  // 0.5 * 2^-31
  EXPECT_EQ(ref::quantize_multiplier(std::ldexp(1.0, -32)).shift, -31);
  EXPECT_EQ(ref::quantize_multiplier(std::ldexp(1.0, -33)).multiplier, 0);  // 0.5 * 2^-32
  EXPECT_EQ(ref::quantize_multiplier(std::ldexp(1.0, -33)).shift, 0);
}

TEST(QuantizeMultiplier, RefusesWhatHasNoMultiplier) {
  EXPECT_THROW(ref::quantize_multiplier(-0.5), std::domain_error);
  EXPECT_THROW(ref::quantize_multiplier(std::ldexp(1.0, 31)), std::domain_error);
  EXPECT_THROW(ref::quantize_multiplier(std::nan("")), std::domain_error);
}

TEST(QuantizeMultiplier, RoundTripsThroughTheScale) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> exponent(-30.0, 10.0);
  for (int i = 0; i < 1000; ++i) {
    const double scale = std::pow(2.0, exponent(rng));
    const auto q = ref::quantize_multiplier(scale);
    ASSERT_GE(q.multiplier, 1 << 30);
    EXPECT_NEAR(ref::multiplier_to_scale(q.multiplier, q.shift) / scale, 1.0, std::ldexp(1.0, -30));
  }
}

// 127 * 2^-8 = 0.496: the first rounding (to 2^-7 steps) lands on 64/128 = 0.5 exactly,
// and the second rounds that half away from zero: double rounding gives 1 where the true
// value rounds to 0.
TEST(Requantize, DoubleRoundingIsNotOneRounding) {
  const int32_t m = 1 << 30, shift = -7;  // scale 2^-8
  EXPECT_EQ(ref::requantize_double_rounding(127, m, shift), 1);
  EXPECT_EQ(ref::requantize_single_rounding(127, m, shift), 0);
  EXPECT_EQ(ref::requantize_float(127, ref::float_scale(m, shift)), 0);
  // The first rounding is half up, not symmetric: -63.5 becomes -63, and -63/128 rounds to 0.
  EXPECT_EQ(ref::requantize_double_rounding(-127, m, shift), 0);
  EXPECT_EQ(ref::requantize_double_rounding(-129, m, shift), -1);
  EXPECT_EQ(ref::requantize_single_rounding(-127, m, shift), 0);
}

struct TieCase {
  int64_t acc;
  int32_t shift;  // multiplier is 2^30, so scale = 2^(shift - 1)
  int64_t double_rounding, single_rounding, float_rounding;
};

// Exact ties worked by hand. Double: high multiply rounds half up, the 2^R division half
// away from zero. Single: one half-up rounding. Float: half to even.
TEST(Requantize, ExactTiesInEveryMode) {
  const TieCase cases[] = {
      {3, 0, 2, 2, 2},      //  1.5
      {5, 0, 3, 3, 2},      //  2.5: float goes to even
      {-3, 0, -1, -1, -2},  // -1.5: half up in the high multiply, even in float
      {-5, 0, -2, -2, -2},  // -2.5
      {6, -1, 2, 2, 2},     //  1.5 with R = 1
      {-6, -1, -2, -1, -2}, // -1.5 with R = 1: away from zero vs half up
      {10, -1, 3, 3, 2},    //  2.5 with R = 1
      {-10, -1, -3, -2, -2},
  };
  for (const TieCase& t : cases) {
    SCOPED_TRACE("acc " + std::to_string(t.acc) + " shift " + std::to_string(t.shift));
    EXPECT_EQ(ref::requantize_double_rounding(t.acc, 1 << 30, t.shift), t.double_rounding);
    EXPECT_EQ(ref::requantize_single_rounding(t.acc, 1 << 30, t.shift), t.single_rounding);
    EXPECT_EQ(ref::requantize_float(t.acc, ref::float_scale(1 << 30, t.shift)), t.float_rounding);
    EXPECT_TRUE(ref::is_near_tie(t.acc, 1 << 30, t.shift));
  }
}

TEST(Requantize, PositiveShiftsMultiplyFirst) {
  // scale = 2^30 * 2^(3 - 31) = 4: 1000 -> 4000 in every mode.
  for (Rounding r : {Rounding::double_rounding, Rounding::single_rounding, Rounding::float_half_even}) {
    EXPECT_EQ(ref::requantize(1000, 1 << 30, 3, r), 4000);
  }
}

TEST(Requantize, AgreesWithExactRationalRoundingAwayFromTies) {
  // Independent arithmetic: long double product, rounded, wherever it is not near a tie.
  std::mt19937_64 rng(11);
  std::uniform_int_distribution<int64_t> acc_dist(-(int64_t{1} << 24), int64_t{1} << 24);
  std::uniform_int_distribution<int32_t> mult_dist(1 << 30, std::numeric_limits<int32_t>::max());
  std::uniform_int_distribution<int32_t> shift_dist(-31, 0);
  int compared = 0;
  for (int i = 0; i < 20000; ++i) {
    const int64_t acc = acc_dist(rng);
    const int32_t m = mult_dist(rng), s = shift_dist(rng);
    if (ref::is_near_tie(acc, m, s)) continue;
    const long double exact = static_cast<long double>(acc) * m * std::pow(2.0L, s - 31);
    const auto rounded = static_cast<int64_t>(std::llround(exact));
    ASSERT_EQ(ref::requantize_double_rounding(acc, m, s), rounded) << acc << " " << m << " " << s;
    ASSERT_EQ(ref::requantize_single_rounding(acc, m, s), rounded) << acc << " " << m << " " << s;
    ++compared;
  }
  EXPECT_GT(compared, 15000);  // the near-tie window also covers float error on large products
}

TEST(Requantize, DomainOfTheInt32Kernels) {
  EXPECT_TRUE(ref::requantize_in_domain(int64_t{1} << 29, 1 << 30, 1, Rounding::double_rounding));
  EXPECT_FALSE(ref::requantize_in_domain(int64_t{1} << 30, 1 << 30, 1, Rounding::double_rounding));
  EXPECT_FALSE(ref::requantize_in_domain(int64_t{1} << 31, 1 << 30, -5, Rounding::double_rounding));
  EXPECT_FALSE(ref::requantize_in_domain(100, 1 << 30, 31, Rounding::double_rounding));
  // Single rounding keeps acc * M / 2^(30 - shift) in int32: 2^29 * 2^30 / 2^29 = 2^30 fits.
  EXPECT_TRUE(ref::requantize_in_domain(int64_t{1} << 29, 1 << 30, 1, Rounding::single_rounding));
  EXPECT_FALSE(ref::requantize_in_domain(int64_t{1} << 30, 1 << 30, 1, Rounding::single_rounding));
}

TEST(Quantize, RoundsHalfToEvenAndClamps) {
  EXPECT_EQ(ref::quantize(0.5f, 1.0f, 0), 0);
  EXPECT_EQ(ref::quantize(1.5f, 1.0f, 0), 2);
  EXPECT_EQ(ref::quantize(-2.5f, 1.0f, 0), -2);
  EXPECT_EQ(ref::quantize(1000.0f, 1.0f, 0), 127);
  EXPECT_EQ(ref::quantize(-1000.0f, 1.0f, 0), -128);
  EXPECT_EQ(ref::quantize(0.0f, 0.1f, -128), -128);
  EXPECT_EQ(ref::quantize(0.25f, 0.125f, 3), 5);
  EXPECT_FLOAT_EQ(ref::dequantize(-128, 0.5f, -128), 0.0f);
  EXPECT_FLOAT_EQ(ref::dequantize(5, 0.125f, 3), 0.25f);
}

TEST(Quantize, PerChannelUsesTheChannelsOwnParameters) {
  ref::Tensor<float> x({2, 3}, {}, {1.0f, 2.0f, 3.0f, -1.0f, -2.0f, -3.0f});
  const auto q = ref::quantize_per_channel(x, {1.0f, 0.5f}, {0, 10}, 0);
  EXPECT_EQ(q.data(), (std::vector<int8_t>{1, 2, 3, 8, 6, 4}));
  const auto back = ref::dequantize_per_channel(q, {1.0f, 0.5f}, {0, 10}, 0);
  EXPECT_EQ(back.data(), x.data());
  EXPECT_THROW(ref::quantize_per_channel(x, {1.0f}, {0}, 0), std::invalid_argument);
}

TEST(ActivationRange, TailsAsInt8Ranges) {
  using T = ref::ActivationTail;
  auto range = [](T t, float s, int32_t zp, float lo = -1.0f, float hi = 1.0f) {
    const auto r = ref::activation_range(t, s, zp, lo, hi);
    return std::make_pair(r.min, r.max);
  };
  EXPECT_EQ(range(T::none, 0.1f, 3), std::make_pair(-128, 127));
  EXPECT_EQ(range(T::relu, 0.1f, -5), std::make_pair(-5, 127));
  EXPECT_EQ(range(T::relu6, 0.05f, -128), std::make_pair(-128, -8));       // 6 / 0.05 = 120 steps
  EXPECT_EQ(range(T::hardtanh, 1.0f / 64, 0), std::make_pair(-64, 64));
  EXPECT_EQ(range(T::hardsigmoid, 1.0f / 256, -128), std::make_pair(-128, 127));  // 1.0 is 256 steps: clamps
  EXPECT_EQ(range(T::hardsigmoid, 1.0f / 128, -128), std::make_pair(-128, 0));
  EXPECT_EQ(range(T::clamp, 0.5f, 0, -2.0f, 3.0f), std::make_pair(-4, 6));
  EXPECT_THROW(range(T::clamp, 0.5f, 0, 3.0f, -2.0f), std::invalid_argument);
}

TEST(ConvOutputSize, Formula) {
  EXPECT_EQ(ref::conv_output_size(5, 1, 1, 3, 1, 1), 5);
  EXPECT_EQ(ref::conv_output_size(128, 23, 23, 48, 2, 1), 64);  // S2
  EXPECT_EQ(ref::conv_output_size(7, 0, 0, 3, 2, 2), 2);  // extent 5
  EXPECT_EQ(ref::conv_output_size(1, 0, 0, 1, 4, 1), 1);
  EXPECT_THROW(ref::conv_output_size(2, 0, 0, 3, 1, 1), std::invalid_argument);
  EXPECT_THROW(ref::conv_output_size(5, 0, 0, 3, 0, 1), std::invalid_argument);
}

TEST(Conv2dInt8, HandWorkedVector) {
  // input 1..9 in a 3x3 image, weight [[1, 2], [3, 4]], input offset 0:
  // out[0][0] = 1 + 2*2 + 3*4 + 4*5 = 37, then 47, 67, 77.
  ref::Tensor<int8_t> input({1, 1, 3, 3}, {}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
  ref::Tensor<int8_t> weight({1, 1, 2, 2}, {}, {1, 2, 3, 4});
  const auto acc = ref::conv2d_accumulators(input, weight, nullptr, {}, 0);
  EXPECT_EQ(acc.data(), (std::vector<int64_t>{37, 47, 67, 77}));
  // With input_offset 1 every tap adds its weight: +10 each; a bias of -7 on top.
  const std::vector<int32_t> bias{-7};
  EXPECT_EQ(ref::conv2d_accumulators(input, weight, &bias, {}, 1).data(), (std::vector<int64_t>{40, 50, 70, 80}));
  // Top/left padding 1, stride 2: output 2x2 reading (-1,-1), (-1,1), (1,-1), (1,1) windows.
  ref::ConvGeometry g;
  g.pad_top = g.pad_left = 1;
  g.stride_h = g.stride_w = 2;
  EXPECT_EQ(ref::conv2d_accumulators(input, weight, nullptr, g, 0).data(),
            (std::vector<int64_t>{4 * 1, 3 * 2 + 4 * 3, 2 * 4 + 4 * 7, 1 * 5 + 2 * 6 + 3 * 8 + 4 * 9}));
}

// Scatter formulation: every input element, through every tap, lands on the output that
// sees it. An independent derivation of the gather loop nest in the reference.
std::vector<int64_t> scatter_conv(const ref::Tensor<int8_t>& x, const ref::Tensor<int8_t>& w, const ref::ConvGeometry& g,
                                  int32_t offset, const ref::Shape& out_shape) {
  ref::Tensor<int64_t> out(out_shape);
  const int64_t cout_g = out_shape[1] / g.groups, cin_g = w.dim(1);
  for (int64_t n = 0; n < x.dim(0); ++n)
    for (int64_t ic = 0; ic < x.dim(1); ++ic)
      for (int64_t ih = 0; ih < x.dim(2); ++ih)
        for (int64_t iw = 0; iw < x.dim(3); ++iw)
          for (int64_t oc = (ic / cin_g) * cout_g; oc < (ic / cin_g + 1) * cout_g; ++oc)
            for (int64_t i = 0; i < w.dim(2); ++i)
              for (int64_t j = 0; j < w.dim(3); ++j) {
                const int64_t num_h = ih + g.pad_top - i * g.dilation_h, num_w = iw + g.pad_left - j * g.dilation_w;
                if (num_h < 0 || num_w < 0 || num_h % g.stride_h || num_w % g.stride_w) continue;
                const int64_t oh = num_h / g.stride_h, ow = num_w / g.stride_w;
                if (oh >= out_shape[2] || ow >= out_shape[3]) continue;
                out.at({n, oc, oh, ow}) += int64_t{w.at({oc, ic % cin_g, i, j})} * (x.at({n, ic, ih, iw}) + offset);
              }
  return out.data();
}

TEST(Conv2dInt8, GatherEqualsScatterOnRandomGeometry) {
  std::mt19937 rng(3);
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  for (int trial = 0; trial < 300; ++trial) {
    ref::ConvGeometry g;
    g.groups = pick(1, 3);
    const int64_t cin = g.groups * pick(1, 3), cout = g.groups * pick(1, 3);
    const int64_t kh = pick(1, 4), kw = pick(1, 4);
    g.stride_h = pick(1, 3);
    g.stride_w = pick(1, 3);
    g.dilation_h = pick(1, 3);
    g.dilation_w = pick(1, 3);
    g.pad_top = pick(0, 3);
    g.pad_bottom = pick(0, 3);
    g.pad_left = pick(0, 3);
    g.pad_right = pick(0, 3);
    const int64_t h = std::max<int64_t>(pick(1, 9), g.dilation_h * (kh - 1) + 1);
    const int64_t w = std::max<int64_t>(pick(1, 9), g.dilation_w * (kw - 1) + 1);
    ref::Tensor<int8_t> x({pick(1, 2), cin, h, w}), wt({cout, cin / g.groups, kh, kw});
    for (auto& v : x.data()) v = static_cast<int8_t>(pick(-128, 127));
    for (auto& v : wt.data()) v = static_cast<int8_t>(pick(-128, 127));
    const int32_t offset = pick(-127, 128);
    const auto shape = ref::conv2d_output_shape(x.shape(), wt.shape(), g);
    ASSERT_EQ(ref::conv2d_accumulators(x, wt, nullptr, g, offset).data(), scatter_conv(x, wt, g, offset, shape))
        << "trial " << trial;
  }
}

TEST(Conv2dFloat, DoubleConvOverIntegersIsTheExactAccumulator) {
  std::mt19937 rng(5);
  ref::ConvGeometry g;
  g.pad_top = 1;
  g.pad_right = 2;
  g.stride_w = 2;
  g.dilation_h = 2;
  g.groups = 2;
  ref::Tensor<int8_t> x({2, 4, 7, 6}, ref::channels_last_order(4)), w({6, 2, 3, 2});
  for (auto& v : x.data()) v = static_cast<int8_t>(std::uniform_int_distribution<int>(-128, 127)(rng));
  for (auto& v : w.data()) v = static_cast<int8_t>(std::uniform_int_distribution<int>(-128, 127)(rng));
  const int32_t offset = 128;
  ref::Tensor<double> xd(x.shape()), wd(w.shape());
  ref::for_each_index(x.shape(), [&](const ref::Index& i) { xd.at(i) = x.at(i) + offset; });
  ref::for_each_index(w.shape(), [&](const ref::Index& i) { wd.at(i) = w.at(i); });
  const std::vector<double> bias_d{1, -2, 3, -4, 5, -6};
  const std::vector<int32_t> bias{1, -2, 3, -4, 5, -6};
  const auto exact = ref::conv2d_accumulators(x, w, &bias, g, offset);
  const auto floating = ref::conv2d_float(xd, wd, &bias_d, g);
  ref::for_each_index(exact.shape(), [&](const ref::Index& i) {
    ASSERT_EQ(static_cast<double>(exact.at(i)), floating.at(i)) << ref::to_string(i);
  });
}

TEST(Conv1dFloat, EqualsConv2dWithAUnitAxis) {
  std::mt19937 rng(9);
  ref::Tensor<float> x({2, 4, 17}), w({6, 2, 3});
  for (auto& v : x.data()) v = static_cast<float>(std::uniform_int_distribution<int>(-50, 50)(rng));
  for (auto& v : w.data()) v = static_cast<float>(std::uniform_int_distribution<int>(-50, 50)(rng));
  ref::Conv1dGeometry g1;
  g1.stride = 2;
  g1.pad_left = 2;
  g1.pad_right = 1;
  g1.dilation = 2;
  g1.groups = 2;
  const auto y1 = ref::conv1d_float(x, w, nullptr, g1);
  ref::ConvGeometry g2;
  g2.stride_h = 2;
  g2.pad_top = 2;
  g2.pad_bottom = 1;
  g2.dilation_h = 2;
  g2.groups = 2;
  const ref::Tensor<float> x4({2, 4, 17, 1}, {}, x.data()), w4({6, 2, 3, 1}, {}, w.data());
  const auto y2 = ref::conv2d_float(x4, w4, nullptr, g2);
  EXPECT_EQ(y1.data(), y2.data());
}

TEST(Conv2dFloat, AnyDimOrderGivesTheSameLogicalResult) {
  std::mt19937 rng(13);
  ref::Tensor<float> x({1, 3, 5, 4}), w({2, 3, 2, 2});
  for (auto& v : x.data()) v = static_cast<float>(std::uniform_int_distribution<int>(-9, 9)(rng));
  for (auto& v : w.data()) v = static_cast<float>(std::uniform_int_distribution<int>(-9, 9)(rng));
  ref::ConvGeometry g;
  g.pad_left = 1;
  const auto base = ref::conv2d_float(x, w, nullptr, g);
  const auto nhwc = ref::conv2d_float(ref::to_dim_order(x, ref::channels_last_order(4)),
                                      ref::to_dim_order(w, {0, 2, 3, 1}), nullptr, g, ref::channels_last_order(4));
  EXPECT_EQ(nhwc.dim_order(), ref::channels_last_order(4));
  EXPECT_EQ(ref::to_dim_order(nhwc, ref::contiguous_order(4)).data(), base.data());
}

TEST(Tensor, DimOrderIsMetadataNotInferredFromStrides) {
  // C == 1: contiguous and channels-last have identical strides but different orders.
  ref::Tensor<int8_t> a({1, 1, 2, 3}, ref::contiguous_order(4), {1, 2, 3, 4, 5, 6});
  const auto b = ref::to_dim_order(a, ref::channels_last_order(4));
  EXPECT_EQ(b.data(), a.data());
  EXPECT_NE(b.dim_order(), a.dim_order());
  // C == 2: bytes move. (0,0,0,1) is physical 1 in NCHW and physical 2 in NHWC.
  ref::Tensor<int8_t> c({1, 2, 1, 2}, ref::contiguous_order(4), {1, 2, 3, 4});
  const auto d = ref::to_dim_order(c, ref::channels_last_order(4));
  EXPECT_EQ(d.data(), (std::vector<int8_t>{1, 3, 2, 4}));
  EXPECT_EQ(ref::to_dim_order(d, ref::contiguous_order(4)).data(), c.data());
  EXPECT_THROW(ref::Tensor<int8_t>({1, 2}, {0, 0}), std::invalid_argument);
  EXPECT_THROW(ref::Tensor<int8_t>({2, 2}, {}, {1, 2, 3}), std::invalid_argument);
}

TEST(WeightLayouts, HandWorkedIndices) {
  // weight (O=2, I=3, kh=1, kw=2) holding 0..11 in OIHW.
  ref::Tensor<int8_t> w({2, 3, 1, 2});
  for (size_t i = 0; i < 12; ++i) w.data()[i] = static_cast<int8_t>(i);
  // OHWI: [o][y][x][i]: o=0,x=0 reads i=0..2 -> OIHW indices 0, 2, 4.
  EXPECT_EQ(ref::weights_to_layout(w, ref::WeightLayout::OHWI),
            (std::vector<int8_t>{0, 2, 4, 1, 3, 5, 6, 8, 10, 7, 9, 11}));
  for (auto layout : {ref::WeightLayout::OIHW, ref::WeightLayout::OHWI}) {
    EXPECT_EQ(ref::weights_from_layout(ref::weights_to_layout(w, layout), layout, w.shape()).data(), w.data());
  }
  EXPECT_THROW(ref::weights_to_layout(w, ref::WeightLayout::IHWO), std::invalid_argument);
}

TEST(WeightLayouts, DepthwiseIhwoAndHwcmAreTheSameBytes) {
  // depthwise (O = C*M = 3*2, 1, kh=2, kw=2): IHWO [1][y][x][o] and HWCM [y][x][c][m] with o = c*M + m.
  ref::Tensor<int8_t> w({6, 1, 2, 2});
  for (size_t i = 0; i < 24; ++i) w.data()[i] = static_cast<int8_t>(i * 3 - 30);
  const auto ihwo = ref::weights_to_layout(w, ref::WeightLayout::IHWO);
  EXPECT_EQ(ihwo, ref::weights_to_layout(w, ref::WeightLayout::HWCM, 2));
  // IHWO position (y=1, x=0, o=4) is (1*2 + 0)*6 + 4 = 16 and holds OIHW (4, 0, 1, 0) = 4*4 + 2 = 18.
  EXPECT_EQ(ihwo[16], w.data()[18]);
  EXPECT_EQ(ref::weights_from_layout(ihwo, ref::WeightLayout::HWCM, w.shape(), 2).data(), w.data());
  EXPECT_THROW(ref::weights_to_layout(w, ref::WeightLayout::HWCM, 4), std::invalid_argument);
}

TEST(DepthwiseInt8, IsTheGroupedConvWithGroupsEqualChannels) {
  std::mt19937 rng(17);
  ref::Tensor<int8_t> x({1, 3, 4, 4}), w({6, 1, 3, 3});
  for (auto& v : x.data()) v = static_cast<int8_t>(std::uniform_int_distribution<int>(-128, 127)(rng));
  for (auto& v : w.data()) v = static_cast<int8_t>(std::uniform_int_distribution<int>(-128, 127)(rng));
  ref::QuantizedConv q;
  q.geometry.pad_top = q.geometry.pad_left = q.geometry.pad_bottom = q.geometry.pad_right = 1;
  q.multiplier.assign(6, 1 << 30);
  q.shift = {-8, -9, -10, -8, -9, -10};
  q.input_offset = 5;
  const auto dw = ref::depthwise_conv2d_int8(x, w, nullptr, 2, q);
  q.geometry.groups = 3;
  const auto grouped = ref::conv2d_int8(x, w, nullptr, q);
  EXPECT_EQ(dw.output.data(), grouped.output.data());
  EXPECT_THROW(ref::depthwise_conv2d_int8(x, w, nullptr, 3, q), std::invalid_argument);
}

TEST(DomainReport, NamesTheFirstElementOutsideInt32) {
  ref::Tensor<int8_t> x({1, 1, 1, 2}, {}, {127, 127}), w({1, 1, 1, 1}, {}, {127});
  ref::QuantizedConv q;
  q.multiplier = {1 << 30};
  q.shift = {-20};
  const std::vector<int32_t> bias{std::numeric_limits<int32_t>::max()};
  const auto r = ref::conv2d_int8(x, w, &bias, q);
  EXPECT_FALSE(r.domain.ok());
  EXPECT_EQ(r.domain.accumulators_outside_int32, 2);
  EXPECT_NE(r.domain.describe().find("index (0, 0, 0, 0)"), std::string::npos) << r.domain.describe();
  q.shift = {2};
  const std::vector<int32_t> small{0};
  const auto shifted = ref::conv2d_int8(x, w, &small, q);  // 16129 * 4 fits; fine
  EXPECT_TRUE(shifted.domain.ok());
}

TEST(Conv2dInt8, RefusesInconsistentArgumentsByName) {
  ref::Tensor<int8_t> x({1, 4, 5, 5}), w({6, 3, 3, 3});
  ref::QuantizedConv q;
  q.multiplier.assign(6, 1 << 30);
  q.shift.assign(6, -8);
  try {
    ref::conv2d_int8(x, w, nullptr, q);
    FAIL() << "expected a refusal";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("input channels per group"), std::string::npos) << e.what();
  }
  q.geometry.groups = 3;
  EXPECT_THROW(ref::conv2d_int8(x, w, nullptr, q), std::invalid_argument);  // 4 % 3
  q.geometry.groups = 1;
  q.geometry.stride_h = 0;
  EXPECT_THROW(ref::conv2d_int8(x, ref::Tensor<int8_t>({6, 4, 3, 3}), nullptr, q), std::invalid_argument);
}

}  // namespace
