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

// Graph files record no rounding: their stored checksums (original and lowered) are the
// reference semantics in double rounding, whatever kernel set is under test and whatever
// rounding the build's target kernels use. The set under test is judged separately, against
// the reference in its own rounding under the file's compliance.
inline constexpr ref::Rounding kStoredChecksumRounding = ref::Rounding::double_rounding;

// The checksums as a golden graph stores them: the reference kernel set in
// kStoredChecksumRounding. What the writers record and the replay compares.
std::vector<std::string> stored_output_checksums(const Graph& graph, const std::map<std::string, Value>& inputs);

}  // namespace lower
