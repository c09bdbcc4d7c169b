// Replays every golden model graph under golden/ (or $CONFORMANCE_GOLDEN_DIR, a folder or
// one file): structure before and after the pipeline, passes that must change nothing, the
// stored checksums, and every lowering check. One test per file, found at run time.
#include <gtest/gtest.h>

#include "conf/golden.h"
#include "conf/golden_tests.h"
#include "conf/property_run.h"
#include "conf/target_kernels.h"
#include "lower/graph_replay.h"

namespace {

std::string replay_hint(const std::string& file) { return "\nreplay: " + conf::testing::replay_command(file); }

void replay(const std::string& file) {
  static const auto reference = conf::make_reference_kernel_set(conf::target_rounding());
  static const auto target = conf::make_target_kernel_set();
  const conf::Replay r = lower::replay_golden_graph(file, *reference, *target);
  if (r.pass()) conf::testing::record_case("golden graph", "");
  EXPECT_TRUE(r.pass()) << r.name << ": " << r.summary << "\n" << r.explanation << replay_hint(file);
}

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  conf::testing::configure_run(argc, argv, CONFORMANCE_SUITE_NAME, 1);
  // Op cases and model graphs share golden/; each replay takes the files of its format.
  const int status = conf::testing::register_golden_tests(
      "GoldenGraph", [](const std::string& format) { return format == "conv-conformance-graph"; }, replay);
  return status != 0 ? status : RUN_ALL_TESTS();
}
