// Replaying one golden model graph: the original's checksums, the pipeline with every
// lowering check against `kernels`, the expected op histograms, the passes that must leave
// the graph alone, and the lowered graph's checksums. Shared by lowering_golden_graphs and
// the command-line tool.
#pragma once

#include <string>
#include <vector>

#include "conf/golden_replay.h"
#include "conf/kernel_set.h"
#include "lower/executor.h"
#include "lower/ir.h"

namespace lower {

conf::Replay replay_golden_graph(const std::string& file, const conf::KernelSet& reference,
                                 const conf::KernelSet& kernels);

// The checksum of every graph output, run on `kernels`.
std::vector<std::string> output_checksums(const Graph& graph, const std::map<std::string, Value>& inputs,
                                          const conf::KernelSet& kernels);

}  // namespace lower
