// Replays every golden case under golden/ (or $CONFORMANCE_GOLDEN_DIR, a folder or one
// file) against a kernel set chosen by name: $CONFORMANCE_KERNELS, any name of
// `conformance kernels` (default target: this executable's rounding variant of the target
// kernels). Files are discovered at run time, one gtest test each, so a new file runs with no
// code change and no rebuild. A malformed file fails its own test with the file and JSON
// path; the others still run.
#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>

#include "conf/golden.h"
#include "conf/golden_replay.h"
#include "conf/golden_tests.h"
#include "conf/kernel_registry.h"
#include "conf/property_run.h"

namespace {

std::string kernels_name() {
  const char* name = std::getenv("CONFORMANCE_KERNELS");
  return name == nullptr || *name == '\0' ? "target" : name;
}

// The set, or null with `why` saying why not (a set this build lacks skips every case; an
// unknown name fails every case with the list of names).
const conf::KernelSet* kernels_or_null(std::string& why, bool& skip) {
  static std::unique_ptr<conf::KernelSet> kernels;
  static std::string problem;
  static bool unavailable = false;
  static bool made = false;
  if (!made) {
    made = true;
    try {
      kernels = conf::make_kernel_set(kernels_name());
    } catch (const conf::KernelSetUnavailable& e) {
      unavailable = true;
      problem = e.what();
    } catch (const std::exception& e) {
      problem = std::string("CONFORMANCE_KERNELS: ") + e.what();
    }
  }
  why = problem;
  skip = unavailable;
  return kernels.get();
}

// Replays this one file on the same kernel set: the golden folder narrowed to the file.
std::string replay_hint(const std::string& file) {
  return "\nreplay: CONFORMANCE_KERNELS=" + kernels_name() + " " + conf::testing::replay_command(file);
}

void replay(const std::string& file) {
  std::string why;
  bool skip = false;
  const conf::KernelSet* kernels = kernels_or_null(why, skip);
  if (kernels == nullptr && skip) GTEST_SKIP() << why;
  ASSERT_NE(kernels, nullptr) << why;
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
