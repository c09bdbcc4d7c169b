// annotate_dim_order (moves bytes only): keeps activations in the dim order a clone came
// from across layout-agnostic ops, so the clone meets its inverse and fold_inverse_clones
// removes both.
//
//   _clone_dim_order(x, O) -> U(.)          (the clone's only user U, layout-agnostic)
//   becomes U'(x) -> _clone_dim_order(., O)
//
// U' reads x directly and so, by the ops' default dim-order rule, inherits x's dim order.
// The pending clone is carried forward along a chain of such ops (one topological walk) and
// is materialized after the last op that takes it, or just before a graph output (a graph
// output keeps its dim order). A binary op (add, sub, mul) takes a pending clone only when
// both its inputs carry one, to the same order, from sources of the same dim order and the
// same shape (no broadcasting).
//
// Nothing moves past: an op that is not in the list below (views, permutes, cat, split,
// pooling, upsampling, convolutions, clones), a clone or op value with a second user, or a
// graph output. Every rewritten node's metadata is inferred again (Rewriter::add_call).
#include <algorithm>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "lower/passes.h"
#include "pass_util.h"

namespace lower {

namespace {

using namespace passes;

// Ops whose output element at a logical index depends only on the input elements at that
// index and whose output takes their first input's dim order (the default rule): the same
// values in any dim order.
bool is_layout_agnostic_unary(const std::string& op) {
  static const std::unordered_set<std::string> ops = {
      kQuantize,
      kDequantize,
      kCortexQuantize,
      kCortexDequantize,
      "aten.relu.default",
      "aten.hardtanh.default",
      "aten.hardsigmoid.default",
      "aten.clamp.default",
      "aten.sigmoid.default",
      "aten.silu.default",
      "aten.tanh.default",
      "aten.sqrt.default",
      "aten.abs.default",
      "aten.pow.Tensor_Scalar",
  };
  return ops.count(op) != 0;
}

bool is_layout_agnostic_binary(const std::string& op) {
  return op == "aten.add.Tensor" || op == "aten.sub.Tensor" || op == "aten.mul.Tensor";
}

// A clone that is being carried forward: the dim order it restores, the dim order of the
// value it was taken from, the name hint and provenance of the clone to materialize.
struct PendingClone {
  ref::DimOrder order;
  ref::DimOrder source_order;
  std::string name_hint;
  std::vector<std::string> source;
};

bool is_graph_output(const Users& users, const std::string& name) {
  const auto it = users.find(name);
  return it != users.end() && std::find(it->second.begin(), it->second.end(), "output") != it->second.end();
}

Graph annotate_dim_order(const Graph& g) {
  const Users users = users_of(g);
  // Old nodes that carry a pending clone to their single user: clones that are sunk, and
  // sunk ops. `sunk` are the ops rewritten to read the clones' sources.
  std::unordered_map<std::string, PendingClone> pending;
  std::unordered_set<std::string> sunk;

  // The pending clone an input of `user` carries, or nullptr.
  const auto carried = [&](const std::string& input, const std::string& user) -> const PendingClone* {
    if (single_user(users, input) != user) return nullptr;
    const auto it = pending.find(input);
    return it == pending.end() ? nullptr : &it->second;
  };

  // Analysis, in topological order: which ops a clone sinks through.
  for (const Node& n : g.nodes()) {
    if (is_call(n, kCloneDimOrder)) {
      const std::string in = first_input(n);
      const TensorMeta* out = single_meta(n);
      const TensorMeta* from = in.empty() ? nullptr : single_meta(g.node(in));
      if (!out || !from || n.inputs().size() != 1) continue;
      if (out->dim_order == from->dim_order) continue;  // a no-op clone: nothing to gain
      pending[n.name] = PendingClone{out->dim_order, from->dim_order, n.name, source_of(n)};
      continue;
    }
    if (n.kind != NodeKind::call || n.outputs.size() != 1 || is_graph_output(users, n.name)) continue;
    const bool unary = is_layout_agnostic_unary(n.op);
    const bool binary = is_layout_agnostic_binary(n.op);
    if (!unary && !binary) continue;
    const std::vector<std::string> inputs = n.inputs();
    if (inputs.size() != (unary ? 1u : 2u)) continue;  // every tensor input must carry the clone
    if (first_input(n) != inputs[0]) continue;
    std::vector<const PendingClone*> carriers;
    for (const std::string& in : inputs) carriers.push_back(carried(in, n.name));
    if (std::find(carriers.begin(), carriers.end(), nullptr) != carriers.end()) continue;
    const PendingClone& first = *carriers[0];
    if (binary) {
      const PendingClone& second = *carriers[1];
      if (inputs[0] == inputs[1] || first.order != second.order || first.source_order != second.source_order) continue;
      const TensorMeta* a = single_meta(g.node(inputs[0]));
      const TensorMeta* b = single_meta(g.node(inputs[1]));
      if (!a || !b || a->shape != b->shape) continue;  // broadcasting would change the output's order
    }
    if (n.meta().dim_order != first.order) continue;  // not the default rule: leave it alone
    PendingClone carried_on = first;
    for (size_t i = 1; i < carriers.size(); ++i) merge_source(carried_on.source, carriers[i]->source);
    pending[n.name] = std::move(carried_on);
    sunk.insert(n.name);
  }
  if (sunk.empty()) return g;

  const auto feeds_sunk_op = [&](const std::string& name) {
    const auto user = single_user(users, name);
    return user && sunk.count(*user) != 0;
  };

  // Rewrite: carried values are read through `before_clone` (new graph names).
  Rewriter rw(g);
  std::unordered_map<std::string, std::string> before_clone;
  for (const Node& n : g.nodes()) {
    if (is_call(n, kCloneDimOrder) && feeds_sunk_op(n.name)) {
      before_clone[n.name] = rw.mapped(first_input(n));  // dropped; its user reads x
      continue;
    }
    if (sunk.count(n.name) == 0) {
      rw.keep(n);
      continue;
    }
    std::vector<Arg> args;
    for (const Arg& a : n.args) {
      const auto* r = std::get_if<NodeRef>(&a);
      args.push_back(r ? Arg(NodeRef{before_clone.at(r->name)}) : rw.remap(a));
    }
    const std::string rewritten = rw.add_call(n.op, std::move(args), n.name, source_of(n));
    if (feeds_sunk_op(n.name)) {
      before_clone[n.name] = rewritten;  // the clone moves on with the chain
      continue;
    }
    const PendingClone& p = pending.at(n.name);
    const std::string clone = rw.add_call(
        kCloneDimOrder,
        {NodeRef{rewritten}, false, std::vector<int64_t>(p.order.begin(), p.order.end())}, p.name_hint, p.source);
    rw.replace(n.name, clone);
  }
  return rw.finish();
}

}  // namespace

Pass annotate_dim_order_pass() { return Pass{"annotate_dim_order", true, annotate_dim_order}; }

}  // namespace lower
