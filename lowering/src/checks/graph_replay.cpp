#include "lower/graph_replay.h"

#include <set>
#include <sstream>

#include "conf/golden.h"
#include "lower/checks.h"
#include "lower/golden_graph.h"
#include "lower/graph_json.h"
#include "lower/passes.h"
#include "lower/verifier.h"

namespace lower {

std::vector<std::string> output_checksums(const Graph& graph, const std::map<std::string, Value>& inputs,
                                          const conf::KernelSet& kernels) {
  ExecutionOptions options;
  options.kernels = &kernels;
  std::vector<std::string> sums;
  for (const Value& v : execute(graph, inputs, options).outputs) sums.push_back(value_checksum(v));
  return sums;
}

std::vector<std::string> stored_output_checksums(const Graph& graph, const std::map<std::string, Value>& inputs) {
  static const auto reference = conf::make_reference_kernel_set(kStoredChecksumRounding);
  return output_checksums(graph, inputs, *reference);
}

namespace {

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

// The nodes a report names ("node 'x'"), printed with their op, arguments and metadata.
std::string named_nodes(const Graph& graph, const std::string& text) {
  static const std::string marker = "node '";
  std::set<std::string> seen;
  std::string lines;
  for (size_t at = text.find(marker); at != std::string::npos; at = text.find(marker, at + 1)) {
    const size_t begin = at + marker.size();
    const size_t end = text.find('\'', begin);
    if (end == std::string::npos) break;
    const std::string name = text.substr(begin, end - begin);
    if (!graph.has(name) || !seen.insert(name).second) continue;
    lines += "  " + format_node(graph.node(name)) + "\n";
  }
  return lines.empty() ? "" : "the nodes named above:\n" + lines;
}

}  // namespace

conf::Replay replay_golden_graph(const std::string& file, const conf::KernelSet& reference,
                                 const conf::KernelSet& kernels) {
  conf::Replay r;
  r.name = file;
  GoldenGraph g;
  try {
    g = load_golden_graph(file);
  } catch (const std::exception& e) {
    r.summary = "malformed golden graph";
    r.explanation = e.what();
    return r;
  }
  r.name = g.name;
  r.tags = g.tags;
  r.summary = "lowered with the Cortex-M pipeline, " + kernels.name() + " against " + reference.name() + ", end to end " +
              conf::to_string(g.compliance);
  std::ostringstream why;
  const VerifyReport verified = verify(g.graph);
  if (!verified.ok()) {
    r.explanation = "the original graph does not verify:\n" + verified.describe();
    return r;
  }
  bool pass = true;
  try {
    if (!g.original_checksums.empty()) {
      const auto now = stored_output_checksums(g.graph, g.inputs);
      if (now != g.original_checksums) {
        pass = false;
        why << "the original graph's outputs changed (an op's meaning or the stored input): stored "
            << joined(g.original_checksums) << ", now " << joined(now) << "\n";
      }
    }
    const LoweringVerdict verdict =
        check_lowering(g.graph, g.inputs, cortex_m_pipeline(), reference, kernels, g.compliance);
    r.summary += ", " + std::to_string(verdict.lowered.size()) + " nodes after lowering";
    if (!verdict.pass()) {
      pass = false;
      const std::string report = verdict.describe();
      why << report << named_nodes(verdict.lowered, report);
    }
    if (verdict.lowered.size() > 0) {
      if (g.has_histograms) {
        for (const auto& check : {structure(g.graph, {g.histogram_before.begin(), g.histogram_before.end()}, "before lowering"),
                                  structure(verdict.lowered, {g.histogram_after.begin(), g.histogram_after.end()},
                                            "after lowering")}) {
          if (!check.pass()) {
            pass = false;
            why << check.describe();
          }
        }
      }
      for (const std::string& name : g.unchanged_by) {
        bool found = false;
        for (const PassStep& step : verdict.steps) {
          if (step.pass != name) continue;
          found = true;
          if (graph_document(*step.after).dump() != graph_document(*step.before).dump()) {
            pass = false;
            why << "pass " << name << " must leave this graph unchanged, and changed it\n";
          }
        }
        if (!found) {
          pass = false;
          why << "expected/unchanged_by names '" << name << "', which the pipeline does not run\n";
        }
      }
      if (!g.lowered_checksums.empty()) {
        const auto now = stored_output_checksums(verdict.lowered, g.inputs);
        if (now != g.lowered_checksums) {
          pass = false;
          why << "the lowered graph's outputs changed: stored " << joined(g.lowered_checksums) << ", now "
              << joined(now) << "\n";
        }
      }
    }
    if (pass) why << verdict.describe();
  } catch (const std::exception& e) {
    pass = false;
    why << e.what() << "\n";
  }
  r.explanation = why.str();
  r.verdict = pass ? conf::Replay::Verdict::pass : conf::Replay::Verdict::fail;
  return r;
}

}  // namespace lower
