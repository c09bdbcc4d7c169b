#include "conf/property_run.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <sstream>
#include <utility>

#include "conf/golden.h"

namespace conf::testing {

namespace {

struct RunState {
  std::string suite;
  uint64_t seed = 0;
  int cases = 100;
  std::string exe;
  std::string results_dir;
  // Per current test.
  std::map<std::string, int64_t> family_cases;
  std::map<std::string, int64_t> path_cases;
  std::map<std::string, int64_t> coverage;
  std::string first_counterexample;
};

RunState& state() {
  static RunState s;
  return s;
}

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

std::string current_test_name() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  return info ? std::string(info->test_suite_name()) + "." + info->name() : "";
}

// The value of `key=` in a whitespace-separated RC_PARAMS string, or "".
std::string param_value(const std::string& params, const std::string& key) {
  std::istringstream words(params);
  for (std::string word; words >> word;) {
    if (word.rfind(key + "=", 0) == 0) return word.substr(key.size() + 1);
  }
  return "";
}

std::string quoted(const std::string& s) {
  std::string out = "'";
  for (char ch : s) out += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
  return out + "'";
}

// Writes one JSON line per finished test for scripts/summarize.
class RecordListener : public ::testing::EmptyTestEventListener {
  void OnTestStart(const ::testing::TestInfo&) override {
    state().family_cases.clear();
    state().path_cases.clear();
    state().coverage.clear();
    state().first_counterexample.clear();
  }
  void OnTestEnd(const ::testing::TestInfo& info) override {
    RunState& s = state();
    if (s.results_dir.empty()) return;
    nlohmann::json record;
    record["suite"] = s.suite;
    record["test"] = std::string(info.test_suite_name()) + "." + info.name();
    record["result"] = info.result()->Skipped() ? "skipped" : info.result()->Passed() ? "passed" : "failed";
    record["seed"] = s.seed;
    record["families"] = s.family_cases;
    record["paths"] = s.path_cases;
    if (!s.coverage.empty()) record["coverage"] = s.coverage;
    if (info.result()->Failed()) {
      record["replay"] = replay_command();
      if (!s.first_counterexample.empty()) record["counterexample"] = s.first_counterexample;
      std::string message;
      for (int i = 0; i < info.result()->total_part_count(); ++i) {
        const auto& part = info.result()->GetTestPartResult(i);
        if (part.failed()) message += part.summary();
      }
      record["message"] = message.substr(0, 4000);
    }
    std::filesystem::create_directories(s.results_dir);
    std::ofstream out(s.results_dir + "/" + s.suite + "-" + std::to_string(getpid()) + ".jsonl", std::ios::app);
    out << record.dump() << '\n';
  }
};

}  // namespace

void configure_run(int argc, char** argv, const std::string& suite, int default_cases) {
  RunState& s = state();
  s.suite = suite;
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  s.exe = ec ? (argc > 0 ? argv[0] : suite) : exe.string();
  s.results_dir = env("CONFORMANCE_RESULTS_DIR");

  std::string params = env("RC_PARAMS");
  if (const std::string seed = param_value(params, "seed"); !seed.empty()) {
    s.seed = std::stoull(seed);
  } else {
    const std::string seed_text = env("CONFORMANCE_SEED");
    if (!seed_text.empty()) {
      s.seed = std::stoull(seed_text);
    } else {
      std::random_device device;
      s.seed = (static_cast<uint64_t>(device()) << 32) ^ device();
    }
    params += " seed=" + std::to_string(s.seed);
  }
  if (const std::string cases = param_value(params, "max_success"); !cases.empty()) {
    s.cases = std::stoi(cases);
  } else {
    const std::string cases_text = env("CONFORMANCE_CASES");
    s.cases = cases_text.empty() ? default_cases : std::max(1, std::stoi(cases_text));
    params += " max_success=" + std::to_string(s.cases);
  }
  setenv("RC_PARAMS", params.c_str(), 1);

  bool listing = false;
  for (int i = 1; i < argc; ++i) listing = listing || std::string(argv[i]).rfind("--gtest_list_tests", 0) == 0;
  if (!listing) {
    std::cout << "[conformance] " << suite << ": seed " << s.seed << ", " << s.cases
              << " cases per property (replay with RC_PARAMS=\"seed=" << s.seed << "\")" << std::endl;
  }
  ::testing::UnitTest::GetInstance()->listeners().Append(new RecordListener);
}

uint64_t run_seed() { return state().seed; }
int cases_per_property() { return state().cases; }

std::string replay_command(const std::string& golden_dir) {
  const RunState& s = state();
  std::ostringstream cmd;
  const std::string golden = golden_dir.empty() ? env("CONFORMANCE_GOLDEN_DIR") : golden_dir;
  if (!golden.empty()) cmd << "CONFORMANCE_GOLDEN_DIR=" << quoted(golden) << " ";
  cmd << "RC_PARAMS=\"seed=" << s.seed << " max_success=" << s.cases << "\" " << quoted(s.exe)
      << " --gtest_filter=" << quoted(current_test_name());
  return cmd.str();
}

void record_case(const std::string& family, const std::string& path) {
  ++state().family_cases[family];
  if (!path.empty()) ++state().path_cases[path];
}

std::string coverage_key(const ConvCase& c, const std::string& path) {
  const std::string stride = c.stride_h > 2 || c.stride_w > 2
                                 ? ">2"
                                 : std::to_string(c.stride_h) + "x" + std::to_string(c.stride_w);
  const bool no_pad = c.pad_top == 0 && c.pad_bottom == 0 && c.pad_left == 0 && c.pad_right == 0;
  const bool symmetric = c.pad_top == c.pad_bottom && c.pad_left == c.pad_right;
  const bool depthwise = c.kind == ConvKind::depthwise;
  std::string key = "path=" + (path.empty() ? std::string("?") : path);
  key += "|stride=" + stride;
  key += std::string("|padding=") + (no_pad ? "none" : symmetric ? "symmetric" : "asymmetric");
  key += std::string("|dilation=") + (c.dilation_h > 1 || c.dilation_w > 1 ? ">1" : "1");
  key += std::string("|groups=") + (depthwise ? "depthwise" : c.groups > 1 ? "grouped" : "dense");
  key += std::string("|multiplier=") + (!depthwise ? "n/a" : c.depth_multiplier > 1 ? ">1" : "1");
  key += "|activation=" + c.activation_tail;
  key += std::string("|batch=") + (c.batch > 1 ? ">1" : "1");
  return key;
}

void record_coverage(const ConvCase& c, const std::string& path) { ++state().coverage[coverage_key(c, path)]; }

std::string counterexample_file(const std::string& file_name) {
  namespace fs = std::filesystem;
  std::string name = state().suite + "." + current_test_name();
  for (char& ch : name) {
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '.' && ch != '_' && ch != '-') ch = '_';
  }
  const std::string base = env("CONFORMANCE_COUNTEREXAMPLE_DIR");
  const fs::path dir = fs::absolute(base.empty() ? fs::path("counterexamples") : fs::path(base)) / name;
  fs::create_directories(dir);
  const std::string file = (dir / file_name).string();
  if (state().first_counterexample.empty()) state().first_counterexample = file;
  return file;
}

std::string adopt_command(const std::string& file) {
  const std::string stem = std::filesystem::path(file).parent_path().filename().string();
  return std::string("keep it as a golden case (it fails until the bug is fixed): ") + CONFORMANCE_TOOL + " adopt " +
         quoted(file) + " --out " + quoted((std::filesystem::path(golden_dir()) / "regressions" / (stem + ".json")).string());
}

std::string kernel_set_registry_name(const KernelSet& kernels) {
  std::string name = kernels.name();
  for (const char* family : {"target/", "reference/"}) {
    const std::string prefix = family;
    if (name.rfind(prefix, 0) == 0) name[prefix.size() - 1] = ':';
  }
  return name;
}

std::string case_replay_command(const std::string& file, ref::Rounding rounding, const std::string& kernels) {
  if (rounding == ref::Rounding::double_rounding || rounding == ref::Rounding::single_rounding) {
    return "CONFORMANCE_GOLDEN_DIR=" + quoted(file) + " CONFORMANCE_KERNELS=" + quoted(kernels) + " " +
           CONFORMANCE_GOLDEN_REPLAY_PREFIX + ref::rounding_name(rounding);
  }
  return std::string(CONFORMANCE_TOOL) + " explain " + quoted(file) + " --kernels " + quoted(kernels);
}

std::string save_counterexample(const ConvCase& c, ref::Rounding rounding, const std::string& why,
                                const std::string& kernels) {
  std::string file;
  try {
    file = counterexample_file("case.json");
    GoldenMeta meta;
    meta.name = "counterexample_" + std::filesystem::path(file).parent_path().filename().string();
    meta.description = why + " (seed " + std::to_string(state().seed) + ")";
    meta.tags = {"counterexample"};
    meta.rounding = rounding;
    auto doc = case_document(c, meta);
    add_reference_expectation(doc, file);
    write_json_atomically(file, doc);
  } catch (const std::exception& e) {
    return std::string("(could not write a counterexample file: ") + e.what() + ")";
  }
  return "counterexample: " + file + " (replay it alone: " + case_replay_command(file, rounding, kernels) + ")\n" +
         adopt_command(file);
}

void check_matches_reference(const ConvCase& c, const KernelSet& kernels, const std::string& family) {
  const ref::QuantizedConvResult expected = reference_result(c, kernels.rounding());
  if (!expected.domain.ok()) {
    RC_FAIL("generator bug: the case leaves the kernels' int32 domain: " + expected.domain.describe() + "\ncase: " +
            describe(c));
  }
  const RunOutcome got = kernels.run(c);
  record_case(family, got.path);
  record_coverage(c, got.path);
  RC_TAG(got.path);
  const double saturated = saturated_fraction(c, expected, kernels.rounding());
  RC_CLASSIFY(saturated == 0.0, "no int8 saturation");
  RC_CLASSIFY(saturated > 0.0 && saturated <= 0.5, "some int8 saturation");
  RC_CLASSIFY(saturated > 0.5, "mostly saturated");
  const CompareReport report =
      got.status == "ok" ? compare_outputs(c, got.output, expected, Compliance{}) : CompareReport{};
  if (got.ok() && report.pass()) return;

  std::ostringstream why;
  why << kernels.name() << " differs from the reference (" << ref::rounding_name(kernels.rounding())
      << " rounding, exact) on path " << got.path;
  std::ostringstream message;
  message << why.str() << "\ncase: " << describe(c) << "\n";
  if (got.status != "ok") message << "status " << got.status << ": " << got.message << "\n";
  for (const auto& e : got.integrity_errors) message << "integrity: " << e << "\n";
  if (got.status == "ok") message << report.describe() << "\n";
  message << save_counterexample(c, kernels.rounding(), why.str(), kernel_set_registry_name(kernels)) << "\n";
  message << "replay: " << replay_command() << "\n";
  RC_FAIL(message.str());
}

void check_same_output(const std::string& relation, const ConvCase& a, const RunOutcome& out_a, const ConvCase& b,
                       const RunOutcome& out_b, ref::Rounding rounding) {
  std::ostringstream problem;
  if (!out_a.ok() || !out_b.ok()) {
    problem << "a run failed: first " << out_a.status << " " << out_a.message << ", second " << out_b.status << " "
            << out_b.message;
    for (const auto& e : out_a.integrity_errors) problem << "\nintegrity (first): " << e;
    for (const auto& e : out_b.integrity_errors) problem << "\nintegrity (second): " << e;
  } else if (out_a.output.size() != out_b.output.size()) {
    problem << "output sizes differ: " << out_a.output.size() << " vs " << out_b.output.size();
  } else {
    size_t differing = 0, first = 0;
    for (size_t i = out_a.output.size(); i-- > 0;) {
      if (out_a.output[i] != out_b.output[i]) {
        ++differing;
        first = i;
      }
    }
    if (differing == 0) return;
    problem << differing << " of " << out_a.output.size() << " output bytes differ; first at byte " << first << ": "
            << int(out_a.output[first]) << " vs " << int(out_b.output[first]);
  }
  std::ostringstream message;
  message << "metamorphic relation broken: " << relation << "\n" << problem.str() << "\n";
  message << "first:  " << describe(a) << " (path " << out_a.path << ")\n";
  message << "second: " << describe(b) << " (path " << out_b.path << ")\n";
  message << save_counterexample(a, rounding, relation + ", first side") << "\n";
  message << save_counterexample(b, rounding, relation + ", second side") << "\n";
  message << "replay: " << replay_command() << "\n";
  RC_FAIL(message.str());
}

}  // namespace conf::testing
