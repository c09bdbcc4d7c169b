// Random quantized graphs for the lowering properties: chains of conv1d / conv2d /
// depthwise / grouped layers with activation tails, fan-out (a layer's output also leaves
// the graph), batch sizes above 1 and channel counts of 1.
//
// A GraphSpec is a plain, printable description; build_graph turns it into a Graph with
// the GraphBuilder. Every layer is valid by construction: a spec's numbers are read as
// wishes that build_graph fits to the tensor actually reaching the layer (a kernel larger
// than the input shrinks, groups become a divisor of the channels), so any shrunk spec
// still builds and shrinking reaches small graphs.
#pragma once

#include <cstdint>
#include <ostream>
#include <vector>

#include <rapidcheck.h>

#include "lower/ir.h"

namespace gens {

enum class LayerKind { dense, depthwise, grouped };
// *_unfusable tails and hardsigmoid_inexact (scale 1/255: 1/(2 scale) = 127.5 is not an
// integer, so fusing would move outputs by half an LSB) must stay unlowered.
enum class TailKind {
  none,
  relu_saturating,
  relu_unfusable,
  hardtanh_saturating,
  clamp_unfusable,
  hardsigmoid_exact,
  hardsigmoid_inexact,
};
// Whether the pipeline must lower a layer with this tail.
bool lowerable(TailKind tail);

struct LayerSpec {
  LayerKind kind = LayerKind::dense;
  int64_t out_channels = 1;    // dense and grouped (rounded to a multiple of the groups)
  int64_t multiplier = 1;      // depthwise
  int64_t groups = 2;          // grouped
  int64_t kernel = 1, kernel_w = 1;  // kernel_w only for 2-D graphs
  int64_t stride = 1, padding = 0, dilation = 1;
  bool bias = true;
  TailKind tail = TailKind::none;
  bool also_output = false;    // fan-out: the layer's output is a graph output too
  int64_t scale_step = 0;      // output scale = typical scale * 2^(scale_step / 2)
  uint64_t seed = 0;           // weights and bias
};

struct GraphSpec {
  bool two_d = false;          // conv2d layers on (N, C, H, W); else conv1d on (N, C, L)
  bool channels_last_input = false;  // 2-D only
  int64_t batch = 1;
  int64_t channels = 1;
  int64_t length = 8;          // L, or H for 2-D
  int64_t width = 1;           // 2-D only
  std::vector<LayerSpec> layers;
  uint64_t input_seed = 0;     // the graph input's data (multiples of 1/16 in [-8, 8))
};

std::ostream& operator<<(std::ostream& os, const LayerSpec& layer);
std::ostream& operator<<(std::ostream& os, const GraphSpec& spec);

rc::Gen<GraphSpec> graph_spec();

// Throws lower::IrError only on a bug in the builder or the ops (specs are always valid).
lower::Graph build_graph(const GraphSpec& spec);

}  // namespace gens
