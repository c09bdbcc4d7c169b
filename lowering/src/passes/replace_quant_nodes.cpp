// replace_quant_nodes: the quantize / dequantize_per_tensor calls the lowering left (the
// graph's boundaries, layers that were not lowered) become the cortex_m ops with the same
// arguments and the same meaning. A quantize followed only by a matching dequantize is left
// as a pair: removing it would change the values (it rounds and clamps).
#include "lower/passes.h"
#include "pass_util.h"

namespace lower {

namespace {

using namespace passes;

Graph replace_quant_nodes(const Graph& g) {
  bool any = false;
  for (const Node& n : g.nodes()) any = any || is_call(n, kQuantize) || is_call(n, kDequantize);
  if (!any) return g;
  Rewriter rw(g);
  for (const Node& n : g.nodes()) {
    if (!is_call(n, kQuantize) && !is_call(n, kDequantize)) {
      rw.keep(n);
      continue;
    }
    Node replaced = n;
    replaced.op = is_call(n, kQuantize) ? kCortexQuantize : kCortexDequantize;
    replaced.source = source_of(n);
    rw.keep(replaced);  // same name, arguments and metadata; the verifier re-infers them
  }
  return rw.finish();
}

}  // namespace

Pass replace_quant_nodes_pass() { return Pass{"replace_quant_nodes", false, replace_quant_nodes}; }

}  // namespace lower
