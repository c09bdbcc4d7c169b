// What every test executable of the suite shares: the seed and case budget of the run,
// replay commands, per-test records for the summary, and the checks properties call.
//
// Environment
//   RC_PARAMS                     rapidcheck's own settings; a seed given here wins
//   CONFORMANCE_SEED              seed of the run when RC_PARAMS has none (default: random)
//   CONFORMANCE_CASES             generated cases per property (default: the suite's budget)
//   CONFORMANCE_RESULTS_DIR       where per-test records for the summary go (default: none)
//   CONFORMANCE_COUNTEREXAMPLE_DIR where failing cases are written as golden files
//                                 (default: ./counterexamples)
#pragma once

#include <cstdint>
#include <string>

#include "conf/compare.h"
#include "conf/conv_case.h"
#include "conf/kernel_set.h"

namespace conf::testing {

// Sets RC_PARAMS (seed, max_success) before rapidcheck reads it, prints the seed, and
// installs the listener that writes per-test records. Call before RUN_ALL_TESTS.
void configure_run(int argc, char** argv, const std::string& suite, int default_cases);

uint64_t run_seed();
int cases_per_property();

// A shell command that reruns the current test the same way (same seed and budget);
// golden_dir, when given, replaces the run's CONFORMANCE_GOLDEN_DIR (one golden file).
std::string replay_command(const std::string& golden_dir = "");

// Counts one evaluated case of `family` that ran on `path`, for the summary.
void record_case(const std::string& family, const std::string& path);

// Counts one evaluated case under its coverage key, for the summary's coverage matrix:
// "path=P|stride=S|padding=K|dilation=D|groups=G|multiplier=M|activation=A|batch=B" with
// S in 1x1, 1x2, 2x1, 2x2, >2 (either axis above 2); K none / symmetric / asymmetric;
// D 1 / >1 (either axis); G dense / grouped / depthwise; M 1 / >1 (depthwise) or n/a;
// A the case's activation tail; B 1 / >1. Written as "coverage" in the test's record.
void record_coverage(const ConvCase& c, const std::string& path);
// The coverage key record_coverage counts `c` under.
std::string coverage_key(const ConvCase& c, const std::string& path);

// A path for a counterexample file of the current test, in its own folder under
// $CONFORMANCE_COUNTEREXAMPLE_DIR (default ./counterexamples); the folder is created.
std::string counterexample_file(const std::string& file_name);

// The command that keeps a counterexample file as a golden case under golden/regressions/.
std::string adopt_command(const std::string& file);

// The name make_kernel_set (conf/kernel_registry.h) knows a kernel set by, from its name():
// "target/<path>" is "target:<path>", "reference/<r>" is "reference:<r>", others are as is.
std::string kernel_set_registry_name(const KernelSet& kernels);

// The one command that replays a case file alone on the named kernel set (a registry name):
// golden_replay_<rounding> with CONFORMANCE_GOLDEN_DIR and CONFORMANCE_KERNELS for double and
// single rounding (the executables whose target kernels round that way), else (float) the
// tool's `explain FILE --kernels NAME`.
std::string case_replay_command(const std::string& file, ref::Rounding rounding, const std::string& kernels);

// Writes a failing case as a golden file with the reference's expectation (in `rounding`)
// and returns a line saying where it is and how to replay it alone on `kernels` (a registry
// name), then the adopt command.
std::string save_counterexample(const ConvCase& c, ref::Rounding rounding, const std::string& why,
                                const std::string& kernels = "target");

// The differential check: the kernel set's output equals the reference bit for bit (in the
// kernel set's rounding), nothing outside the buffers changed. Fails the property with the
// case, the differing coordinates, a counterexample file and the replay command.
void check_matches_reference(const ConvCase& c, const KernelSet& kernels, const std::string& family);

// A metamorphic check: two runs that must agree bit for bit.
void check_same_output(const std::string& relation, const ConvCase& a, const RunOutcome& out_a, const ConvCase& b,
                       const RunOutcome& out_b, ref::Rounding rounding);

}  // namespace conf::testing
