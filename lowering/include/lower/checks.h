// The lowering checks. Each takes graphs (the output of our own pass pipeline, or two files
// an external pipeline wrote) and says, per node and end to end, whether the lowered graph
// still computes what the original means.
//
//   kernel_sets_agree     one lowered graph, two kernel sets: bit-exact everywhere; names
//                         the first node whose values differ.
//   node_faithfulness     every lowered cortex_m node, on the inputs it actually received,
//                         against the original pattern it replaced (found through the node's
//                         `source` names): exact against the pattern's integer semantics
//                         (reference int8 convolution with the pattern's quantization), and
//                         within the near-tie rule against the float-simulated pattern.
//   outputs_identical     two graphs that must compute the same bytes (before and after a
//                         byte-moving pass): every output equal, dim order included.
//   end_to_end            lowered outputs against the original's, under a compliance mode
//                         (qtol:N for float-simulated originals); always reports how many
//                         elements differ and by how much.
//   structure             an op histogram against expected counts.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "conf/compare.h"
#include "conf/kernel_set.h"
#include "lower/ir.h"
#include "lower/value.h"

namespace lower {

using Inputs = std::map<std::string, Value>;

struct CheckReport {
  std::string check;
  std::vector<std::string> failures;  // each names the node (or output) and the first difference
  std::vector<std::string> notes;     // what was compared, counts, what was skipped and why
  int64_t compared = 0;               // nodes or outputs compared
  bool pass() const { return failures.empty(); }
  std::string describe() const;
};

CheckReport kernel_sets_agree(const Graph& lowered, const Inputs& inputs, const conf::KernelSet& a,
                              const conf::KernelSet& b);

CheckReport node_faithfulness(const Graph& original, const Graph& lowered, const Inputs& inputs,
                              const conf::KernelSet& kernels);

CheckReport outputs_identical(const Graph& before, const Graph& after, const Inputs& inputs,
                              const conf::KernelSet& kernels);

CheckReport end_to_end(const Graph& original, const Graph& lowered, const Inputs& inputs,
                       const conf::KernelSet& kernels, const conf::Compliance& compliance);

CheckReport structure(const Graph& graph, const std::map<std::string, int64_t>& expected, const std::string& label);

// Inputs for every placeholder from a seed: int8 uniform, float32 uniform integers times
// 1/16 in [-8, 8) (exactly representable), int32 in [-1000, 1000].
Inputs seeded_inputs(const Graph& graph, uint64_t seed);

}  // namespace lower

#include "lower/passes.h"

namespace lower {

// Every check above for one original graph run through a pass pipeline: the pipeline runs
// (verifying after each pass), byte-moving passes keep every output bit, the lowered graph
// gives the same bits with both kernel sets, each lowered node is faithful to its pattern
// (with the target kernels), and end to end the compliance mode holds.
struct LoweringVerdict {
  Graph lowered;
  std::vector<PassStep> steps;
  std::vector<CheckReport> reports;
  bool pass() const;
  std::string describe() const;  // failures first, then notes
};

LoweringVerdict check_lowering(const Graph& original, const Inputs& inputs, const std::vector<Pass>& passes,
                               const conf::KernelSet& reference, const conf::KernelSet& target,
                               const conf::Compliance& end_to_end_compliance);

}  // namespace lower
