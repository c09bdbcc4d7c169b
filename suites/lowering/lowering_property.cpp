// Random quantized graphs through the whole Cortex-M pipeline, with every lowering check.
// A failure prints the shrunk graph spec, writes the original graph as a golden graph file
// and prints the command that replays that file alone.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "conf/golden.h"
#include "conf/property_run.h"
#include "conf/target_kernels.h"
#include "gens/graph_gen.h"
#include "lower/checks.h"
#include "lower/golden_graph.h"
#include "lower/graph_json.h"

namespace {

const conf::KernelSet& reference() {
  static const auto kernels = conf::make_reference_kernel_set(conf::target_rounding());
  return *kernels;
}
const conf::KernelSet& target() {
  static const auto kernels = conf::make_target_kernel_set();
  return *kernels;
}

// The graph and its input recipe as a golden graph document: the property checks the inputs
// this document gives, so a saved counterexample replays exactly what failed.
nlohmann::ordered_json graph_document(const lower::Graph& graph, uint64_t input_seed) {
  lower::DataRecipe r;
  r.seed = input_seed;
  r.scale = 1.0 / 16;  // multiples of 1/16 in [-8, 8)
  std::map<std::string, lower::DataRecipe> recipes;
  for (const lower::Node* p : graph.placeholders()) recipes[p->name] = r;
  return lower::golden_graph_document(graph, "counterexample of lowering_property", {"counterexample"},
                                      conf::parse_compliance("qtol:255"), recipes);
}

// Writes the failing graph with its input; returns how to replay it.
std::string save_graph(const nlohmann::ordered_json& document) {
  try {
    const std::string file = conf::testing::counterexample_file("graph.json");
    conf::write_json_atomically(file, document);
    return "counterexample graph: " + file + "\nreplay it alone: CONFORMANCE_GOLDEN_DIR=" + file + " " +
           LOWERING_GOLDEN_GRAPHS_EXE + "\n" + conf::testing::adopt_command(file);
  } catch (const std::exception& e) {
    return std::string("(could not write the counterexample: ") + e.what() + ")";
  }
}

}  // namespace

RC_GTEST_PROP(LoweringProperty, RandomGraphsLowerFaithfully, ()) {
  const gens::GraphSpec spec = *gens::graph_spec();
  const lower::Graph original = gens::build_graph(spec);
  const nlohmann::ordered_json document = graph_document(original, spec.input_seed);
  const lower::Inputs inputs = lower::golden_graph_from_json(document, "generated graph").inputs;
  // End to end the lowered graph may differ from the float simulation by near-tie flips
  // that later layers amplify; per-node faithfulness is the sharp check, so end to end is
  // reported, not judged, here.
  const lower::LoweringVerdict verdict = lower::check_lowering(original, inputs, lower::cortex_m_pipeline(), reference(),
                                                               target(), conf::parse_compliance("qtol:255"));
  int lowered_convs = 0;
  for (const lower::Node& n : verdict.lowered.nodes()) {
    if (n.op.rfind("cortex_m.quantized_", 0) != 0) continue;
    ++lowered_convs;
    // For the summary: which cortex_m ops the random graphs exercised.
    conf::testing::record_case("lowered node: " + n.op, "");
  }
  // Structure promised by the spec alone: every layer whose tail fuses (or has none) is lowered.
  int fusable = 0;
  for (const gens::LayerSpec& l : spec.layers) {
    fusable += gens::lowerable(l.tail);
  }
  RC_CLASSIFY(spec.two_d, "2-D");
  RC_CLASSIFY(!spec.two_d, "1-D");
  RC_CLASSIFY(spec.batch > 1, "batch > 1");
  RC_CLASSIFY(lowered_convs == 0, "nothing lowered");
  conf::testing::record_case(spec.two_d ? "graph 2-D" : "graph 1-D", "");
  if (!verdict.pass()) {
    RC_FAIL("the lowering is not faithful for\n" + [&] {
      std::ostringstream os;
      os << spec;
      return os.str();
    }() + verdict.describe() + save_graph(document) +
            "\nreplay: " + conf::testing::replay_command());
  }
  if (lowered_convs != fusable) {
    std::ostringstream os;
    os << spec;
    RC_FAIL(std::to_string(lowered_convs) + " convolutions lowered where the spec has " + std::to_string(fusable) +
            " lowerable layers:\n" + os.str() + "lowered graph:\n" + lower::format_graph(verdict.lowered) +
            save_graph(document) + "\nreplay: " + conf::testing::replay_command());
  }
}
