#include "lower/golden_graph.h"

#include <cstdio>
#include <variant>

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

double elements(const ref::Shape& shape) {
  double n = 1;
  for (int64_t d : shape) n *= static_cast<double>(d);
  return n;
}

std::string count_text(double n) {
  char text[64];
  std::snprintf(text, sizeof text, "%.0f", n);
  return text;
}

// Throws when the graph's convolutions or its node outputs add up beyond the work bound.
void check_work_bound(const Graph& graph, const std::string& file) {
  double macs = 0, produced = 0;
  for (size_t i = 0; i < graph.nodes().size(); ++i) {
    const Node& n = graph.nodes()[i];
    const std::string path = "/graph/nodes/" + std::to_string(i);
    const std::string what = "node '" + n.name + "'" + (n.kind == NodeKind::call ? " (" + n.op + ")" : "");
    const double node_work = node_macs(graph, n);
    macs += node_work;
    if (macs > kMaxGraphMacs) {
      fail(file, path, what + ": " + count_text(node_work) + " multiply-accumulates bring the graph to " +
                           count_text(macs) + ", more than the 2^33 a golden graph may ask for");
    }
    for (const TensorMeta& m : n.outputs) produced += elements(m.shape);
    if (produced > kMaxGraphElements) {
      fail(file, path, what + ": the nodes up to this one produce " + count_text(produced) +
                           " elements, more than the 2^30 a golden graph may ask for");
    }
  }
}

}  // namespace

double node_macs(const Graph& graph, const Node& node) {
  if (node.kind != NodeKind::call || node.outputs.size() != 1 || node.args.size() < 2) return 0;
  // Which dim of the weight counts the output channels.
  size_t channel_dim = 0;
  if (node.op == "cortex_m.quantized_depthwise_conv2d.default") {
    channel_dim = 3;  // IHWO [1, kh, kw, C * depth_multiplier]
  } else if (node.op != "aten.convolution.default" && node.op != "aten.linear.default" &&
             node.op != "cortex_m.quantized_conv2d.default") {
    return 0;
  }
  const NodeRef* weight = std::get_if<NodeRef>(&node.args[1]);
  if (!weight || !graph.has(weight->name)) return 0;
  const Node& w = graph.node(weight->name);
  if (w.outputs.size() != 1 || w.outputs[0].shape.size() <= channel_dim) return 0;
  const ref::Shape& ws = w.outputs[0].shape;
  if (ws[channel_dim] < 1) return 0;
  return elements(node.outputs[0].shape) * (elements(ws) / static_cast<double>(ws[channel_dim]));
}

GoldenGraph load_golden_graph(const std::string& file) { return golden_graph_from_json(conf::read_json_file(file), file); }

GoldenGraph golden_graph_from_json(nlohmann::ordered_json document, const std::string& file) {
  conf::check_json_depth(document, file);
  GoldenGraph g;
  g.file = file;
  g.document = std::move(document);
  const json& d = g.document;
  g.graph = graph_from_json(d, file);
  check_work_bound(g.graph, file);
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
