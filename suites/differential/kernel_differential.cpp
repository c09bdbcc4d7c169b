// Target kernels == reference, bit for bit, on every dispatch path and through both
// wrappers. Built once per kernel rounding variant; the reference runs in the same mode.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <map>
#include <sstream>
#include <set>

#include "conf/property_run.h"
#include "conf/target_kernels.h"
#include "gens/conv_gen.h"

namespace {

using gens::Family;

void differential(Family family, const std::string& path) {
  const auto kernels = conf::make_target_kernel_set(path);
  const conf::ConvCase c = *gens::conv_case(family);
  conf::testing::check_matches_reference(c, *kernels, gens::family_name(family));
}

}  // namespace

// Each path forced on the cases its preconditions admit.
RC_GTEST_PROP(ConvPath, conv_1x1, ()) { differential(Family::conv_1x1, "conv_1x1"); }
RC_GTEST_PROP(ConvPath, conv_1x1_strided, ()) { differential(Family::conv_1x1_strided, "conv_1x1_strided"); }
RC_GTEST_PROP(ConvPath, conv_1xn, ()) { differential(Family::conv_1xn, "conv_1xn"); }
RC_GTEST_PROP(ConvPath, conv_nx1, ()) { differential(Family::conv_nx1, "conv_nx1"); }
RC_GTEST_PROP(ConvPath, conv_generic, ()) { differential(Family::conv_generic, "conv_generic"); }
// The generic path accepts every valid convolution, including the fast paths' shapes.
RC_GTEST_PROP(ConvPath, conv_generic_on_every_family, ()) { differential(Family::conv_any, "conv_generic"); }

RC_GTEST_PROP(DepthwisePath, depthwise_3x3, ()) { differential(Family::depthwise_3x3, "depthwise_3x3"); }
RC_GTEST_PROP(DepthwisePath, depthwise_mult1, ()) { differential(Family::depthwise_mult1, "depthwise_mult1"); }
RC_GTEST_PROP(DepthwisePath, depthwise_generic, ()) { differential(Family::depthwise_generic, "depthwise_generic"); }
RC_GTEST_PROP(DepthwisePath, depthwise_as_conv, ()) {
  differential(Family::depthwise_single_channel, "depthwise_as_conv");
}
RC_GTEST_PROP(DepthwisePath, depthwise_generic_on_every_family, ()) {
  differential(Family::depthwise_any, "depthwise_generic");
}

// The wrappers choose the path themselves.
RC_GTEST_PROP(Wrapper, conv, ()) { differential(Family::conv_any, ""); }
RC_GTEST_PROP(Wrapper, depthwise, ()) { differential(Family::depthwise_any, ""); }

// The requantization step alone, over its whole domain, with exact ties drawn on purpose:
// random convolutions almost never land on a tie, where rounding modes differ.
namespace {

struct RequantInput {
  int32_t acc, multiplier, shift;
};

std::ostream& operator<<(std::ostream& os, const RequantInput& r) {
  return os << "requantize(" << r.acc << ", " << r.multiplier << ", " << r.shift << ")";
}

// One (acc, multiplier, shift) inside the kernels' int32 domain for `rounding`.
rc::Gen<RequantInput> requant_input(ref::Rounding rounding) {
  namespace gen = rc::gen;
  return gen::exec([rounding] {
    const int32_t shift = *gen::resize(100, gen::inRange(-31, 31));
    const int32_t multiplier = *gen::weightedOneOf<int32_t>({
        {6, gen::resize(100, gen::inRange<int32_t>(1 << 30, 2147483647))},
        {1, gen::element<int32_t>(1 << 30, 2147483647, 0)},
    });
    // The largest |acc| inside the domain for this shift, in both roundings.
    int64_t limit = 2147483647;
    while (limit > 0 && !(ref::requantize_in_domain(limit, 2147483647, shift, rounding) &&
                          ref::requantize_in_domain(-limit, 2147483647, shift, rounding))) {
      limit /= 2;
    }
    const auto bounded = [limit](int64_t v) { return static_cast<int32_t>(std::max(-limit, std::min(limit, v))); };
    const int64_t tie_unit = int64_t{1} << (shift < 0 ? -shift : 0);
    const int32_t acc = *gen::weightedOneOf<int32_t>({
        {3, gen::map(gen::inRange<int64_t>(-300, 301), bounded)},
        {3, gen::map(gen::resize(100, gen::inRange<int64_t>(-limit, limit + 1)), bounded)},
        // (2k + 1) * 2^R: with multiplier 2^30 the product is exactly k + 1/2.
        {2, gen::map(gen::inRange<int64_t>(-64, 64), [=](int64_t k) { return bounded((2 * k + 1) * tie_unit); })},
        {1, gen::map(gen::element<int64_t>(0, 1, -1, 2147483647, -2147483647 - 1), bounded)},
    });
    return RequantInput{acc, multiplier, shift};
  });
}

}  // namespace

// The requantization step alone, over its whole domain, with exact ties drawn on purpose:
// random convolutions almost never land on a tie, where rounding modes differ. 64 values
// per case, so the default budget checks thousands.
RC_GTEST_PROP(Requantize, matches_reference_over_the_domain, ()) {
  const ref::Rounding rounding = conf::target_rounding();
  const auto inputs = *rc::gen::container<std::vector<RequantInput>>(64, requant_input(rounding));
  for (const RequantInput& r : inputs) {
    conf::testing::record_case("requantize", "");
    const int64_t expected = ref::requantize(r.acc, r.multiplier, r.shift, rounding);
    const int32_t actual = conf::target_requantize(r.acc, r.multiplier, r.shift);
    if (actual != expected) {
      std::ostringstream message;
      message << "tk::" << r << " = " << actual << ", the reference (" << ref::rounding_name(rounding)
              << " rounding) gives " << expected << "\nreplay: " << conf::testing::replay_command();
      RC_FAIL(message.str());
    }
  }
}

// The generators reach every dispatch path through the wrappers, so a path the wrapper
// stopped selecting (or a generator that stopped producing its shapes) shows up here.
TEST(Dispatch, WrapperSelectsEveryPath) {
  for (conf::ConvKind kind : {conf::ConvKind::conv, conf::ConvKind::depthwise}) {
    const Family family = kind == conf::ConvKind::conv ? Family::conv_any : Family::depthwise_any;
    std::map<std::string, int> seen;
    const auto gen = gens::conv_geometry(family);
    for (uint64_t i = 0; i < 400; ++i) {
      conf::ConvCase c = gen(rc::Random(conf::testing::run_seed() + i), 100).value();
      // Only the geometry matters for dispatch; requantization arrays must exist.
      c.multiplier.assign(static_cast<size_t>(c.out_channels), 1 << 30);
      c.shift.assign(static_cast<size_t>(c.out_channels), 0);
      ++seen[conf::target_selected_path(c)];
    }
    for (const std::string& path : conf::target_paths(kind)) {
      EXPECT_GT(seen[path], 0) << "no generated " << conf::kind_name(kind) << " case dispatched to " << path
                               << "\nreplay: " << conf::testing::replay_command();
      conf::testing::record_case("dispatch", path);
    }
  }
}

TEST(Build, ReportsItsRounding) {
  const ref::Rounding expected =
#ifdef EXPECT_SINGLE_ROUNDING
      ref::Rounding::single_rounding;
#else
      ref::Rounding::double_rounding;
#endif
  EXPECT_EQ(conf::target_rounding(), expected) << "the kernel library was built with the other rounding mode";
}
