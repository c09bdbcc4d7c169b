// The graph IR: a small model of ExecuTorch's edge dialect.
//
// A graph is a list of nodes in topological order. A node is an input (placeholder), a
// constant (weights, biases, per-channel parameters) or a call of an op named in edge-dialect
// spelling ("aten.convolution.default", "cortex_m.quantized_conv2d.default"). Every node
// carries the metadata of what it produces: logical shape, dtype, dim order and, where known,
// quantization parameters. Nodes are referred to by name; names are unique in a graph.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

#include "ref/tensor.h"

namespace lower {

enum class DType { float32, int8, int32 };
const char* dtype_name(DType dtype);
// Accepts "float32", "int8", "int32"; throws std::invalid_argument otherwise.
DType parse_dtype(const std::string& name);

// Affine quantization of a tensor: per tensor (one scale) or per channel along `axis`.
struct QuantMeta {
  std::vector<double> scale;
  std::vector<int64_t> zero_point;
  int64_t axis = -1;  // -1: per tensor
  bool operator==(const QuantMeta& o) const {
    return scale == o.scale && zero_point == o.zero_point && axis == o.axis;
  }
};

struct TensorMeta {
  ref::Shape shape;
  DType dtype = DType::float32;
  ref::DimOrder dim_order;  // always explicit; contiguous when not given in JSON
  std::optional<QuantMeta> quant;
  int64_t numel() const { return ref::element_count(shape); }
  // Shape, dtype and dim order (quantization metadata is informational).
  bool same_layout(const TensorMeta& o) const {
    return shape == o.shape && dtype == o.dtype && dim_order == o.dim_order;
  }
};
std::string describe(const TensorMeta& meta);  // "int8[1,8,16,1] order (0,2,3,1)"

// Arguments of a call, as in an ATen schema: a tensor (a node), a list of tensors, None,
// an int, a float, a bool, an int list, a float list or a string (dtypes, padding modes).
struct NodeRef {
  std::string name;
  bool operator==(const NodeRef& o) const { return name == o.name; }
};
struct None {
  bool operator==(const None&) const { return true; }
};
using Arg = std::variant<None, NodeRef, std::vector<NodeRef>, int64_t, double, bool, std::vector<int64_t>,
                         std::vector<double>, std::string>;
std::string describe(const Arg& arg);

enum class NodeKind { placeholder, constant, call };
const char* kind_name(NodeKind kind);

// Constant data, in logical (row-major) order; the executor lays it out in the dim order.
using ConstantData = std::variant<std::vector<float>, std::vector<int8_t>, std::vector<int32_t>>;

// Data generated from a seed instead of stored (conf::Recipe's distributions); float
// tensors take the integers times `scale`, so they stay exactly representable.
struct DataRecipe {
  uint64_t seed = 0;
  std::string distribution = "uniform";
  int64_t min = -128;
  int64_t max = 127;
  double scale = 1.0;
};

struct Node {
  std::string name;
  NodeKind kind = NodeKind::call;
  std::string op;          // calls only
  std::vector<Arg> args;   // calls only
  std::vector<TensorMeta> outputs;  // one per result; multi-result ops (split) have several
  std::optional<ConstantData> data;  // constants only
  std::optional<DataRecipe> recipe;  // how `data` was made, when it was generated
  // Names of the nodes of the original graph this node stands for (set by the passes, or
  // by an external exporter), so checks can pair a lowered node with the pattern it replaced.
  std::vector<std::string> source;

  const TensorMeta& meta() const;  // the single output; throws when there is not exactly one
  // The tensor arguments in order (lists flattened).
  std::vector<std::string> inputs() const;
};

class IrError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Graph {
 public:
  std::string name;
  std::vector<std::string> outputs;  // node names, in order

  const std::vector<Node>& nodes() const { return nodes_; }
  size_t size() const { return nodes_.size(); }

  // Appends a node; throws IrError when the name is taken or empty.
  const Node& add(Node node);
  // A name not yet used, built from `base`.
  std::string fresh_name(const std::string& base) const;

  bool has(const std::string& node_name) const { return index_.count(node_name) != 0; }
  const Node& node(const std::string& node_name) const;  // throws IrError when missing
  Node& mutable_node(const std::string& node_name);
  size_t position(const std::string& node_name) const;

  std::vector<const Node*> placeholders() const;

 private:
  std::vector<Node> nodes_;
  std::unordered_map<std::string, size_t> index_;
};

// Who uses each node's value (calls that take it as an argument; graph outputs are counted
// under the pseudo user "output").
using Users = std::unordered_map<std::string, std::vector<std::string>>;
Users users_of(const Graph& graph);

// Number of calls per op, plus "placeholder" and "constant" entries left out.
using OpHistogram = std::map<std::string, int64_t>;
OpHistogram op_histogram(const Graph& graph);
// One "count op" line per op, sorted by op name.
std::string format_histogram(const OpHistogram& histogram);

// One node as a line: "%name = op(args) -> metadata".
std::string format_node(const Node& node);
// Readable listing: one node per line with op, arguments and output metadata.
std::string format_graph(const Graph& graph);

}  // namespace lower
