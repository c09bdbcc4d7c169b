// The passes that only move bytes: they remove the view_copy / _clone_dim_order chains the
// conv1d lowering leaves between consecutive layers, and must preserve every output bit.
//
//   fuse_view_copies:        view_copy(view_copy(x, a), b), the inner with one user -> view_copy(x, b)
//   remove_noop_view_copies: view_copy whose output shape and dim order are its input's -> its input
//   fold_inverse_clones:     _clone_dim_order(_clone_dim_order(x, a), b), the inner with one
//                            user and b == x's dim order (the composition is the identity) -> x;
//                            and _clone_dim_order(x, a) that moves no byte (the dims it reorders
//                            are all 1, as in [N, C, 1, 1]) and only feeds cortex_m convolutions
//                            -> x. The convolutions read bytes and accept any dim order with
//                            channels-last bytes; the lowering skips their input clone in that
//                            case, so at length 1 the previous layer's clone back to contiguous
//                            has no inverse to fold with and would stay between every two layers.
#include <unordered_map>

#include "lower/passes.h"
#include "lower/verifier.h"
#include "pass_util.h"

namespace lower {

namespace {

using namespace passes;

Graph fuse_view_copies(const Graph& g) {
  const Users users = users_of(g);
  // For each view_copy, the old node its fused form reads (the input of the chain).
  std::unordered_map<std::string, std::string> chain_input;
  std::unordered_map<std::string, Node> rewritten;
  for (const Node& n : g.nodes()) {
    if (!is_call(n, kViewCopy)) continue;
    const std::string in = first_input(n);
    if (in.empty()) continue;
    const Node& inner = g.node(in);
    if (!is_call(inner, kViewCopy) || single_user(users, inner.name) != n.name) continue;
    const auto known = chain_input.find(inner.name);
    const std::string base = known != chain_input.end() ? known->second : first_input(inner);
    if (base.empty()) continue;
    chain_input[n.name] = base;
    Node fused = n;
    fused.args[0] = NodeRef{base};
    fused.source = source_of(inner);
    merge_source(fused.source, source_of(n));
    rewritten.emplace(n.name, std::move(fused));
  }
  if (rewritten.empty()) return g;
  Rewriter rw(g);
  for (const Node& n : g.nodes()) {
    const auto it = rewritten.find(n.name);
    rw.keep(it == rewritten.end() ? n : it->second);
  }
  return rw.finish();
}

Graph remove_noop_view_copies(const Graph& g) {
  std::unordered_map<std::string, std::string> input_of;
  for (const Node& n : g.nodes()) {
    if (!is_call(n, kViewCopy)) continue;
    const std::string in = first_input(n);
    const TensorMeta* out = single_meta(n);
    const TensorMeta* from = in.empty() ? nullptr : single_meta(g.node(in));
    if (!out || !from) continue;
    if (out->shape == from->shape && out->dim_order == from->dim_order && out->dtype == from->dtype) input_of[n.name] = in;
  }
  if (input_of.empty()) return g;
  Rewriter rw(g);
  for (const Node& n : g.nodes()) {
    const auto it = input_of.find(n.name);
    if (it == input_of.end()) rw.keep(n);
    else rw.replace(n.name, rw.mapped(it->second));
  }
  return rw.finish();
}

Graph fold_inverse_clones(const Graph& g) {
  const Users users = users_of(g);
  std::unordered_map<std::string, std::string> input_of;  // second clone -> the first's input
  for (const Node& n : g.nodes()) {
    if (!is_call(n, kCloneDimOrder)) continue;
    const std::string in = first_input(n);
    if (in.empty()) continue;
    const Node& first = g.node(in);
    if (!is_call(first, kCloneDimOrder) || single_user(users, first.name) != n.name) continue;
    const std::string x = first_input(first);
    if (x.empty()) continue;
    const TensorMeta* out = single_meta(n);
    const TensorMeta* original = single_meta(g.node(x));
    if (!out || !original || !out->same_layout(*original)) continue;  // not the identity
    input_of[n.name] = x;
  }
  for (const Node& n : g.nodes()) {
    if (!is_call(n, kCloneDimOrder) || input_of.count(n.name)) continue;
    const std::string x = first_input(n);
    const TensorMeta* out = single_meta(n);
    const TensorMeta* in = x.empty() ? nullptr : single_meta(g.node(x));
    if (!out || !in || out->shape != in->shape || !same_bytes(out->shape, in->dim_order, out->dim_order)) continue;
    const auto it = users.find(n.name);
    if (it == users.end() || it->second.empty()) continue;
    bool only_convolutions = true;
    for (const std::string& u : it->second) {
      if (!g.has(u)) {  // a graph output keeps its dim order
        only_convolutions = false;
        break;
      }
      const Node& user = g.node(u);
      only_convolutions = only_convolutions && (is_call(user, kCortexConv) || is_call(user, kCortexDepthwise)) &&
                          first_input(user) == n.name;
    }
    if (only_convolutions) input_of[n.name] = x;
  }
  if (input_of.empty()) return g;
  Rewriter rw(g);
  for (const Node& n : g.nodes()) {
    const auto it = input_of.find(n.name);
    if (it == input_of.end()) rw.keep(n);
    else rw.replace(n.name, rw.mapped(it->second));
  }
  return rw.finish();
}

}  // namespace

Pass fuse_view_copies_pass() { return Pass{"fuse_view_copies", true, fuse_view_copies}; }
Pass remove_noop_view_copies_pass() { return Pass{"remove_noop_view_copies", true, remove_noop_view_copies}; }
Pass fold_inverse_clones_pass() { return Pass{"fold_inverse_clones", true, fold_inverse_clones}; }

}  // namespace lower
