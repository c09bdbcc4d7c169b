// Replays every golden case under golden/ (or $CONFORMANCE_GOLDEN_DIR, a folder or one
// file) against the target kernels. Files are discovered at run time, one gtest test each,
// so a new file runs with no code change and no rebuild. A malformed file fails its own
// test with the file and JSON path; the others still run.
#include <gtest/gtest.h>

#include "conf/golden.h"
#include "conf/golden_replay.h"
#include "conf/golden_tests.h"
#include "conf/property_run.h"
#include "conf/target_kernels.h"

namespace {

// Replays this one file: the golden folder narrowed to the file, the same executable.
std::string replay_hint(const std::string& file) { return "\nreplay: " + conf::testing::replay_command(file); }

void replay(const std::string& file) {
  static const auto kernels = conf::make_target_kernel_set();
  const conf::Replay r = conf::replay_golden_case(file, *kernels);
  if (!r.path.empty()) conf::testing::record_case(r.refusal ? "golden (refusals)" : "golden", r.path);
  if (r.verdict == conf::Replay::Verdict::skip) GTEST_SKIP() << r.explanation;
  EXPECT_TRUE(r.pass()) << r.name << ": " << r.summary << "\n" << r.explanation << replay_hint(file);
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
