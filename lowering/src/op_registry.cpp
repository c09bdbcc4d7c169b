#include "lower/op_registry.h"

#include <map>
#include <mutex>

namespace lower {

const char* arg_kind_name(ArgKind kind) {
  switch (kind) {
    case ArgKind::tensor: return "Tensor";
    case ArgKind::optional_tensor: return "Tensor?";
    case ArgKind::tensor_list: return "Tensor[]";
    case ArgKind::integer: return "int";
    case ArgKind::optional_integer: return "int?";
    case ArgKind::real: return "float";
    case ArgKind::optional_real: return "float?";
    case ArgKind::boolean: return "bool";
    case ArgKind::int_list: return "int[]";
    case ArgKind::optional_int_list: return "int[]?";
    case ArgKind::real_list: return "float[]";
    case ArgKind::optional_real_list: return "float[]?";
    case ArgKind::string: return "str";
  }
  return "?";
}

CallArgs::CallArgs(const Node& node, const OpDef& def) : node_(node), def_(def) {}

const std::string& CallArgs::op() const { return def_.name; }

void CallArgs::fail(size_t i, const std::string& problem) const {
  const std::string arg = i < def_.args.size() ? def_.args[i].name : "#" + std::to_string(i);
  throw IrError(def_.name + " (node '" + node_.name + "'), argument " + arg + ": " + problem);
}

void CallArgs::fail(const std::string& problem) const {
  throw IrError(def_.name + " (node '" + node_.name + "'): " + problem);
}

const Arg& CallArgs::get(size_t i) const {
  if (i < node_.args.size()) return node_.args[i];
  if (i < def_.args.size() && def_.args[i].default_value) return *def_.args[i].default_value;
  fail(i, "missing");
}

bool CallArgs::is_none(size_t i) const { return std::holds_alternative<None>(get(i)); }

const std::string& CallArgs::tensor(size_t i) const {
  if (const auto* r = std::get_if<NodeRef>(&get(i))) return r->name;
  fail(i, "expected a tensor, got " + describe(get(i)));
}

std::vector<std::string> CallArgs::tensors(size_t i) const {
  const auto* list = std::get_if<std::vector<NodeRef>>(&get(i));
  if (!list) fail(i, "expected a list of tensors, got " + describe(get(i)));
  std::vector<std::string> names;
  for (const NodeRef& r : *list) names.push_back(r.name);
  return names;
}

int64_t CallArgs::integer(size_t i) const {
  if (const auto* v = std::get_if<int64_t>(&get(i))) return *v;
  if (const auto* b = std::get_if<bool>(&get(i))) return *b ? 1 : 0;
  fail(i, "expected an int, got " + describe(get(i)));
}

double CallArgs::real(size_t i) const {
  if (const auto* v = std::get_if<double>(&get(i))) return *v;
  if (const auto* v = std::get_if<int64_t>(&get(i))) return static_cast<double>(*v);
  fail(i, "expected a float, got " + describe(get(i)));
}

bool CallArgs::boolean(size_t i) const {
  if (const auto* v = std::get_if<bool>(&get(i))) return *v;
  fail(i, "expected a bool, got " + describe(get(i)));
}

std::vector<int64_t> CallArgs::ints(size_t i) const {
  if (const auto* v = std::get_if<std::vector<int64_t>>(&get(i))) return *v;
  // An empty JSON list carries no element type; it reads as either kind of list.
  if (const auto* v = std::get_if<std::vector<double>>(&get(i)); v && v->empty()) return {};
  if (const auto* v = std::get_if<int64_t>(&get(i))) return {*v};  // ATen's int[1] broadcast
  fail(i, "expected an int list, got " + describe(get(i)));
}

std::vector<double> CallArgs::reals(size_t i) const {
  if (const auto* v = std::get_if<std::vector<double>>(&get(i))) return *v;
  if (const auto* v = std::get_if<std::vector<int64_t>>(&get(i))) return std::vector<double>(v->begin(), v->end());
  fail(i, "expected a float list, got " + describe(get(i)));
}

const std::string& CallArgs::string(size_t i) const {
  if (const auto* v = std::get_if<std::string>(&get(i))) return *v;
  fail(i, "expected a string, got " + describe(get(i)));
}

namespace {

std::map<std::string, OpDef>& registry() {
  static std::map<std::string, OpDef> ops;
  return ops;
}

void ensure_registered() {
  static std::once_flag once;
  std::call_once(once, [] {
    register_elementwise_ops();
    register_shape_ops();
    register_conv_ops();
    register_quant_ops();
    register_reduction_ops();
    register_cortex_m_ops();
  });
}

}  // namespace

bool register_op(OpDef def) {
  auto& ops = registry();
  if (ops.count(def.name)) throw IrError("op " + def.name + " is registered twice");
  std::string name = def.name;
  ops.emplace(std::move(name), std::move(def));
  return true;
}

const OpDef* find_op(const std::string& name) {
  ensure_registered();
  const auto& ops = registry();
  const auto it = ops.find(name);
  return it == ops.end() ? nullptr : &it->second;
}

std::vector<std::string> known_ops() {
  ensure_registered();
  std::vector<std::string> names;
  for (const auto& [name, def] : registry()) names.push_back(name);
  return names;
}

}  // namespace lower
