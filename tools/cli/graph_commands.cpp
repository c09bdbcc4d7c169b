// conformance graph: the lowering loop on graph files.
//
//   graph print FILE                        the graph and its op histogram
//   graph lower FILE OUT                    our pipeline; writes the lowered graph
//   graph check FILE [LOWERED]              every lowering check: FILE through our pipeline, or
//                                           FILE against LOWERED (an external pipeline's output)
//   graph write-models DIR [--size small|full]
//                                           the golden model graphs, expectations included
// --trace prints the op histogram after every pass, --trace-graphs the whole graph too.
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "cli.h"
#include "conf/golden.h"
#include "conf/target_kernels.h"
#include "lower/graph_replay.h"
#include "lower/checks.h"
#include "lower/executor.h"
#include "lower/golden_graph.h"
#include "lower/graph_json.h"
#include "lower/verifier.h"
#include "models.h"

namespace cli {

namespace {

struct Loaded {
  lower::Graph graph;
  lower::Inputs inputs;
  conf::Compliance compliance = conf::parse_compliance("qtol:255");
};

Loaded load(const std::string& file) {
  Loaded l;
  nlohmann::ordered_json document = conf::read_json_file(file);
  if (document.contains("inputs")) {
    lower::GoldenGraph g = lower::golden_graph_from_json(std::move(document), file);
    l.graph = std::move(g.graph);
    l.inputs = std::move(g.inputs);
    l.compliance = g.compliance;
  } else {
    l.graph = lower::graph_from_json(document, file);
    l.inputs = lower::seeded_inputs(l.graph, 1);
  }
  lower::verify_or_throw(l.graph, "as loaded from " + file);
  return l;
}

int print(const std::string& file) {
  const Loaded l = load(file);
  std::cout << lower::format_graph(l.graph) << "op histogram:\n" << lower::format_histogram(lower::op_histogram(l.graph));
  return 0;
}

struct Trace {
  bool histograms = false;
  bool graphs = false;
  lower::PassManagerOptions options() const {
    lower::PassManagerOptions o;
    o.trace = histograms || graphs ? &std::cout : nullptr;
    o.trace_graphs = graphs;
    return o;
  }
};

int lower_file(const std::string& file, const std::string& out, const Trace& trace) {
  const Loaded l = load(file);
  const lower::PassManagerOptions options = trace.options();
  const lower::PassRun run = lower::run_passes(l.graph, lower::cortex_m_pipeline(), options);
  conf::write_json_atomically(out, lower::graph_document(run.result));
  std::cout << "wrote " << out << "\n" << lower::format_histogram(lower::op_histogram(run.result));
  return 0;
}

int check(const std::string& file, const std::string& lowered_file, const Trace& trace) {
  const Loaded l = load(file);
  const auto reference = conf::make_reference_kernel_set(conf::target_rounding());
  const auto target = conf::make_target_kernel_set();
  std::vector<lower::CheckReport> reports;
  if (lowered_file.empty()) {
    if (trace.options().trace) lower::run_passes(l.graph, lower::cortex_m_pipeline(), trace.options());
    const lower::LoweringVerdict verdict =
        lower::check_lowering(l.graph, l.inputs, lower::cortex_m_pipeline(), *reference, *target, l.compliance);
    reports = verdict.reports;
  } else {
    const Loaded lowered = load(lowered_file);
    reports.push_back(lower::kernel_sets_agree(lowered.graph, l.inputs, *target, *reference));
    reports.push_back(lower::node_faithfulness(l.graph, lowered.graph, l.inputs, *target));
    reports.push_back(lower::end_to_end(l.graph, lowered.graph, l.inputs, *target, l.compliance));
  }
  bool pass = true;
  for (const auto& r : reports) {
    std::cout << r.describe();
    pass = pass && r.pass();
  }
  std::cout << (pass ? "PASS" : "FAIL") << "\n";
  return pass ? 0 : 1;
}

// Writes one model with expectations: histograms from the model's architecture, checksums
// of the original (reference semantics) and of the lowered graph run on the reference
// kernels, written only when every check passes.
int write_model(const std::string& dir, const std::string& stem, const lower::models::Model& model) {
  const auto reference = conf::make_reference_kernel_set(conf::target_rounding());
  const auto target = conf::make_target_kernel_set();
  std::map<std::string, lower::DataRecipe> recipes;
  uint64_t seed = 7;
  for (const lower::Node* p : model.graph.placeholders()) {
    lower::DataRecipe r;
    r.seed = seed++;
    r.scale = 1.0 / 16;
    recipes[p->name] = r;
  }
  const conf::Compliance compliance = conf::parse_compliance(model.compliance);
  nlohmann::ordered_json doc = lower::golden_graph_document(model.graph, model.description, model.tags, compliance, recipes);
  const std::string file = (std::filesystem::path(dir) / (stem + ".json")).string();
  // Read back what will be written, so the checks judge exactly the stored file.
  const lower::GoldenGraph g = lower::golden_graph_from_json(doc, file);
  const auto before = lower::structure(g.graph, model.histogram_before, "before lowering");
  const lower::LoweringVerdict verdict = lower::check_lowering(g.graph, g.inputs, lower::cortex_m_pipeline(), *reference, *target, compliance);
  const auto after = lower::structure(verdict.lowered, model.histogram_after, "after lowering");
  std::cout << stem << ":\n" << before.describe() << after.describe() << verdict.describe();
  if (!before.pass() || !after.pass() || !verdict.pass()) {
    std::cerr << "conformance graph: " << stem << " fails its checks; not written\n";
    return 1;
  }
  nlohmann::ordered_json expected;
  expected["histogram_before"] = model.histogram_before;
  expected["histogram_after"] = model.histogram_after;
  if (!model.unchanged_by.empty()) expected["unchanged_by"] = model.unchanged_by;
  expected["original_output_checksums"] = lower::stored_output_checksums(g.graph, g.inputs);
  expected["lowered_output_checksums"] = lower::stored_output_checksums(verdict.lowered, g.inputs);
  nlohmann::ordered_json ordered;
  for (const auto& [key, value] : doc.items()) {
    if (key == "graph") ordered["expected"] = expected;
    ordered[key] = value;
  }
  conf::write_json_atomically(file, ordered);
  std::cout << "wrote " << file << "\n";
  return 0;
}

}  // namespace

int graph_command(const Args& args) {
  const auto& p = args.positional;
  if (p.empty()) usage_error("graph needs a command: print, lower, check or write-models");
  Trace trace;
  trace.histograms = args.has("trace");
  trace.graphs = args.has("trace-graphs");
  const std::string& command = p[0];
  if (command == "print" && p.size() == 2) return print(p[1]);
  if (command == "lower" && p.size() == 3) return lower_file(p[1], p[2], trace);
  if (command == "check" && (p.size() == 2 || p.size() == 3)) return check(p[1], p.size() == 3 ? p[2] : "", trace);
  if (command == "write-models" && p.size() == 2) {
    const std::string size = args.get("size", "small");
    if (size != "small" && size != "full") usage_error("--size is small or full");
    std::filesystem::create_directories(p[1]);
    int status = 0;
    const auto models = lower::models::all_models(size == "full" ? lower::models::Size::full : lower::models::Size::small);
    for (const auto& [stem, model] : models) status |= write_model(p[1], stem, model);
    return status;
  }
  usage_error("graph " + command + ": wrong arguments");
}

}  // namespace cli
