// Unit tests of the Cortex-M lowering passes, one group per pass, negative cases included.
//
// Expectations are structural and written from the spec (op counts, argument values the
// spec fixes, layouts); numeric checks are smoke tests against the float-simulated graph
// and across kernel sets (the rigorous differential checks live elsewhere).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>

#include "conf/kernel_set.h"
#include "conf/target_kernels.h"
#include "lower/builder.h"
#include "lower/executor.h"
#include "lower/graph_json.h"
#include "lower/passes.h"
#include "lower/verifier.h"

namespace {

using lower::Arg;
using lower::ConvSpec;
using lower::DType;
using lower::Graph;
using lower::GraphBuilder;
using lower::Node;
using lower::NodeRef;
using lower::QParams;

constexpr const char* kConvolution = "aten.convolution.default";
constexpr const char* kCortexConv = "cortex_m.quantized_conv2d.default";
constexpr const char* kCortexDepthwise = "cortex_m.quantized_depthwise_conv2d.default";
constexpr const char* kClone = "dim_order_ops._clone_dim_order.default";
constexpr const char* kView = "aten.view_copy.default";
constexpr const char* kQuantize = "quantized_decomposed.quantize_per_tensor.default";
constexpr const char* kDequantize = "quantized_decomposed.dequantize_per_tensor.default";

const QParams kIn{0.05, 3, -128, 127};
const QParams kOut{0.5, -5, -128, 127};

ConvSpec conv_spec(int64_t out_channels, std::vector<int64_t> kernel, int64_t groups = 1, bool bias = true) {
  ConvSpec s;
  s.out_channels = out_channels;
  s.kernel = std::move(kernel);
  s.groups = groups;
  s.bias = bias;
  s.output = kOut;
  // Scales that differ per channel (not by powers of two), so per-channel mistakes show.
  for (int64_t oc = 0; oc < out_channels; ++oc) s.weight_scales.push_back((3.0 + static_cast<double>(oc % 3)) / 256);
  s.weight.seed = 11;
  s.bias_values.seed = 12;
  return s;
}

// placeholder x (float) -> quantize -> one quantized layer -> output.
Graph one_layer(const ref::Shape& shape, const ConvSpec& spec, ref::DimOrder order = {}) {
  GraphBuilder b("one_layer");
  const std::string x = b.input("x", shape, DType::float32, std::move(order));
  const std::string xq = b.quantize(x, kIn, "x.q");
  b.output(b.quantized_conv(xq, kIn, spec, "conv1"));
  return b.build();
}

int64_t count(const Graph& g, const std::string& op) {
  const auto h = lower::op_histogram(g);
  const auto it = h.find(op);
  return it == h.end() ? 0 : it->second;
}

std::vector<const Node*> nodes_with(const Graph& g, const std::string& op) {
  std::vector<const Node*> found;
  for (const Node& n : g.nodes()) {
    if (n.kind == lower::NodeKind::call && n.op == op) found.push_back(&n);
  }
  return found;
}

const Node& only(const Graph& g, const std::string& op) {
  const auto found = nodes_with(g, op);
  if (found.size() != 1) throw std::runtime_error("expected one " + op + ", found " + std::to_string(found.size()));
  return *found[0];
}

std::vector<int64_t> ints(const Arg& a) { return std::get<std::vector<int64_t>>(a); }
int64_t integer(const Arg& a) { return std::get<int64_t>(a); }
const std::string& ref_name(const Arg& a) { return std::get<NodeRef>(a).name; }

Graph run_pass(const lower::Pass& pass, const Graph& g) {
  Graph out = pass.run(g);
  lower::verify_or_throw(out, "after " + pass.name);
  return out;
}

Graph pipeline(const Graph& g) { return lower::run_passes(g, lower::cortex_m_pipeline()).result; }

std::string json(const Graph& g) { return lower::graph_document(g).dump(); }

lower::Value float_input(const ref::Shape& shape, uint64_t seed, ref::DimOrder order = {}) {
  const auto data = std::get<std::vector<float>>(
      lower::data_from_recipe(lower::DataRecipe{seed, "uniform", -60, 60, 0.05}, DType::float32,
                              static_cast<size_t>(ref::element_count(shape))));
  ref::Tensor<float> t(shape, ref::contiguous_order(shape.size()), data);
  return order.empty() ? lower::Value(t) : lower::Value(ref::to_dim_order(t, order));
}

std::vector<double> run(const Graph& g, const lower::Value& x, const conf::KernelSet* kernels) {
  lower::ExecutionOptions options;
  options.kernels = kernels;
  const lower::Execution e = lower::execute(g, {{"x", x}}, options);
  return lower::logical_values(e.outputs.at(0));
}

// Smoke: the lowered graph against the float-simulated original (within one LSB), and the
// reference kernel set against the target kernels (identical).
void expect_lowering_agrees(const Graph& original, const Graph& lowered, const lower::Value& x) {
  const auto reference = conf::make_reference_kernel_set(ref::Rounding::double_rounding);
  const auto target = conf::make_target_kernel_set("");
  const std::vector<double> simulated = run(original, x, nullptr);
  const std::vector<double> with_reference = run(lowered, x, reference.get());
  const std::vector<double> with_target = run(lowered, x, target.get());
  ASSERT_EQ(simulated.size(), with_reference.size());
  EXPECT_EQ(with_reference, with_target);
  int64_t differing = 0;
  for (size_t i = 0; i < simulated.size(); ++i) {
    EXPECT_LE(std::fabs(simulated[i] - with_reference[i]), 1.0) << "element " << i;
    differing += simulated[i] != with_reference[i];
  }
  // The outputs must say something: not one saturated value.
  std::set<double> distinct(with_reference.begin(), with_reference.end());
  EXPECT_GE(distinct.size(), 4u);
  // Off-by-one only at rounding ties; most elements agree exactly.
  EXPECT_LE(differing * 10, static_cast<int64_t>(simulated.size()));
}

// ---- builder --------------------------------------------------------------------------------

TEST(Builder, QuantizedConvSpellsThePt2ePattern) {
  ConvSpec spec = conv_spec(4, {3, 3});
  spec.tail = ref::ActivationTail::relu;
  const Graph g = one_layer({1, 2, 5, 5}, spec);
  EXPECT_EQ(count(g, kDequantize), 1);
  EXPECT_EQ(count(g, "quantized_decomposed.dequantize_per_channel.default"), 2);  // weight and bias
  EXPECT_EQ(count(g, kConvolution), 1);
  EXPECT_EQ(count(g, "aten.relu.default"), 1);
  EXPECT_EQ(count(g, kQuantize), 2);  // input and output
  ASSERT_TRUE(g.has("conv1.w"));
  EXPECT_EQ(g.node("conv1.w").meta().shape, (ref::Shape{4, 2, 3, 3}));  // OIHW
  EXPECT_EQ(g.node("conv1.w").meta().dtype, DType::int8);
  ASSERT_TRUE(g.has("conv1.conv"));
  EXPECT_EQ(g.node("conv1.conv").meta().shape, (ref::Shape{1, 4, 3, 3}));
}

TEST(Builder, RejectsGroupsThatDoNotDivide) {
  GraphBuilder b("bad");
  const std::string xq = b.quantize(b.input("x", {1, 3, 4, 4}), kIn);
  EXPECT_THROW(b.quantized_conv(xq, kIn, conv_spec(4, {1, 1}, 2), "c"), lower::IrError);
}

// ---- cortex_m ops ---------------------------------------------------------------------------

// An int8 placeholder feeding a cortex_m conv with the given weight shape.
std::string cortex_conv_call(GraphBuilder& b, const std::string& x, ref::Shape weight, int64_t out) {
  lower::TensorMeta wm{weight, DType::int8, ref::contiguous_order(4), std::nullopt};
  const auto n = static_cast<size_t>(ref::element_count(weight));
  const std::string w = b.constant("w", wm, std::vector<int8_t>(n, 1));
  lower::TensorMeta vm{{out}, DType::int32, {0}, std::nullopt};
  const std::string m = b.constant("m", vm, std::vector<int32_t>(static_cast<size_t>(out), 1 << 30));
  const std::string s = b.constant("s", vm, std::vector<int32_t>(static_cast<size_t>(out), -3));
  return b.call(kCortexConv, {NodeRef{x}, NodeRef{w}, lower::None{}, std::vector<int64_t>{1, 1}, std::vector<int64_t>{0, 0},
                              std::vector<int64_t>{1, 1}, int64_t{0}, int64_t{0}, NodeRef{m}, NodeRef{s}, int64_t{-128},
                              int64_t{127}});
}

TEST(CortexMOps, ConvRefusesInputBytesThatAreNotChannelsLast) {
  GraphBuilder b("g");
  const std::string x = b.input("x", {1, 2, 4, 4}, DType::int8);  // contiguous, C = 2
  EXPECT_THROW(cortex_conv_call(b, x, {3, 1, 1, 2}, 3), lower::IrError);
}

TEST(CortexMOps, ConvAcceptsContiguousWhenBytesCoincide) {
  GraphBuilder b("g");
  const std::string x = b.input("x", {1, 1, 4, 4}, DType::int8);  // C == 1: same bytes as NHWC
  const std::string y = cortex_conv_call(b, x, {3, 1, 1, 1}, 3);
  EXPECT_EQ(b.graph().node(y).meta().shape, (ref::Shape{1, 3, 4, 4}));
  EXPECT_EQ(b.graph().node(y).meta().dim_order, (ref::DimOrder{0, 2, 3, 1}));
  GraphBuilder b2("g2");
  const std::string x2 = b2.input("x", {1, 5, 1, 1}, DType::int8);  // H == W == 1
  EXPECT_NO_THROW(cortex_conv_call(b2, x2, {2, 1, 1, 5}, 2));
}

TEST(CortexMOps, ConvRefusesWeightChannelsThatDoNotDivide) {
  GraphBuilder b("g");
  const std::string x = b.input("x", {1, 5, 4, 4}, DType::int8, {0, 2, 3, 1});
  EXPECT_THROW(cortex_conv_call(b, x, {2, 1, 1, 2}, 2), lower::IrError);
}

TEST(CortexMOps, ConvWithoutKernelSetRefusesToRun) {
  GraphBuilder b("g");
  const std::string x = b.input("x", {1, 1, 2, 2}, DType::int8);
  b.output(cortex_conv_call(b, x, {1, 1, 1, 1}, 1));
  const Graph g = b.build();
  const lower::Value v = ref::Tensor<int8_t>({1, 1, 2, 2}, {0, 1, 2, 3}, {1, 2, 3, 4});
  EXPECT_THROW(lower::execute(g, {{"x", v}}, {}), lower::ExecutionError);
  // With the reference: 1 * x * 2^30 * 2^(-3 - 31) = x / 16, rounded.
  const auto reference = conf::make_reference_kernel_set(ref::Rounding::double_rounding);
  EXPECT_EQ(run(g, v, reference.get()), (std::vector<double>{0, 0, 0, 0}));
}

TEST(CortexMOps, QuantizeMatchesQuantizedDecomposed) {
  GraphBuilder b("g");
  const std::string x = b.input("x", {1, 2, 3, 4});
  const QParams q{0.1, 7, -100, 100};
  const std::string a = b.quantize(x, q, "a");
  const std::string c = b.call("cortex_m.quantize_per_tensor.default",
                               {NodeRef{x}, q.scale, q.zero_point, q.qmin, q.qmax, std::string("int8")}, "c");
  const std::string da = b.dequantize(a, q, "da");
  const std::string dc = b.call("cortex_m.dequantize_per_tensor.default",
                                {NodeRef{c}, q.scale, q.zero_point, q.qmin, q.qmax, std::string("int8")}, "dc");
  b.output(da);
  b.output(dc);
  const lower::Execution e = lower::execute(b.build(), {{"x", float_input({1, 2, 3, 4}, 5)}}, {});
  EXPECT_EQ(lower::logical_values(e.outputs[0]), lower::logical_values(e.outputs[1]));
}

// ---- requantization parameters and the depthwise detector -----------------------------------

TEST(RequantMultiplier, FollowsQuantizeMultiplier) {
  // s = q * 2^e with q in [0.5, 1); M = round(q * 2^31); shift = e.
  const auto half = lower::requant_multiplier(0.5);
  ASSERT_TRUE(half);
  EXPECT_EQ(half->multiplier, 1 << 30);
  EXPECT_EQ(half->shift, 0);
  const auto eighth = lower::requant_multiplier(0.125);
  ASSERT_TRUE(eighth);
  EXPECT_EQ(eighth->multiplier, 1 << 30);
  EXPECT_EQ(eighth->shift, -2);
  const auto three_quarters = lower::requant_multiplier(0.75 * 4);  // 3 = 0.75 * 2^2
  ASSERT_TRUE(three_quarters);
  EXPECT_EQ(three_quarters->multiplier, 1610612736);
  EXPECT_EQ(three_quarters->shift, 2);
  // q * 2^31 rounding up to 2^31 renormalizes.
  const auto almost_one = lower::requant_multiplier(1.0 - std::ldexp(1.0, -40));
  ASSERT_TRUE(almost_one);
  EXPECT_EQ(almost_one->multiplier, 1 << 30);
  EXPECT_EQ(almost_one->shift, 1);
  // Half away from zero: q * 2^31 = 2^30 + 0.5 rounds up.
  const auto tie = lower::requant_multiplier(std::ldexp((1 << 30) + 0.5, -31));
  ASSERT_TRUE(tie);
  EXPECT_EQ(tie->multiplier, (1 << 30) + 1);
  // Below 2^-32: flushed to zero.
  const auto tiny = lower::requant_multiplier(std::ldexp(1.0, -40));
  ASSERT_TRUE(tiny);
  EXPECT_EQ(tiny->multiplier, 0);
  EXPECT_EQ(tiny->shift, 0);
  EXPECT_FALSE(lower::requant_multiplier(0.0));
  EXPECT_FALSE(lower::requant_multiplier(-0.5));
  EXPECT_FALSE(lower::requant_multiplier(std::ldexp(1.0, 30)));
  EXPECT_FALSE(lower::requant_multiplier(std::nan("")));
}

TEST(DepthwiseRefusal, SaysWhy) {
  EXPECT_EQ(lower::depthwise_refusal(1, 4, 4, 4), "");
  EXPECT_EQ(lower::depthwise_refusal(1, 4, 8, 4), "");
  EXPECT_EQ(lower::depthwise_refusal(1, 1, 5, 1), "");  // Conv2d(1, K, k): multiplier K
  const std::string grouped = lower::depthwise_refusal(1, 4, 4, 2);
  EXPECT_NE(grouped.find("groups (2) != in_channels (4)"), std::string::npos) << grouped;
  EXPECT_NE(lower::depthwise_refusal(1, 4, 4, 1).find("dense"), std::string::npos);
  EXPECT_NE(lower::depthwise_refusal(1, 4, 6, 4).find("not a multiple"), std::string::npos);
  EXPECT_NE(lower::depthwise_refusal(2, 4, 4, 4).find("batch 2"), std::string::npos);
}

// ---- fuse_activations ------------------------------------------------------------------------

TEST(FuseActivations, ReluFusesWhenZeroPointIsQuantMin) {
  ConvSpec spec = conv_spec(4, {3, 3});
  spec.tail = ref::ActivationTail::relu;
  spec.output = QParams{0.25, -128, -128, 127};
  const Graph g = one_layer({1, 2, 5, 5}, spec);
  const Graph fused = run_pass(lower::fuse_activations_pass(), g);
  EXPECT_EQ(count(fused, "aten.relu.default"), 0);
  const Node& q = *nodes_with(fused, kQuantize).back();
  EXPECT_EQ(ref_name(q.args[0]), "conv1.conv");
  const Graph lowered = pipeline(g);
  EXPECT_EQ(count(lowered, kCortexConv), 1);
  EXPECT_EQ(count(lowered, kConvolution), 0);
  expect_lowering_agrees(g, lowered, float_input({1, 2, 5, 5}, 3));
}

TEST(FuseActivations, ReluStaysWhenZeroPointIsNotQuantMin) {
  ConvSpec spec = conv_spec(4, {3, 3});
  spec.tail = ref::ActivationTail::relu;
  spec.output = QParams{0.25, -100, -128, 127};  // quantize(0) = -100 != -128
  const Graph g = one_layer({1, 2, 5, 5}, spec);
  EXPECT_EQ(json(run_pass(lower::fuse_activations_pass(), g)), json(g));
  const Graph lowered = pipeline(g);
  EXPECT_EQ(count(lowered, "aten.relu.default"), 1);
  EXPECT_EQ(count(lowered, kConvolution), 1);  // an activation left between: not lowered
  EXPECT_EQ(count(lowered, kCortexConv), 0);
}

TEST(FuseActivations, HardtanhNeedsBothBoundsToSaturate) {
  ConvSpec spec = conv_spec(4, {1, 1});
  spec.tail = ref::ActivationTail::hardtanh;
  spec.tail_min = -1.0;
  spec.tail_max = 1.0;
  // scale 1/128, zp 0: quantize(-1) = -128, quantize(1) = 128 -> 127.
  spec.output = QParams{1.0 / 128, 0, -128, 127};
  EXPECT_EQ(count(run_pass(lower::fuse_activations_pass(), one_layer({1, 2, 3, 3}, spec)), "aten.hardtanh.default"), 0);
  // scale 1/64: quantize(1) = 64 != 127.
  spec.output = QParams{1.0 / 64, 0, -128, 127};
  EXPECT_EQ(count(run_pass(lower::fuse_activations_pass(), one_layer({1, 2, 3, 3}, spec)), "aten.hardtanh.default"), 1);
}

TEST(FuseActivations, ClampWithOneBoundIsHalfOpen) {
  ConvSpec spec = conv_spec(4, {1, 1});
  spec.tail = ref::ActivationTail::clamp;
  spec.tail_min = 0.0;
  spec.tail_max = 1.0;
  spec.output = QParams{0.25, -128, -128, 127};
  Graph g = one_layer({1, 2, 3, 3}, spec);
  // quantize(1) = -124 != 127: with a max bound it does not saturate ...
  EXPECT_EQ(json(run_pass(lower::fuse_activations_pass(), g)), json(g));
  // ... without one (clamp(min = 0, max = None)) it is relu.
  g.mutable_node("conv1.clamp").args[2] = lower::None{};
  lower::verify_or_throw(g);
  const Graph fused = run_pass(lower::fuse_activations_pass(), g);
  EXPECT_EQ(count(fused, "aten.clamp.default"), 0);
  // The quantize now stands for the clamp too.
  const Node& q = fused.node("conv1.q");
  EXPECT_NE(std::find(q.source.begin(), q.source.end(), "conv1.clamp"), q.source.end());
}

TEST(FuseActivations, HardsigmoidFusesOnlyWhenHalfInverseScaleIsAnInteger) {
  ConvSpec spec = conv_spec(4, {3, 3});
  spec.tail = ref::ActivationTail::hardsigmoid;
  // scale 1/256, zp -128: 1/(2 scale) = 128, so the quantize becomes scale 6/256, zp 0.
  spec.output = QParams{1.0 / 256, -128, -128, 127};
  const Graph g = one_layer({1, 2, 5, 5}, spec);
  const Graph fused = run_pass(lower::fuse_activations_pass(), g);
  EXPECT_EQ(count(fused, "aten.hardsigmoid.default"), 0);
  const Node& q = fused.node("conv1.q");
  EXPECT_EQ(ref_name(q.args[0]), "conv1.conv");
  EXPECT_DOUBLE_EQ(std::get<double>(q.args[1]), 6.0 / 256);
  EXPECT_EQ(integer(q.args[2]), 0);
  const Graph lowered = pipeline(g);
  EXPECT_EQ(count(lowered, kCortexConv), 1);
  expect_lowering_agrees(g, lowered, float_input({1, 2, 5, 5}, 4));

  // scale 1/255 saturates ([0, 1] -> [-128, 127]) but 1/(2 scale) = 127.5: refused.
  spec.output = QParams{1.0 / 255, -128, -128, 127};
  const Graph g2 = one_layer({1, 2, 5, 5}, spec);
  EXPECT_EQ(json(run_pass(lower::fuse_activations_pass(), g2)), json(g2));
}

TEST(FuseActivations, NotWhenTheConvolutionHasAnotherUser) {
  ConvSpec spec = conv_spec(4, {1, 1});
  spec.tail = ref::ActivationTail::relu;
  spec.output = QParams{0.25, -128, -128, 127};
  GraphBuilder b("two_users");
  const std::string xq = b.quantize(b.input("x", {1, 2, 3, 3}), kIn, "x.q");
  b.output(b.quantized_conv(xq, kIn, spec, "conv1"));
  b.output(b.call("aten.hardsigmoid.default", {NodeRef{"conv1.conv"}}, "other"));
  const Graph g = b.build();
  EXPECT_EQ(json(run_pass(lower::fuse_activations_pass(), g)), json(g));
}

// ---- convert_conv2d ----------------------------------------------------------------------------

TEST(ConvertConv2d, ChannelsLastInputNeedsNoClones) {
  ConvSpec spec = conv_spec(3, {3, 2});
  spec.stride = {2, 1};
  spec.padding = {1, 0};
  spec.weight_scales = {0.01, 0.03, 0.04};
  const Graph g = one_layer({1, 2, 6, 5}, spec, {0, 2, 3, 1});
  const Graph lowered = run_pass(lower::convert_conv2d_pass(), g);
  EXPECT_EQ(count(lowered, kConvolution), 0);
  EXPECT_EQ(count(lowered, kClone), 0);
  const Node& conv = only(lowered, kCortexConv);
  EXPECT_EQ(ints(conv.args[3]), (std::vector<int64_t>{2, 1}));
  EXPECT_EQ(ints(conv.args[4]), (std::vector<int64_t>{1, 0}));
  EXPECT_EQ(integer(conv.args[6]), -kIn.zero_point);   // input_offset
  EXPECT_EQ(integer(conv.args[7]), kOut.zero_point);   // output_offset
  EXPECT_EQ(integer(conv.args[10]), kOut.qmin);
  EXPECT_EQ(integer(conv.args[11]), kOut.qmax);
  // s = 0.05 * w / 0.5 = w / 10 per channel; spot-check one by hand: 0.004 = 0.512 * 2^-7,
  // M = round(0.512 * 2^31) = 1099511628 (0.512 * 2^31 = 1099511627.776).
  const auto& shifts = std::get<std::vector<int32_t>>(*lowered.node(ref_name(conv.args[9])).data);
  const auto& mults = std::get<std::vector<int32_t>>(*lowered.node(ref_name(conv.args[8])).data);
  EXPECT_EQ(shifts[2], -7);
  EXPECT_EQ(mults[2], 1099511628);
  EXPECT_NE(mults[0], mults[1]);  // per channel, not channel 0 for all (0.001 vs 0.003)
  // Weights OHWI: w_ohwi[o][h][w][i] = w_oihw[o][i][h][w].
  const auto& oihw = std::get<std::vector<int8_t>>(*g.node("conv1.w").data);
  const Node& w = lowered.node(ref_name(conv.args[1]));
  EXPECT_EQ(w.meta().shape, (ref::Shape{3, 3, 2, 2}));
  const auto& ohwi = std::get<std::vector<int8_t>>(*w.data);
  for (int o = 0; o < 3; ++o)
    for (int i = 0; i < 2; ++i)
      for (int h = 0; h < 3; ++h)
        for (int x = 0; x < 2; ++x) EXPECT_EQ(ohwi[((o * 3 + h) * 2 + x) * 2 + i], oihw[((o * 2 + i) * 3 + h) * 2 + x]);
  // Bias: the int32 values as they were.
  EXPECT_EQ(std::get<std::vector<int32_t>>(*lowered.node(ref_name(conv.args[2])).data),
            std::get<std::vector<int32_t>>(*g.node("conv1.b").data));
  // Provenance.
  for (const char* name : {"conv1.conv", "conv1.q", "conv1.in_dq"}) {
    EXPECT_NE(std::find(conv.source.begin(), conv.source.end(), name), conv.source.end()) << name;
  }
  expect_lowering_agrees(g, pipeline(g), float_input({1, 2, 6, 5}, 6, {0, 2, 3, 1}));
}

TEST(ConvertConv2d, ContiguousInputIsClonedToChannelsLastAndBack) {
  const Graph g = one_layer({1, 3, 5, 5}, conv_spec(4, {3, 3}));
  const Graph lowered = run_pass(lower::convert_conv2d_pass(), g);
  const auto clones = nodes_with(lowered, kClone);
  ASSERT_EQ(clones.size(), 2u);
  EXPECT_EQ(ints(clones[0]->args[2]), (std::vector<int64_t>{0, 2, 3, 1}));
  EXPECT_EQ(ints(clones[1]->args[2]), (std::vector<int64_t>{0, 1, 2, 3}));
  EXPECT_EQ(lowered.node(lowered.outputs[0]).meta().dim_order, (ref::DimOrder{0, 1, 2, 3}));
  expect_lowering_agrees(g, pipeline(g), float_input({1, 3, 5, 5}, 7));
}

TEST(ConvertConv2d, Conv2dFromOneChannelAtBatchOneIsDepthwise) {
  const int64_t k = 5;
  const Graph g = one_layer({1, 1, 6, 6}, conv_spec(k, {3, 3}, 1, /*bias=*/false));
  const Graph lowered = run_pass(lower::convert_conv2d_pass(), g);
  EXPECT_EQ(count(lowered, kCortexConv), 0);
  const Node& dw = only(lowered, kCortexDepthwise);
  EXPECT_EQ(integer(dw.args[6]), k);  // depth_multiplier
  EXPECT_EQ(lowered.node(ref_name(dw.args[1])).meta().shape, (ref::Shape{1, 3, 3, k}));  // IHWO
  // A zero bias is materialized.
  ASSERT_TRUE(std::holds_alternative<NodeRef>(dw.args[2]));
  EXPECT_EQ(std::get<std::vector<int32_t>>(*lowered.node(ref_name(dw.args[2])).data), std::vector<int32_t>(k, 0));
  expect_lowering_agrees(g, pipeline(g), float_input({1, 1, 6, 6}, 8));
}

TEST(ConvertConv2d, DepthwiseWithMultiplierTwo) {
  const Graph g = one_layer({1, 3, 5, 5}, conv_spec(6, {3, 3}, 3));
  const Graph lowered = pipeline(g);
  const Node& dw = only(lowered, kCortexDepthwise);
  EXPECT_EQ(integer(dw.args[6]), 2);
  // IHWO: w_ihwo[0][h][w][o] = w_oihw[o][0][h][w].
  const auto& oihw = std::get<std::vector<int8_t>>(*g.node("conv1.w").data);
  const auto& ihwo = std::get<std::vector<int8_t>>(*lowered.node(ref_name(dw.args[1])).data);
  for (int o = 0; o < 6; ++o)
    for (int h = 0; h < 3; ++h)
      for (int x = 0; x < 3; ++x) EXPECT_EQ(ihwo[(h * 3 + x) * 6 + o], oihw[(o * 3 + h) * 3 + x]);
  expect_lowering_agrees(g, lowered, float_input({1, 3, 5, 5}, 9));
}

TEST(ConvertConv2d, NoDepthwiseAtBatchAboveOne) {
  const Graph g = one_layer({2, 3, 5, 5}, conv_spec(3, {3, 3}, 3));
  const Graph lowered = pipeline(g);
  EXPECT_EQ(count(lowered, kCortexDepthwise), 0);
  const Node& conv = only(lowered, kCortexConv);
  EXPECT_EQ(lowered.node(ref_name(conv.args[1])).meta().shape, (ref::Shape{3, 3, 3, 1}));  // OHWI, grouped
  EXPECT_FALSE(lower::depthwise_refusal(2, 3, 3, 3).empty());
  expect_lowering_agrees(g, lowered, float_input({2, 3, 5, 5}, 10));
}

TEST(ConvertConv2d, GroupedButNotDepthwiseGoesToConv) {
  const Graph g = one_layer({1, 4, 5, 5}, conv_spec(4, {3, 3}, 2));
  const Graph lowered = pipeline(g);
  EXPECT_EQ(count(lowered, kCortexDepthwise), 0);
  const Node& conv = only(lowered, kCortexConv);
  EXPECT_EQ(lowered.node(ref_name(conv.args[1])).meta().shape, (ref::Shape{4, 3, 3, 2}));
  EXPECT_EQ(lower::depthwise_refusal(1, 4, 4, 2),
            "groups (2) != in_channels (4): a grouped convolution that is not depthwise");
  expect_lowering_agrees(g, lowered, float_input({1, 4, 5, 5}, 11));
}

TEST(ConvertConv2d, RefusesABiasWithTheWrongScale) {
  Graph g = one_layer({1, 2, 4, 4}, conv_spec(2, {1, 1}));
  Node& bdq = g.mutable_node("conv1.b_dq");
  bdq.args[1] = std::vector<double>{0.001, 0.001};
  lower::verify_or_throw(g);
  EXPECT_EQ(json(run_pass(lower::convert_conv2d_pass(), g)), json(g));
}

TEST(ConvertConv2d, RefusesWeightZeroPoints) {
  Graph g = one_layer({1, 2, 4, 4}, conv_spec(2, {1, 1}));
  g.mutable_node("conv1.w_dq").args[2] = std::vector<int64_t>{0, 1};
  lower::verify_or_throw(g);
  EXPECT_EQ(json(run_pass(lower::convert_conv2d_pass(), g)), json(g));
}

// ---- lower_conv1d ------------------------------------------------------------------------------

TEST(LowerConv1d, WrapsTheConvolutionIn4dChannelsLast) {
  ConvSpec spec = conv_spec(4, {3});
  spec.stride = {2};
  spec.padding = {1};
  spec.dilation = {2};
  const Graph g = one_layer({1, 3, 16}, spec);
  const Graph lowered = run_pass(lower::lower_conv1d_pass(), g);
  EXPECT_EQ(count(lowered, kConvolution), 0);
  EXPECT_EQ(count(lowered, kView), 2);
  EXPECT_EQ(count(lowered, kClone), 2);
  const Node& conv = only(lowered, kCortexConv);
  EXPECT_EQ(ints(conv.args[3]), (std::vector<int64_t>{2, 1}));
  EXPECT_EQ(ints(conv.args[4]), (std::vector<int64_t>{1, 0}));
  EXPECT_EQ(ints(conv.args[5]), (std::vector<int64_t>{2, 1}));
  EXPECT_EQ(lowered.node(ref_name(conv.args[1])).meta().shape, (ref::Shape{4, 3, 1, 3}));  // OHWI, W = 1
  const auto clones = nodes_with(lowered, kClone);
  EXPECT_EQ(ints(clones[0]->args[2]), (std::vector<int64_t>{0, 2, 3, 1}));
  EXPECT_EQ(ints(clones[1]->args[2]), (std::vector<int64_t>{0, 1, 2, 3}));
  EXPECT_EQ(lowered.node(lowered.outputs[0]).meta().shape, g.node(g.outputs[0]).meta().shape);
  expect_lowering_agrees(g, pipeline(g), float_input({1, 3, 16}, 12));
}

TEST(LowerConv1d, OneInputChannelSkipsTheInputClone) {
  const Graph g = one_layer({1, 1, 20}, conv_spec(4, {5}, 1));
  const Graph lowered = run_pass(lower::lower_conv1d_pass(), g);
  const auto clones = nodes_with(lowered, kClone);
  ASSERT_EQ(clones.size(), 1u);  // only the one back to contiguous
  EXPECT_EQ(ints(clones[0]->args[2]), (std::vector<int64_t>{0, 1, 2, 3}));
  // in == groups == 1 at batch 1: the STFT-shaped depthwise case.
  EXPECT_EQ(integer(only(lowered, kCortexDepthwise).args[6]), 4);
  expect_lowering_agrees(g, pipeline(g), float_input({1, 1, 20}, 13));
}

TEST(LowerConv1d, LeavesA2dGraphBitIdentical) {
  ConvSpec spec = conv_spec(4, {3, 3});
  spec.tail = ref::ActivationTail::relu;
  const Graph g = one_layer({1, 2, 5, 5}, spec);
  EXPECT_EQ(json(run_pass(lower::lower_conv1d_pass(), g)), json(g));
  const Graph plain = one_layer({1, 2, 5, 5}, conv_spec(4, {3, 3}));
  EXPECT_EQ(json(run_pass(lower::lower_conv1d_pass(), plain)), json(plain));
}

TEST(LowerConv1d, TwoChainedLayersMeetWithoutViewsOrClones) {
  for (const int64_t channels : {1, 3}) {
    SCOPED_TRACE("in_channels " + std::to_string(channels));
    GraphBuilder b("chain");
    const std::string xq = b.quantize(b.input("x", {2, channels, 24}), kIn, "x.q");
    ConvSpec first = conv_spec(6, {3}, 1);
    first.tail = ref::ActivationTail::relu;
    first.output = QParams{0.25, -128, -128, 127};
    ConvSpec second = conv_spec(5, {3}, 1);
    second.tail = ref::ActivationTail::relu;
    second.output = QParams{0.5, -128, -128, 127};
    second.weight.seed = 21;
    const std::string y1 = b.quantized_conv(xq, kIn, first, "conv1");
    b.output(b.quantized_conv(y1, first.output, second, "conv2"));
    const Graph g = b.build();
    const Graph lowered = pipeline(g);
    EXPECT_EQ(count(lowered, kCortexConv), 2);  // batch 2: never depthwise
    EXPECT_EQ(count(lowered, "aten.relu.default"), 0);
    EXPECT_EQ(count(lowered, kView), 2);
    EXPECT_EQ(count(lowered, kClone), channels == 1 ? 1 : 2);
    const auto convs = nodes_with(lowered, kCortexConv);
    ASSERT_EQ(convs.size(), 2u);
    EXPECT_EQ(ref_name(convs[1]->args[0]), convs[0]->name);  // conv -> conv directly
    expect_lowering_agrees(g, lowered, float_input({2, channels, 24}, 14));
  }
}

// ---- view copies and clones --------------------------------------------------------------------

TEST(ViewCopies, ChainFusesAndNoOpIsRemoved) {
  GraphBuilder b("views");
  const std::string x = b.input("x", {2, 3, 4});
  const std::string v1 = b.call(kView, {NodeRef{x}, std::vector<int64_t>{6, 4}}, "v1");
  const std::string v2 = b.call(kView, {NodeRef{v1}, std::vector<int64_t>{24}}, "v2");
  const std::string v3 = b.call(kView, {NodeRef{v2}, std::vector<int64_t>{2, 3, 4}}, "v3");
  b.output(b.call("aten.relu.default", {NodeRef{v3}}, "r"));
  const Graph g = b.build();
  const Graph fused = run_pass(lower::fuse_view_copies_pass(), g);
  EXPECT_EQ(count(fused, kView), 1);
  EXPECT_EQ(ref_name(fused.node("v3").args[0]), "x");
  const Graph clean = run_pass(lower::remove_noop_view_copies_pass(), fused);
  EXPECT_EQ(count(clean, kView), 0);
  EXPECT_EQ(ref_name(clean.node("r").args[0]), "x");
}

TEST(ViewCopies, InnerViewWithSecondUserIsNotFused) {
  GraphBuilder b("views");
  const std::string x = b.input("x", {2, 3, 4});
  const std::string v1 = b.call(kView, {NodeRef{x}, std::vector<int64_t>{6, 4}}, "v1");
  b.output(b.call(kView, {NodeRef{v1}, std::vector<int64_t>{24}}, "v2"));
  b.output(b.call("aten.relu.default", {NodeRef{v1}}, "r"));
  const Graph g = b.build();
  EXPECT_EQ(json(run_pass(lower::fuse_view_copies_pass(), g)), json(g));
}

TEST(ViewCopies, ViewChangingTheDimOrderIsNotANoOp) {
  GraphBuilder b("views");
  const std::string x = b.input("x", {1, 2, 3, 4}, DType::float32, {0, 2, 3, 1});
  b.output(b.call(kView, {NodeRef{x}, std::vector<int64_t>{1, 2, 3, 4}}, "v"));  // output contiguous
  const Graph g = b.build();
  EXPECT_EQ(json(run_pass(lower::remove_noop_view_copies_pass(), g)), json(g));
}

// At length 1 ([N, C, 1, 1]) contiguous and channels-last are the same bytes: the lowering
// skips the second layer's clone to channels-last, so the first layer's clone back to
// contiguous has no inverse to fold with (Wav2Letter at 320 samples kept 9 instead of 1).
TEST(FoldInverseClones, ByteIdenticalCloneIntoAConvFoldsAtLengthOne) {
  for (const int64_t channels : {1, 3}) {
    SCOPED_TRACE("in_channels " + std::to_string(channels));
    GraphBuilder b("chain_length_1");
    const std::string xq = b.quantize(b.input("x", {1, channels, 3}), kIn, "x.q");
    ConvSpec first = conv_spec(6, {3}, 1);  // length 3 -> 1
    first.output = QParams{0.25, -3, -128, 127};
    ConvSpec second = conv_spec(5, {3}, 1);
    second.padding = {1};
    second.weight.seed = 21;
    const std::string y1 = b.quantized_conv(xq, kIn, first, "conv1");
    b.output(b.quantized_conv(y1, first.output, second, "conv2"));
    const Graph g = b.build();
    const Graph lowered = pipeline(g);
    EXPECT_EQ(count(lowered, kCortexConv) + count(lowered, kCortexDepthwise), 2);
    EXPECT_EQ(count(lowered, kClone), channels == 1 ? 1 : 2);  // as at any other length
    const Node& conv2 = *nodes_with(lowered, kCortexConv).back();
    const std::string& conv2_input = lowered.node(ref_name(conv2.args[0])).op;
    EXPECT_TRUE(conv2_input == kCortexConv || conv2_input == kCortexDepthwise) << "conv2 reads a " << conv2_input;
    expect_lowering_agrees(g, lowered, float_input({1, channels, 3}, 15));
  }
}

Graph clone_pair(const std::vector<int64_t>& a, const std::vector<int64_t>& b_order, bool second_user) {
  GraphBuilder b("clones");
  const std::string x = b.input("x", {1, 2, 3, 4});
  const std::string c1 = b.call(kClone, {NodeRef{x}, false, a}, "c1");
  const std::string c2 = b.call(kClone, {NodeRef{c1}, false, b_order}, "c2");
  b.output(b.call("aten.relu.default", {NodeRef{c2}}, "r"));
  if (second_user) b.output(b.call("aten.relu.default", {NodeRef{c1}}, "r1"));
  return b.build();
}

TEST(FoldInverseClones, InversePairFolds) {
  const Graph folded = run_pass(lower::fold_inverse_clones_pass(), clone_pair({0, 2, 3, 1}, {0, 1, 2, 3}, false));
  EXPECT_EQ(count(folded, kClone), 0);
  EXPECT_EQ(ref_name(folded.node("r").args[0]), "x");
}

TEST(FoldInverseClones, NotWhenTheFirstCloneHasASecondUser) {
  const Graph g = clone_pair({0, 2, 3, 1}, {0, 1, 2, 3}, true);
  EXPECT_EQ(json(run_pass(lower::fold_inverse_clones_pass(), g)), json(g));
}

TEST(FoldInverseClones, NotWhenTheCompositionIsNotTheIdentity) {
  const Graph g = clone_pair({0, 2, 3, 1}, {0, 3, 1, 2}, false);
  EXPECT_EQ(json(run_pass(lower::fold_inverse_clones_pass(), g)), json(g));
}

// ---- annotate_dim_order ------------------------------------------------------------------------

constexpr const char* kRelu = "aten.relu.default";
constexpr const char* kSigmoid = "aten.sigmoid.default";
constexpr const char* kSilu = "aten.silu.default";
constexpr const char* kAdd = "aten.add.Tensor";
const ref::DimOrder kNchw{0, 1, 2, 3};
const ref::DimOrder kNhwc{0, 2, 3, 1};
const std::vector<int64_t> kToNhwc{0, 2, 3, 1};
const std::vector<int64_t> kToNchw{0, 1, 2, 3};

// x (1, 3, 8, 8) in `order` -> quantize -> conv1 -> dequantize -> silu -> quantize -> conv2
// -> dequantize -> output: two 2-D layers with layout-agnostic ops between them.
Graph two_layers_with_silu(ref::DimOrder order = {}) {
  GraphBuilder b("conv_silu_conv");
  const std::string x = b.input("x", {1, 3, 8, 8}, DType::float32, std::move(order));
  const std::string xq = b.quantize(x, kIn, "x.q");
  ConvSpec first = conv_spec(4, {3, 3});
  first.padding = {1, 1};
  first.output = QParams{0.25, -2, -128, 127};
  const std::string y1 = b.quantized_conv(xq, kIn, first, "conv1");
  const std::string d1 = b.dequantize(y1, first.output, "y1.dq");
  const std::string act = b.call(kSilu, {NodeRef{d1}}, "silu");
  const QParams mid{0.125, 1, -128, 127};
  const std::string q2 = b.quantize(act, mid, "silu.q");
  ConvSpec second = conv_spec(5, {3, 3});
  second.weight.seed = 21;
  const std::string y2 = b.quantized_conv(q2, mid, second, "conv2");
  b.output(b.dequantize(y2, second.output, "y2.dq"));
  return b.build();
}

// The consumer of a node in a graph (its only user).
const Node& user_of(const Graph& g, const std::string& name) {
  const auto users = lower::users_of(g);
  const auto& u = users.at(name);
  if (u.size() != 1 || u[0] == "output") throw std::runtime_error("'" + name + "' has not exactly one call user");
  return g.node(u[0]);
}

TEST(AnnotateDimOrder, ClonesAroundSiluFoldSoOnlyTheBoundariesKeepOne) {
  const Graph g = two_layers_with_silu();
  const Graph lowered = pipeline(g);
  EXPECT_EQ(count(lowered, kCortexConv), 2);
  // One clone into the first convolution (the contiguous input), one before the output.
  const auto clones = nodes_with(lowered, kClone);
  ASSERT_EQ(clones.size(), 2u);
  EXPECT_EQ(ints(clones[0]->args[2]), kToNhwc);
  EXPECT_EQ(user_of(lowered, clones[0]->name).op, kCortexConv);
  EXPECT_EQ(ints(clones[1]->args[2]), kToNchw);
  const Node& out = lowered.node(lowered.outputs[0]);
  EXPECT_EQ(out.op, "cortex_m.dequantize_per_tensor.default");
  EXPECT_EQ(ref_name(out.args[0]), clones[1]->name);
  EXPECT_EQ(out.meta().dim_order, g.node(g.outputs[0]).meta().dim_order);  // the output keeps its order
  // Between the convolutions everything is channels-last and no clone is left.
  const auto convs = nodes_with(lowered, kCortexConv);
  ASSERT_EQ(convs.size(), 2u);
  const Node& silu = only(lowered, kSilu);
  EXPECT_EQ(silu.meta().dim_order, kNhwc);
  EXPECT_NE(std::find(silu.source.begin(), silu.source.end(), "silu"), silu.source.end());
  const Node& into_second = lowered.node(ref_name(convs[1]->args[0]));
  EXPECT_EQ(into_second.op, "cortex_m.quantize_per_tensor.default");
  EXPECT_EQ(ref_name(into_second.args[0]), silu.name);

  // Bit for bit what the pipeline gives without the pass (which keeps the two inner clones).
  lower::PassManagerOptions without;
  without.skip = {"annotate_dim_order"};
  const Graph reference_lowering = lower::run_passes(g, lower::cortex_m_pipeline(), without).result;
  EXPECT_EQ(count(reference_lowering, kClone), 4);
  const auto kernels = conf::make_reference_kernel_set(ref::Rounding::double_rounding);
  lower::ExecutionOptions options;
  options.kernels = kernels.get();
  for (const uint64_t seed : {31u, 32u, 33u}) {
    const lower::Value x = float_input({1, 3, 8, 8}, seed);
    const lower::Execution with = lower::execute(lowered, {{"x", x}}, options);
    const lower::Execution skipped = lower::execute(reference_lowering, {{"x", x}}, options);
    ASSERT_EQ(with.outputs.size(), 1u);
    ASSERT_EQ(skipped.outputs.size(), 1u);
    EXPECT_TRUE(lower::meta_of(with.outputs[0]).same_layout(lower::meta_of(skipped.outputs[0])));
    EXPECT_EQ(lower::logical_values(with.outputs[0]), lower::logical_values(skipped.outputs[0]));
  }
  expect_lowering_agrees(g, lowered, float_input({1, 3, 8, 8}, 34));
}

// x (1, 2, 3, 4) -> clone(NHWC) -> ... built by the test bodies.
GraphBuilder clone_of_input(const std::string& name, std::string& clone) {
  GraphBuilder b(name);
  const std::string x = b.input("x", {1, 2, 3, 4});
  clone = b.call(kClone, {NodeRef{x}, false, kToNhwc}, "c");
  return b;
}

TEST(AnnotateDimOrder, CloneSinksThroughAChainAndMeetsItsInverse) {
  std::string c;
  GraphBuilder b = clone_of_input("chain", c);
  const std::string r = b.call(kRelu, {NodeRef{c}}, "r");
  const std::string s = b.call(kSigmoid, {NodeRef{r}}, "s");
  b.output(b.call(kClone, {NodeRef{s}, false, kToNchw}, "back"));
  const Graph g = b.build();
  const Graph sunk = run_pass(lower::annotate_dim_order_pass(), g);
  EXPECT_EQ(count(sunk, kClone), 2);
  const Node& relu = only(sunk, kRelu);
  const Node& sigmoid = only(sunk, kSigmoid);
  EXPECT_EQ(ref_name(relu.args[0]), "x");
  EXPECT_EQ(ref_name(sigmoid.args[0]), relu.name);
  EXPECT_EQ(relu.meta().dim_order, kNchw);
  EXPECT_EQ(sigmoid.meta().dim_order, kNchw);
  EXPECT_EQ(relu.source, std::vector<std::string>{"r"});
  const Node& moved = user_of(sunk, sigmoid.name);
  EXPECT_EQ(moved.op, kClone);
  EXPECT_EQ(ints(moved.args[2]), kToNhwc);
  EXPECT_EQ(moved.source, std::vector<std::string>{"c"});
  const Graph folded = run_pass(lower::fold_inverse_clones_pass(), sunk);
  EXPECT_EQ(count(folded, kClone), 0);
  EXPECT_EQ(folded.outputs[0], sigmoid.name);
  EXPECT_EQ(folded.node(folded.outputs[0]).meta().dim_order, g.node(g.outputs[0]).meta().dim_order);
}

TEST(AnnotateDimOrder, NotWhenTheCloneHasASecondUser) {
  std::string c;
  GraphBuilder b = clone_of_input("two_users", c);
  const std::string r = b.call(kRelu, {NodeRef{c}}, "r");
  b.output(b.call(kClone, {NodeRef{r}, false, kToNchw}, "back"));
  b.output(b.call(kSigmoid, {NodeRef{c}}, "s"));
  const Graph g = b.build();
  EXPECT_EQ(json(run_pass(lower::annotate_dim_order_pass(), g)), json(g));
}

TEST(AnnotateDimOrder, NotPastAViewCopy) {
  std::string c;
  GraphBuilder b = clone_of_input("view", c);
  const std::string v = b.call(kView, {NodeRef{c}, std::vector<int64_t>{1, 2, 3, 4}}, "v");
  const std::string r = b.call(kRelu, {NodeRef{v}}, "r");
  b.output(b.call(kClone, {NodeRef{r}, false, kToNhwc}, "again"));
  const Graph g = b.build();
  EXPECT_EQ(json(run_pass(lower::annotate_dim_order_pass(), g)), json(g));
}

TEST(AnnotateDimOrder, AGraphOutputKeepsItsDimOrder) {
  {
    std::string c;
    GraphBuilder b = clone_of_input("output", c);
    b.output(b.call(kRelu, {NodeRef{c}}, "r"));  // the clone's user is the output: it stays
    const Graph g = b.build();
    EXPECT_EQ(json(run_pass(lower::annotate_dim_order_pass(), g)), json(g));
  }
  std::string c;
  GraphBuilder b = clone_of_input("output_after_chain", c);
  const std::string r = b.call(kRelu, {NodeRef{c}}, "r");
  b.output(b.call(kSigmoid, {NodeRef{r}}, "s"));
  const Graph g = b.build();
  const Graph sunk = run_pass(lower::annotate_dim_order_pass(), g);
  // The clone moves past relu only and stays before the output.
  EXPECT_EQ(sunk.outputs, g.outputs);
  const Node& out = sunk.node(sunk.outputs[0]);
  EXPECT_EQ(out.meta().dim_order, kNhwc);
  const Node& clone = sunk.node(ref_name(out.args[0]));
  EXPECT_EQ(clone.op, kClone);
  EXPECT_EQ(sunk.node(ref_name(clone.args[0])).op, kRelu);
  EXPECT_EQ(ref_name(sunk.node(ref_name(clone.args[0])).args[0]), "x");
}

TEST(AnnotateDimOrder, BinaryOpsOnlyWhenBothInputsCarryTheSameClone) {
  const auto build = [](bool second_cloned, std::vector<int64_t> other_shape) {
    GraphBuilder b("binary");
    const std::string x = b.input("x", {1, 2, 3, 4});
    const std::string y = b.input("y", other_shape);
    const std::string cx = b.call(kClone, {NodeRef{x}, false, kToNhwc}, "cx");
    const std::string other = second_cloned ? b.call(kClone, {NodeRef{y}, false, kToNhwc}, "cy") : y;
    const std::string sum = b.call(kAdd, {NodeRef{cx}, NodeRef{other}}, "sum");
    b.output(b.call(kClone, {NodeRef{sum}, false, kToNchw}, "back"));
    return b.build();
  };
  const Graph both = build(true, {1, 2, 3, 4});
  const Graph sunk = run_pass(lower::annotate_dim_order_pass(), both);
  const Node& add = only(sunk, kAdd);
  EXPECT_EQ(ref_name(add.args[0]), "x");
  EXPECT_EQ(ref_name(add.args[1]), "y");
  EXPECT_EQ(count(run_pass(lower::fold_inverse_clones_pass(), sunk), kClone), 0);
  const Graph one = build(false, {1, 2, 3, 4});  // y is contiguous, not a clone
  EXPECT_EQ(json(run_pass(lower::annotate_dim_order_pass(), one)), json(one));
  const Graph broadcast = build(true, {1, 1, 3, 4});  // not the same shape
  EXPECT_EQ(json(run_pass(lower::annotate_dim_order_pass(), broadcast)), json(broadcast));
}

TEST(AnnotateDimOrder, ChannelsLastGraphIsUnchanged) {
  const Graph g = two_layers_with_silu(kNhwc);
  EXPECT_EQ(json(run_pass(lower::annotate_dim_order_pass(), g)), json(g));
  const lower::PassRun run = lower::run_passes(g, lower::cortex_m_pipeline());
  EXPECT_EQ(count(run.result, kClone), 0);
  bool seen = false;
  for (const lower::PassStep& step : run.steps) {
    if (step.pass != "annotate_dim_order") continue;
    seen = true;
    EXPECT_TRUE(step.moves_bytes_only);
    EXPECT_EQ(json(*step.after), json(*step.before));
  }
  EXPECT_TRUE(seen);
}

// ---- replace_quant_nodes and the pass manager --------------------------------------------------

TEST(ReplaceQuantNodes, BoundariesBecomeCortexM) {
  const Graph g = one_layer({1, 2, 5, 5}, conv_spec(3, {3, 3}));
  const Graph lowered = pipeline(g);
  EXPECT_EQ(count(lowered, kQuantize), 0);
  EXPECT_EQ(count(lowered, kDequantize), 0);
  EXPECT_EQ(count(lowered, "cortex_m.quantize_per_tensor.default"), 1);  // the input boundary
  // A quantize followed only by a matching dequantize stays a pair.
  GraphBuilder b("qdq");
  const std::string x = b.input("x", {4});
  b.output(b.dequantize(b.quantize(x, kIn), kIn));
  const Graph pair = run_pass(lower::replace_quant_nodes_pass(), b.build());
  EXPECT_EQ(count(pair, "cortex_m.quantize_per_tensor.default"), 1);
  EXPECT_EQ(count(pair, "cortex_m.dequantize_per_tensor.default"), 1);
}

TEST(PassManager, PipelineOrderTraceSkipAndSteps) {
  std::vector<std::string> names;
  for (const lower::Pass& p : lower::cortex_m_pipeline()) names.push_back(p.name);
  EXPECT_EQ(names, (std::vector<std::string>{"fuse_activations", "lower_conv1d", "convert_conv2d", "fuse_view_copies",
                                             "remove_noop_view_copies", "annotate_dim_order", "fold_inverse_clones",
                                             "replace_quant_nodes"}));
  const Graph g = one_layer({1, 2, 5, 5}, conv_spec(3, {3, 3}));
  std::ostringstream trace;
  lower::PassManagerOptions options;
  options.trace = &trace;
  options.skip = {"replace_quant_nodes"};
  const lower::PassRun run = lower::run_passes(g, lower::cortex_m_pipeline(), options);
  EXPECT_EQ(run.steps.size(), 7u);
  EXPECT_NE(trace.str().find("== after convert_conv2d"), std::string::npos);
  EXPECT_NE(trace.str().find("1 cortex_m.quantized_conv2d.default"), std::string::npos);
  EXPECT_EQ(count(run.result, kQuantize), 1);  // skipped
  EXPECT_TRUE(run.steps[3].moves_bytes_only);
}

TEST(PassManager, ABrokenPassIsNamed) {
  lower::Pass breaker{"breaker", false, [](const Graph& g) {
                        Graph out = g;
                        out.outputs.clear();
                        return out;
                      }};
  try {
    lower::run_passes(one_layer({1, 2, 3, 3}, conv_spec(1, {1, 1})), {breaker});
    FAIL() << "no exception";
  } catch (const lower::IrError& e) {
    EXPECT_NE(std::string(e.what()).find("after pass breaker"), std::string::npos) << e.what();
  }
}

}  // namespace
