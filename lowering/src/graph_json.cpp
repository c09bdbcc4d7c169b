#include "lower/graph_json.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>

#include "conf/golden.h"
#include "conf/recipe.h"

namespace lower {

namespace {

using json = nlohmann::ordered_json;

constexpr int64_t kMaxRank = 6;
constexpr int64_t kMaxElements = int64_t{1} << 24;
constexpr size_t kMaxNodes = 200000;
// Constant data is generated or copied while loading, so its total is bounded too: 2^26
// elements (256 MiB of float32), far above any model this suite replays.
constexpr int64_t kMaxConstantElements = int64_t{1} << 26;

[[noreturn]] void fail(const std::string& file, const std::string& path, const std::string& problem) {
  throw conf::GoldenError(file, path, problem);
}

const json& member(const json& object, const std::string& file, const std::string& path, const char* key) {
  if (!object.is_object()) fail(file, path, "expected an object");
  const auto it = object.find(key);
  if (it == object.end()) fail(file, path + "/" + key, "missing");
  return *it;
}

const json* optional_member(const json& object, const char* key) {
  const auto it = object.find(key);
  return it == object.end() || it->is_null() ? nullptr : &*it;
}

std::string string_field(const json& object, const std::string& file, const std::string& path, const char* key) {
  const json& v = member(object, file, path, key);
  if (!v.is_string()) fail(file, path + "/" + key, "expected a string");
  return v.get<std::string>();
}

int64_t integer(const json& v, const std::string& file, const std::string& path, int64_t lo, int64_t hi) {
  if (!v.is_number_integer()) fail(file, path, "expected an integer, got " + std::string(v.type_name()));
  if (v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    fail(file, path, "integer out of range");
  }
  const auto x = v.get<int64_t>();
  if (x < lo || x > hi) fail(file, path, std::to_string(x) + " is outside [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
  return x;
}

double real(const json& v, const std::string& file, const std::string& path) {
  if (!v.is_number()) fail(file, path, "expected a number, got " + std::string(v.type_name()));
  const double x = v.get<double>();
  if (!std::isfinite(x)) fail(file, path, "not a finite number");
  return x;
}

std::vector<int64_t> int_list(const json& v, const std::string& file, const std::string& path, int64_t lo, int64_t hi) {
  if (!v.is_array()) fail(file, path, "expected a list of integers");
  std::vector<int64_t> out;
  for (size_t i = 0; i < v.size(); ++i) out.push_back(integer(v[i], file, path + "/" + std::to_string(i), lo, hi));
  return out;
}

Arg arg_from_json(const json& v, const std::string& file, const std::string& path) {
  if (v.is_null()) return None{};
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_number_integer()) {
    return integer(v, file, path, std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max());
  }
  if (v.is_number()) return real(v, file, path);
  if (v.is_string()) return v.get<std::string>();
  if (v.is_object()) {
    if (const json* n = optional_member(v, "node")) {
      if (!n->is_string()) fail(file, path + "/node", "expected a node name");
      return NodeRef{n->get<std::string>()};
    }
    if (const json* list = optional_member(v, "nodes")) {
      if (!list->is_array()) fail(file, path + "/nodes", "expected a list of node names");
      std::vector<NodeRef> refs;
      for (size_t i = 0; i < list->size(); ++i) {
        if (!(*list)[i].is_string()) fail(file, path + "/nodes/" + std::to_string(i), "expected a node name");
        refs.push_back(NodeRef{(*list)[i].get<std::string>()});
      }
      return refs;
    }
    fail(file, path, "an object argument must be {\"node\": name} or {\"nodes\": [names]}");
  }
  // A list: integers unless any element is a float.
  bool any_float = false;
  for (size_t i = 0; i < v.size(); ++i) {
    if (!v[i].is_number()) fail(file, path + "/" + std::to_string(i), "list arguments hold numbers only");
    any_float = any_float || v[i].is_number_float();
  }
  if (!any_float) {
    return int_list(v, file, path, std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max());
  }
  std::vector<double> out;
  for (size_t i = 0; i < v.size(); ++i) out.push_back(real(v[i], file, path + "/" + std::to_string(i)));
  return out;
}

json arg_to_json(const Arg& arg) {
  struct Visitor {
    json operator()(const None&) const { return nullptr; }
    json operator()(const NodeRef& r) const { return json{{"node", r.name}}; }
    json operator()(const std::vector<NodeRef>& refs) const {
      json names = json::array();
      for (const NodeRef& r : refs) names.push_back(r.name);
      return json{{"nodes", names}};
    }
    json operator()(int64_t v) const { return v; }
    json operator()(double v) const { return v; }
    json operator()(bool v) const { return v; }
    json operator()(const std::vector<int64_t>& v) const { return v; }
    json operator()(const std::vector<double>& v) const { return v; }
    json operator()(const std::string& v) const { return v; }
  };
  return std::visit(Visitor{}, arg);
}

DataRecipe recipe_from_json(const json& spec, const std::string& file, const std::string& path) {
  DataRecipe r;
  r.seed = static_cast<uint64_t>(integer(member(spec, file, path, "seed"), file, path + "/seed", 0,
                                         std::numeric_limits<int64_t>::max()));
  if (const json* d = optional_member(spec, "distribution")) {
    if (!d->is_string()) fail(file, path + "/distribution", "expected a string");
    r.distribution = d->get<std::string>();
    if (r.distribution != "uniform" && r.distribution != "sparse" && r.distribution != "extremes") {
      fail(file, path + "/distribution", "unknown distribution '" + r.distribution + "' (uniform, sparse, extremes)");
    }
  }
  const int64_t limit = int64_t{1} << 31;
  if (const json* v = optional_member(spec, "min")) r.min = integer(*v, file, path + "/min", -limit, limit - 1);
  if (const json* v = optional_member(spec, "max")) r.max = integer(*v, file, path + "/max", -limit, limit - 1);
  if (r.min > r.max) fail(file, path, "min is above max");
  if (const json* v = optional_member(spec, "scale")) {
    r.scale = real(*v, file, path + "/scale");
    if (!(r.scale > 0)) fail(file, path + "/scale", "must be positive");
  }
  return r;
}

}  // namespace

ConstantData data_from_recipe(const DataRecipe& recipe, DType dtype, size_t count) {
  conf::Recipe r;
  r.seed = recipe.seed;
  r.distribution = recipe.distribution;
  r.min = recipe.min;
  r.max = recipe.max;
  const std::vector<int64_t> values = conf::values_from_recipe(r, count);
  switch (dtype) {
    case DType::float32: {
      std::vector<float> out;
      for (int64_t v : values) out.push_back(static_cast<float>(static_cast<double>(v) * recipe.scale));
      return out;
    }
    case DType::int8: {
      if (recipe.min < -128 || recipe.max > 127) throw std::invalid_argument("int8 recipe range exceeds [-128, 127]");
      return std::vector<int8_t>(values.begin(), values.end());
    }
    case DType::int32:
      return std::vector<int32_t>(values.begin(), values.end());
  }
  throw std::invalid_argument("bad dtype");
}

ConstantData data_from_json(const json& spec, const TensorMeta& meta, const std::string& file, const std::string& path,
                            std::optional<DataRecipe>* recipe_out) {
  if (!spec.is_object()) fail(file, path, "expected {\"values\": [...]} or {\"recipe\": {...}}");
  const auto count = static_cast<size_t>(meta.numel());
  if (const json* r = optional_member(spec, "recipe")) {
    const DataRecipe recipe = recipe_from_json(*r, file, path + "/recipe");
    if (meta.dtype == DType::int8 && (recipe.min < -128 || recipe.max > 127)) {
      fail(file, path + "/recipe", "an int8 recipe needs min and max within [-128, 127]");
    }
    if (recipe_out) *recipe_out = recipe;
    return data_from_recipe(recipe, meta.dtype, count);
  }
  const json& values = member(spec, file, path, "values");
  if (!values.is_array()) fail(file, path + "/values", "expected a list");
  if (values.size() != count) {
    fail(file, path + "/values", "has " + std::to_string(values.size()) + " values, the shape " +
                                     ref::to_string(meta.shape) + " needs " + std::to_string(count));
  }
  switch (meta.dtype) {
    case DType::float32: {
      std::vector<float> out;
      for (size_t i = 0; i < count; ++i) out.push_back(static_cast<float>(real(values[i], file, path + "/values/" + std::to_string(i))));
      return out;
    }
    case DType::int8: {
      std::vector<int8_t> out;
      for (size_t i = 0; i < count; ++i) out.push_back(static_cast<int8_t>(integer(values[i], file, path + "/values/" + std::to_string(i), -128, 127)));
      return out;
    }
    case DType::int32: {
      std::vector<int32_t> out;
      for (size_t i = 0; i < count; ++i) {
        out.push_back(static_cast<int32_t>(integer(values[i], file, path + "/values/" + std::to_string(i),
                                                   std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max())));
      }
      return out;
    }
  }
  fail(file, path, "bad dtype");
}

json data_to_json(const ConstantData& data, const std::optional<DataRecipe>& recipe) {
  if (recipe) {
    json r{{"seed", recipe->seed}, {"distribution", recipe->distribution}, {"min", recipe->min}, {"max", recipe->max}};
    if (recipe->scale != 1.0) r["scale"] = recipe->scale;
    return json{{"recipe", r}};
  }
  return std::visit(
      [](const auto& values) {
        json list = json::array();
        for (const auto v : values) {
          if constexpr (std::is_same_v<std::decay_t<decltype(v)>, float>) list.push_back(static_cast<double>(v));
          else list.push_back(static_cast<int64_t>(v));
        }
        return json{{"values", list}};
      },
      data);
}

json meta_to_json(const TensorMeta& meta) {
  json j{{"shape", meta.shape}, {"dtype", dtype_name(meta.dtype)}, {"dim_order", meta.dim_order}};
  if (meta.quant) {
    json q{{"scale", meta.quant->scale}, {"zero_point", meta.quant->zero_point}};
    if (meta.quant->axis >= 0) q["axis"] = meta.quant->axis;
    j["quant"] = q;
  }
  return j;
}

TensorMeta meta_from_json(const json& spec, const std::string& file, const std::string& path) {
  TensorMeta meta;
  const json& shape = member(spec, file, path, "shape");
  meta.shape = int_list(shape, file, path + "/shape", 0, kMaxElements);
  if (static_cast<int64_t>(meta.shape.size()) > kMaxRank) fail(file, path + "/shape", "more than 6 dims");
  // Dims of size 0 count as 1 here: [0, 2^24, 2^24, ...] holds no element, but every
  // product over its dims (strides, counts of the dims after the 0) would overflow.
  double elements = 1;
  for (int64_t d : meta.shape) elements *= static_cast<double>(std::max<int64_t>(d, 1));
  if (elements > static_cast<double>(kMaxElements)) {
    fail(file, path + "/shape", ref::to_string(meta.shape) + " has more than 2^24 elements (dims of size 0 counted as 1)");
  }
  try {
    meta.dtype = parse_dtype(string_field(spec, file, path, "dtype"));
  } catch (const std::invalid_argument& e) {
    fail(file, path + "/dtype", e.what());
  }
  if (const json* order = optional_member(spec, "dim_order")) {
    const auto values = int_list(*order, file, path + "/dim_order", 0, kMaxRank);
    meta.dim_order.assign(values.begin(), values.end());
    if (!ref::is_valid_dim_order(meta.dim_order, meta.shape.size())) {
      fail(file, path + "/dim_order", ref::to_string(meta.dim_order) + " is not a permutation of the " +
                                          std::to_string(meta.shape.size()) + " dims");
    }
  } else {
    meta.dim_order = ref::contiguous_order(meta.shape.size());
  }
  if (const json* q = optional_member(spec, "quant")) {
    QuantMeta quant;
    const json& scales = member(*q, file, path + "/quant", "scale");
    if (!scales.is_array() || scales.empty()) fail(file, path + "/quant/scale", "expected a non-empty list");
    for (size_t i = 0; i < scales.size(); ++i) {
      const double s = real(scales[i], file, path + "/quant/scale/" + std::to_string(i));
      if (!(s > 0)) fail(file, path + "/quant/scale/" + std::to_string(i), "scales must be positive");
      quant.scale.push_back(s);
    }
    quant.zero_point = int_list(member(*q, file, path + "/quant", "zero_point"), file, path + "/quant/zero_point",
                                std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max());
    if (quant.zero_point.size() != quant.scale.size()) fail(file, path + "/quant/zero_point", "needs one per scale");
    if (const json* axis = optional_member(*q, "axis")) {
      quant.axis = integer(*axis, file, path + "/quant/axis", 0, static_cast<int64_t>(meta.shape.size()) - 1);
    }
    meta.quant = quant;
  }
  return meta;
}

Graph graph_from_json(const json& document, const std::string& file) {
  if (!document.is_object()) fail(file, "", "expected a JSON object");
  const std::string format = string_field(document, file, "", "format");
  if (format != kGraphFormat) fail(file, "/format", "expected \"" + std::string(kGraphFormat) + "\", got \"" + format + "\"");
  integer(member(document, file, "", "version"), file, "/version", kGraphVersion, kGraphVersion);
  const json& g = member(document, file, "", "graph");
  Graph graph;
  if (const json* name = optional_member(g, "name")) {
    if (!name->is_string()) fail(file, "/graph/name", "expected a string");
    graph.name = name->get<std::string>();
  }
  const json& nodes = member(g, file, "/graph", "nodes");
  if (!nodes.is_array()) fail(file, "/graph/nodes", "expected a list");
  if (nodes.size() > kMaxNodes) fail(file, "/graph/nodes", "more than 200000 nodes");
  int64_t constant_elements = 0;
  for (size_t i = 0; i < nodes.size(); ++i) {
    const std::string path = "/graph/nodes/" + std::to_string(i);
    const json& spec = nodes[i];
    Node node;
    node.name = string_field(spec, file, path, "name");
    if (node.name.empty()) fail(file, path + "/name", "empty");
    if (graph.has(node.name)) fail(file, path + "/name", "'" + node.name + "' is used by an earlier node");
    const std::string kind = string_field(spec, file, path, "kind");
    if (kind == "placeholder") node.kind = NodeKind::placeholder;
    else if (kind == "constant") node.kind = NodeKind::constant;
    else if (kind == "call") node.kind = NodeKind::call;
    else fail(file, path + "/kind", "expected placeholder, constant or call, got '" + kind + "'");

    const json& meta = member(spec, file, path, "meta");
    if (meta.is_array()) {
      if (node.kind != NodeKind::call || meta.empty()) fail(file, path + "/meta", "only calls may have a list of outputs");
      for (size_t k = 0; k < meta.size(); ++k) node.outputs.push_back(meta_from_json(meta[k], file, path + "/meta/" + std::to_string(k)));
    } else {
      node.outputs.push_back(meta_from_json(meta, file, path + "/meta"));
    }

    if (node.kind == NodeKind::call) {
      node.op = string_field(spec, file, path, "op");
      if (const json* args = optional_member(spec, "args")) {
        if (!args->is_array()) fail(file, path + "/args", "expected a list");
        for (size_t k = 0; k < args->size(); ++k) {
          const std::string arg_path = path + "/args/" + std::to_string(k);
          Arg arg = arg_from_json((*args)[k], file, arg_path);
          for (const std::string& input : Node{"", NodeKind::call, "", {arg}, {}, {}, {}, {}}.inputs()) {
            if (!graph.has(input)) fail(file, arg_path, "refers to '" + input + "', which is not an earlier node");
          }
          node.args.push_back(std::move(arg));
        }
      }
    } else if (node.kind == NodeKind::constant) {
      constant_elements += node.outputs[0].numel();
      if (constant_elements > kMaxConstantElements) {
        fail(file, path + "/meta", "the constants up to this one hold " + std::to_string(constant_elements) +
                                       " elements, more than 2^26 in all");
      }
      node.data = data_from_json(member(spec, file, path, "data"), node.outputs[0], file, path + "/data", &node.recipe);
    }
    if (const json* source = optional_member(spec, "source")) {
      if (!source->is_array()) fail(file, path + "/source", "expected a list of node names");
      for (size_t k = 0; k < source->size(); ++k) {
        if (!(*source)[k].is_string()) fail(file, path + "/source/" + std::to_string(k), "expected a node name");
        node.source.push_back((*source)[k].get<std::string>());
      }
    }
    graph.add(std::move(node));
  }
  const json& outputs = member(g, file, "/graph", "outputs");
  if (!outputs.is_array() || outputs.empty()) fail(file, "/graph/outputs", "expected a non-empty list of node names");
  for (size_t i = 0; i < outputs.size(); ++i) {
    if (!outputs[i].is_string()) fail(file, "/graph/outputs/" + std::to_string(i), "expected a node name");
    const std::string name = outputs[i].get<std::string>();
    if (!graph.has(name)) fail(file, "/graph/outputs/" + std::to_string(i), "no node named '" + name + "'");
    graph.outputs.push_back(name);
  }
  return graph;
}

Graph load_graph(const std::string& file) { return graph_from_json(conf::read_json_file(file), file); }

json graph_to_json(const Graph& graph) {
  json nodes = json::array();
  for (const Node& n : graph.nodes()) {
    json j{{"name", n.name}, {"kind", kind_name(n.kind)}};
    if (n.kind == NodeKind::call) {
      j["op"] = n.op;
      json args = json::array();
      for (const Arg& a : n.args) args.push_back(arg_to_json(a));
      j["args"] = args;
    }
    if (n.outputs.size() == 1) {
      j["meta"] = meta_to_json(n.outputs[0]);
    } else {
      json metas = json::array();
      for (const TensorMeta& m : n.outputs) metas.push_back(meta_to_json(m));
      j["meta"] = metas;
    }
    if (n.data) j["data"] = data_to_json(*n.data, n.recipe);
    if (!n.source.empty()) j["source"] = n.source;
    nodes.push_back(j);
  }
  json g{{"name", graph.name}, {"nodes", nodes}, {"outputs", graph.outputs}};
  return g;
}

json graph_document(const Graph& graph) {
  return json{{"format", kGraphFormat}, {"version", kGraphVersion}, {"graph", graph_to_json(graph)}};
}

}  // namespace lower
