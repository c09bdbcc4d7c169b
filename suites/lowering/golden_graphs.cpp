// Replays every golden model graph under golden/ (or $CONFORMANCE_GOLDEN_DIR, a folder or
// one file): structure before and after the pipeline, passes that must change nothing, the
// stored checksums, and every lowering check. One test per file, found at run time.
#include <gtest/gtest.h>

#include "conf/golden.h"
#include "conf/golden_tests.h"
#include "conf/property_run.h"
#include "conf/target_kernels.h"
#include "lower/checks.h"
#include "lower/executor.h"
#include "lower/golden_graph.h"
#include "lower/graph_json.h"
#include "lower/verifier.h"

namespace {

std::string replay_hint(const std::string& file) { return "\nreplay: " + conf::testing::replay_command(file); }

std::vector<std::string> checksums(const lower::Graph& graph, const lower::Inputs& inputs, const conf::KernelSet& k) {
  lower::ExecutionOptions options;
  options.kernels = &k;
  std::vector<std::string> sums;
  for (const lower::Value& v : lower::execute(graph, inputs, options).outputs) sums.push_back(lower::value_checksum(v));
  return sums;
}

void replay(const std::string& file) {
  lower::GoldenGraph g;
  try {
    g = lower::load_golden_graph(file);
  } catch (const conf::GoldenError& e) {
    FAIL() << "malformed golden graph: " << e.what() << replay_hint(file);
  }
  const lower::VerifyReport verified = lower::verify(g.graph);
  ASSERT_TRUE(verified.ok()) << g.name << ": the original graph does not verify:\n" << verified.describe() << replay_hint(file);
  const auto reference = conf::make_reference_kernel_set(conf::target_rounding());
  const auto target = conf::make_target_kernel_set();

  if (!g.original_checksums.empty()) {
    EXPECT_EQ(checksums(g.graph, g.inputs, *reference), g.original_checksums)
        << g.name << ": the original graph's outputs changed (the reference semantics of an op, or the stored input)"
        << replay_hint(file);
  }
  const auto pipeline = lower::cortex_m_pipeline();
  const lower::LoweringVerdict verdict = lower::check_lowering(g.graph, g.inputs, pipeline, *reference, *target, g.compliance);
  EXPECT_TRUE(verdict.pass()) << g.name << ":\n" << verdict.describe() << replay_hint(file);
  if (verdict.lowered.size() == 0) return;
  conf::testing::record_case("golden graph", "");

  if (g.has_histograms) {
    const auto before = lower::structure(g.graph, {g.histogram_before.begin(), g.histogram_before.end()}, "before lowering");
    EXPECT_TRUE(before.pass()) << g.name << ": " << before.describe() << replay_hint(file);
    const auto after = lower::structure(verdict.lowered, {g.histogram_after.begin(), g.histogram_after.end()}, "after lowering");
    EXPECT_TRUE(after.pass()) << g.name << ": " << after.describe() << "lowered graph:\n"
                              << lower::format_graph(verdict.lowered) << replay_hint(file);
  }
  for (const std::string& pass : g.unchanged_by) {
    bool found = false;
    for (const lower::PassStep& step : verdict.steps) {
      if (step.pass != pass) continue;
      found = true;
      EXPECT_EQ(lower::graph_document(*step.after).dump(), lower::graph_document(*step.before).dump())
          << g.name << ": pass " << pass << " must leave this graph unchanged" << replay_hint(file);
    }
    EXPECT_TRUE(found) << g.name << ": expected/unchanged_by names '" << pass << "', which the pipeline does not run";
  }
  if (!g.lowered_checksums.empty()) {
    EXPECT_EQ(checksums(verdict.lowered, g.inputs, *reference), g.lowered_checksums)
        << g.name << ": the lowered graph's outputs changed" << replay_hint(file);
  }
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
