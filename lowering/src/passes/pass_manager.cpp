#include <algorithm>
#include <ostream>

#include "lower/passes.h"
#include "lower/verifier.h"

namespace lower {

std::vector<Pass> cortex_m_pipeline() {
  return {fuse_activations_pass(),         lower_conv1d_pass(),        convert_conv2d_pass(),
          fuse_view_copies_pass(),         remove_noop_view_copies_pass(), annotate_dim_order_pass(),
          fold_inverse_clones_pass(),      replace_quant_nodes_pass()};
}

PassRun run_passes(const Graph& graph, const std::vector<Pass>& passes, const PassManagerOptions& options) {
  PassRun run{graph, {}};
  auto current = std::make_shared<const Graph>(graph);
  if (options.trace) *options.trace << "== before passes\n" << format_histogram(op_histogram(*current));
  for (const Pass& pass : passes) {
    if (std::find(options.skip.begin(), options.skip.end(), pass.name) != options.skip.end()) {
      if (options.trace) *options.trace << "== skipped " << pass.name << "\n";
      continue;
    }
    auto after = std::make_shared<const Graph>(pass.run(*current));
    if (options.verify) verify_or_throw(*after, "after pass " + pass.name);
    if (options.trace) {
      *options.trace << "== after " << pass.name << "\n" << format_histogram(op_histogram(*after));
      if (options.trace_graphs) *options.trace << format_graph(*after);
    }
    run.steps.push_back(PassStep{pass.name, pass.moves_bytes_only, current, after});
    current = std::move(after);
  }
  run.result = *current;
  return run;
}

}  // namespace lower
