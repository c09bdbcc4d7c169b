// A library with the CMSIS-NN API (adapters/cmsis_nn) against the reference, bit for bit in
// the rounding the library was built with, on every family of cases its wrappers dispatch,
// through crash isolation ("cmsis-nn" from the kernel registry). Cases the API cannot carry
// are counted apart, never passed silently. Without a configured library the differential
// tests report themselves skipped with the configure options; the contract tests run anyway.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cstdlib>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "conf/cmsis_nn_kernel_set.h"
#include "conf/kernel_registry.h"
#include "conf/property_run.h"
#include "gens/conv_gen.h"

namespace {

using gens::Family;

// The registry's cmsis-nn set (isolated unless CONFORMANCE_ISOLATION=off), made once;
// nullptr and `why` when this build has no library.
const conf::KernelSet* cmsis_or_null(std::string& why) { return conf::shared_kernel_set_or_null("cmsis-nn", why); }

struct Counts {
  int64_t run = 0, unsupported = 0;
};
std::map<std::string, Counts>& counts() {
  static std::map<std::string, Counts> by_family;
  return by_family;
}

// One case: the API cannot carry it (counted, with its reason in the distribution), or the
// library must match the reference exactly.
void check_one(const conf::KernelSet& kernels, const conf::ConvCase& c, const std::string& family) {
  const std::string reason = conf::cmsis_nn_unsupported_reason(c);
  RC_CLASSIFY(!reason.empty(), "unsupported by the CMSIS-NN API");
  if (!reason.empty()) {
    ++counts()[family].unsupported;
    conf::testing::record_case(family + " (unsupported by the CMSIS-NN API)", "");
    return;
  }
  ++counts()[family].run;
  try {
    conf::testing::check_matches_reference(c, kernels, "cmsis-nn " + family);
  } catch (rc::detail::CaseResult& failure) {
    // The counterexample's own replay line runs the project's kernels; this one runs the library.
    failure.description += "replay this case on the library: " CONFORMANCE_TOOL " run '" +
                           conf::testing::counterexample_file("case.json") + "' --kernels cmsis-nn\n";
    throw;
  }
}

void differential(const rc::Gen<conf::ConvCase>& gen, const std::string& family) {
  std::string why;
  const conf::KernelSet* kernels = cmsis_or_null(why);
  if (kernels == nullptr) GTEST_SKIP() << "SKIPPED: " << why;
  counts()[family] = {};
  rc::detail::checkGTest([&] { check_one(*kernels, *gen, family); });
  const Counts& n = counts()[family];
  std::cout << "[cmsis-nn] " << family << ": " << n.run << " cases run, " << n.unsupported
            << " unsupported by the CMSIS-NN API\n";
  // A set that called everything unsupported would pass every property. The generators draw
  // top and bottom padding independently, so a fifth to a third of some families is padding
  // no CMSIS-NN caller produces.
  EXPECT_GE(n.run, n.unsupported) << "more than half of the " << family << " cases unsupported";
}

void family_property(Family family) { differential(gens::conv_case(family), gens::family_name(family)); }

}  // namespace

// The wrappers, on the families each of their kernels is picked for.
TEST(CmsisNnWrapper, conv_1x1) { family_property(Family::conv_1x1); }
TEST(CmsisNnWrapper, conv_1x1_strided) { family_property(Family::conv_1x1_strided); }
TEST(CmsisNnWrapper, conv_1xn) { family_property(Family::conv_1xn); }
TEST(CmsisNnWrapper, conv_nx1) { family_property(Family::conv_nx1); }
TEST(CmsisNnWrapper, conv_generic) { family_property(Family::conv_generic); }
TEST(CmsisNnWrapper, conv_any) { family_property(Family::conv_any); }
TEST(CmsisNnWrapper, conv1d_layout) { differential(gens::conv1d_case(), "conv1d"); }
TEST(CmsisNnWrapper, depthwise_3x3) { family_property(Family::depthwise_3x3); }
TEST(CmsisNnWrapper, depthwise_mult1) { family_property(Family::depthwise_mult1); }
TEST(CmsisNnWrapper, depthwise_generic) { family_property(Family::depthwise_generic); }
TEST(CmsisNnWrapper, depthwise_single_channel) { family_property(Family::depthwise_single_channel); }
TEST(CmsisNnWrapper, depthwise_any) { family_property(Family::depthwise_any); }

// 127 * 2^-8 = 0.496: double rounding gives 1 (it rounds 0.496 to 0.5 first), single rounding
// 0. A library built in the other mode than CMSIS_NN_ROUNDING says is named here, once,
// instead of as a stream of near-tie counterexamples.
TEST(CmsisNnBuild, RoundsAsConfigured) {
  std::string why;
  const conf::KernelSet* kernels = cmsis_or_null(why);
  if (kernels == nullptr) GTEST_SKIP() << "SKIPPED: " << why;
  conf::ConvCase c;
  c.input = {127};
  c.weight = {1};
  c.multiplier = {1 << 30};  // 0.5
  c.shift = {-7};            // 0.5 * 2^-7 = 2^-8
  conf::check_consistent(c);
  const auto double_out = conf::reference_result(c, ref::Rounding::double_rounding).output.data();
  const auto single_out = conf::reference_result(c, ref::Rounding::single_rounding).output.data();
  ASSERT_EQ(double_out, std::vector<int8_t>{1});
  ASSERT_EQ(single_out, std::vector<int8_t>{0});
  const conf::RunOutcome got = kernels->run(c);
  ASSERT_TRUE(got.ok()) << got.status << ": " << got.message;
  const bool is_single = conf::cmsis_nn_configured_rounding() == ref::Rounding::single_rounding;
  const std::string other = is_single ? "double" : "single";
  EXPECT_EQ(got.output, is_single ? single_out : double_out)
      << "the library rounds like " << other << " rounding: configure with -DCMSIS_NN_ROUNDING=" << other
      << " (or rebuild it " << (is_single ? "without" : "with") << " -DCMSIS_NN_USE_SINGLE_ROUNDING)";
}

// ---- The adapter's contract: no library needed. ----

conf::ConvCase geometry(int32_t in, int32_t kernel, int32_t stride, int32_t pad_before, int32_t pad_after) {
  conf::ConvCase c;
  c.in_h = in;
  c.kernel_h = kernel;
  c.stride_h = stride;
  c.pad_top = pad_before;
  c.pad_bottom = pad_after;
  return c;
}

TEST(CmsisNnContract, ReachedPaddingByHand) {
  // in 4, k 3, s 2, symmetric 1: out = (4 + 2 - 3) / 2 + 1 = 2; the last window covers rows
  // 1..3 of the input (2 * 1 - 1 + 0..2): no bottom padding reached.
  EXPECT_EQ(conf::cmsis_nn_reached_pad_after(4, 1, 3, 2, 1, 2), 0);
  // in 5, same: out 3, the last window covers rows 3..5 and row 5 is padding.
  EXPECT_EQ(conf::cmsis_nn_reached_pad_after(5, 1, 3, 2, 1, 3), 1);
  // TFLite SAME, in 4, k 4, s 1: total padding 3, top 1, bottom 2.
  EXPECT_EQ(conf::cmsis_nn_reached_pad_after(4, 1, 4, 1, 1, 4), 2);
  // dilation 2, k 3 (extent 5), in 5, no padding: out 1, reaches nothing.
  EXPECT_EQ(conf::cmsis_nn_reached_pad_after(5, 0, 3, 1, 2, 1), 0);
}

TEST(CmsisNnContract, WhatTheApiCanCarry) {
  // TFLite SAME (bottom = top + 1) and PyTorch symmetric padding are carried.
  EXPECT_EQ(conf::cmsis_nn_unsupported_reason(geometry(4, 4, 1, 1, 2)), "");
  EXPECT_EQ(conf::cmsis_nn_unsupported_reason(geometry(5, 3, 2, 1, 1)), "");
  // Bottom padding the output never reaches does not matter: in 5, k 3, s 2, bottom 1 gives
  // out 2, whose last window covers rows 2..4.
  EXPECT_EQ(conf::cmsis_nn_unsupported_reason(geometry(5, 3, 2, 0, 1)), "");
  // TFLite SAME with stride 2: in 5, k 4, out 3, total 3, top 1, bottom 2 (both reached).
  EXPECT_EQ(conf::cmsis_nn_unsupported_reason(geometry(5, 4, 2, 1, 2)), "");
  // Two rows of bottom padding reached with none on top: no CMSIS-NN caller produces that.
  const std::string reason = conf::cmsis_nn_unsupported_reason(geometry(3, 3, 1, 0, 2));
  EXPECT_NE(reason.find("reaches 2 of bottom padding, more than the 0 of top padding"), std::string::npos) << reason;
  // A 1x1 kernel with one column of right padding: an output column TFLite's SAME never has.
  EXPECT_NE(conf::cmsis_nn_unsupported_reason(geometry(1, 1, 1, 0, 1)), "");
  // One more row below than above, but not SAME's output size (in 4, k 3, SAME is 4 rows).
  EXPECT_NE(conf::cmsis_nn_unsupported_reason(geometry(4, 3, 1, 0, 2)).find("not TFLite's SAME"), std::string::npos);
  conf::ConvCase wide = geometry(1, 1, 1, 0, 0);
  wide.in_w = 3;
  wide.kernel_w = 3;
  wide.pad_right = 2;
  EXPECT_NE(conf::cmsis_nn_unsupported_reason(wide).find("right padding"), std::string::npos);
  conf::ConvCase forced = geometry(4, 1, 1, 0, 0);
  forced.out_h_override = 2;
  EXPECT_EQ(conf::cmsis_nn_unsupported_reason(forced), "a forced output size");
}

// The generators reach every kernel of the documented host/DSP dispatch through the wrappers.
TEST(CmsisNnContract, GeneratorsReachEveryDocumentedKernel) {
  std::set<std::string> seen;
  for (const Family family : {Family::conv_any, Family::depthwise_any}) {
    const auto gen = gens::conv_geometry(family);
    for (uint64_t i = 0; i < 400; ++i) {
      const conf::ConvCase c = gen(rc::Random(conf::testing::run_seed() + i), 100).value();
      if (conf::cmsis_nn_unsupported_reason(c).empty()) seen.insert(conf::cmsis_nn_documented_path(c));
    }
  }
  for (const char* path : {"arm_convolve_1x1_s8_fast", "arm_convolve_1x1_s8", "arm_convolve_1_x_n_s8",
                           "arm_convolve_s8", "arm_depthwise_conv_3x3_s8", "arm_depthwise_conv_s8_opt",
                           "arm_depthwise_conv_s8"}) {
    EXPECT_EQ(seen.count(path), 1u) << "no supported generated case goes to " << path
                                    << "\nreplay: " << conf::testing::replay_command();
  }
}

TEST(CmsisNnContract, RegistryListsTheAdapter) {
  const conf::KernelSetInfo& info = conf::kernel_set_info("cmsis-nn");
  EXPECT_TRUE(info.external);
  EXPECT_EQ(info.available, conf::cmsis_nn_available());
  EXPECT_TRUE(conf::isolated_by_default("cmsis-nn") || std::getenv("CONFORMANCE_ISOLATION") != nullptr);
  if (!info.available) {
    EXPECT_NE(info.how_to_enable.find("-DCMSIS_NN_INCLUDE_DIR="), std::string::npos);
    EXPECT_NE(info.how_to_enable.find("-DCMSIS_NN_LIBRARY="), std::string::npos);
    EXPECT_THROW(conf::make_kernel_set("cmsis-nn"), conf::KernelSetUnavailable);
  } else {
    EXPECT_EQ(info.rounding, conf::cmsis_nn_configured_rounding());
  }
}
