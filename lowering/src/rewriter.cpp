#include "lower/rewriter.h"

#include "lower/op_registry.h"

namespace lower {

std::vector<TensorMeta> infer_outputs(const Graph& graph, const Node& call) {
  const OpDef* def = find_op(call.op);
  if (!def) throw IrError("unknown op '" + call.op + "'");
  const MetaLookup lookup = [&](const std::string& name) -> const std::vector<TensorMeta>& {
    return graph.node(name).outputs;
  };
  return def->infer(CallArgs(call, *def), lookup);
}

Rewriter::Rewriter(const Graph& old) : old_(old), old_users_(users_of(old)) { graph_.name = old.name; }

const std::vector<std::string>& Rewriter::users(const std::string& old_name) const {
  static const std::vector<std::string> none;
  const auto it = old_users_.find(old_name);
  return it == old_users_.end() ? none : it->second;
}

Arg Rewriter::remap(const Arg& arg) const {
  if (const auto* r = std::get_if<NodeRef>(&arg)) return NodeRef{mapped(r->name)};
  if (const auto* list = std::get_if<std::vector<NodeRef>>(&arg)) {
    std::vector<NodeRef> out;
    for (const NodeRef& r : *list) out.push_back(NodeRef{mapped(r.name)});
    return out;
  }
  return arg;
}

std::string Rewriter::mapped(const std::string& old_name) const {
  const auto it = map_.find(old_name);
  if (it != map_.end()) return it->second;
  throw IrError("node '" + old_name + "' was removed but is still used");
}

void Rewriter::keep(const Node& old_node) {
  Node copy = old_node;
  for (Arg& a : copy.args) a = remap(a);
  map_[old_node.name] = copy.name;
  graph_.add(std::move(copy));
}

std::string Rewriter::unique(const std::string& hint) {
  // New nodes never take a name of the old graph, so a kept node always keeps its own.
  if (!graph_.has(hint) && !old_.has(hint)) return hint;
  int& counter = name_counters_[hint];
  for (;;) {
    std::string candidate = hint + "_" + std::to_string(++counter);
    if (!graph_.has(candidate) && !old_.has(candidate)) return candidate;
  }
}

std::string Rewriter::add(Node node) {
  node.name = unique(node.name.empty() ? std::string("node") : node.name);
  const std::string name = node.name;
  graph_.add(std::move(node));
  return name;
}

std::string Rewriter::add_call(const std::string& op, std::vector<Arg> args, const std::string& name_hint,
                               std::vector<std::string> source) {
  Node node;
  node.kind = NodeKind::call;
  node.op = op;
  node.args = std::move(args);
  node.source = std::move(source);
  node.outputs = infer_outputs(graph_, node);
  node.name = name_hint;
  return add(std::move(node));
}

std::string Rewriter::add_constant(const std::string& name_hint, TensorMeta meta, ConstantData data) {
  Node node;
  node.kind = NodeKind::constant;
  node.name = name_hint;
  node.outputs.push_back(std::move(meta));
  node.data = std::move(data);
  return add(std::move(node));
}

void Rewriter::replace(const std::string& old_name, const std::string& new_name) { map_[old_name] = new_name; }

Graph Rewriter::finish() {
  Graph result;
  result.name = graph_.name;
  for (const std::string& out : old_.outputs) result.outputs.push_back(mapped(out));
  // Dead-code elimination, backwards: a call or constant survives when something kept uses it.
  std::unordered_map<std::string, bool> live;
  for (const std::string& out : result.outputs) live[out] = true;
  const auto& nodes = graph_.nodes();
  for (auto it = nodes.rbegin(); it != nodes.rend(); ++it) {
    if (it->kind == NodeKind::placeholder) live[it->name] = true;
    if (!live[it->name]) continue;
    for (const std::string& input : it->inputs()) live[input] = true;
  }
  for (const Node& n : nodes) {
    if (live[n.name]) result.add(n);
  }
  return result;
}

}  // namespace lower
