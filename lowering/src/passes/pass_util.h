// Shared by the pass files: op names, provenance, argument reading and user checks.
// Internal to lowering_passes.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "lower/ir.h"
#include "lower/op_registry.h"
#include "lower/rewriter.h"

namespace lower::passes {

inline constexpr const char* kConvolution = "aten.convolution.default";
inline constexpr const char* kQuantize = "quantized_decomposed.quantize_per_tensor.default";
inline constexpr const char* kDequantize = "quantized_decomposed.dequantize_per_tensor.default";
inline constexpr const char* kDequantizePerChannel = "quantized_decomposed.dequantize_per_channel.default";
inline constexpr const char* kViewCopy = "aten.view_copy.default";
inline constexpr const char* kCloneDimOrder = "dim_order_ops._clone_dim_order.default";
inline constexpr const char* kCortexQuantize = "cortex_m.quantize_per_tensor.default";
inline constexpr const char* kCortexDequantize = "cortex_m.dequantize_per_tensor.default";
inline constexpr const char* kCortexConv = "cortex_m.quantized_conv2d.default";
inline constexpr const char* kCortexDepthwise = "cortex_m.quantized_depthwise_conv2d.default";

// The original nodes a node stands for: its recorded source, else its own name.
inline std::vector<std::string> source_of(const Node& n) {
  return n.source.empty() ? std::vector<std::string>{n.name} : n.source;
}

// Appends the names of `more` not yet in `into`, keeping the order of first appearance.
inline void merge_source(std::vector<std::string>& into, const std::vector<std::string>& more) {
  for (const std::string& s : more) {
    bool present = false;
    for (const std::string& t : into) present = present || t == s;
    if (!present) into.push_back(s);
  }
}

inline bool is_call(const Node& n, const char* op) { return n.kind == NodeKind::call && n.op == op; }

// Typed access to a call's arguments with the op's defaults, or nothing when the op is
// unknown (a pass then leaves the node alone).
inline std::optional<CallArgs> call_args(const Node& n) {
  if (n.kind != NodeKind::call) return std::nullopt;
  const OpDef* def = find_op(n.op);
  if (!def) return std::nullopt;
  return CallArgs(n, *def);
}

// The single tensor a unary op reads (argument 0), or "" when it is not a plain node ref.
inline std::string first_input(const Node& n) {
  if (n.args.empty()) return "";
  const auto* r = std::get_if<NodeRef>(&n.args[0]);
  return r ? r->name : "";
}

// The old graph's users of a node, when it is exactly one call (not a graph output).
inline std::optional<std::string> single_user(const Rewriter& rw, const std::string& name) {
  const auto& users = rw.users(name);
  if (users.size() != 1 || users[0] == "output") return std::nullopt;
  return users[0];
}

inline std::optional<std::string> single_user(const Users& users_map, const std::string& name) {
  const auto it = users_map.find(name);
  if (it == users_map.end() || it->second.size() != 1 || it->second[0] == "output") return std::nullopt;
  return it->second[0];
}

// The dtype argument of the quantized_decomposed ops ("int8" or "torch.int8").
inline bool names_dtype(const std::string& arg, const char* dtype) {
  return arg == dtype || arg == std::string("torch.") + dtype;
}

// A node with exactly one output.
inline const TensorMeta* single_meta(const Node& n) { return n.outputs.size() == 1 ? &n.outputs[0] : nullptr; }

}  // namespace lower::passes
