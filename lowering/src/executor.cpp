#include "lower/executor.h"

#include <unordered_set>

#include "lower/op_registry.h"

namespace lower {

namespace {

std::vector<bool> needed_nodes(const Graph& graph, const ExecutionOptions& options) {
  std::vector<bool> needed(graph.size(), false);
  std::vector<std::string> pending = options.targets.empty() ? graph.outputs : options.targets;
  while (!pending.empty()) {
    const std::string name = pending.back();
    pending.pop_back();
    const size_t at = graph.position(name);
    if (needed[at]) continue;
    needed[at] = true;
    if (options.overrides.count(name)) continue;
    for (const std::string& input : graph.nodes()[at].inputs()) pending.push_back(input);
  }
  return needed;
}

void check_layout(const Node& node, const TensorMeta& expected, const Value& value, const std::string& what) {
  const TensorMeta actual = meta_of(value);
  if (!actual.same_layout(expected)) {
    throw ExecutionError(node.name, node.kind == NodeKind::call ? node.op : kind_name(node.kind),
                         what + " is " + describe(actual) + ", the node's metadata says " + describe(expected));
  }
}

Value adopt(const Node& node, const Value& given, const std::string& what) {
  const TensorMeta& meta = node.meta();
  if (shape_of(given) != meta.shape || dtype_of(given) != meta.dtype) {
    throw ExecutionError(node.name, kind_name(node.kind), what + " is " + describe(meta_of(given)) +
                                                              ", the node's metadata says " + describe(meta));
  }
  return dim_order_of(given) == meta.dim_order ? given : reorder(given, meta.dim_order);
}

}  // namespace

Execution execute(const Graph& graph, const std::map<std::string, Value>& inputs, const ExecutionOptions& options) {
  const std::vector<bool> needed = needed_nodes(graph, options);
  Execution result;
  auto& values = result.values;
  const ValueLookup lookup = [&](const std::string& name) -> const std::vector<Value>& {
    const auto it = values.find(name);
    if (it == values.end()) throw IrError("the value of '" + name + "' is not available");
    return it->second;
  };
  RunContext context;
  context.kernels = options.kernels;
  for (size_t i = 0; i < graph.size(); ++i) {
    if (!needed[i]) continue;
    const Node& node = graph.nodes()[i];
    if (const auto o = options.overrides.find(node.name); o != options.overrides.end()) {
      values[node.name] = {adopt(node, o->second, "the override")};
      continue;
    }
    switch (node.kind) {
      case NodeKind::placeholder: {
        const auto it = inputs.find(node.name);
        if (it == inputs.end()) throw ExecutionError(node.name, "placeholder", "no input value was given");
        values[node.name] = {adopt(node, it->second, "the input")};
        break;
      }
      case NodeKind::constant:
        values[node.name] = {value_from_constant(node.meta(), *node.data)};
        break;
      case NodeKind::call: {
        const OpDef* def = find_op(node.op);
        if (!def) throw ExecutionError(node.name, node.op, "unknown op");
        std::vector<Value> out;
        try {
          out = def->run(CallArgs(node, *def), lookup, context);
        } catch (const ExecutionError&) {
          throw;
        } catch (const std::exception& e) {
          throw ExecutionError(node.name, node.op, e.what());
        }
        if (out.size() != node.outputs.size()) {
          throw ExecutionError(node.name, node.op, "produced " + std::to_string(out.size()) + " values for " +
                                                       std::to_string(node.outputs.size()) + " outputs");
        }
        for (size_t k = 0; k < out.size(); ++k) check_layout(node, node.outputs[k], out[k], "output " + std::to_string(k));
        values[node.name] = std::move(out);
        break;
      }
    }
  }
  if (options.targets.empty()) {
    for (const std::string& name : graph.outputs) result.outputs.push_back(lookup(name).at(0));
  }
  if (!options.record_all) {
    std::unordered_set<std::string> keep(graph.outputs.begin(), graph.outputs.end());
    keep.insert(options.targets.begin(), options.targets.end());
    for (auto it = values.begin(); it != values.end();) it = keep.count(it->first) ? std::next(it) : values.erase(it);
  }
  return result;
}

}  // namespace lower
