// Runs a graph. The executor does not know which kernels it runs: the cortex_m convolution
// ops go to the conf::KernelSet it is given (the target kernels, the reference, or another
// implementation); every other op has one meaning, defined in src/ops_*.cpp.
//
// Values carry their dim order and physical layout: an input is laid out in the dim order
// of its placeholder, `_clone_dim_order` moves bytes, and each op's output is laid out as
// its inferred metadata says.
#pragma once

#include <map>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "conf/kernel_set.h"
#include "lower/ir.h"
#include "lower/value.h"

namespace lower {

// A node failed to run: which node, which op, and why.
class ExecutionError : public IrError {
 public:
  ExecutionError(std::string node, std::string op, const std::string& problem)
      : IrError("node '" + node + "' (" + op + "): " + problem), node_(std::move(node)), op_(std::move(op)) {}
  const std::string& node() const { return node_; }
  const std::string& op() const { return op_; }

 private:
  std::string node_, op_;
};

struct ExecutionOptions {
  const conf::KernelSet* kernels = nullptr;
  // Keep every node's value (for per-node comparisons); otherwise only the outputs.
  bool record_all = false;
  // Values used instead of computing these nodes (any layout; reordered to the node's dim
  // order). Nodes the requested ones do not depend on are not run.
  std::unordered_map<std::string, Value> overrides;
  // Compute only these nodes (and what they depend on) instead of the graph outputs.
  std::vector<std::string> targets;
};

struct Execution {
  std::unordered_map<std::string, std::vector<Value>> values;  // by node name
  std::vector<Value> outputs;                                  // the graph outputs, in order
};

// inputs: one value per placeholder, by name, in any dim order. Throws ExecutionError when a
// node cannot run (an input missing, a kernel refusing its arguments, an op the kernel set
// does not provide), IrError when the graph is malformed.
Execution execute(const Graph& graph, const std::map<std::string, Value>& inputs, const ExecutionOptions& options);

}  // namespace lower
