// Builds a new graph from an old one in a single walk in topological order, which keeps
// every pass linear in the size of the graph.
//
// A pass visits the old nodes in order and, for each, either keeps it (its arguments are
// remapped to the new graph), drops it, or adds replacement nodes and records that uses of
// the old node now read a new one. finish() remaps the outputs and removes calls and
// constants nothing uses any more.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "lower/ir.h"

namespace lower {

class Rewriter {
 public:
  explicit Rewriter(const Graph& old);

  const Graph& old() const { return old_; }
  // Users of an old node, "output" included.
  const std::vector<std::string>& users(const std::string& old_name) const;
  const Graph& current() const { return graph_; }

  // Copies an old node, its arguments remapped. Throws IrError when an argument reads a
  // node that was dropped without a replacement.
  void keep(const Node& old_node);
  // Adds a call; its outputs are inferred by its op. Arguments name nodes of the new graph.
  // Returns the name given (name_hint, made unique against both graphs).
  std::string add_call(const std::string& op, std::vector<Arg> args, const std::string& name_hint,
                       std::vector<std::string> source = {});
  // Adds a constant with the given metadata and logical data.
  std::string add_constant(const std::string& name_hint, TensorMeta meta, ConstantData data);
  // Adds a node as given (its metadata is the caller's responsibility).
  std::string add(Node node);

  // From now on uses of old node `old_name` read new node `new_name`.
  void replace(const std::string& old_name, const std::string& new_name);
  // The new node an old node's uses read (itself when kept).
  std::string mapped(const std::string& old_name) const;
  Arg remap(const Arg& arg) const;

  Graph finish();

 private:
  std::string unique(const std::string& hint);

  const Graph& old_;
  Users old_users_;
  Graph graph_;
  std::unordered_map<std::string, std::string> map_;
  std::unordered_map<std::string, int> name_counters_;
};

// The metadata an op infers for a call whose arguments refer to nodes of `graph`.
std::vector<TensorMeta> infer_outputs(const Graph& graph, const Node& call);

}  // namespace lower
