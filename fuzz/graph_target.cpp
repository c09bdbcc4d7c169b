// Fuzz target: a graph document from arbitrary bytes, through every reader a graph file
// meets: lower::graph_from_json, lower::verify, and the golden-graph reader (stored inputs,
// expectations, the work bound). Acceptable: success, conf::GoldenError, verifier problems.
#include "conf/golden.h"
#include "fuzz_target.h"
#include "lower/golden_graph.h"
#include "lower/graph_json.h"
#include "lower/verifier.h"

namespace fuzz {

Outcome run_one(const std::string& text, const std::string& name) {
  Outcome outcome;
  try {
    const nlohmann::ordered_json document = conf::parse_json_text(text, name);
    bool loaded = false;
    try {
      const lower::Graph graph = lower::graph_from_json(document, name);
      loaded = true;
      const lower::VerifyReport report = lower::verify(graph);
      if (!report.ok()) outcome = {true, report.problems.front()};
      (void)lower::format_graph(graph);
    } catch (const conf::GoldenError& e) {
      outcome = {true, e.what()};
    }
    if (loaded) {
      try {
        const lower::GoldenGraph g = lower::golden_graph_from_json(document, name);
        const lower::VerifyReport report = lower::verify(g.graph);
        if (!outcome.rejected && !report.ok()) outcome = {true, report.problems.front()};
      } catch (const conf::GoldenError& e) {
        // A plain graph file is no golden graph; only golden-graph documents count here.
        if (!outcome.rejected && document.contains("inputs")) outcome = {true, e.what()};
      }
    }
  } catch (const conf::GoldenError& e) {
    outcome = {true, e.what()};
  } catch (const lower::IrError& e) {
    // verify() reports problems instead of throwing; an IrError is the one exception its
    // contract allows.
    outcome = {true, e.what()};
  } catch (...) {
    abort_on_unexpected(name);
  }
  return outcome;
}

}  // namespace fuzz
