// Replays every golden case under golden/ (or $CONFORMANCE_GOLDEN_DIR, a folder or one
// file) against the target kernels. Files are discovered at run time, one gtest test each,
// so a new file runs with no code change and no rebuild. A malformed file fails its own
// test with the file and JSON path; the others still run.
#include <gtest/gtest.h>

#include "conf/golden.h"
#include "conf/golden_tests.h"
#include "conf/property_run.h"
#include "conf/recipe.h"
#include "conf/target_kernels.h"

namespace {

// Replays this one file: the golden folder narrowed to the file, the same executable.
std::string replay_hint(const std::string& file) { return "\nreplay: " + conf::testing::replay_command(file); }

void replay(const std::string& file) {
  conf::GoldenCase g;
  try {
    g = conf::load_golden(file);
  } catch (const conf::GoldenError& e) {
    FAIL() << "malformed golden case: " << e.what() << replay_hint(file);
  }
  const conf::ConvCase& c = g.conv;
  if (g.expected_status != "ok") {
    const auto out = conf::run_target(c);
    conf::testing::record_case("golden (refusals)", out.path);
    EXPECT_TRUE(conf::status_matches(out.status, g.expected_status))
        << g.name << ": expected status " << g.expected_status << ", got " << out.status << "\ncase: " << describe(c)
        << replay_hint(file);
    for (const auto& e : out.integrity_errors) ADD_FAILURE() << g.name << ": " << e;
    return;
  }
  if (g.rounding != conf::target_rounding()) {
    GTEST_SKIP() << g.name << " expects " << ref::rounding_name(g.rounding) << " rounding; these kernels are built with "
                 << ref::rounding_name(conf::target_rounding()) << " (run golden_replay_" << ref::rounding_name(g.rounding)
                 << ")";
  }

  // The stored expectation must still be what the reference computes: a changed reference
  // or an edited file shows up here, before any kernel runs.
  const ref::QuantizedConvResult expected = conf::reference_result(c, g.rounding);
  ASSERT_TRUE(expected.domain.ok()) << g.name << ": " << expected.domain.describe() << replay_hint(file);
  if (g.has_expected_output) {
    const auto self = conf::compare_outputs(c, g.expected_output, expected, conf::Compliance{});
    ASSERT_TRUE(self.pass()) << g.name << ": the stored output no longer matches the reference:\n"
                             << self.describe() << replay_hint(file);
  }
  if (!g.expected_checksum.empty()) {
    ASSERT_EQ(conf::checksum(expected.output.data()), g.expected_checksum)
        << g.name << ": the reference output's checksum changed (generator recipe or reference changed)"
        << replay_hint(file);
  }

  const auto out = conf::run_target(c);
  conf::testing::record_case("golden", out.path);
  ASSERT_EQ(out.status, "ok") << g.name << ": " << out.message << "\ncase: " << describe(c) << replay_hint(file);
  for (const auto& e : out.integrity_errors) ADD_FAILURE() << g.name << ": " << e;
  const auto report = conf::compare_outputs(c, out.output, expected, g.compliance);
  EXPECT_TRUE(report.pass()) << g.name << " (" << conf::to_string(g.compliance) << ", path " << out.path << "): "
                             << report.describe() << "\ncase: " << describe(c) << replay_hint(file);
}

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  conf::testing::configure_run(argc, argv, CONFORMANCE_SUITE_NAME, 1);
  // Op cases and model graphs share golden/; each replay takes the files of its format.
  const int status = conf::testing::register_golden_tests(
      "Golden", [](const std::string& format) { return format != "conv-conformance-graph"; }, replay);
  return status != 0 ? status : RUN_ALL_TESTS();
}
