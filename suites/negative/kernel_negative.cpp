// Arguments the kernels must refuse: each refusal returns the status naming the broken
// argument and leaves the output, the scratch buffer and everything around them untouched.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "conf/property_run.h"
#include "conf/target_kernels.h"
#include "gens/conv_gen.h"

namespace {

std::string integrity(const conf::RunOutcome& out) {
  std::string text;
  for (const auto& e : out.integrity_errors) text += "\n  " + e;
  return text;
}

}  // namespace

RC_GTEST_PROP(Refusal, invalid_arguments_are_refused_and_nothing_is_written, ()) {
  const gens::InvalidCall call = *gens::invalid_call();
  std::string expected = call.expected_status;
  const bool scratch_defect = call.defect == conf::Defect::null_scratch || call.defect == conf::Defect::short_scratch;
  if (scratch_defect && conf::target_scratch_size(call.c) == 0) expected = "ok";  // nothing to be short of
  const conf::RunOutcome out = conf::run_target(call.c, "", call.defect);
  conf::testing::record_case("refuse: " + (expected == "ok" ? "nothing (no scratch needed)" : expected), out.path);
  RC_TAG(expected);
  if (conf::status_matches(out.status, expected) && out.integrity_errors.empty()) return;
  RC_FAIL("broken argument: " + call.what + "\nexpected status " + expected + ", got " + out.status + " (" +
          out.message + ")" + integrity(out) + "\ncase: " + describe(call.c) +
          "\nreplay: " + conf::testing::replay_command());
}

// A forced path whose preconditions a case breaks refuses it, untouched, instead of
// computing something else.
RC_GTEST_PROP(Refusal, forced_paths_refuse_shapes_outside_their_preconditions, ()) {
  const gens::Family family = *rc::gen::element(gens::Family::conv_generic, gens::Family::depthwise_generic);
  const conf::ConvCase c = *gens::conv_case(family);
  const bool conv = c.kind == conf::ConvKind::conv;
  // The preconditions as the kernel documentation states them.
  const bool one_by_one = c.kernel_h == 1 && c.kernel_w == 1 && c.groups == 1;
  const bool unit_stride = c.stride_h == 1 && c.stride_w == 1;
  const std::vector<std::pair<std::string, bool>> applicable =
      conv ? std::vector<std::pair<std::string, bool>>{{"conv_1x1", one_by_one && unit_stride},
                                                       {"conv_1x1_strided", one_by_one},
                                                       {"conv_1xn", c.in_h == 1 && c.kernel_h == 1 && c.groups == 1},
                                                       {"conv_nx1", c.in_w == 1 && c.kernel_w == 1 && c.groups == 1}}
           : std::vector<std::pair<std::string, bool>>{
                 {"depthwise_3x3", c.kernel_h == 3 && c.kernel_w == 3 && c.depth_multiplier == 1 &&
                                       c.dilation_h == 1 && c.dilation_w == 1},
                 {"depthwise_mult1", c.depth_multiplier == 1},
                 {"depthwise_as_conv", c.in_channels == 1}};
  for (const auto& [path, ok] : applicable) {
    if (ok) continue;
    const auto out = conf::run_target(c, path);
    conf::testing::record_case("refuse forced path", path);
    RC_ASSERT(out.integrity_errors.empty());
    if (out.status != "path_not_applicable") {
      RC_FAIL("path " + path + " accepted a case outside its preconditions (status " + out.status + ")\ncase: " +
              describe(c) + "\nreplay: " + conf::testing::replay_command());
    }
  }
}

// Every refusal has a message that names its argument.
TEST(Refusal, StatusMessagesNameTheArgument) {
  const std::vector<std::pair<std::string, std::string>> expectations{
      {"bad_stride", "stride"},         {"bad_dilation", "dilation"},       {"bad_padding", "padding"},
      {"bad_groups", "groups"},         {"bad_input_offset", "input_offset"}, {"bad_output_offset", "output_offset"},
      {"bad_requant", "shift"},         {"bad_scratch", "scratch"},         {"bad_input_dims", "input"},
      {"bad_output_dims", "output"},    {"bad_filter_dims", "filter"},      {"bad_depth_multiplier", "depth_multiplier"},
      {"bad_activation_range", "activation"}, {"null_pointer", "NULL"},
  };
  // Trigger each status from a valid case, so the message comes from the kernels' own table.
  conf::ConvCase base;
  base.in_channels = base.out_channels = 4;
  base.in_h = base.in_w = 3;
  base.input.assign(36, 1);
  base.weight.assign(16, 1);
  base.multiplier.assign(4, 1 << 30);
  base.shift.assign(4, -1);
  ASSERT_EQ(conf::run_target(base).status, "ok");
  auto message_for = [&](const std::string& status) -> std::string {
    conf::ConvCase c = base;
    conf::Defect defect = conf::Defect::none;
    if (status == "bad_stride") c.stride_h = 0, c.out_h_override = 3, c.out_w_override = 3;
    if (status == "bad_dilation") c.dilation_w = 0, c.out_h_override = 3, c.out_w_override = 3;
    if (status == "bad_padding") c.pad_top = -1, c.out_h_override = 3, c.out_w_override = 3;
    if (status == "bad_groups") c.groups = 3, c.out_h_override = 3, c.out_w_override = 3;  // 4 % 3
    if (status == "bad_input_offset") c.input_offset = 200;
    if (status == "bad_output_offset") c.output_offset = 200;
    if (status == "bad_requant") c.shift[1] = 31;
    if (status == "bad_input_dims") c.in_w = 0, c.out_h_override = 3, c.out_w_override = 3;
    if (status == "bad_output_dims") c.out_h_override = 2, c.out_w_override = 3;
    if (status == "bad_filter_dims") c.kernel_h = 0, c.out_h_override = 3, c.out_w_override = 3;
    if (status == "bad_activation_range") c.activation_min = 5, c.activation_max = 4;
    if (status == "null_pointer") defect = conf::Defect::null_filter;
    if (status == "bad_depth_multiplier") {
      c.kind = conf::ConvKind::depthwise;
      c.depth_multiplier = 2;  // 4 channels * 2 != 4 filter channels
    }
    if (status == "bad_scratch") {
      c.kernel_h = c.kernel_w = 3;
      c.pad_top = c.pad_bottom = c.pad_left = c.pad_right = 1;
      c.weight.assign(144, 1);
      defect = conf::Defect::null_scratch;
      if (conf::target_scratch_size(c) == 0) return "scratch (this path needs none)";
    }
    const auto out = conf::run_target(c, "", defect);
    EXPECT_EQ(out.status, status) << describe(c);
    EXPECT_TRUE(out.integrity_errors.empty()) << integrity(out);
    return out.message;
  };
  for (const auto& [status, word] : expectations) {
    const std::string message = message_for(status);
    EXPECT_NE(message.find(word), std::string::npos) << status << ": \"" << message << "\" does not name " << word;
    conf::testing::record_case("status messages", "");
  }
}
