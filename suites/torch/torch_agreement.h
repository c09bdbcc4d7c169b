// Our executor's reference semantics on an exported graph against PyTorch's own quantized
// model, at every quantize node PyTorch has a value for.
//
//   per node     the node computed by our executor from PyTorch's own values of every other
//                quantized node (so differences do not compound and the first diverging
//                layer is named): every difference must be +-1 at a near-tie, i.e. where the
//                value being rounded, x * (1/scale), lies within `tie_window` of k + 1/2.
//                Our side rounds a float simulation, PyTorch's qnnpack rounds
//                float(acc) * float(scale): both are correct roundings of the same exact value
//                and may disagree only there.
//   end to end   our executor from the graph input alone against PyTorch at every node:
//                elements that differ and by how much, judged by the graph's compliance
//                mode (qtol:N; near-tie flips of one layer move the next layer's input).
#pragma once

#include <map>
#include <string>

#include "conf/compare.h"
#include "conf/kernel_set.h"
#include "lower/checks.h"
#include "lower/ir.h"
#include "torch_values.h"

namespace torchcheck {

// The largest distance from a tie that still excuses a +-1: float32 rounding of both sides
// (products and sums of float32 values, relative 2^-24 each) stays far below it.
constexpr double kDefaultTieWindow = 1.0 / 1024;

lower::CheckReport per_node_agreement(const lower::Graph& graph, const lower::Inputs& inputs,
                                      const TorchValues& torch, const conf::KernelSet& kernels, double tie_window);

lower::CheckReport end_to_end_agreement(const lower::Graph& graph, const lower::Inputs& inputs,
                                        const TorchValues& torch, const conf::KernelSet& kernels,
                                        const conf::Compliance& compliance);

}  // namespace torchcheck
