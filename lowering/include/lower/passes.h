// The Cortex-M lowering passes and the pass manager that runs them.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "lower/ir.h"

namespace lower {

struct Pass {
  std::string name;
  // Passes that only move or relabel bytes (view fusion, no-op removal, clone folding,
  // dim-order propagation) must preserve every output bit for bit; the checks hold them to it.
  bool moves_bytes_only = false;
  std::function<Graph(const Graph&)> run;
};

// The pipeline in order. See lowering/README.md for what each pass does and refuses.
std::vector<Pass> cortex_m_pipeline();

// The passes of the pipeline, one by one (in pipeline order).
Pass fuse_activations_pass();
Pass lower_conv1d_pass();
Pass convert_conv2d_pass();
Pass fuse_view_copies_pass();
Pass remove_noop_view_copies_pass();
Pass annotate_dim_order_pass();
Pass fold_inverse_clones_pass();
Pass replace_quant_nodes_pass();

// Why a convolution is not lowered to quantized_depthwise_conv2d, or "" when it is
// depthwise (groups == in_channels, out_channels % in_channels == 0, batch == 1).
std::string depthwise_refusal(int64_t batch, int64_t in_channels, int64_t out_channels, int64_t groups);

// A per-channel requantization multiplier and shift, computed by the passes on their own
// (TFLite QuantizeMultiplier, round half away from zero): scale ~ multiplier * 2^(shift - 31).
struct RequantMultiplier {
  int32_t multiplier = 0;
  int32_t shift = 0;
};
// Refuses (nullopt) scales that are not finite, <= 0 or >= 2^30.
std::optional<RequantMultiplier> requant_multiplier(double scale);

// The graph before and after one pass. Consecutive steps share their graphs (one step's
// `after` is the next one's `before`), so recording a pipeline costs one graph per pass.
struct PassStep {
  std::string pass;
  bool moves_bytes_only = false;
  std::shared_ptr<const Graph> before;
  std::shared_ptr<const Graph> after;
};

struct PassManagerOptions {
  bool verify = true;                 // run the verifier after every pass
  std::ostream* trace = nullptr;      // print the op histogram (and graph) between passes
  bool trace_graphs = false;
  std::vector<std::string> skip;      // pass names not to run
};

struct PassRun {
  Graph result;
  std::vector<PassStep> steps;
};

// Runs the passes in order. Throws IrError naming the pass after which the graph stopped
// verifying.
PassRun run_passes(const Graph& graph, const std::vector<Pass>& passes, const PassManagerOptions& options = {});

}  // namespace lower
