// The JSON form of a graph ("conv-conformance-graph", version 1; described in
// lowering/README.md). Loading checks every field and reports the file and JSON path of the
// first bad one; it does not run the verifier (callers do, so they can report both kinds of
// problem differently).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "lower/ir.h"

namespace lower {

constexpr const char* kGraphFormat = "conv-conformance-graph";
constexpr int kGraphVersion = 1;

// Throws conf::GoldenError(file, json path, problem).
Graph graph_from_json(const nlohmann::ordered_json& document, const std::string& file);
Graph load_graph(const std::string& file);

// The "graph" part of a document: name, nodes, outputs. Constants made from a recipe are
// written as their recipe; others as values.
nlohmann::ordered_json graph_to_json(const Graph& graph);
// A whole document: format, version and the graph.
nlohmann::ordered_json graph_document(const Graph& graph);

// Tensor data in JSON: {"values": [...]} in logical order, or {"recipe": {...}}. Used for
// constants and for the stored inputs of golden graphs.
ConstantData data_from_json(const nlohmann::ordered_json& spec, const TensorMeta& meta, const std::string& file,
                            const std::string& path, std::optional<DataRecipe>* recipe = nullptr);
nlohmann::ordered_json data_to_json(const ConstantData& data, const std::optional<DataRecipe>& recipe);
ConstantData data_from_recipe(const DataRecipe& recipe, DType dtype, size_t count);

nlohmann::ordered_json meta_to_json(const TensorMeta& meta);
TensorMeta meta_from_json(const nlohmann::ordered_json& spec, const std::string& file, const std::string& path);

}  // namespace lower
