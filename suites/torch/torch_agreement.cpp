#include "torch_agreement.h"

#include <cmath>
#include <cstdlib>
#include <sstream>

#include "lower/executor.h"
#include "lower/value.h"

namespace torchcheck {

namespace {

using lower::Graph;
using lower::Node;
using lower::Value;

const char* kQuantize = "quantized_decomposed.quantize_per_tensor.default";

Value torch_value(const TorchValue& t) {
  lower::TensorMeta meta;
  meta.shape = t.shape;
  meta.dtype = lower::DType::int8;
  meta.dim_order = ref::contiguous_order(t.shape.size());
  return lower::value_from_constant(meta, lower::ConstantData{t.values});
}

// The graph's quantize node for a PyTorch value, or an explanation why it cannot be compared.
const Node* quantize_node(const Graph& graph, const std::string& name, const TorchValue& t, std::string& problem) {
  if (!graph.has(name)) {
    problem = "the graph has no node '" + name + "'";
    return nullptr;
  }
  const Node& n = graph.node(name);
  if (n.kind != lower::NodeKind::call || n.op != kQuantize || n.args.size() < 2) {
    problem = "node '" + name + "' is not a " + std::string(kQuantize);
    return nullptr;
  }
  if (n.meta().shape != t.shape) {
    problem = "node '" + name + "' has shape " + lower::describe(n.meta()) + ", PyTorch's value another";
    return nullptr;
  }
  return &n;
}

double scale_of(const Node& quantize) {
  const auto& a = quantize.args[1];
  if (const auto* d = std::get_if<double>(&a)) return *d;
  return static_cast<double>(std::get<int64_t>(a));
}

std::string index_text(const ref::Shape& shape, size_t flat) {
  std::vector<int64_t> index(shape.size());
  for (size_t d = shape.size(); d-- > 0;) {
    index[d] = static_cast<int64_t>(flat % static_cast<size_t>(shape[d]));
    flat /= static_cast<size_t>(shape[d]);
  }
  std::string s = "[";
  for (size_t d = 0; d < index.size(); ++d) s += (d ? ", " : "") + std::to_string(index[d]);
  return s + "]";
}

}  // namespace

lower::CheckReport per_node_agreement(const Graph& graph, const lower::Inputs& inputs, const TorchValues& torch,
                                      const conf::KernelSet& kernels, double tie_window) {
  lower::CheckReport report;
  report.check = "executor vs PyTorch " + torch.torch_version + " (" + torch.engine + "), per node";
  std::unordered_map<std::string, Value> all;
  for (const auto& [name, t] : torch.nodes) all.emplace(name, torch_value(t));
  int64_t differing = 0, elements = 0, ties = 0;
  double closest = 0;  // the largest tie distance among the excused differences
  for (const Node& n : graph.nodes()) {
    const auto found = torch.nodes.find(n.name);
    if (found == torch.nodes.end()) continue;
    const TorchValue& t = found->second;
    std::string problem;
    const Node* q = quantize_node(graph, n.name, t, problem);
    if (q == nullptr) {
      report.failures.push_back(problem);
      continue;
    }
    lower::ExecutionOptions options;
    options.kernels = &kernels;
    options.record_all = true;
    options.targets = {n.name};
    for (const auto& [name, value] : all) {
      if (name != n.name) options.overrides.emplace(name, value);
    }
    const lower::Execution run = lower::execute(graph, inputs, options);
    const std::vector<double> ours = lower::logical_values(run.values.at(n.name).at(0));
    const std::vector<double> before = lower::logical_values(run.values.at(n.inputs().at(0)).at(0));
    const float inverse = 1.0f / static_cast<float>(scale_of(*q));
    int64_t node_differing = 0, node_bad = 0;
    std::string first_bad;
    for (size_t i = 0; i < ours.size(); ++i) {
      const int diff = static_cast<int>(ours[i]) - t.values[i];
      if (diff == 0) continue;
      ++node_differing;
      const double scaled = static_cast<double>(static_cast<float>(before[i]) * inverse);
      const double distance = std::fabs(scaled - std::floor(scaled) - 0.5);
      if (std::abs(diff) == 1 && distance <= tie_window) {
        ++ties;
        closest = std::max(closest, distance);
        continue;
      }
      if (node_bad++ == 0) {
        std::ostringstream os;
        os << "at " << index_text(t.shape, i) << ": ours " << ours[i] << ", PyTorch " << int(t.values[i])
           << " (value rounded " << scaled << ", " << distance << " from a tie)";
        first_bad = os.str();
      }
    }
    differing += node_differing;
    elements += static_cast<int64_t>(ours.size());
    ++report.compared;
    if (node_bad > 0) {
      std::ostringstream os;
      os << "node '" << n.name << "' (PyTorch's '" << t.torch_node << "', after '" << n.inputs().at(0) << "'): "
         << node_bad << " of " << ours.size() << " elements differ beyond the near-tie rule; first " << first_bad;
      report.failures.push_back(os.str());
    } else if (node_differing > 0) {
      report.notes.push_back("node '" + n.name + "': " + std::to_string(node_differing) + " of " +
                             std::to_string(ours.size()) + " elements differ by 1 at near-ties");
    }
  }
  std::ostringstream os;
  os << report.compared << " quantized nodes, " << elements << " elements: " << differing << " differ, " << ties
     << " of them +-1 at near-ties (tie window " << tie_window << ", closest excused within " << closest << ")";
  report.notes.insert(report.notes.begin(), os.str());
  return report;
}

lower::CheckReport end_to_end_agreement(const Graph& graph, const lower::Inputs& inputs, const TorchValues& torch,
                                        const conf::KernelSet& kernels, const conf::Compliance& compliance) {
  lower::CheckReport report;
  report.check = "executor vs PyTorch, end to end (" + conf::to_string(compliance) + ")";
  lower::ExecutionOptions options;
  options.kernels = &kernels;
  options.record_all = true;
  const lower::Execution run = lower::execute(graph, inputs, options);
  int64_t differing = 0, elements = 0, worst = 0;
  std::string worst_node, first_node;  // where the difference starts and where it is largest
  for (const Node& n : graph.nodes()) {
    const auto found = torch.nodes.find(n.name);
    if (found == torch.nodes.end()) continue;
    std::string problem;
    if (quantize_node(graph, n.name, found->second, problem) == nullptr) {
      report.failures.push_back(problem);
      continue;
    }
    const std::vector<double> ours = lower::logical_values(run.values.at(n.name).at(0));
    int64_t node_worst = 0, node_differing = 0;
    for (size_t i = 0; i < ours.size(); ++i) {
      const int64_t diff = std::llabs(static_cast<int64_t>(ours[i]) - found->second.values[i]);
      node_differing += diff != 0;
      node_worst = std::max(node_worst, diff);
    }
    differing += node_differing;
    if (node_differing > 0 && first_node.empty()) {
      first_node = n.name + "' (" + std::to_string(node_differing) + " elements, up to " + std::to_string(node_worst) + " LSB)";
    }
    elements += static_cast<int64_t>(ours.size());
    ++report.compared;
    if (node_worst > worst) {
      worst = node_worst;
      worst_node = n.name;
    }
    const bool allowed = compliance.mode == conf::Compliance::Mode::qtol ? node_worst <= compliance.tolerance : node_worst == 0;
    if (!allowed) {
      report.failures.push_back("node '" + n.name + "' (PyTorch's '" + found->second.torch_node + "'): differs by up to " +
                                std::to_string(node_worst) + " LSB, more than " + conf::to_string(compliance) + " allows");
    }
  }
  std::ostringstream os;
  os << report.compared << " quantized nodes, " << elements << " elements: " << differing << " differ, by at most "
     << worst << " LSB" << (worst ? " (at '" + worst_node + "'; first at '" + first_node + ")" : "");
  report.notes.push_back(os.str());
  return report;
}

}  // namespace torchcheck
