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

// Whether a parsed JSON document is a graph (as opposed to an op-level golden case).
bool is_graph_document(const nlohmann::ordered_json& document);
// Whether the file's "format" field names a graph; false for unreadable files.
bool is_graph_file(const std::string& file);

// Throws conf::GoldenError with the file and JSON path of the first bad field.
GoldenGraph load_golden_graph(const std::string& file);

// A document for a graph and its stored inputs (as recipes, by placeholder name), without
// the "expected" section.
nlohmann::ordered_json golden_graph_document(const Graph& graph, const std::string& description,
                                             const std::vector<std::string>& tags, const conf::Compliance& compliance,
                                             const std::map<std::string, DataRecipe>& input_recipes);

}  // namespace lower
