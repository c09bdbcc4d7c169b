// Any kernel set by name (CONFORMANCE_KERNELS=xnnpack, target, target:<path>, ...) against
// the reference: exact in the set's own rounding, and within near-ties of double rounding,
// on generated dense, grouped, depthwise and conv1d-shaped cases. ctest runs it once per
// available kernel set (suites/external/CMakeLists.txt).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <iostream>

#include "conf/property_run.h"
#include "external_check.h"
#include "gens/conv_gen.h"

namespace {

using gens::Family;

void property(const rc::Gen<conf::ConvCase>& gen, const std::string& family) {
  std::string why;
  const conf::KernelSet* kernels = external::kernel_set_or_null(why);
  if (kernels == nullptr) {
    // Marks the gtest test skipped once; the remaining cases pass without running.
    static bool said = false;
    if (!said) {
      said = true;
      GTEST_SKIP() << why;
    }
    return;
  }
  const conf::ConvCase c = *gen;
  external::Tally tally;
  const std::string failure = external::check_case(*kernels, c, family, tally);
  RC_CLASSIFY(tally.unsupported > 0, "unsupported by " + kernels->name());
  RC_CLASSIFY(tally.near_tie_from_double > 0, "differs from double rounding at a near-tie");
  if (!failure.empty()) RC_FAIL(failure);
}

}  // namespace

RC_GTEST_PROP(KernelSet, conv_matches_reference, ()) { property(gens::conv_case(Family::conv_any), "conv_any"); }
RC_GTEST_PROP(KernelSet, depthwise_matches_reference, ()) {
  property(gens::conv_case(Family::depthwise_any), "depthwise_any");
}
RC_GTEST_PROP(KernelSet, conv1d_layout_matches_reference, ()) { property(gens::conv1d_case(), "conv1d"); }

// A fixed sample (from the run's seed) of dense, grouped and depthwise cases, with the counts
// the README quotes: how many elements differ from double rounding, and that every one of
// them is at a near-tie. Also guards against a kernel set that passes by calling everything
// unsupported.
TEST(KernelSet, near_tie_differences_from_double_rounding) {
  std::string why;
  const conf::KernelSet* kernels = external::kernel_set_or_null(why);
  if (kernels == nullptr) GTEST_SKIP() << why;
  external::Tally tally;
  const int per_family = std::max(20, conf::testing::cases_per_property() / 2);
  int failures = 0;
  for (const Family family : {Family::conv_any, Family::depthwise_any}) {
    const auto gen = gens::conv_case(family);
    for (int i = 0; i < per_family && failures < 3; ++i) {
      const conf::ConvCase c = gen(rc::Random(conf::testing::run_seed() + static_cast<uint64_t>(i)), 50).value();
      const std::string failure = external::check_case(*kernels, c, gens::family_name(family), tally);
      if (!failure.empty()) {
        ++failures;
        ADD_FAILURE() << failure;
      }
    }
  }
  const std::string summary = tally.describe(kernels->name());
  std::cout << summary << "\n";
  RecordProperty("near_tie_summary", summary);
  EXPECT_EQ(tally.differing_from_double, tally.near_tie_from_double) << summary;
  // The generators stay inside what every implementation should express except for their
  // deliberately extreme draws (zero multipliers, scales past 256, one-value clamps): about a
  // tenth for XNNPACK over 1000 cases, but up to 21% in a 200-case sample (seen in CI), so the
  // bound is a third; a set that refuses a whole family (over half the sample) still fails.
  EXPECT_LE(tally.unsupported * 3, tally.cases) << "more than a third of the cases unsupported: " << summary;
}

// Exact ties on purpose (random quantization almost never lands on one): every int8 input
// through a 1x1 identity weight at scales 1/2, 1/4, 1/8 and 1/16, so half the accumulators
// of the first channel are ties. A float set must round them half to even and so differ from
// double rounding (half away from zero) at some of them; a double-rounding set at none.
TEST(KernelSet, exact_ties_round_as_promised) {
  std::string why;
  const conf::KernelSet* kernels = external::kernel_set_or_null(why);
  if (kernels == nullptr) GTEST_SKIP() << why;
  conf::ConvCase c;
  c.in_channels = 1;
  c.out_channels = 4;
  c.in_h = c.in_w = 16;
  for (int v = -128; v < 128; ++v) c.input.push_back(static_cast<int8_t>(v));
  c.weight.assign(4, 1);
  c.multiplier.assign(4, 1 << 30);  // 2^30 * 2^(shift - 31) = 2^(shift - 1)
  c.shift = {0, -1, -2, -3};
  external::Tally tally;
  const std::string failure = external::check_case(*kernels, c, "exact_ties", tally);
  ASSERT_TRUE(failure.empty()) << failure;
  ASSERT_EQ(tally.unsupported, 0) << tally.describe(kernels->name());
  if (kernels->rounding() == ref::Rounding::float_half_even) {
    EXPECT_GT(tally.near_tie_from_double, 0) << "no tie rounded differently from double rounding: "
                                              << tally.describe(kernels->name());
  }
  std::cout << tally.describe(kernels->name()) << "\n";
}
