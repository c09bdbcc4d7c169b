#include "lower/ir.h"

#include <algorithm>
#include <sstream>

namespace lower {

const char* dtype_name(DType dtype) {
  switch (dtype) {
    case DType::float32: return "float32";
    case DType::int8: return "int8";
    case DType::int32: return "int32";
  }
  return "?";
}

DType parse_dtype(const std::string& name) {
  if (name == "float32") return DType::float32;
  if (name == "int8") return DType::int8;
  if (name == "int32") return DType::int32;
  throw std::invalid_argument("unknown dtype '" + name + "' (expected float32, int8 or int32)");
}

std::string describe(const TensorMeta& meta) {
  std::ostringstream os;
  os << dtype_name(meta.dtype) << "[";
  for (size_t i = 0; i < meta.shape.size(); ++i) os << (i ? "," : "") << meta.shape[i];
  os << "] order " << ref::to_string(meta.dim_order);
  if (meta.quant) {
    os << " q(";
    if (meta.quant->axis >= 0) os << "axis " << meta.quant->axis << ", " << meta.quant->scale.size() << " scales";
    else if (!meta.quant->scale.empty()) os << meta.quant->scale[0] << ", " << meta.quant->zero_point.at(0);
    os << ")";
  }
  return os.str();
}

namespace {

template <class T>
std::string join(const std::vector<T>& values) {
  std::ostringstream os;
  os << "[";
  for (size_t i = 0; i < values.size(); ++i) os << (i ? ", " : "") << values[i];
  os << "]";
  return os.str();
}

}  // namespace

std::string describe(const Arg& arg) {
  struct Visitor {
    std::string operator()(const None&) const { return "None"; }
    std::string operator()(const NodeRef& r) const { return "%" + r.name; }
    std::string operator()(const std::vector<NodeRef>& refs) const {
      std::string s = "[";
      for (size_t i = 0; i < refs.size(); ++i) s += (i ? ", %" : "%") + refs[i].name;
      return s + "]";
    }
    std::string operator()(int64_t v) const { return std::to_string(v); }
    std::string operator()(double v) const {
      std::ostringstream os;
      os.precision(9);
      os << v;
      return os.str();
    }
    std::string operator()(bool v) const { return v ? "True" : "False"; }
    std::string operator()(const std::vector<int64_t>& v) const { return join(v); }
    std::string operator()(const std::vector<double>& v) const { return join(v); }
    std::string operator()(const std::string& v) const { return "'" + v + "'"; }
  };
  return std::visit(Visitor{}, arg);
}

const char* kind_name(NodeKind kind) {
  switch (kind) {
    case NodeKind::placeholder: return "placeholder";
    case NodeKind::constant: return "constant";
    case NodeKind::call: return "call";
  }
  return "?";
}

const TensorMeta& Node::meta() const {
  if (outputs.size() != 1) {
    throw IrError("node '" + name + "' has " + std::to_string(outputs.size()) + " outputs where one was expected");
  }
  return outputs[0];
}

std::vector<std::string> Node::inputs() const {
  std::vector<std::string> names;
  for (const Arg& arg : args) {
    if (const auto* r = std::get_if<NodeRef>(&arg)) names.push_back(r->name);
    if (const auto* list = std::get_if<std::vector<NodeRef>>(&arg)) {
      for (const NodeRef& r : *list) names.push_back(r.name);
    }
  }
  return names;
}

const Node& Graph::add(Node node) {
  if (node.name.empty()) throw IrError("a node needs a name");
  if (has(node.name)) throw IrError("node name '" + node.name + "' is used twice");
  index_.emplace(node.name, nodes_.size());
  nodes_.push_back(std::move(node));
  return nodes_.back();
}

std::string Graph::fresh_name(const std::string& base) const {
  if (!has(base)) return base;
  for (int i = 1;; ++i) {
    std::string candidate = base + "_" + std::to_string(i);
    if (!has(candidate)) return candidate;
  }
}

const Node& Graph::node(const std::string& node_name) const { return nodes_[position(node_name)]; }
Node& Graph::mutable_node(const std::string& node_name) { return nodes_[position(node_name)]; }

size_t Graph::position(const std::string& node_name) const {
  const auto it = index_.find(node_name);
  if (it == index_.end()) throw IrError("no node named '" + node_name + "'");
  return it->second;
}

std::vector<const Node*> Graph::placeholders() const {
  std::vector<const Node*> result;
  for (const Node& n : nodes_) {
    if (n.kind == NodeKind::placeholder) result.push_back(&n);
  }
  return result;
}

Users users_of(const Graph& graph) {
  Users users;
  for (const Node& n : graph.nodes()) {
    users[n.name];
    for (const std::string& input : n.inputs()) users[input].push_back(n.name);
  }
  for (const std::string& out : graph.outputs) users[out].push_back("output");
  return users;
}

OpHistogram op_histogram(const Graph& graph) {
  OpHistogram histogram;
  for (const Node& n : graph.nodes()) {
    if (n.kind == NodeKind::call) ++histogram[n.op];
  }
  return histogram;
}

std::string format_histogram(const OpHistogram& histogram) {
  std::ostringstream os;
  for (const auto& [op, count] : histogram) os << "  " << count << " " << op << "\n";
  return os.str();
}

std::string format_node(const Node& n) {
  std::ostringstream os;
  os << "%" << n.name << " = ";
  if (n.kind == NodeKind::call) {
    os << n.op << "(";
    for (size_t i = 0; i < n.args.size(); ++i) os << (i ? ", " : "") << describe(n.args[i]);
    os << ")";
  } else {
    os << kind_name(n.kind);
  }
  os << " -> ";
  for (size_t i = 0; i < n.outputs.size(); ++i) os << (i ? ", " : "") << describe(n.outputs[i]);
  return os.str();
}

std::string format_graph(const Graph& graph) {
  std::ostringstream os;
  os << "graph " << (graph.name.empty() ? "(unnamed)" : graph.name) << ": " << graph.size() << " nodes\n";
  for (const Node& n : graph.nodes()) os << "  " << format_node(n) << "\n";
  os << "  return (";
  for (size_t i = 0; i < graph.outputs.size(); ++i) os << (i ? ", %" : "%") << graph.outputs[i];
  os << ")\n";
  return os.str();
}

}  // namespace lower
