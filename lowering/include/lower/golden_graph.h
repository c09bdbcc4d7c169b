// Golden model graphs: a graph, its stored input and what must hold for it (format in
// golden/README.md, "Model graphs"). Checked by suites/lowering/golden_graphs.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "conf/compare.h"
#include "lower/ir.h"
#include "lower/value.h"

namespace lower {

struct GoldenGraph {
  std::string file;
  std::string name;
  std::string description;
  std::vector<std::string> tags;
  conf::Compliance compliance;  // end to end, lowered vs the float-simulated original
  Graph graph;
  std::map<std::string, Value> inputs;  // one per placeholder, contiguous
  bool has_histograms = false;
  OpHistogram histogram_before, histogram_after;
  std::vector<std::string> unchanged_by;  // passes that must leave the graph as it is
  std::vector<std::string> original_checksums;  // the original's outputs (reference semantics)
  std::vector<std::string> lowered_checksums;   // the lowered graph's outputs, reference kernels
  nlohmann::ordered_json document;
};


// Throws conf::GoldenError with the file and JSON path of the first bad field, and when the
// graph asks for more work than the bounds below (checked on the recorded metadata, before
// the stored inputs are generated).
GoldenGraph load_golden_graph(const std::string& file);
// The same for a document already in memory (`file` names it in errors).
GoldenGraph golden_graph_from_json(nlohmann::ordered_json document, const std::string& file);

// The work bound of golden graphs: the golden suite executes every graph (several times:
// original, lowered, reference and target kernels), so a file must not ask for an
// unbounded amount of work. Summed over the graph:
//   - multiply-accumulates of aten.convolution.default, aten.linear.default and the
//     cortex_m convolutions (output elements x kernel taps x input channels per group)
//     at most 2^33 (the golden graphs need about 2^20);
//   - elements produced by all nodes at most 2^30 (they produce about 2^18).
constexpr double kMaxGraphMacs = 8589934592.0;      // 2^33
constexpr double kMaxGraphElements = 1073741824.0;  // 2^30
// The multiply-accumulates of one call from its recorded metadata: output elements times
// the weight's elements per output channel. 0 for other ops and for calls too malformed
// to tell (the verifier reports those).
double node_macs(const Graph& graph, const Node& node);

// A document for a graph and its stored inputs (as recipes, by placeholder name), without
// the "expected" section.
nlohmann::ordered_json golden_graph_document(const Graph& graph, const std::string& description,
                                             const std::vector<std::string>& tags, const conf::Compliance& compliance,
                                             const std::map<std::string, DataRecipe>& input_recipes);

}  // namespace lower
