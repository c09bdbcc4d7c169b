// Relations that need no reference: two formulations of the same convolution run through
// the target kernels must agree bit for bit. Plus one that changes the reference's view of
// the data (NCHW instead of NHWC) instead of the kernel's.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "conf/property_run.h"
#include "conf/target_kernels.h"
#include "gens/conv_gen.h"
#include "ref/conv.h"

namespace {

using conf::ConvCase;
using conf::ConvKind;
using gens::Family;

conf::RunOutcome run(const ConvCase& c, const std::string& path = "") { return conf::run_target(c, path); }

void same(const std::string& relation, const ConvCase& a, const ConvCase& b, const std::string& path_b = "") {
  const auto out_a = run(a), out_b = run(b, path_b);
  conf::testing::record_case(relation, out_a.path);
  conf::testing::check_same_output(relation, a, out_a, b, out_b, conf::target_rounding());
}

// A generator for cases of `family` whose geometry passes through `adjust` first.
template <class Adjust>
rc::Gen<ConvCase> adjusted(Family family, Adjust adjust, gens::Budget budget = {}) {
  return rc::gen::mapcat(gens::conv_geometry(family, budget), [adjust](ConvCase g) {
    adjust(g);
    return gens::with_data_and_quantization(g);
  });
}

}  // namespace

// conv1d lowered as (N, C, L, 1) with the length on H equals the (N, C, 1, L) form: the
// bytes of input, weights and output are the same in both NHWC layouts.
RC_GTEST_PROP(Metamorphic, conv1d_on_h_equals_conv1d_on_w, ()) {
  const ConvCase on_h = *gens::conv1d_case();
  ConvCase on_w = on_h;
  std::swap(on_w.in_h, on_w.in_w);
  std::swap(on_w.kernel_h, on_w.kernel_w);
  std::swap(on_w.stride_h, on_w.stride_w);
  std::swap(on_w.dilation_h, on_w.dilation_w);
  std::swap(on_w.pad_top, on_w.pad_left);
  std::swap(on_w.pad_bottom, on_w.pad_right);
  same("conv1d (L on H) == conv1d (L on W)", on_h, on_w);
}

// Depthwise with multiplier M == grouped conv with groups = C == dense conv whose weights
// are zero outside the block diagonal.
RC_GTEST_PROP(Metamorphic, depthwise_equals_grouped_equals_block_diagonal_dense, ()) {
  gens::Budget budget;
  budget.max_macs = 60000;  // the dense form costs C times more
  const ConvCase dw = *gens::conv_case(Family::depthwise_any, budget);
  const int64_t taps = int64_t{dw.kernel_h} * dw.kernel_w;
  const int32_t C = dw.in_channels, M = dw.depth_multiplier, O = dw.out_channels;

  ConvCase grouped = dw;
  grouped.kind = ConvKind::conv;
  grouped.groups = C;
  grouped.weight.assign(static_cast<size_t>(O * taps), 0);
  ConvCase dense = grouped;
  dense.groups = 1;
  dense.weight.assign(static_cast<size_t>(O * taps * C), 0);
  for (int32_t oc = 0; oc < O; ++oc) {
    for (int64_t t = 0; t < taps; ++t) {
      const int8_t w = dw.weight[static_cast<size_t>(t * O + oc)];       // IHWO [1][t][oc]
      grouped.weight[static_cast<size_t>(oc * taps + t)] = w;             // OHWI [oc][t][0]
      dense.weight[static_cast<size_t>((oc * taps + t) * C + oc / M)] = w;  // OHWI [oc][t][oc / M]
    }
  }
  same("depthwise == grouped conv (groups = in_channels)", dw, grouped);
  same("depthwise == dense conv with block-diagonal weights", dw, dense);
}

// Batch N == N calls with batch 1, concatenated.
RC_GTEST_PROP(Metamorphic, batch_equals_separate_calls, ()) {
  const Family family = *rc::gen::element(Family::conv_any, Family::depthwise_any);
  const ConvCase c = *adjusted(family, [](ConvCase& g) { g.batch = 2 + g.batch % 3; });
  const auto whole = run(c);
  ConvCase joined = c;
  joined.batch = 1;
  std::vector<int8_t> output;
  const auto image = static_cast<size_t>(c.in_h) * c.in_w * c.in_channels;
  for (int32_t n = 0; n < c.batch; ++n) {
    ConvCase one = joined;
    one.input.assign(c.input.begin() + static_cast<long>(n * image), c.input.begin() + static_cast<long>((n + 1) * image));
    const auto part = run(one);
    output.insert(output.end(), part.output.begin(), part.output.end());
  }
  conf::RunOutcome separate = whole;
  separate.output = output;
  separate.path = "batch-1 calls";
  conf::testing::record_case("batch N == N batch-1 calls", whole.path);
  conf::testing::check_same_output("batch N == N batch-1 calls", c, whole, c, separate, conf::target_rounding());
}

// A 1x1 convolution is a matrix product per pixel: every pixel, computed on its own
// through the generic path, equals the same pixel of the whole-image fast path.
RC_GTEST_PROP(Metamorphic, pointwise_equals_per_pixel_products, ()) {
  gens::Budget budget;
  budget.max_spatial = 12;
  const ConvCase c = *adjusted(Family::conv_1x1, [](ConvCase& g) { g.pad_top = g.pad_bottom = g.pad_left = g.pad_right = 0; }, budget);
  const auto whole = run(c);
  std::vector<int8_t> output;
  ConvCase pixel = c;
  pixel.batch = pixel.in_h = pixel.in_w = 1;
  for (size_t p = 0; p < static_cast<size_t>(c.batch) * c.in_h * c.in_w; ++p) {
    const auto C = static_cast<size_t>(c.in_channels);
    pixel.input.assign(c.input.begin() + static_cast<long>(p * C), c.input.begin() + static_cast<long>((p + 1) * C));
    const auto part = run(pixel, "conv_generic");
    output.insert(output.end(), part.output.begin(), part.output.end());
  }
  conf::RunOutcome separate = whole;
  separate.output = output;
  separate.path = "conv_generic per pixel";
  conf::testing::record_case("1x1 conv == per-pixel products", whole.path);
  conf::testing::check_same_output("1x1 conv == per-pixel matrix products", c, whole, c, separate,
                                   conf::target_rounding());
}

// Padding inside the kernel equals padding the input explicitly with the zero point.
RC_GTEST_PROP(Metamorphic, explicit_zero_point_padding_equals_conv_padding, ()) {
  const Family family = *rc::gen::element(Family::conv_any, Family::depthwise_any);
  const ConvCase c = *gens::conv_case(family);
  ConvCase padded = c;
  padded.in_h = c.in_h + c.pad_top + c.pad_bottom;
  padded.in_w = c.in_w + c.pad_left + c.pad_right;
  padded.pad_top = padded.pad_bottom = padded.pad_left = padded.pad_right = 0;
  const auto zero_point = static_cast<int8_t>(-c.input_offset);
  padded.input.assign(static_cast<size_t>(padded.input_elements()), zero_point);
  const auto C = static_cast<size_t>(c.in_channels);
  for (int32_t n = 0; n < c.batch; ++n) {
    for (int32_t h = 0; h < c.in_h; ++h) {
      for (int32_t w = 0; w < c.in_w; ++w) {
        const size_t from = ((static_cast<size_t>(n) * c.in_h + h) * c.in_w + w) * C;
        const size_t to =
            ((static_cast<size_t>(n) * padded.in_h + h + c.pad_top) * padded.in_w + w + c.pad_left) * C;
        std::copy_n(c.input.begin() + static_cast<long>(from), C, padded.input.begin() + static_cast<long>(to));
      }
    }
  }
  same("explicit zero-point padding == conv padding", c, padded);
}

// The kernels read NHWC; the reference run on the same values converted to NCHW / OIHW
// (and its NCHW output converted back) must agree.
RC_GTEST_PROP(Metamorphic, nhwc_kernel_equals_reference_in_nchw, ()) {
  const Family family = *rc::gen::element(Family::conv_any, Family::depthwise_any);
  const ConvCase c = *gens::conv_case(family);
  const auto input = ref::to_dim_order(conf::input_tensor(c), ref::contiguous_order(4));
  const auto weight = ref::to_dim_order(conf::weight_tensor(c), ref::contiguous_order(4));
  const auto q = conf::quantization(c, conf::target_rounding());
  const auto nchw = ref::conv2d_int8(input, weight, c.has_bias ? &c.bias : nullptr, q);
  ref::QuantizedConvResult nhwc{ref::to_dim_order(nchw.output, ref::channels_last_order(4)),
                                ref::to_dim_order(nchw.accumulator, ref::channels_last_order(4)), nchw.domain};
  const auto got = run(c);
  conf::testing::record_case("NHWC kernel == NCHW reference", got.path);
  const auto report = conf::compare_outputs(c, got.output, nhwc, conf::Compliance{});
  if (!got.ok() || !report.pass()) {
    RC_FAIL("NHWC kernel != reference computed in NCHW\ncase: " + describe(c) + "\nstatus " + got.status + "\n" +
            report.describe() + "\n" + conf::testing::save_counterexample(c, conf::target_rounding(), "NCHW view") +
            "\nreplay: " + conf::testing::replay_command());
  }
}
