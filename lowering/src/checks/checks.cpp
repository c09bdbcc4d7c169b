#include "lower/checks.h"

#include <sstream>

#include "compare_values.h"
#include "conf/recipe.h"
#include "lower/executor.h"
#include "lower/graph_json.h"

namespace lower {

std::string CheckReport::describe() const {
  std::ostringstream os;
  os << check << ": " << (pass() ? "pass" : "FAIL") << " (" << compared << " compared)\n";
  for (const std::string& f : failures) os << "  FAIL " << f << "\n";
  for (const std::string& n : notes) os << "  note " << n << "\n";
  return os.str();
}

namespace {

ExecutionOptions with_kernels(const conf::KernelSet& kernels, bool record_all) {
  ExecutionOptions options;
  options.kernels = &kernels;
  options.record_all = record_all;
  return options;
}

// Runs a graph; an execution error becomes a failure of the report instead of an exception.
bool run(const Graph& graph, const Inputs& inputs, const ExecutionOptions& options, const std::string& label,
         CheckReport& report, Execution& out) {
  try {
    out = execute(graph, inputs, options);
    return true;
  } catch (const std::exception& e) {
    report.failures.push_back(label + " does not run: " + e.what());
    return false;
  }
}

}  // namespace

CheckReport kernel_sets_agree(const Graph& lowered, const Inputs& inputs, const conf::KernelSet& a,
                              const conf::KernelSet& b) {
  CheckReport report;
  report.check = "kernel sets agree (" + a.name() + " vs " + b.name() + ")";
  Execution ea, eb;
  if (!run(lowered, inputs, with_kernels(a, true), "the lowered graph with " + a.name(), report, ea)) return report;
  if (!run(lowered, inputs, with_kernels(b, true), "the lowered graph with " + b.name(), report, eb)) return report;
  for (const Node& n : lowered.nodes()) {
    if (n.kind != NodeKind::call) continue;
    const auto& va = ea.values.at(n.name);
    const auto& vb = eb.values.at(n.name);
    ++report.compared;
    for (size_t k = 0; k < va.size(); ++k) {
      const std::string diff = checks::first_difference(va[k], vb[k], true);
      if (!diff.empty()) {
        report.failures.push_back("first diverging node '" + n.name + "' (" + n.op + "): " + a.name() + " " + diff +
                                  " of " + b.name());
        return report;
      }
    }
  }
  return report;
}

CheckReport outputs_identical(const Graph& before, const Graph& after, const Inputs& inputs,
                              const conf::KernelSet& kernels) {
  CheckReport report;
  report.check = "outputs identical";
  Execution eb, ea;
  if (!run(before, inputs, with_kernels(kernels, false), "the graph before", report, eb)) return report;
  if (!run(after, inputs, with_kernels(kernels, false), "the graph after", report, ea)) return report;
  if (ea.outputs.size() != eb.outputs.size()) {
    report.failures.push_back("the graphs have " + std::to_string(eb.outputs.size()) + " and " +
                              std::to_string(ea.outputs.size()) + " outputs");
    return report;
  }
  for (size_t i = 0; i < ea.outputs.size(); ++i) {
    ++report.compared;
    const std::string diff = checks::first_difference(ea.outputs[i], eb.outputs[i], true);
    if (!diff.empty()) report.failures.push_back("output " + std::to_string(i) + " ('" + after.outputs[i] + "') " + diff);
  }
  return report;
}

CheckReport structure(const Graph& graph, const std::map<std::string, int64_t>& expected, const std::string& label) {
  CheckReport report;
  report.check = "op histogram " + label;
  const OpHistogram actual = op_histogram(graph);
  std::map<std::string, int64_t> all(expected.begin(), expected.end());
  for (const auto& [op, count] : actual) all.emplace(op, 0);
  for (const auto& [op, unused] : all) {
    (void)unused;
    const auto e = expected.find(op);
    const auto a = actual.find(op);
    const int64_t want = e == expected.end() ? 0 : e->second;
    const int64_t got = a == actual.end() ? 0 : a->second;
    ++report.compared;
    if (want != got) {
      report.failures.push_back(op + ": " + std::to_string(got) + " in the graph, " + std::to_string(want) + " expected");
    }
  }
  return report;
}

Inputs seeded_inputs(const Graph& graph, uint64_t seed) {
  Inputs inputs;
  uint64_t k = 0;
  for (const Node* p : graph.placeholders()) {
    DataRecipe recipe;
    recipe.seed = seed * 1000003u + (k++);
    TensorMeta contiguous = p->meta();
    contiguous.dim_order = ref::contiguous_order(contiguous.shape.size());
    switch (contiguous.dtype) {
      case DType::float32: recipe.min = -128; recipe.max = 127; recipe.scale = 1.0 / 16; break;
      case DType::int8: break;
      case DType::int32: recipe.min = -1000; recipe.max = 1000; break;
    }
    inputs[p->name] = value_from_constant(contiguous, data_from_recipe(recipe, contiguous.dtype,
                                                                       static_cast<size_t>(contiguous.numel())));
  }
  return inputs;
}

}  // namespace lower
