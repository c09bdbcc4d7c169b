#include "lower/golden_graph.h"

#include <fstream>

#include "conf/golden.h"
#include "lower/graph_json.h"

namespace lower {

namespace {

using json = nlohmann::ordered_json;

[[noreturn]] void fail(const std::string& file, const std::string& path, const std::string& problem) {
  throw conf::GoldenError(file, path, problem);
}

std::vector<std::string> strings(const json& v, const std::string& file, const std::string& path) {
  if (!v.is_array()) fail(file, path, "expected a list of strings");
  std::vector<std::string> out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (!v[i].is_string()) fail(file, path + "/" + std::to_string(i), "expected a string");
    out.push_back(v[i].get<std::string>());
  }
  return out;
}

OpHistogram histogram(const json& v, const std::string& file, const std::string& path) {
  if (!v.is_object()) fail(file, path, "expected an object of op -> count");
  OpHistogram h;
  for (const auto& [op, count] : v.items()) {
    if (!count.is_number_integer() || count.get<int64_t>() < 0) fail(file, path + "/" + op, "expected a count");
    if (count.get<int64_t>() > 0) h[op] = count.get<int64_t>();
  }
  return h;
}

}  // namespace

bool is_graph_document(const json& document) {
  return document.is_object() && document.contains("format") && document["format"] == kGraphFormat;
}

bool is_graph_file(const std::string& file) {
  std::ifstream in(file);
  if (!in) return false;
  try {
    return is_graph_document(json::parse(in));
  } catch (const json::exception&) {
    return false;
  }
}

GoldenGraph load_golden_graph(const std::string& file) {
  std::ifstream in(file);
  if (!in) fail(file, "", "cannot open the file");
  GoldenGraph g;
  g.file = file;
  try {
    g.document = json::parse(in);
  } catch (const json::exception& e) {
    fail(file, "", std::string("not valid JSON: ") + e.what());
  }
  const json& d = g.document;
  g.graph = graph_from_json(d, file);
  g.name = g.graph.name;
  if (d.contains("description") && d["description"].is_string()) g.description = d["description"].get<std::string>();
  if (d.contains("tags")) g.tags = strings(d["tags"], file, "/tags");
  if (!d.contains("compliance") || !d["compliance"].is_string()) fail(file, "/compliance", "missing (exact, near_tie or qtol:N)");
  try {
    g.compliance = conf::parse_compliance(d["compliance"].get<std::string>());
  } catch (const std::exception& e) {
    fail(file, "/compliance", e.what());
  }
  if (!d.contains("inputs") || !d["inputs"].is_object()) fail(file, "/inputs", "missing: one entry per placeholder");
  for (const Node* p : g.graph.placeholders()) {
    if (!d["inputs"].contains(p->name)) fail(file, "/inputs/" + p->name, "missing");
    TensorMeta contiguous = p->meta();
    contiguous.dim_order = ref::contiguous_order(contiguous.shape.size());
    const ConstantData data = data_from_json(d["inputs"][p->name], contiguous, file, "/inputs/" + p->name);
    g.inputs[p->name] = value_from_constant(contiguous, data);
  }
  for (const auto& [name, unused] : d["inputs"].items()) {
    (void)unused;
    if (!g.graph.has(name) || g.graph.node(name).kind != NodeKind::placeholder) {
      fail(file, "/inputs/" + name, "no placeholder has this name");
    }
  }
  if (d.contains("expected")) {
    const json& e = d["expected"];
    if (!e.is_object()) fail(file, "/expected", "expected an object");
    if (e.contains("histogram_before") != e.contains("histogram_after")) {
      fail(file, "/expected", "histogram_before and histogram_after come together");
    }
    if (e.contains("histogram_before")) {
      g.has_histograms = true;
      g.histogram_before = histogram(e["histogram_before"], file, "/expected/histogram_before");
      g.histogram_after = histogram(e["histogram_after"], file, "/expected/histogram_after");
    }
    if (e.contains("unchanged_by")) g.unchanged_by = strings(e["unchanged_by"], file, "/expected/unchanged_by");
    if (e.contains("original_output_checksums")) {
      g.original_checksums = strings(e["original_output_checksums"], file, "/expected/original_output_checksums");
    }
    if (e.contains("lowered_output_checksums")) {
      g.lowered_checksums = strings(e["lowered_output_checksums"], file, "/expected/lowered_output_checksums");
    }
    for (const auto* list : {&g.original_checksums, &g.lowered_checksums}) {
      if (!list->empty() && list->size() != g.graph.outputs.size()) {
        fail(file, "/expected", "needs one checksum per graph output (" + std::to_string(g.graph.outputs.size()) + ")");
      }
    }
  }
  return g;
}

json golden_graph_document(const Graph& graph, const std::string& description, const std::vector<std::string>& tags,
                           const conf::Compliance& compliance, const std::map<std::string, DataRecipe>& input_recipes) {
  json doc = graph_document(graph);
  json out{{"format", doc["format"]}, {"version", doc["version"]}, {"description", description}, {"tags", tags},
           {"compliance", conf::to_string(compliance)}};
  json inputs = json::object();
  for (const auto& [name, recipe] : input_recipes) {
    inputs[name] = data_to_json(ConstantData{std::vector<int8_t>{}}, recipe);
  }
  out["inputs"] = inputs;
  out["graph"] = doc["graph"];
  return out;
}

}  // namespace lower
