// One exported PyTorch model, checked three ways (see README.md):
//   1. our executor's reference semantics against PyTorch's own quantized model, per node
//      and end to end (torch_agreement.h);
//   2. our Cortex-M pass pipeline on it with every lowering check (kernel sets agree,
//      per-node faithfulness, byte-moving passes, end to end);
//   3. the structure the model's architecture promises after lowering (--after op=N).
// Exit 0 when everything holds, 1 when a check fails, 2 on bad arguments or files.
#include <cstdlib>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "conf/target_kernels.h"
#include "lower/checks.h"
#include "lower/golden_graph.h"
#include "lower/passes.h"
#include "torch_agreement.h"
#include "torch_values.h"

namespace {

struct Options {
  std::string graph, torch, regenerate;
  std::map<std::string, int64_t> after;
  double tie_window = torchcheck::kDefaultTieWindow;
  std::string command;  // this invocation, to replay it
};

std::string quoted(const std::string& s) {
  if (s.find_first_of(" '\"$*?|;&()<>") == std::string::npos && !s.empty()) return s;
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

[[noreturn]] void usage(const std::string& problem) {
  std::cerr << "torch_model_check: " << problem << "\n"
            << "usage: torch_model_check --graph G.json --torch G.torch.json [--after OP=COUNT]... [--tie-window W]\n"
               "                         [--regenerate 'command that wrote the files']\n"
               "G.json and G.torch.json come from: /usr/bin/python3 scripts/export_torch_model.py MODEL --out G.json "
               "--torch-outputs G.torch.json\n";
  std::exit(2);
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 0; i < argc; ++i) o.command += (i ? " " : "") + quoted(argv[i]);
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage(a + " needs a value");
      return argv[++i];
    };
    if (a == "--graph") {
      o.graph = value();
    } else if (a == "--torch") {
      o.torch = value();
    } else if (a == "--regenerate") {
      o.regenerate = value();
    } else if (a == "--tie-window") {
      o.tie_window = std::strtod(value().c_str(), nullptr);
      if (!(o.tie_window >= 0 && o.tie_window < 0.5)) usage("--tie-window must be in [0, 0.5)");
    } else if (a == "--after") {
      const std::string spec = value();
      const auto eq = spec.find('=');
      if (eq == std::string::npos || eq == 0) usage("--after expects OP=COUNT, got '" + spec + "'");
      char* end = nullptr;
      const long long count = std::strtoll(spec.c_str() + eq + 1, &end, 10);
      if (*end != '\0' || count < 0) usage("--after expects a count >= 0 in '" + spec + "'");
      o.after[spec.substr(0, eq)] = count;
    } else {
      usage("unknown argument '" + a + "'");
    }
  }
  if (o.graph.empty() || o.torch.empty()) usage("--graph and --torch are required");
  return o;
}

// Only the listed ops are counted (lower::structure compares a whole histogram).
lower::CheckReport expected_counts(const lower::Graph& lowered, const std::map<std::string, int64_t>& expected) {
  lower::CheckReport r;
  r.check = "structure after the cortex_m pipeline";
  const lower::OpHistogram histogram = lower::op_histogram(lowered);
  for (const auto& [op, count] : expected) {
    const auto found = histogram.find(op);
    const int64_t actual = found == histogram.end() ? 0 : found->second;
    ++r.compared;
    const std::string line = op + ": " + std::to_string(actual) + " (expected " + std::to_string(count) + ")";
    if (actual != count) {
      r.failures.push_back(line);
    } else {
      r.notes.push_back(line);
    }
  }
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  lower::GoldenGraph g;
  torchcheck::TorchValues torch;
  try {
    g = lower::load_golden_graph(o.graph);
    torch = torchcheck::load_torch_values(o.torch);
  } catch (const std::exception& e) {
    std::cerr << "torch_model_check: " << e.what() << "\n";
    if (!o.regenerate.empty()) std::cerr << "regenerate the files: " << o.regenerate << "\n";
    return 2;
  }
  const auto reference = conf::make_reference_kernel_set(conf::target_rounding());
  const auto target = conf::make_target_kernel_set();
  std::cout << "model " << torch.model << " (graph " << g.name << ", " << g.graph.size() << " nodes), PyTorch "
            << torch.torch_version << " engine " << torch.engine << "\n";
  if (!torch.converted_quantization.empty()) {
    std::cout << "  " << torch.converted_quantization.size() << " quantization(s) from the converted model, e.g. "
              << torch.converted_quantization.front() << "\n";
  }
  if (!torch.workarounds.empty()) {
    std::cout << "  " << torch.workarounds.size() << " PyTorch workaround(s), e.g. " << torch.workarounds.front() << "\n";
  }

  std::vector<lower::CheckReport> reports;
  try {
    reports.push_back(torchcheck::per_node_agreement(g.graph, g.inputs, torch, *reference, o.tie_window));
    reports.push_back(torchcheck::end_to_end_agreement(g.graph, g.inputs, torch, *reference, g.compliance));
  } catch (const std::exception& e) {
    lower::CheckReport r;
    r.check = "executor vs PyTorch";
    r.failures.push_back(std::string("the executor failed: ") + e.what());
    reports.push_back(r);
  }
  const lower::LoweringVerdict verdict =
      lower::check_lowering(g.graph, g.inputs, lower::cortex_m_pipeline(), *reference, *target, g.compliance);
  reports.insert(reports.end(), verdict.reports.begin(), verdict.reports.end());
  if (!o.after.empty()) reports.push_back(expected_counts(verdict.lowered, o.after));

  bool pass = true;
  for (const auto& r : reports) pass = pass && r.pass();
  for (const auto& r : reports) {
    if (!r.pass()) std::cout << r.describe();
  }
  for (const auto& r : reports) {
    if (r.pass()) std::cout << r.describe();
  }
  std::cout << "lowered: " << lower::format_histogram(lower::op_histogram(verdict.lowered));
  std::cout << (pass ? "PASS" : "FAIL") << " " << torch.model << "\n";
  if (!pass) {
    std::cout << "replay: " << o.command << "\n";
    if (!o.regenerate.empty()) std::cout << "the files came from: " << o.regenerate << "\n";
    std::cout << "our pipeline alone, with a trace: build/tools/conformance graph check " << quoted(o.graph) << " --trace\n";
  }
  return pass ? 0 : 1;
}
