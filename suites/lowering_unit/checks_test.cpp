// The lowering machinery and the checks themselves: the JSON loader names the bad field,
// the verifier finds what a pass can break, the executor honours overrides, and each check
// fails on a graph that is wrong on purpose (a check that cannot fail is a defect).
#include <gtest/gtest.h>

#include "conf/golden.h"
#include "conf/kernel_set.h"
#include "lower/builder.h"
#include "lower/checks.h"
#include "lower/executor.h"
#include "lower/graph_json.h"
#include "lower/passes.h"
#include "lower/verifier.h"

namespace {

using lower::Graph;
using lower::NodeRef;

// x (float) -> quantize -> conv1d 4->6 k3 p1 with relu (fusable) -> conv1d 6->3 k1 -> dequantize.
Graph two_layers() {
  lower::GraphBuilder b("two_layers");
  const std::string x = b.input("x", {1, 4, 9});
  const lower::QParams in{1.0 / 16, 0, -128, 127};
  std::string q = b.quantize(x, in, "x_q");
  lower::ConvSpec first;
  first.out_channels = 6;
  first.kernel = {3};
  first.padding = {1};
  first.tail = ref::ActivationTail::relu;
  first.output = lower::QParams{0.04, -128, -128, 127};
  for (int oc = 0; oc < 6; ++oc) first.weight_scales.push_back((3.0 + oc % 4) / 512);
  first.weight.seed = 5;
  q = b.quantized_conv(q, in, first, "l0");
  lower::ConvSpec second;
  second.out_channels = 3;
  second.kernel = {1};
  second.output = lower::QParams{0.05, 2, -128, 127};
  second.weight_scales = {1.0 / 300, 1.0 / 200, 1.0 / 100};
  second.weight.seed = 6;
  q = b.quantized_conv(q, first.output, second, "l1");
  b.output(b.dequantize(q, second.output, "y"));
  return b.build();
}

const conf::KernelSet& reference() {
  static const auto k = conf::make_reference_kernel_set(ref::Rounding::double_rounding);
  return *k;
}

// The lowered graph with one node's constant data replaced.
Graph with_constant(const Graph& g, const std::string& suffix, const std::function<void(lower::ConstantData&)>& edit) {
  Graph copy;
  copy.name = g.name;
  copy.outputs = g.outputs;
  bool found = false;
  for (lower::Node n : g.nodes()) {
    if (n.kind == lower::NodeKind::constant && n.name.size() >= suffix.size() &&
        n.name.compare(n.name.size() - suffix.size(), suffix.size(), suffix) == 0 && !found) {
      edit(*n.data);
      n.recipe.reset();
      found = true;
    }
    copy.add(std::move(n));
  }
  EXPECT_TRUE(found) << "no constant named *" << suffix;
  return copy;
}

std::string load_error(const std::string& text) {
  try {
    lower::graph_from_json(nlohmann::ordered_json::parse(text), "bad.json");
  } catch (const conf::GoldenError& e) {
    return e.what();
  }
  return "";
}

TEST(GraphJson, RoundTripsAndNamesTheBadField) {
  const Graph g = two_layers();
  const auto doc = lower::graph_document(g);
  EXPECT_EQ(lower::graph_document(lower::graph_from_json(doc, "x.json")).dump(), doc.dump());

  auto bad = doc;
  bad["graph"]["nodes"][0]["meta"]["dtype"] = "float16";
  EXPECT_NE(load_error(bad.dump()).find("/graph/nodes/0/meta/dtype"), std::string::npos) << load_error(bad.dump());
  bad = doc;
  bad["graph"]["nodes"][1]["args"][0] = nlohmann::ordered_json{{"node", "later"}};
  EXPECT_NE(load_error(bad.dump()).find("/graph/nodes/1/args/0"), std::string::npos) << load_error(bad.dump());
  bad = doc;
  bad["version"] = 2;
  EXPECT_NE(load_error(bad.dump()).find("/version"), std::string::npos);
  EXPECT_NE(load_error("[1, 2]").find("expected a JSON object"), std::string::npos);
}

TEST(Verifier, FindsStaleMetadataOrphansAndUnknownOps) {
  Graph g = two_layers();
  ASSERT_TRUE(lower::verify(g).ok()) << lower::verify(g).describe();
  Graph stale = g;
  stale.mutable_node("l0.conv").outputs[0].dim_order = {0, 2, 1};
  EXPECT_NE(lower::verify(stale).describe().find("node 'l0.conv'"), std::string::npos) << lower::verify(stale).describe();

  Graph orphan = g;
  lower::Node extra;
  extra.name = "unused";
  extra.kind = lower::NodeKind::call;
  extra.op = "aten.relu.default";
  extra.args = {NodeRef{"l0.conv"}};
  extra.outputs = orphan.node("l0.conv").outputs;
  orphan.add(extra);
  EXPECT_NE(lower::verify(orphan).describe().find("'unused' (aten.relu.default) is orphaned"), std::string::npos)
      << lower::verify(orphan).describe();

  Graph unknown = g;
  unknown.mutable_node("l0.relu").op = "aten.gelu.default";
  EXPECT_NE(lower::verify(unknown).describe().find("unknown op 'aten.gelu.default'"), std::string::npos);
}

TEST(Executor, OverridesReplaceAValueAndTargetsLimitTheWork) {
  const Graph g = two_layers();
  const lower::Inputs inputs = lower::seeded_inputs(g, 3);
  lower::ExecutionOptions options;
  options.kernels = &reference();
  options.record_all = true;
  const auto full = lower::execute(g, inputs, options);
  // Feeding layer 1 the value layer 0 produced reproduces the output without the input.
  lower::ExecutionOptions partial;
  partial.overrides["l0.q"] = full.values.at("l0.q").at(0);
  partial.targets = {"l1.q"};
  partial.record_all = true;
  const auto part = lower::execute(g, {}, partial);
  EXPECT_EQ(lower::value_checksum(part.values.at("l1.q").at(0)), lower::value_checksum(full.values.at("l1.q").at(0)));
  EXPECT_EQ(part.values.count("x"), 0u);
}

TEST(Checks, PassOnOurPipeline) {
  const Graph g = two_layers();
  const lower::Inputs inputs = lower::seeded_inputs(g, 4);
  const auto verdict = lower::check_lowering(g, inputs, lower::cortex_m_pipeline(), reference(), reference(),
                                             conf::parse_compliance("qtol:2"));
  EXPECT_TRUE(verdict.pass()) << verdict.describe();
}

TEST(Checks, NodeFaithfulnessNamesATamperedMultiplier) {
  const Graph g = two_layers();
  const lower::Inputs inputs = lower::seeded_inputs(g, 4);
  const Graph lowered = lower::run_passes(g, lower::cortex_m_pipeline()).result;
  const Graph broken = with_constant(lowered, "l1.conv.multipliers", [](lower::ConstantData& d) {
    auto& m = std::get<std::vector<int32_t>>(d);
    m[2] = m[0];  // channel 0's multiplier for channel 2
  });
  const auto report = lower::node_faithfulness(g, broken, inputs, reference());
  ASSERT_FALSE(report.pass());
  EXPECT_NE(report.failures.at(0).find("node 'l1.conv.qconv'"), std::string::npos) << report.describe();
  EXPECT_NE(report.failures.at(0).find("integer semantics"), std::string::npos) << report.describe();
}

TEST(Checks, NodeFaithfulnessRefusesANodeWithoutProvenance) {
  const Graph g = two_layers();
  Graph lowered = lower::run_passes(g, lower::cortex_m_pipeline()).result;
  lowered.mutable_node("l0.conv.qconv").source.clear();
  const auto report = lower::node_faithfulness(g, lowered, lower::seeded_inputs(g, 1), reference());
  ASSERT_FALSE(report.pass());
  EXPECT_NE(report.describe().find("cannot be paired with its original pattern"), std::string::npos) << report.describe();
}

// A kernel set that is right except for one output byte of every call.
class OffByOne : public conf::KernelSet {
 public:
  std::string name() const override { return "off_by_one"; }
  ref::Rounding rounding() const override { return ref::Rounding::double_rounding; }
  conf::RunOutcome run(const conf::ConvCase& c) const override {
    conf::RunOutcome out = reference().run(c);
    if (!out.output.empty()) out.output.back() = static_cast<int8_t>(out.output.back() ^ 1);
    return out;
  }
};

TEST(Checks, KernelSetsAgreeNamesTheFirstDivergingNode) {
  const Graph g = two_layers();
  const Graph lowered = lower::run_passes(g, lower::cortex_m_pipeline()).result;
  const OffByOne broken;
  const auto report = lower::kernel_sets_agree(lowered, lower::seeded_inputs(g, 2), broken, reference());
  ASSERT_FALSE(report.pass());
  EXPECT_NE(report.failures.at(0).find("first diverging node 'l0.conv.qconv'"), std::string::npos) << report.describe();
}

TEST(Checks, OutputsIdenticalSeesADimOrderChange) {
  const Graph g = two_layers();
  lower::GraphBuilder b("relabelled");
  const std::string x = b.input("x", {1, 4, 9});
  b.output(b.call("dim_order_ops._clone_dim_order.default", {NodeRef{x}, false, std::vector<int64_t>{0, 2, 1}}, "c"));
  lower::GraphBuilder same("plain");
  const std::string y = same.input("x", {1, 4, 9});
  same.output(same.call("aten.relu.default", {NodeRef{y}}, "r"));
  const lower::Inputs inputs = lower::seeded_inputs(g, 1);
  const auto report = lower::outputs_identical(same.build(), b.build(), inputs, reference());
  EXPECT_FALSE(report.pass()) << report.describe();
}

TEST(Checks, StructureListsEveryDifferingOp) {
  const Graph lowered = lower::run_passes(two_layers(), lower::cortex_m_pipeline()).result;
  const auto ok = lower::structure(lowered, lower::op_histogram(lowered), "self");
  EXPECT_TRUE(ok.pass());
  auto expected = lower::op_histogram(lowered);
  expected["cortex_m.quantized_conv2d.default"] += 1;
  expected["aten.relu.default"] = 1;
  const auto bad = lower::structure(lowered, expected, "after");
  EXPECT_EQ(bad.failures.size(), 2u) << bad.describe();
}

}  // namespace
