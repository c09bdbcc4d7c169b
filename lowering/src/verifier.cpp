#include "lower/verifier.h"

#include <sstream>
#include <unordered_set>

#include "lower/op_registry.h"

namespace lower {

std::string VerifyReport::describe() const {
  std::ostringstream os;
  for (const std::string& p : problems) os << "  " << p << "\n";
  return os.str();
}

bool same_bytes(const ref::Shape& shape, const ref::DimOrder& a, const ref::DimOrder& b) {
  if (a.size() != shape.size() || b.size() != shape.size()) return false;
  const auto significant = [&](const ref::DimOrder& order) {
    ref::DimOrder kept;
    for (int d : order) {
      if (shape[static_cast<size_t>(d)] != 1) kept.push_back(d);
    }
    return kept;
  };
  return significant(a) == significant(b);
}

namespace {

bool kind_matches(ArgKind kind, const Arg& arg) {
  const bool none = std::holds_alternative<None>(arg);
  switch (kind) {
    case ArgKind::tensor: return std::holds_alternative<NodeRef>(arg);
    case ArgKind::optional_tensor: return none || std::holds_alternative<NodeRef>(arg);
    case ArgKind::tensor_list: return std::holds_alternative<std::vector<NodeRef>>(arg);
    case ArgKind::integer: return std::holds_alternative<int64_t>(arg);
    case ArgKind::optional_integer: return none || std::holds_alternative<int64_t>(arg);
    case ArgKind::real: return std::holds_alternative<double>(arg) || std::holds_alternative<int64_t>(arg);
    case ArgKind::optional_real:
      return none || std::holds_alternative<double>(arg) || std::holds_alternative<int64_t>(arg);
    case ArgKind::boolean: return std::holds_alternative<bool>(arg);
    case ArgKind::int_list:
      return std::holds_alternative<std::vector<int64_t>>(arg) || std::holds_alternative<int64_t>(arg);
    case ArgKind::optional_int_list:
      return none || std::holds_alternative<std::vector<int64_t>>(arg) || std::holds_alternative<int64_t>(arg);
    case ArgKind::real_list:
      return std::holds_alternative<std::vector<double>>(arg) || std::holds_alternative<std::vector<int64_t>>(arg);
    case ArgKind::optional_real_list:
      return none || std::holds_alternative<std::vector<double>>(arg) || std::holds_alternative<std::vector<int64_t>>(arg);
    case ArgKind::string: return std::holds_alternative<std::string>(arg);
  }
  return false;
}

std::string layout_difference(const TensorMeta& recorded, const TensorMeta& inferred) {
  return "records " + describe(recorded) + " but its op gives " + describe(inferred);
}

}  // namespace

VerifyReport verify(const Graph& graph) {
  VerifyReport report;
  std::unordered_map<std::string, const std::vector<TensorMeta>*> metas;
  const MetaLookup lookup = [&](const std::string& name) -> const std::vector<TensorMeta>& {
    const auto it = metas.find(name);
    if (it == metas.end()) throw IrError("'" + name + "' is not an earlier node");
    return *it->second;
  };
  for (const Node& n : graph.nodes()) {
    const std::string where = "node '" + n.name + "'";
    for (const TensorMeta& m : n.outputs) {
      if (!ref::is_valid_dim_order(m.dim_order, m.shape.size())) {
        report.problems.push_back(where + ": dim order " + ref::to_string(m.dim_order) + " does not fit shape " +
                                  ref::to_string(m.shape));
      }
    }
    if (n.outputs.empty()) report.problems.push_back(where + ": has no output metadata");
    switch (n.kind) {
      case NodeKind::placeholder:
        if (n.outputs.size() != 1) report.problems.push_back(where + ": a placeholder has exactly one output");
        break;
      case NodeKind::constant: {
        if (n.outputs.size() != 1 || !n.data) {
          report.problems.push_back(where + ": a constant needs one output and its data");
          break;
        }
        const size_t count = std::visit([](const auto& v) { return v.size(); }, *n.data);
        if (static_cast<int64_t>(count) != n.outputs[0].numel()) {
          report.problems.push_back(where + ": holds " + std::to_string(count) + " values for " + describe(n.outputs[0]));
        }
        break;
      }
      case NodeKind::call: {
        const OpDef* def = find_op(n.op);
        if (!def) {
          report.problems.push_back(where + ": unknown op '" + n.op + "'");
          break;
        }
        bool args_ok = true;
        if (n.args.size() > def->args.size()) {
          report.problems.push_back(where + " (" + n.op + "): " + std::to_string(n.args.size()) + " arguments, the op takes " +
                                    std::to_string(def->args.size()));
          args_ok = false;
        }
        for (size_t i = 0; i < def->args.size() && args_ok; ++i) {
          const ArgSpec& spec = def->args[i];
          if (i >= n.args.size()) {
            if (!spec.default_value) {
              report.problems.push_back(where + " (" + n.op + "): argument " + spec.name + " is missing");
              args_ok = false;
            }
            continue;
          }
          if (!kind_matches(spec.kind, n.args[i])) {
            report.problems.push_back(where + " (" + n.op + "): argument " + spec.name + " should be " +
                                      arg_kind_name(spec.kind) + ", got " + describe(n.args[i]));
            args_ok = false;
          }
        }
        for (const std::string& input : n.inputs()) {
          if (!metas.count(input)) {
            report.problems.push_back(where + " (" + n.op + "): reads '" + input + "', which is not an earlier node");
            args_ok = false;
          }
        }
        if (!args_ok) break;
        try {
          const std::vector<TensorMeta> inferred = def->infer(CallArgs(n, *def), lookup);
          if (inferred.size() != n.outputs.size()) {
            report.problems.push_back(where + " (" + n.op + "): records " + std::to_string(n.outputs.size()) +
                                      " outputs, its op gives " + std::to_string(inferred.size()));
          } else {
            for (size_t k = 0; k < inferred.size(); ++k) {
              if (!inferred[k].same_layout(n.outputs[k])) {
                report.problems.push_back(where + " (" + n.op + "): output " + std::to_string(k) + " " +
                                          layout_difference(n.outputs[k], inferred[k]));
              }
            }
          }
        } catch (const IrError& e) {
          report.problems.push_back(e.what());
        }
        break;
      }
    }
    metas[n.name] = &n.outputs;
  }
  if (graph.outputs.empty()) report.problems.push_back("the graph has no outputs");
  std::unordered_set<std::string> used(graph.outputs.begin(), graph.outputs.end());
  for (const std::string& out : graph.outputs) {
    if (!graph.has(out)) report.problems.push_back("graph output '" + out + "' is not a node");
  }
  for (const Node& n : graph.nodes()) {
    for (const std::string& input : n.inputs()) used.insert(input);
  }
  for (const Node& n : graph.nodes()) {
    if (n.kind != NodeKind::placeholder && !used.count(n.name)) {
      report.problems.push_back("node '" + n.name + "' (" + (n.kind == NodeKind::call ? n.op : "constant") +
                                ") is orphaned: nothing uses its value");
    }
  }
  return report;
}

void verify_or_throw(const Graph& graph, const std::string& context) {
  const VerifyReport report = verify(graph);
  if (!report.ok()) {
    throw IrError("graph '" + graph.name + "' does not verify" + (context.empty() ? "" : " " + context) + ":\n" +
                  report.describe());
  }
}

}  // namespace lower
