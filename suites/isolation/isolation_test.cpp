// Crash isolation (conf::make_isolated_kernel_set) against a kernel set broken on purpose:
// a crash, a hang, an abort or an exit becomes a failed outcome naming it; the run goes on;
// a failure message names the case and its replay command; a property over a crashing set
// shrinks to the smallest crashing case; guard bytes catch a write that does not crash.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>

#include "broken_kernel_set.h"
#include "conf/isolated_kernel_set.h"
#include "conf/property_run.h"
#include "gens/conv_gen.h"

namespace {

using isolation_test::Fault;
using namespace std::chrono_literals;

// A small valid convolution with `out_channels` output channels (2 input channels, 3x4
// input, 2x2 kernel, padding on two sides), built by hand so every test sees the same case.
conf::ConvCase small_case(int32_t out_channels) {
  conf::ConvCase c;
  c.in_channels = 2;
  c.out_channels = out_channels;
  c.in_h = 3;
  c.in_w = 4;
  c.kernel_h = c.kernel_w = 2;
  c.pad_top = c.pad_right = 1;
  c.input_offset = 5;
  c.output_offset = -3;
  c.has_bias = true;
  c.bias.assign(static_cast<size_t>(out_channels), 100);
  c.multiplier.assign(static_cast<size_t>(out_channels), 1 << 30);
  c.shift.assign(static_cast<size_t>(out_channels), -4);
  c.input.resize(static_cast<size_t>(c.input_elements()));
  c.weight.resize(static_cast<size_t>(c.weight_elements()));
  for (size_t i = 0; i < c.input.size(); ++i) c.input[i] = static_cast<int8_t>(i * 37 % 256 - 128);
  for (size_t i = 0; i < c.weight.size(); ++i) c.weight[i] = static_cast<int8_t>(i * 53 % 256 - 128);
  conf::check_consistent(c);
  return c;
}

// out_channels picks the fault, so one kernel set can show every kind in one run.
Fault fault_by_channels(const conf::ConvCase& c) {
  switch (c.out_channels) {
    case 5: return Fault::segfault;
    case 6: return Fault::hang;
    case 7: return Fault::write_past_output;
    case 8: return Fault::abort_call;
    case 9: return Fault::exit_silently;
    case 10: return Fault::throw_exception;
    default: return Fault::none;
  }
}

std::unique_ptr<conf::KernelSet> isolated_broken_set(std::chrono::milliseconds timeout) {
  return conf::make_isolated_kernel_set(isolation_test::make_broken_kernel_set(fault_by_channels), timeout);
}

// The message check_matches_reference fails the property with, or "" when it passes.
std::string failure_message(const conf::ConvCase& c, const conf::KernelSet& kernels) {
  try {
    conf::testing::check_matches_reference(c, kernels, "isolation");
  } catch (const rc::detail::CaseResult& result) {
    return result.description.empty() ? "(empty failure message)" : result.description;
  }
  return "";
}

// Points counterexample files at a temporary folder for the life of a test: the failures
// these tests provoke are expected, and must not look like findings in the build tree.
class ScratchCounterexamples {
 public:
  ScratchCounterexamples()
      : dir_(std::filesystem::temp_directory_path() / ("isolation_test_" + std::to_string(getpid()))) {
    const char* old = std::getenv("CONFORMANCE_COUNTEREXAMPLE_DIR");
    if (old) old_ = old;
    setenv("CONFORMANCE_COUNTEREXAMPLE_DIR", dir_.c_str(), 1);
  }
  ~ScratchCounterexamples() {
    if (old_) {
      setenv("CONFORMANCE_COUNTEREXAMPLE_DIR", old_->c_str(), 1);
    } else {
      unsetenv("CONFORMANCE_COUNTEREXAMPLE_DIR");
    }
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

 private:
  std::filesystem::path dir_;
  std::optional<std::string> old_;
};

TEST(Isolation, HealthyCaseMatchesTheReference) {
  const auto kernels = isolated_broken_set(5000ms);
  const conf::ConvCase c = small_case(3);
  const conf::RunOutcome got = kernels->run(c);
  ASSERT_TRUE(got.ok()) << got.status << ": " << got.message;
  EXPECT_EQ(got.path, "broken");
  EXPECT_EQ(got.output, conf::reference_result(c, ref::Rounding::double_rounding).output.data());
  EXPECT_EQ(kernels->name(), "broken-on-purpose");
}

// An output far larger than a pipe's buffer (64 KiB here) arrives whole: the parent reads
// while the child writes.
TEST(Isolation, LargeOutputCrossesThePipe) {
  conf::ConvCase c = small_case(16);
  c.in_h = c.in_w = 80;  // 16 * 81 * 81 = 104 976 output bytes
  c.input.resize(static_cast<size_t>(c.input_elements()));
  for (size_t i = 0; i < c.input.size(); ++i) c.input[i] = static_cast<int8_t>(i * 7 % 256 - 128);
  conf::check_consistent(c);
  const auto direct = conf::make_reference_kernel_set(ref::Rounding::double_rounding);
  const auto isolated =
      conf::make_isolated_kernel_set(conf::make_reference_kernel_set(ref::Rounding::double_rounding), 10000ms);
  const conf::RunOutcome expected = direct->run(c);
  const conf::RunOutcome got = isolated->run(c);
  ASSERT_TRUE(got.ok()) << got.status << ": " << got.message;
  ASSERT_GT(got.output.size(), size_t{1} << 16);
  EXPECT_EQ(got.output, expected.output);
  EXPECT_EQ(got.path, expected.path);
}

TEST(Isolation, EveryFaultIsReportedAndTheRunGoesOn) {
  const auto kernels = isolated_broken_set(300ms);
  const conf::ConvCase healthy = small_case(3);
  const auto expected = conf::reference_result(healthy, ref::Rounding::double_rounding).output.data();
  const std::pair<int32_t, std::string> faults[] = {
      {5, "crashed: SIGSEGV"}, {6, "timed out after 300 ms"}, {8, "crashed: SIGABRT"}, {9, "exited 3 without a result"}};
  for (const auto& [channels, status] : faults) {
    const conf::RunOutcome got = kernels->run(small_case(channels));
    EXPECT_EQ(got.status, status) << "out_channels " << channels << ": " << got.message;
    EXPECT_FALSE(got.ok());
    EXPECT_TRUE(conf::is_isolation_failure(got.status)) << got.status;
    EXPECT_NE(got.message.find("broken-on-purpose"), std::string::npos) << got.message;
    // The same set, right after the fault, still answers a healthy case correctly.
    const conf::RunOutcome next = kernels->run(healthy);
    ASSERT_TRUE(next.ok()) << "after out_channels " << channels << ": " << next.status << " " << next.message;
    EXPECT_EQ(next.output, expected);
  }
  EXPECT_FALSE(conf::is_isolation_failure("ok"));
  EXPECT_FALSE(conf::is_isolation_failure("arg_error"));
}

TEST(Isolation, CrashFailureNamesTheCaseAndTheReplayCommand) {
  ScratchCounterexamples scratch;
  const auto kernels = isolated_broken_set(5000ms);
  const conf::ConvCase c = small_case(5);
  const std::string message = failure_message(c, *kernels);
  ASSERT_FALSE(message.empty()) << "a crashing kernel set passed the differential check";
  EXPECT_NE(message.find("status crashed: SIGSEGV"), std::string::npos) << message;
  EXPECT_NE(message.find("case: " + conf::describe(c)), std::string::npos) << message;
  EXPECT_NE(message.find("replay: RC_PARAMS="), std::string::npos) << message;
  EXPECT_NE(message.find("--gtest_filter="), std::string::npos) << message;
  EXPECT_NE(message.find("counterexample: "), std::string::npos) << message;
}

TEST(Isolation, HangIsReportedAsATimeoutWithinTheLimit) {
  const auto kernels = isolated_broken_set(250ms);
  const auto start = std::chrono::steady_clock::now();
  const conf::RunOutcome got = kernels->run(small_case(6));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(got.status, "timed out after 250 ms") << got.message;
  EXPECT_NE(got.message.find("CONFORMANCE_CASE_TIMEOUT_MS"), std::string::npos) << got.message;
  EXPECT_GE(elapsed, 250ms);
  // Killing and reaping take milliseconds; the slack is for a loaded 2-core machine.
  EXPECT_LT(elapsed, 1250ms) << std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count() << " ms";
}

TEST(Isolation, WritePastTheOutputIsCaughtByGuardBytes) {
  ScratchCounterexamples scratch;
  const auto kernels = isolated_broken_set(5000ms);
  const conf::ConvCase c = small_case(7);
  const conf::RunOutcome got = kernels->run(c);
  EXPECT_EQ(got.status, "ok") << "the write does not crash, so the kernel's own status comes through";
  ASSERT_EQ(got.integrity_errors.size(), 1u);
  EXPECT_NE(got.integrity_errors[0].find("after output"), std::string::npos) << got.integrity_errors[0];
  EXPECT_FALSE(got.ok());
  const std::string message = failure_message(c, *kernels);
  const std::string expected = "integrity: 1 guard bytes after output were written (first at offset " +
                               std::to_string(c.output_elements()) + ")";
  EXPECT_NE(message.find(expected), std::string::npos) << message;
}

TEST(Isolation, ExceptionFromTheKernelSetIsRethrownInTheParent) {
  const auto kernels = isolated_broken_set(5000ms);
  try {
    kernels->run(small_case(10));
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("broken-on-purpose threw: broken-on-purpose threw on "), std::string::npos)
        << e.what();
  }
}

// Convolutions whose every dimension is an independent draw that shrinks toward 1 (or 0 for
// padding), so the smallest case with out_channels >= 5 is known exactly. (The suite's own
// generators shrink toward their families' shapes, not toward one smallest case.)
rc::Gen<conf::ConvCase> independent_dims_case() {
  return rc::gen::mapcat(rc::gen::exec([] {
                           conf::ConvCase c;
                           c.batch = *rc::gen::inRange(1, 4);
                           c.in_channels = *rc::gen::inRange(1, 17);
                           c.out_channels = *rc::gen::inRange(1, 17);
                           c.kernel_h = *rc::gen::inRange(1, 4);
                           c.kernel_w = *rc::gen::inRange(1, 4);
                           c.in_h = c.kernel_h + *rc::gen::inRange(0, 6);
                           c.in_w = c.kernel_w + *rc::gen::inRange(0, 6);
                           c.stride_h = *rc::gen::inRange(1, 3);
                           c.stride_w = *rc::gen::inRange(1, 3);
                           c.pad_top = *rc::gen::inRange(0, 2);
                           c.pad_bottom = *rc::gen::inRange(0, 2);
                           c.pad_left = *rc::gen::inRange(0, 2);
                           c.pad_right = *rc::gen::inRange(0, 2);
                           return c;
                         }),
                         gens::with_data_and_quantization);
}

// Counts rapidcheck's shrink steps. Being the run's only listener also keeps rapidcheck from
// printing its "properties had failures" hint for this property, which fails on purpose.
class ShrinkCounter : public rc::detail::TestListener {
 public:
  void onTestCaseFinished(const rc::detail::CaseDescription&) override {}
  void onShrinkTried(const rc::detail::CaseDescription&, bool accepted) override {
    ++tried;
    if (accepted) ++accepted_steps;
  }
  void onTestFinished(const rc::detail::TestMetadata&, const rc::detail::TestResult&) override {}
  int tried = 0, accepted_steps = 0;
};

// The property machinery sees a crash as an ordinary failure, so rapidcheck shrinks it like
// any other: each shrink step is another isolated run, and it ends on the smallest case
// that still crashes.
TEST(Isolation, PropertyOverACrashingSetShrinksToTheSmallestCrashingCase) {
  ScratchCounterexamples scratch;
  const auto kernels = conf::make_isolated_kernel_set(
      isolation_test::make_broken_kernel_set(
          [](const conf::ConvCase& c) { return c.out_channels >= 5 ? Fault::segfault : Fault::none; }),
      5000ms);
  std::optional<conf::ConvCase> last_failing;
  int evaluations = 0;
  rc::detail::TestParams params;
  params.seed = conf::testing::run_seed();
  params.maxSuccess = 1000;
  rc::detail::TestMetadata metadata;
  metadata.id = metadata.description = "isolated crashing set";
  ShrinkCounter shrinks;
  const auto result = rc::detail::checkProperty(rc::detail::toProperty(
      [&] {
        const conf::ConvCase c = *independent_dims_case();
        ++evaluations;
        try {
          conf::testing::check_matches_reference(c, *kernels, "isolation");
        } catch (const rc::detail::CaseResult&) {
          // Shrinking ends with the smallest case that still fails; every later candidate passed.
          last_failing = c;
          throw;
        }
      }),
      metadata, params, shrinks);
  rc::detail::FailureResult failure;
  ASSERT_TRUE(result.match(failure)) << "the property over a crashing kernel set did not fail";
  ASSERT_TRUE(last_failing.has_value());
  const conf::ConvCase& c = *last_failing;
  std::cout << "[isolation] " << evaluations << " isolated evaluations, " << shrinks.accepted_steps << " of "
            << shrinks.tried << " shrink steps accepted; shrunk to " << conf::describe(c) << "\n";
  EXPECT_GT(shrinks.accepted_steps, 0) << "the first crashing case was already the smallest: nothing shrank";
  EXPECT_NE(failure.description.find("status crashed: SIGSEGV"), std::string::npos) << failure.description;
  EXPECT_NE(failure.description.find("case: " + conf::describe(c)), std::string::npos) << failure.description;
  EXPECT_EQ(c.out_channels, 5);
  const std::string smallest_geometry =
      "conv2d n=1 c=1->5 groups=1 in=1x1 kernel=1x1 stride=1x1 dilation=1x1 pad(t,b,l,r)=0,0,0,0 out=1x1 ";
  EXPECT_EQ(conf::describe(c).substr(0, smallest_geometry.size()), smallest_geometry) << conf::describe(c);
}

TEST(IsolationSettings, TimeoutComesFromTheEnvironment) {
  unsetenv("CONFORMANCE_CASE_TIMEOUT_MS");
  EXPECT_EQ(conf::case_timeout_from_env(), 5000ms);
  setenv("CONFORMANCE_CASE_TIMEOUT_MS", "1234", 1);
  EXPECT_EQ(conf::case_timeout_from_env(), 1234ms);
  for (const char* bad : {"abc", "0", "-5", "12ms"}) {
    setenv("CONFORMANCE_CASE_TIMEOUT_MS", bad, 1);
    EXPECT_THROW(conf::case_timeout_from_env(), std::invalid_argument) << bad;
  }
  unsetenv("CONFORMANCE_CASE_TIMEOUT_MS");
  EXPECT_THROW(conf::make_isolated_kernel_set(conf::make_reference_kernel_set(ref::Rounding::double_rounding), 0ms),
               std::invalid_argument);
}

TEST(IsolationSettings, IsolationCanBeForcedEitherWay) {
  unsetenv("CONFORMANCE_ISOLATION");
  EXPECT_TRUE(conf::isolation_wanted(true));
  EXPECT_FALSE(conf::isolation_wanted(false));
  setenv("CONFORMANCE_ISOLATION", "off", 1);
  EXPECT_FALSE(conf::isolation_wanted(true));
  setenv("CONFORMANCE_ISOLATION", "on", 1);
  EXPECT_TRUE(conf::isolation_wanted(false));
  setenv("CONFORMANCE_ISOLATION", "maybe", 1);
  EXPECT_THROW(conf::isolation_wanted(true), std::invalid_argument);
  unsetenv("CONFORMANCE_ISOLATION");
}

TEST(IsolationPipe, OutcomeSurvivesTheRoundTrip) {
  conf::RunOutcome sent;
  sent.status = "bad_groups";
  sent.message = std::string("with a NUL \0 inside", 19);
  sent.path = "conv_generic";
  for (int v = -128; v < 128; ++v) sent.output.push_back(static_cast<int8_t>(v));
  sent.integrity_errors = {"first", "", "third"};
  const std::string bytes = conf::serialize_outcome(sent);
  conf::RunOutcome got;
  ASSERT_TRUE(conf::deserialize_outcome(bytes, got));
  EXPECT_EQ(got.status, sent.status);
  EXPECT_EQ(got.message, sent.message);
  EXPECT_EQ(got.path, sent.path);
  EXPECT_EQ(got.output, sent.output);
  EXPECT_EQ(got.integrity_errors, sent.integrity_errors);
  // A child that died halfway through writing, or wrote more than one outcome, sent no result.
  for (size_t cut = 0; cut < bytes.size(); ++cut) {
    EXPECT_FALSE(conf::deserialize_outcome(bytes.substr(0, cut), got)) << "truncated at " << cut;
  }
  EXPECT_FALSE(conf::deserialize_outcome(bytes + "x", got));
}

}  // namespace
