// Unit tests of the op definitions (src/ops_*.cpp): every expected value is worked out by
// hand or by a direct formula loop here, never by the op's own code.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "lower/executor.h"
#include "lower/op_registry.h"
#include "lower/verifier.h"

namespace {

using lower::Arg;
using lower::DType;
using lower::NodeRef;
using lower::TensorMeta;
using lower::Value;
using ints = std::vector<int64_t>;
using reals = std::vector<double>;

const ref::DimOrder kNHWC{0, 2, 3, 1};

// A tensor from logical (row-major) values, laid out in `order`.
template <class T>
ref::Tensor<T> tensor(const ref::Shape& shape, const std::vector<T>& logical, const ref::DimOrder& order = {}) {
  ref::Tensor<T> t(shape, ref::contiguous_order(shape.size()), logical);
  return order.empty() ? t : ref::to_dim_order(t, order);
}
ref::Tensor<float> ft(const ref::Shape& shape, const std::vector<float>& logical, const ref::DimOrder& order = {}) {
  return tensor<float>(shape, logical, order);
}
std::vector<float> iota(int64_t n, float start = 0.0f) {
  std::vector<float> v;
  for (int64_t i = 0; i < n; ++i) v.push_back(start + static_cast<float>(i));
  return v;
}

// Builds a graph by hand: placeholders hold test values; calls get the metadata their op
// infers (the verifier re-checks it, the executor checks run() against it).
struct TestGraph {
  lower::Graph g;
  std::map<std::string, Value> inputs;

  std::string input(const std::string& name, const Value& v) {
    lower::Node n;
    n.name = name;
    n.kind = lower::NodeKind::placeholder;
    n.outputs = {lower::meta_of(v)};
    g.add(n);
    inputs[name] = v;
    return name;
  }
  lower::MetaLookup lookup() const {
    return [this](const std::string& name) -> const std::vector<TensorMeta>& { return g.node(name).outputs; };
  }
  std::vector<TensorMeta> infer(const lower::Node& n) const {
    const lower::OpDef* def = lower::find_op(n.op);
    if (!def) throw lower::IrError("unknown op " + n.op);
    return def->infer(lower::CallArgs(n, *def), lookup());
  }
  std::string call(const std::string& name, const std::string& op, std::vector<Arg> args) {
    lower::Node n;
    n.name = name;
    n.op = op;
    n.args = std::move(args);
    n.outputs = infer(n);
    g.add(n);
    return name;
  }
  // Verifies, runs with the given outputs and returns their values.
  std::vector<Value> run(const std::vector<std::string>& outputs) {
    g.outputs = outputs;
    const lower::VerifyReport report = lower::verify(g);
    EXPECT_TRUE(report.ok()) << report.describe();
    return lower::execute(g, inputs, lower::ExecutionOptions{}).outputs;
  }
  Value run1(const std::string& output) { return run({output}).at(0); }
};

NodeRef ref_to(const std::string& name) { return NodeRef{name}; }

// Why infer() refuses a call ("" when it accepts it); checks the verifier reports the same
// problem for a node recording some metadata.
std::string refusal(const TestGraph& t, const std::string& op, std::vector<Arg> args) {
  lower::Node n;
  n.name = "bad";
  n.op = op;
  n.args = std::move(args);
  std::string message;
  try {
    t.infer(n);
  } catch (const lower::IrError& e) {
    message = e.what();
  }
  TestGraph copy = t;
  n.outputs = {TensorMeta{{1}, DType::float32, {0}, std::nullopt}};
  copy.g.add(n);
  copy.g.outputs = {"bad"};
  const lower::VerifyReport report = lower::verify(copy.g);
  if (!message.empty()) {
    EXPECT_NE(report.describe().find(message), std::string::npos) << report.describe();
  }
  return message;
}

void expect_refused(const TestGraph& t, const std::string& op, std::vector<Arg> args, const std::string& needle) {
  const std::string message = refusal(t, op, std::move(args));
  EXPECT_NE(message.find(needle), std::string::npos) << op << " refusal: '" << message << "', wanted '" << needle << "'";
}

// Arguments spelled without variant ambiguities (int -> int64_t, const char* -> string).
Arg I(int64_t v) { return Arg{v}; }
Arg S(const char* v) { return Arg{std::string(v)}; }
Arg B(bool v) { return Arg{v}; }
Arg F(double v) { return Arg{v}; }
const Arg kNone{lower::None{}};

std::vector<double> values_of(const Value& v) { return lower::logical_values(v); }
std::vector<double> as_doubles(const std::vector<float>& v) { return std::vector<double>(v.begin(), v.end()); }

}  // namespace

// ---- registry ------------------------------------------------------------------------------

TEST(Ops, RegistryAnswers) { EXPECT_EQ(lower::find_op("no.such.op"), nullptr); }

TEST(Ops, EveryOpIsRegistered) {
  for (const char* op :
       {"aten.relu.default", "aten.hardtanh.default", "aten.hardsigmoid.default", "aten.clamp.default",
        "aten.sigmoid.default", "aten.silu.default", "aten.tanh.default", "aten.sqrt.default", "aten.abs.default",
        "aten.add.Tensor", "aten.sub.Tensor", "aten.mul.Tensor", "aten.pow.Tensor_Scalar", "aten.view_copy.default",
        "aten.unsqueeze_copy.default", "aten.squeeze_copy.dims", "aten.permute_copy.default",
        "dim_order_ops._clone_dim_order.default", "aten.cat.default", "aten.split_with_sizes_copy.default", "getitem",
        "aten.slice_copy.Tensor", "aten.select_copy.int", "aten.constant_pad_nd.default",
        "aten.reflection_pad1d.default", "aten.reflection_pad2d.default", "aten.upsample_nearest2d.vec",
        "aten.max_pool2d.default", "aten.convolution.default", "aten.linear.default",
        "quantized_decomposed.quantize_per_tensor.default", "quantized_decomposed.dequantize_per_tensor.default",
        "quantized_decomposed.quantize_per_channel.default", "quantized_decomposed.dequantize_per_channel.default",
        "aten.mean.dim", "aten._softmax.default", "aten._log_softmax.default"}) {
    EXPECT_NE(lower::find_op(op), nullptr) << op;
  }
}

// ---- elementwise -----------------------------------------------------------------------------

const std::vector<float> kActInput{-4.0f, -1.5f, -0.5f, 0.0f, 0.5f, 2.0f, 3.5f, 7.0f};

TEST(Elementwise, ReluHardtanhClampHardsigmoid) {
  TestGraph t;
  const auto x = t.input("x", ft({2, 4}, kActInput));
  t.call("relu", "aten.relu.default", {ref_to(x)});
  t.call("ht", "aten.hardtanh.default", {ref_to(x), F(-1.0), F(2.0)});
  t.call("ht_default", "aten.hardtanh.default", {ref_to(x)});
  t.call("clamp", "aten.clamp.default", {ref_to(x), kNone, F(1.0)});
  t.call("clamp2", "aten.clamp.default", {ref_to(x), F(-0.5), kNone});
  t.call("hs", "aten.hardsigmoid.default", {ref_to(x)});
  const auto out = t.run({"relu", "ht", "ht_default", "clamp", "clamp2", "hs"});
  EXPECT_EQ(values_of(out[0]), (std::vector<double>{0, 0, 0, 0, 0.5, 2, 3.5, 7}));
  EXPECT_EQ(values_of(out[1]), (std::vector<double>{-1, -1, -0.5, 0, 0.5, 2, 2, 2}));
  EXPECT_EQ(values_of(out[2]), (std::vector<double>{-1, -1, -0.5, 0, 0.5, 1, 1, 1}));
  EXPECT_EQ(values_of(out[3]), (std::vector<double>{-4, -1.5, -0.5, 0, 0.5, 1, 1, 1}));
  EXPECT_EQ(values_of(out[4]), (std::vector<double>{-0.5, -0.5, -0.5, 0, 0.5, 2, 3.5, 7}));
  // hardsigmoid = clamp(x/6 + 1/2, 0, 1): -4 -> 0, -1.5 -> 0.25, -0.5 -> 5/12, 0 -> 0.5,
  // 0.5 -> 7/12, 2 -> 5/6, 3.5 -> 1, 7 -> 1.
  EXPECT_EQ(values_of(out[5]), (std::vector<double>{0, 0.25, static_cast<float>(5.0 / 12), 0.5,
                                                    static_cast<float>(7.0 / 12), static_cast<float>(5.0 / 6), 1, 1}));
  for (const Value& v : out) EXPECT_EQ(lower::shape_of(v), (ref::Shape{2, 4}));
}

TEST(Elementwise, UnaryKeepsChannelsLast) {
  TestGraph t;
  const std::vector<float> logical{-1, 2, -3, 4, -5, 6, -7, 8};
  const auto x = t.input("x", ft({1, 2, 2, 2}, logical, kNHWC));
  t.call("relu", "aten.relu.default", {ref_to(x)});
  const Value out = t.run1("relu");
  EXPECT_EQ(lower::dim_order_of(out), kNHWC);
  EXPECT_EQ(values_of(out), (std::vector<double>{0, 2, 0, 4, 0, 6, 0, 8}));
}

TEST(Elementwise, Transcendentals) {
  TestGraph t;
  const std::vector<float> in{-2.0f, -0.25f, 0.0f, 0.75f, 3.0f};
  const std::vector<float> pos{0.0f, 0.25f, 2.0f, 9.0f, 10.0f};
  const auto x = t.input("x", ft({5}, in));
  const auto p = t.input("p", ft({5}, pos));
  t.call("sig", "aten.sigmoid.default", {ref_to(x)});
  t.call("silu", "aten.silu.default", {ref_to(x)});
  t.call("tanh", "aten.tanh.default", {ref_to(x)});
  t.call("sqrt", "aten.sqrt.default", {ref_to(p)});
  t.call("abs", "aten.abs.default", {ref_to(x)});
  t.call("pow", "aten.pow.Tensor_Scalar", {ref_to(x), F(3.0)});
  t.call("pow_half", "aten.pow.Tensor_Scalar", {ref_to(p), F(0.5)});
  const auto out = t.run({"sig", "silu", "tanh", "sqrt", "abs", "pow", "pow_half"});
  for (size_t i = 0; i < in.size(); ++i) {
    const double x_ = in[i];
    EXPECT_EQ(values_of(out[0])[i], static_cast<float>(1.0 / (1.0 + std::exp(-x_)))) << i;
    EXPECT_EQ(values_of(out[1])[i], static_cast<float>(x_ / (1.0 + std::exp(-x_)))) << i;
    EXPECT_EQ(values_of(out[2])[i], static_cast<float>(std::tanh(x_))) << i;
    EXPECT_EQ(values_of(out[4])[i], std::fabs(x_)) << i;
    EXPECT_EQ(values_of(out[5])[i], x_ * x_ * x_) << i;
    EXPECT_EQ(values_of(out[6])[i], values_of(out[3])[i]) << i;
  }
  EXPECT_EQ(values_of(out[3]), (std::vector<double>{0, 0.5, static_cast<float>(std::sqrt(2.0)), 3,
                                                    static_cast<float>(std::sqrt(10.0))}));
}

TEST(Elementwise, RefusesBadArguments) {
  TestGraph t;
  t.input("x", ft({2, 2}, iota(4)));
  t.input("q", tensor<int8_t>({2}, {1, 2}));
  expect_refused(t, "aten.clamp.default", {ref_to("x")}, "argument min");
  expect_refused(t, "aten.hardtanh.default", {ref_to("x"), F(2.0), F(1.0)}, "argument max_val");
  expect_refused(t, "aten.relu.default", {ref_to("q")}, "argument self: must be float32");
  expect_refused(t, "aten.add.Tensor", {ref_to("x"), ref_to("q")}, "argument other");
}

TEST(Elementwise, AddSubMulBroadcast) {
  TestGraph t;
  const auto a = t.input("a", ft({2, 3}, {1, 2, 3, 4, 5, 6}));
  const auto b = t.input("b", ft({3}, {10, 20, 30}));
  const auto col = t.input("col", ft({2, 1}, {100, 200}));
  const auto row = t.input("row", ft({1, 3}, {1, 2, 3}));
  t.call("add", "aten.add.Tensor", {ref_to(a), ref_to(b), F(2.0)});
  t.call("sub", "aten.sub.Tensor", {ref_to(a), ref_to(b)});
  t.call("mul", "aten.mul.Tensor", {ref_to(a), ref_to(b)});
  t.call("outer", "aten.add.Tensor", {ref_to(row), ref_to(col)});
  const auto out = t.run({"add", "sub", "mul", "outer"});
  EXPECT_EQ(values_of(out[0]), (std::vector<double>{21, 42, 63, 24, 45, 66}));
  EXPECT_EQ(values_of(out[1]), (std::vector<double>{-9, -18, -27, -6, -15, -24}));
  EXPECT_EQ(values_of(out[2]), (std::vector<double>{10, 40, 90, 40, 100, 180}));
  EXPECT_EQ(lower::shape_of(out[3]), (ref::Shape{2, 3}));
  EXPECT_EQ(values_of(out[3]), (std::vector<double>{101, 102, 103, 201, 202, 203}));
  expect_refused(t, "aten.add.Tensor", {ref_to(a), ref_to(t.input("two", ft({2}, {1, 2})))}, "argument other");
}

TEST(Elementwise, BinaryDimOrderFollowsSelfWhenItHasTheShape) {
  TestGraph t;
  // x[0, c, h, w] = 10c + 2h + w in NHWC; per-channel bias (2, 1, 1).
  std::vector<float> logical;
  for (int c = 0; c < 2; ++c)
    for (int h = 0; h < 2; ++h)
      for (int w = 0; w < 2; ++w) logical.push_back(static_cast<float>(10 * c + 2 * h + w));
  const auto x = t.input("x", ft({1, 2, 2, 2}, logical, kNHWC));
  const auto bias = t.input("bias", ft({2, 1, 1}, {1000, 2000}));
  t.call("y", "aten.add.Tensor", {ref_to(x), ref_to(bias)});
  t.call("z", "aten.add.Tensor", {ref_to(bias), ref_to(x)});  // self lacks the shape: contiguous
  const auto out = t.run({"y", "z"});
  EXPECT_EQ(lower::dim_order_of(out[0]), kNHWC);
  EXPECT_EQ(lower::dim_order_of(out[1]), (ref::DimOrder{0, 1, 2, 3}));
  std::vector<double> expected;
  for (size_t i = 0; i < logical.size(); ++i) expected.push_back(logical[i] + (i < 4 ? 1000 : 2000));
  EXPECT_EQ(values_of(out[0]), expected);
  EXPECT_EQ(values_of(out[1]), expected);
}

// ---- shape ops ---------------------------------------------------------------------------------

TEST(Shape, ViewCopyReshapesLogically) {
  TestGraph t;
  // (1, 2, 3) stored with dim order (0, 2, 1): the view reads logical row-major order.
  const auto x = t.input("x", ft({1, 2, 3}, iota(6), {0, 2, 1}));
  t.call("v", "aten.view_copy.default", {ref_to(x), ints{3, -1}});
  const Value out = t.run1("v");
  EXPECT_EQ(lower::shape_of(out), (ref::Shape{3, 2}));
  EXPECT_EQ(lower::dim_order_of(out), (ref::DimOrder{0, 1}));
  EXPECT_EQ(values_of(out), (std::vector<double>{0, 1, 2, 3, 4, 5}));
  expect_refused(t, "aten.view_copy.default", {ref_to(x), ints{4, 2}}, "argument size");
  expect_refused(t, "aten.view_copy.default", {ref_to(x), ints{-1, -1}}, "argument size");
  expect_refused(t, "aten.view_copy.default", {ref_to(x), ints{4, -1}}, "argument size");
}

TEST(Shape, ViewCopyOfInt8) {
  TestGraph t;
  const auto x = t.input("x", tensor<int8_t>({2, 2}, {-1, 2, -3, 4}));
  t.call("v", "aten.view_copy.default", {ref_to(x), ints{4}});
  const Value out = t.run1("v");
  EXPECT_EQ(lower::dtype_of(out), DType::int8);
  EXPECT_EQ(values_of(out), (std::vector<double>{-1, 2, -3, 4}));
}

TEST(Shape, SqueezeUnsqueeze) {
  TestGraph t;
  const auto x = t.input("x", ft({1, 3, 2}, iota(6), {0, 2, 1}));
  t.call("sq", "aten.squeeze_copy.dims", {ref_to(x), ints{0, 2}});  // dim 2 has size 2: kept
  t.call("un", "aten.unsqueeze_copy.default", {ref_to(x), I(-1)});
  t.call("un0", "aten.unsqueeze_copy.default", {ref_to(x), I(1)});
  const auto out = t.run({"sq", "un", "un0"});
  EXPECT_EQ(lower::shape_of(out[0]), (ref::Shape{3, 2}));
  EXPECT_EQ(lower::shape_of(out[1]), (ref::Shape{1, 3, 2, 1}));
  EXPECT_EQ(lower::shape_of(out[2]), (ref::Shape{1, 1, 3, 2}));
  for (const Value& v : out) {
    EXPECT_EQ(values_of(v), (std::vector<double>{0, 1, 2, 3, 4, 5}));
    EXPECT_EQ(lower::dim_order_of(v), ref::contiguous_order(lower::shape_of(v).size()));
  }
  expect_refused(t, "aten.unsqueeze_copy.default", {ref_to(x), I(4)}, "argument dim");
  expect_refused(t, "aten.squeeze_copy.dims", {ref_to(x), ints{3}}, "argument dim");
}

TEST(Shape, PermuteCopy) {
  TestGraph t;
  const auto x = t.input("x", ft({2, 3, 4}, iota(24)));
  t.call("p", "aten.permute_copy.default", {ref_to(x), ints{2, 0, -2}});
  const Value out = t.run1("p");
  EXPECT_EQ(lower::shape_of(out), (ref::Shape{4, 2, 3}));
  EXPECT_EQ(lower::dim_order_of(out), (ref::DimOrder{0, 1, 2}));
  std::vector<double> expected;  // out[k][i][j] = x[i][j][k] = 12i + 4j + k
  for (int k = 0; k < 4; ++k)
    for (int i = 0; i < 2; ++i)
      for (int j = 0; j < 3; ++j) expected.push_back(12 * i + 4 * j + k);
  EXPECT_EQ(values_of(out), expected);
  expect_refused(t, "aten.permute_copy.default", {ref_to(x), ints{0, 0, 1}}, "argument dims");
  expect_refused(t, "aten.permute_copy.default", {ref_to(x), ints{0, 1}}, "argument dims");
}

TEST(Shape, CloneDimOrderMovesBytes) {
  TestGraph t;
  // 1x2x2x3 NCHW holding 0..11: x[0, c, h, w] = 6c + 3h + w.
  const auto x = t.input("x", ft({1, 2, 2, 3}, iota(12)));
  t.call("nhwc", "dim_order_ops._clone_dim_order.default", {ref_to(x), B(false), ints{0, 2, 3, 1}});
  t.call("back", "dim_order_ops._clone_dim_order.default", {ref_to("nhwc"), B(false), ints{0, 1, 2, 3}});
  t.call("same", "dim_order_ops._clone_dim_order.default", {ref_to("nhwc")});
  const auto out = t.run({"nhwc", "back", "same"});
  const auto& nhwc = std::get<ref::Tensor<float>>(out[0]);
  EXPECT_EQ(nhwc.dim_order(), kNHWC);
  // Physical order n, h, w, c: (h, w) pairs with both channels innermost.
  EXPECT_EQ(nhwc.data(), (std::vector<float>{0, 6, 1, 7, 2, 8, 3, 9, 4, 10, 5, 11}));
  EXPECT_EQ(values_of(out[0]), as_doubles(iota(12)));
  const auto& back = std::get<ref::Tensor<float>>(out[1]);
  EXPECT_EQ(back.dim_order(), (ref::DimOrder{0, 1, 2, 3}));
  EXPECT_EQ(back.data(), iota(12));
  EXPECT_EQ(std::get<ref::Tensor<float>>(out[2]).data(), nhwc.data());
  expect_refused(t, "dim_order_ops._clone_dim_order.default", {ref_to(x), B(false), ints{0, 1, 1, 2}},
                 "argument dim_order");
  expect_refused(t, "dim_order_ops._clone_dim_order.default", {ref_to(x), B(false), ints{0, 2, 1}},
                 "argument dim_order");
}

TEST(Shape, CloneDimOrderOfInt8) {
  TestGraph t;
  const auto x = t.input("x", tensor<int8_t>({1, 2, 1, 2}, {1, 2, 3, 4}));
  t.call("c", "dim_order_ops._clone_dim_order.default", {ref_to(x), B(false), ints{0, 2, 3, 1}});
  const Value out = t.run1("c");
  EXPECT_EQ(std::get<ref::Tensor<int8_t>>(out).data(), (std::vector<int8_t>{1, 3, 2, 4}));
}

TEST(Shape, Cat) {
  TestGraph t;
  const auto a = t.input("a", ft({2, 1}, {1, 2}));
  const auto b = t.input("b", ft({2, 2}, {3, 4, 5, 6}));
  t.call("c", "aten.cat.default", {std::vector<NodeRef>{ref_to(a), ref_to(b)}, I(-1)});
  t.call("c0", "aten.cat.default", {std::vector<NodeRef>{ref_to(b), ref_to(b)}});
  const auto out = t.run({"c", "c0"});
  EXPECT_EQ(lower::shape_of(out[0]), (ref::Shape{2, 3}));
  EXPECT_EQ(values_of(out[0]), (std::vector<double>{1, 3, 4, 2, 5, 6}));
  EXPECT_EQ(lower::shape_of(out[1]), (ref::Shape{4, 2}));
  EXPECT_EQ(values_of(out[1]), (std::vector<double>{3, 4, 5, 6, 3, 4, 5, 6}));
  expect_refused(t, "aten.cat.default", {std::vector<NodeRef>{ref_to(a), ref_to(b)}, I(0)}, "argument tensors");
  t.input("q", tensor<int8_t>({2, 1}, {1, 2}));
  expect_refused(t, "aten.cat.default", {std::vector<NodeRef>{ref_to(a), ref_to("q")}, I(1)}, "argument tensors");
}

TEST(Shape, CatKeepsFirstInputsOrderAndInt8) {
  TestGraph t;
  // Two (1, 1, 1, 2) int8 NHWC tensors concatenated along channels: (1, 2, 1, 2) NHWC.
  const auto a = t.input("a", tensor<int8_t>({1, 1, 1, 2}, {1, 2}, kNHWC));
  const auto b = t.input("b", tensor<int8_t>({1, 1, 1, 2}, {-3, -4}));
  t.call("c", "aten.cat.default", {std::vector<NodeRef>{ref_to(a), ref_to(b)}, I(1)});
  const Value out = t.run1("c");
  EXPECT_EQ(lower::dim_order_of(out), kNHWC);
  EXPECT_EQ(values_of(out), (std::vector<double>{1, 2, -3, -4}));
  EXPECT_EQ(std::get<ref::Tensor<int8_t>>(out).data(), (std::vector<int8_t>{1, -3, 2, -4}));
}

TEST(Shape, SplitAndGetitem) {
  TestGraph t;
  const auto x = t.input("x", ft({5, 2}, iota(10)));
  t.call("s", "aten.split_with_sizes_copy.default", {ref_to(x), ints{2, 3}});
  EXPECT_EQ(t.g.node("s").outputs.size(), 2u);
  t.call("s0", "getitem", {ref_to("s"), I(0)});
  t.call("s1", "getitem", {ref_to("s"), I(1)});
  t.call("r", "aten.relu.default", {ref_to("s1")});
  const auto out = t.run({"s0", "r"});
  EXPECT_EQ(lower::shape_of(out[0]), (ref::Shape{2, 2}));
  EXPECT_EQ(values_of(out[0]), (std::vector<double>{0, 1, 2, 3}));
  EXPECT_EQ(lower::shape_of(out[1]), (ref::Shape{3, 2}));
  EXPECT_EQ(values_of(out[1]), (std::vector<double>{4, 5, 6, 7, 8, 9}));
  expect_refused(t, "aten.split_with_sizes_copy.default", {ref_to(x), ints{2, 2}}, "argument split_sizes");
  expect_refused(t, "getitem", {ref_to("s"), I(2)}, "argument index");
  expect_refused(t, "aten.relu.default", {ref_to("s")}, "getitem");
}

TEST(Shape, SplitKeepsDimOrderAlongChannels) {
  TestGraph t;
  // x[0, c, 0, w] = 10c + w, NHWC, split channels (1, 2).
  const auto x = t.input("x", ft({1, 3, 1, 2}, {0, 1, 10, 11, 20, 21}, kNHWC));
  t.call("s", "aten.split_with_sizes_copy.default", {ref_to(x), ints{1, 2}, I(1)});
  t.call("a", "getitem", {ref_to("s"), I(0)});
  t.call("b", "getitem", {ref_to("s"), I(1)});
  const auto out = t.run({"a", "b"});
  EXPECT_EQ(lower::dim_order_of(out[1]), kNHWC);
  EXPECT_EQ(values_of(out[0]), (std::vector<double>{0, 1}));
  EXPECT_EQ(values_of(out[1]), (std::vector<double>{10, 11, 20, 21}));
  EXPECT_EQ(std::get<ref::Tensor<float>>(out[1]).data(), (std::vector<float>{10, 20, 11, 21}));
}

TEST(Shape, SliceCopyClampsLikePyTorch) {
  TestGraph t;
  const auto x = t.input("x", ft({6}, iota(6)));
  t.call("a", "aten.slice_copy.Tensor", {ref_to(x), I(0), I(-4), kNone, I(2)});
  t.call("b", "aten.slice_copy.Tensor", {ref_to(x), I(0), I(-100), I(100)});
  t.call("c", "aten.slice_copy.Tensor", {ref_to(x), I(0), I(10)});
  t.call("d", "aten.slice_copy.Tensor", {ref_to(x), I(0), I(1), I(-1), I(3)});
  const auto out = t.run({"a", "b", "c", "d"});
  EXPECT_EQ(values_of(out[0]), (std::vector<double>{2, 4}));
  EXPECT_EQ(values_of(out[1]), as_doubles(iota(6)));
  EXPECT_EQ(lower::shape_of(out[2]), (ref::Shape{0}));
  EXPECT_EQ(values_of(out[3]), (std::vector<double>{1, 4}));
  expect_refused(t, "aten.slice_copy.Tensor", {ref_to(x), I(0), I(0), I(4), I(0)}, "argument step");
  expect_refused(t, "aten.slice_copy.Tensor", {ref_to(x), I(1)}, "argument dim");
}

TEST(Shape, SliceCopyKeepsDimOrder) {
  TestGraph t;
  // x[0, c, h, w] = 6c + 3h + w in NHWC; keep w in [1, 3).
  const auto x = t.input("x", ft({1, 2, 2, 3}, iota(12), kNHWC));
  t.call("s", "aten.slice_copy.Tensor", {ref_to(x), I(3), I(1)});
  const Value out = t.run1("s");
  EXPECT_EQ(lower::dim_order_of(out), kNHWC);
  EXPECT_EQ(lower::shape_of(out), (ref::Shape{1, 2, 2, 2}));
  EXPECT_EQ(values_of(out), (std::vector<double>{1, 2, 4, 5, 7, 8, 10, 11}));
}

TEST(Shape, SelectCopy) {
  TestGraph t;
  const auto x = t.input("x", ft({2, 3}, {1, 2, 3, 4, 5, 6}, {1, 0}));
  t.call("s", "aten.select_copy.int", {ref_to(x), I(1), I(-1)});
  t.call("r", "aten.select_copy.int", {ref_to(x), I(0), I(1)});
  const auto out = t.run({"s", "r"});
  EXPECT_EQ(lower::shape_of(out[0]), (ref::Shape{2}));
  EXPECT_EQ(values_of(out[0]), (std::vector<double>{3, 6}));
  EXPECT_EQ(values_of(out[1]), (std::vector<double>{4, 5, 6}));
  expect_refused(t, "aten.select_copy.int", {ref_to(x), I(1), I(3)}, "argument index");
  expect_refused(t, "aten.select_copy.int", {ref_to(x), I(2), I(0)}, "argument dim");
}

TEST(Shape, ConstantPadNd) {
  TestGraph t;
  const auto x = t.input("x", ft({2, 2}, {1, 2, 3, 4}));
  // Last dim: left 1, right 0; first dim: top 0, bottom 1.
  t.call("p", "aten.constant_pad_nd.default", {ref_to(x), ints{1, 0, 0, 1}, F(9.0)});
  t.call("p0", "aten.constant_pad_nd.default", {ref_to(x), ints{0, 1}});
  const auto out = t.run({"p", "p0"});
  EXPECT_EQ(lower::shape_of(out[0]), (ref::Shape{3, 3}));
  EXPECT_EQ(values_of(out[0]), (std::vector<double>{9, 1, 2, 9, 3, 4, 9, 9, 9}));
  EXPECT_EQ(values_of(out[1]), (std::vector<double>{1, 2, 0, 3, 4, 0}));
  expect_refused(t, "aten.constant_pad_nd.default", {ref_to(x), ints{-1, 0}}, "argument pad");
  expect_refused(t, "aten.constant_pad_nd.default", {ref_to(x), ints{1}}, "argument pad");
  expect_refused(t, "aten.constant_pad_nd.default", {ref_to(x), ints{1, 1, 1, 1, 1, 1}}, "argument pad");
}

TEST(Shape, ConstantPadNdInt8ChannelsLast) {
  TestGraph t;
  const auto x = t.input("x", tensor<int8_t>({1, 2, 1, 1}, {5, -5}, kNHWC));
  t.call("p", "aten.constant_pad_nd.default", {ref_to(x), ints{1, 0}, F(-128.0)});
  const Value out = t.run1("p");
  EXPECT_EQ(lower::dim_order_of(out), kNHWC);
  EXPECT_EQ(values_of(out), (std::vector<double>{-128, 5, -128, -5}));
  expect_refused(t, "aten.constant_pad_nd.default", {ref_to(x), ints{1, 0}, F(0.5)}, "argument value");
}

TEST(Shape, ReflectionPad) {
  TestGraph t;
  const auto x1 = t.input("x1", ft({1, 1, 4}, {1, 2, 3, 4}));
  const auto x2 = t.input("x2", ft({1, 1, 2, 3}, {1, 2, 3, 4, 5, 6}));
  t.call("r1", "aten.reflection_pad1d.default", {ref_to(x1), ints{2, 1}});
  t.call("r2", "aten.reflection_pad2d.default", {ref_to(x2), ints{1, 1, 1, 0}});
  const auto out = t.run({"r1", "r2"});
  EXPECT_EQ(values_of(out[0]), (std::vector<double>{3, 2, 1, 2, 3, 4, 3}));
  // Rows: reflect(top 1) -> row 1, row 0, row 1; then columns left 1, right 1.
  EXPECT_EQ(lower::shape_of(out[1]), (ref::Shape{1, 1, 3, 5}));
  EXPECT_EQ(values_of(out[1]), (std::vector<double>{5, 4, 5, 6, 5, 2, 1, 2, 3, 2, 5, 4, 5, 6, 5}));
  expect_refused(t, "aten.reflection_pad1d.default", {ref_to(x1), ints{4, 0}}, "argument padding");
  expect_refused(t, "aten.reflection_pad2d.default", {ref_to(x2), ints{0, 0, 2, 0}}, "argument padding");
  expect_refused(t, "aten.reflection_pad2d.default", {ref_to(x2), ints{1, 1}}, "argument padding");
}

TEST(Shape, UpsampleNearest2d) {
  TestGraph t;
  const auto x = t.input("x", ft({1, 1, 2, 3}, {1, 2, 3, 4, 5, 6}));
  const auto y = t.input("y", ft({1, 1, 2, 2}, {1, 2, 3, 4}, kNHWC));
  // scale_factors is left out (or []) with output_size: the registry has no float[]? kind.
  t.call("double", "aten.upsample_nearest2d.vec", {ref_to(x), ints{4, 6}, reals{}});
  t.call("odd", "aten.upsample_nearest2d.vec", {ref_to(x), ints{3, 4}});
  t.call("scaled", "aten.upsample_nearest2d.vec", {ref_to(y), kNone, reals{2.0, 1.5}});
  const auto out = t.run({"double", "odd", "scaled"});
  std::vector<double> doubled;
  for (int h = 0; h < 4; ++h)
    for (int w = 0; w < 6; ++w) doubled.push_back(1 + 3 * (h / 2) + (w / 2));
  EXPECT_EQ(values_of(out[0]), doubled);
  // H 2 -> 3: src rows floor(dst * 2/3) = 0, 0, 1; W 3 -> 4: src cols floor(dst * 3/4) = 0, 0, 1, 2.
  EXPECT_EQ(lower::shape_of(out[1]), (ref::Shape{1, 1, 3, 4}));
  EXPECT_EQ(values_of(out[1]), (std::vector<double>{1, 1, 2, 3, 1, 1, 2, 3, 4, 4, 5, 6}));
  // Scale (2, 1.5) on 2x2: 4x3; rows dst/2, cols floor(dst / 1.5) = 0, 0, 1.
  EXPECT_EQ(lower::shape_of(out[2]), (ref::Shape{1, 1, 4, 3}));
  EXPECT_EQ(lower::dim_order_of(out[2]), kNHWC);
  EXPECT_EQ(values_of(out[2]), (std::vector<double>{1, 1, 2, 1, 1, 2, 3, 3, 4, 3, 3, 4}));
  expect_refused(t, "aten.upsample_nearest2d.vec", {ref_to(x), ints{4, 6}, reals{2.0, 2.0}}, "output_size");
  expect_refused(t, "aten.upsample_nearest2d.vec", {ref_to(x), kNone}, "output_size");
  expect_refused(t, "aten.upsample_nearest2d.vec", {ref_to(x), ints{4}}, "argument output_size");
}

TEST(Shape, MaxPool2d) {
  TestGraph t;
  const auto x = t.input("x", ft({1, 1, 4, 4}, iota(16)));
  t.call("k2", "aten.max_pool2d.default", {ref_to(x), ints{2}});
  t.call("k3", "aten.max_pool2d.default", {ref_to(x), ints{3, 3}, ints{2, 2}, ints{1}});
  t.call("s1", "aten.max_pool2d.default", {ref_to(x), ints{2, 1}, ints{1}});
  const auto out = t.run({"k2", "k3", "s1"});
  EXPECT_EQ(values_of(out[0]), (std::vector<double>{5, 7, 13, 15}));
  EXPECT_EQ(values_of(out[1]), (std::vector<double>{5, 7, 13, 15}));
  // Kernel (2, 1), stride 1: max of rows h and h + 1 = x[h + 1][w].
  EXPECT_EQ(lower::shape_of(out[2]), (ref::Shape{1, 1, 3, 4}));
  EXPECT_EQ(values_of(out[2]), as_doubles(iota(12, 4)));
  expect_refused(t, "aten.max_pool2d.default", {ref_to(x), ints{2}, ints{}, ints{0}, ints{1}, B(true)},
                 "argument ceil_mode");
  expect_refused(t, "aten.max_pool2d.default", {ref_to(x), ints{3}, ints{1}, ints{2}}, "argument padding");
}

TEST(Shape, MaxPool2dInt8IgnoresPaddedTaps) {
  TestGraph t;
  // All negative, NHWC: padded taps must not read as 0.
  const auto x = t.input("x", tensor<int8_t>({1, 2, 2, 2}, {-5, -7, -9, -100, -128, -3, -2, -1}, kNHWC));
  t.call("p", "aten.max_pool2d.default", {ref_to(x), ints{3}, ints{2}, ints{1}});
  const Value out = t.run1("p");
  EXPECT_EQ(lower::dim_order_of(out), kNHWC);
  EXPECT_EQ(lower::shape_of(out), (ref::Shape{1, 2, 1, 1}));
  EXPECT_EQ(values_of(out), (std::vector<double>{-5, -1}));
}

// ---- convolution ----------------------------------------------------------------------------------

// Direct 2-D convolution loop (PyTorch meaning), in double, rounded to float.
std::vector<double> naive_conv2d(const std::vector<float>& x, const ref::Shape& xs, const std::vector<float>& w,
                                 const ref::Shape& ws, const std::vector<float>& b, int64_t stride, int64_t pad,
                                 int64_t dil, int64_t groups, ref::Shape* out_shape) {
  const int64_t n = xs[0], c = xs[1], h = xs[2], wd = xs[3], o = ws[0], cg = ws[1], kh = ws[2], kw = ws[3];
  const int64_t oh = (h + 2 * pad - dil * (kh - 1) - 1) / stride + 1, ow = (wd + 2 * pad - dil * (kw - 1) - 1) / stride + 1;
  *out_shape = {n, o, oh, ow};
  std::vector<double> out;
  for (int64_t in = 0; in < n; ++in)
    for (int64_t oc = 0; oc < o; ++oc)
      for (int64_t y = 0; y < oh; ++y)
        for (int64_t z = 0; z < ow; ++z) {
          double acc = b.empty() ? 0.0 : b[static_cast<size_t>(oc)];
          const int64_t g = oc / (o / groups);
          for (int64_t ic = 0; ic < cg; ++ic)
            for (int64_t i = 0; i < kh; ++i)
              for (int64_t j = 0; j < kw; ++j) {
                const int64_t yy = y * stride - pad + i * dil, zz = z * stride - pad + j * dil;
                if (yy < 0 || yy >= h || zz < 0 || zz >= wd) continue;
                const double xv = x[static_cast<size_t>(((in * c + g * cg + ic) * h + yy) * wd + zz)];
                const double wv = w[static_cast<size_t>(((oc * cg + ic) * kh + i) * kw + j)];
                acc += xv * wv;
              }
          out.push_back(static_cast<float>(acc));
        }
  (void)c;
  return out;
}

std::vector<float> pattern(int64_t n, int mod, float scale, int offset = 0) {
  std::vector<float> v;
  for (int64_t i = 0; i < n; ++i) v.push_back(static_cast<float>((i * 7 + offset) % mod - mod / 2) * scale);
  return v;
}

TEST(Conv, Conv2dHandWorked) {
  TestGraph t;
  // 1x1x3x3 input 1..9, 2x2 kernel of ones, bias 0.5, no padding: window sums + 0.5.
  const auto x = t.input("x", ft({1, 1, 3, 3}, iota(9, 1)));
  const auto w = t.input("w", ft({1, 1, 2, 2}, {1, 1, 1, 1}));
  const auto b = t.input("b", ft({1}, {0.5f}));
  t.call("c", "aten.convolution.default",
         {ref_to(x), ref_to(w), ref_to(b), ints{1}, ints{0}, ints{1}, B(false), ints{0}, I(1)});
  const Value out = t.run1("c");
  EXPECT_EQ(lower::shape_of(out), (ref::Shape{1, 1, 2, 2}));
  EXPECT_EQ(values_of(out), (std::vector<double>{12.5, 16.5, 24.5, 28.5}));
}

TEST(Conv, Conv2dChannelsLastMatchesContiguous) {
  const ref::Shape xs{2, 4, 5, 4}, ws{6, 2, 3, 2};
  const std::vector<float> xv = pattern(2 * 4 * 5 * 4, 11, 0.25f), wv = pattern(6 * 2 * 3 * 2, 9, 0.5f, 3);
  const std::vector<float> bv{1, -2, 0.5f, 0, 3, -1};
  ref::Shape expected_shape;
  const std::vector<double> expected = naive_conv2d(xv, xs, wv, ws, bv, 2, 1, 1, 2, &expected_shape);
  TestGraph t;
  const auto x = t.input("x", ft(xs, xv));
  const auto xl = t.input("xl", ft(xs, xv, kNHWC));
  const auto w = t.input("w", ft(ws, wv));
  const auto b = t.input("b", ft({6}, bv));
  for (const auto& [name, in] : {std::pair<std::string, std::string>{"c", x}, {"cl", xl}}) {
    t.call(name, "aten.convolution.default",
           {ref_to(in), ref_to(w), ref_to(b), ints{2}, ints{1, 1}, ints{1}, B(false), ints{0, 0}, I(2)});
  }
  const auto out = t.run({"c", "cl"});
  EXPECT_EQ(lower::shape_of(out[0]), expected_shape);
  EXPECT_EQ(lower::dim_order_of(out[0]), (ref::DimOrder{0, 1, 2, 3}));
  EXPECT_EQ(lower::dim_order_of(out[1]), kNHWC);
  EXPECT_EQ(values_of(out[0]), expected);
  EXPECT_EQ(values_of(out[1]), expected);
}

TEST(Conv, Conv2dDilationNoBias) {
  const ref::Shape xs{1, 3, 6, 6}, ws{2, 3, 2, 3};
  const std::vector<float> xv = pattern(108, 13, 0.125f), wv = pattern(36, 5, 1.0f, 1);
  ref::Shape expected_shape;
  const std::vector<double> expected = naive_conv2d(xv, xs, wv, ws, {}, 1, 2, 2, 1, &expected_shape);
  TestGraph t;
  const auto x = t.input("x", ft(xs, xv));
  const auto w = t.input("w", ft(ws, wv));
  t.call("c", "aten.convolution.default",
         {ref_to(x), ref_to(w), kNone, ints{1}, ints{2}, ints{2, 2}, B(false), ints{0}, I(1)});
  const Value out = t.run1("c");
  EXPECT_EQ(lower::shape_of(out), expected_shape);
  EXPECT_EQ(values_of(out), expected);
}

TEST(Conv, Conv1d) {
  TestGraph t;
  // x (1, 2, 5); weight (1, 2, 3); stride 2, padding 1.
  const auto x = t.input("x", ft({1, 2, 5}, {1, 2, 3, 4, 5, 10, 20, 30, 40, 50}));
  const auto w = t.input("w", ft({1, 2, 3}, {1, 0, -1, 0, 1, 0}));
  t.call("c", "aten.convolution.default",
         {ref_to(x), ref_to(w), kNone, ints{2}, ints{1}, ints{1}, B(false), ints{0}, I(1)});
  const Value out = t.run1("c");
  // Output length floor((5 + 2 - 3) / 2) + 1 = 3; out[l] = x0[2l-1] - x0[2l+1] + x1[2l].
  EXPECT_EQ(lower::shape_of(out), (ref::Shape{1, 1, 3}));
  EXPECT_EQ(values_of(out), (std::vector<double>{0 - 2 + 10, 2 - 4 + 30, 4 - 0 + 50}));
}

TEST(Conv, RefusesBadArguments) {
  TestGraph t;
  t.input("x", ft({1, 4, 3, 3}, iota(36)));
  t.input("w", ft({2, 4, 2, 2}, iota(32)));
  t.input("w3", ft({2, 3, 2, 2}, iota(24)));
  t.input("big", ft({2, 4, 5, 5}, iota(200)));
  t.input("b", ft({3}, {1, 2, 3}));
  const auto conv = [&](const std::string& w, Arg bias, Arg stride, Arg pad, bool transposed, int64_t groups) {
    return std::vector<Arg>{ref_to("x"), ref_to(w), std::move(bias), std::move(stride), std::move(pad), ints{1},
                            B(transposed), ints{0}, I(groups)};
  };
  expect_refused(t, "aten.convolution.default", conv("w", kNone, ints{1}, ints{0}, true, 1), "argument transposed");
  expect_refused(t, "aten.convolution.default", conv("w", kNone, ints{1}, ints{0}, false, 3), "argument groups");
  expect_refused(t, "aten.convolution.default", conv("w3", kNone, ints{1}, ints{0}, false, 1), "argument weight");
  expect_refused(t, "aten.convolution.default", conv("big", kNone, ints{1}, ints{0}, false, 1), "output size < 1");
  expect_refused(t, "aten.convolution.default", conv("w", ref_to("b"), ints{1}, ints{0}, false, 1), "argument bias");
  expect_refused(t, "aten.convolution.default", conv("w", kNone, ints{1, 1, 1}, ints{0}, false, 1), "argument stride");
  expect_refused(t, "aten.convolution.default", conv("w", kNone, ints{0}, ints{0}, false, 1), "argument stride");
  expect_refused(t, "aten.convolution.default", conv("w", kNone, ints{1}, ints{-1}, false, 1), "argument padding");
}

TEST(Conv, Linear) {
  TestGraph t;
  const auto x = t.input("x", ft({2, 3}, {1, 2, 3, 4, 5, 6}));
  const auto w = t.input("w", ft({2, 3}, {1, 0, -1, 0.5f, 0.5f, 0.5f}));
  const auto b = t.input("b", ft({2}, {10, 20}));
  t.call("l", "aten.linear.default", {ref_to(x), ref_to(w), ref_to(b)});
  t.call("nb", "aten.linear.default", {ref_to(x), ref_to(w)});
  const auto out = t.run({"l", "nb"});
  EXPECT_EQ(values_of(out[0]), (std::vector<double>{8, 23, 8, 27.5}));
  EXPECT_EQ(values_of(out[1]), (std::vector<double>{-2, 3, -2, 7.5}));
  expect_refused(t, "aten.linear.default", {ref_to(x), ref_to(b)}, "argument weight");
  expect_refused(t, "aten.linear.default", {ref_to(x), ref_to(w), ref_to(x)}, "argument bias");
}

// ---- quantization ---------------------------------------------------------------------------------

TEST(Quant, QuantizePerTensorRoundsHalfToEvenAndClamps) {
  TestGraph t;
  const auto x = t.input("x", ft({8}, {2.5f, 3.5f, -2.5f, 0.5f, 1.5f, 200.0f, -200.0f, -0.5f}));
  t.call("q", "quantized_decomposed.quantize_per_tensor.default",
         {ref_to(x), F(1.0), I(0), I(-128), I(127), S("int8")});
  t.call("qc", "quantized_decomposed.quantize_per_tensor.default",
         {ref_to(x), F(1.0), I(0), I(-10), I(10), S("int8")});
  t.call("qz", "quantized_decomposed.quantize_per_tensor.default",
         {ref_to(x), F(0.5), I(3), I(-128), I(127), S("int8")});
  const auto out = t.run({"q", "qc", "qz"});
  EXPECT_EQ(lower::dtype_of(out[0]), DType::int8);
  EXPECT_EQ(values_of(out[0]), (std::vector<double>{2, 4, -2, 0, 2, 127, -128, 0}));
  EXPECT_EQ(values_of(out[1]), (std::vector<double>{2, 4, -2, 0, 2, 10, -10, 0}));
  // x * 2 rounded half to even, + 3: 5 -> 8, 7 -> 10, -5 -> -2, 1 -> 4, 3 -> 6, clamps, -1 -> 2.
  EXPECT_EQ(values_of(out[2]), (std::vector<double>{8, 10, -2, 4, 6, 127, -128, 2}));
  const TensorMeta& meta = t.g.node("qz").meta();
  ASSERT_TRUE(meta.quant.has_value());
  EXPECT_EQ(*meta.quant, (lower::QuantMeta{{0.5}, {3}, -1}));
}

TEST(Quant, QuantizeRefusesBadArguments) {
  TestGraph t;
  t.input("x", ft({2}, {1, 2}));
  t.input("q", tensor<int8_t>({2}, {1, 2}));
  const auto args = [](const std::string& in, double scale, int64_t qmin, int64_t qmax, const char* dtype) {
    return std::vector<Arg>{ref_to(in), F(scale), I(0), I(qmin), I(qmax), S(dtype)};
  };
  const std::string q = "quantized_decomposed.quantize_per_tensor.default";
  const std::string dq = "quantized_decomposed.dequantize_per_tensor.default";
  expect_refused(t, q, args("x", 1.0, -128, 127, "uint8"), "argument dtype");
  expect_refused(t, q, args("x", 1.0, 10, -10, "int8"), "argument quant_max");
  expect_refused(t, q, args("x", 1.0, -128, 200, "int8"), "argument quant_max");
  expect_refused(t, q, args("x", 1.0, -129, 127, "int8"), "argument quant_min");
  expect_refused(t, q, args("x", 0.0, -128, 127, "int8"), "argument scale");
  expect_refused(t, q, args("q", 1.0, -128, 127, "int8"), "argument input");
  expect_refused(t, dq, args("q", 1.0, -128, 127, "int32"), "argument input");
  expect_refused(t, dq, args("x", 1.0, -128, 127, "int8"), "argument input");
}

TEST(Quant, DequantizePerTensor) {
  TestGraph t;
  const auto q = t.input("q", tensor<int8_t>({2, 2}, {-128, 0, 5, 127}, {1, 0}));
  const auto q32 = t.input("q32", tensor<int32_t>({3}, {-100000, 0, 123456}));
  t.call("d", "quantized_decomposed.dequantize_per_tensor.default",
         {ref_to(q), F(0.5), I(3), I(-128), I(127), S("int8")});
  t.call("d32", "quantized_decomposed.dequantize_per_tensor.default",
         {ref_to(q32), F(0.25), I(0), I(-2147483648LL), I(2147483647LL), S("int32")});
  const auto out = t.run({"d", "d32"});
  EXPECT_EQ(lower::dim_order_of(out[0]), (ref::DimOrder{1, 0}));
  EXPECT_EQ(values_of(out[0]), (std::vector<double>{-65.5, -1.5, 1, 62}));
  EXPECT_EQ(values_of(out[1]), (std::vector<double>{-25000, 0, 30864}));
}

TEST(Quant, QuantizePerChannel) {
  TestGraph t;
  // (2, 3), axis 1: scales (1, 0.5, 2), zero points (0, 1, -1).
  const auto x = t.input("x", ft({2, 3}, {2.5f, 1.25f, 5.0f, -3.5f, 100.0f, -3.0f}));
  t.call("q", "quantized_decomposed.quantize_per_channel.default",
         {ref_to(x), reals{1.0, 0.5, 2.0}, ints{0, 1, -1}, I(1), I(-128), I(127), S("int8")});
  t.call("q0", "quantized_decomposed.quantize_per_channel.default",
         {ref_to(x), reals{1.0, 0.25}, ints{0, 0}, I(-2), I(-20), I(20), S("int8")});
  const auto out = t.run({"q", "q0"});
  // Row 0: 2.5 -> 2; 1.25 * 2 = 2.5 -> 2, +1 = 3; 5 / 2 = 2.5 -> 2, -1 = 1.
  // Row 1: -3.5 -> -4; 200 + 1 -> 127; -1.5 -> -2, -1 = -3.
  EXPECT_EQ(values_of(out[0]), (std::vector<double>{2, 3, 1, -4, 127, -3}));
  // Axis 0, scales (1, 0.25), clamp to [-20, 20]: row 0: 2, 1, 5; row 1: -14, 400 -> 20, -12.
  EXPECT_EQ(values_of(out[1]), (std::vector<double>{2, 1, 5, -14, 20, -12}));
  const TensorMeta& meta = t.g.node("q").meta();
  ASSERT_TRUE(meta.quant.has_value());
  EXPECT_EQ(*meta.quant, (lower::QuantMeta{{1.0, 0.5, 2.0}, {0, 1, -1}, 1}));
  expect_refused(t, "quantized_decomposed.quantize_per_channel.default",
                 {ref_to(x), reals{1.0, 0.5}, ints{0, 1, -1}, I(1), I(-128), I(127), S("int8")}, "argument scales");
  expect_refused(t, "quantized_decomposed.quantize_per_channel.default",
                 {ref_to(x), reals{1.0, 0.5, 2.0}, ints{0, 1}, I(1), I(-128), I(127), S("int8")},
                 "argument zero_points");
  expect_refused(t, "quantized_decomposed.quantize_per_channel.default",
                 {ref_to(x), reals{1.0, 0.5, 2.0}, ints{0, 1, -1}, I(2), I(-128), I(127), S("int8")}, "argument axis");
}

TEST(Quant, DequantizePerChannelInt32AndInt8) {
  TestGraph t;
  const auto bias = t.input("bias", tensor<int32_t>({3}, {1000, -2000, 7}));
  const auto w = t.input("w", tensor<int8_t>({2, 1, 1, 2}, {-128, 127, 4, -4}, kNHWC));
  t.call("db", "quantized_decomposed.dequantize_per_channel.default",
         {ref_to(bias), reals{0.5, 0.25, 2.0}, ints{0, 0, 0}, I(0), I(-2147483648LL), I(2147483647LL), S("int32")});
  t.call("dw", "quantized_decomposed.dequantize_per_channel.default",
         {ref_to(w), reals{0.5, 0.125}, ints{0, 2}, I(0), I(-127), I(127), S("int8")});
  const auto out = t.run({"db", "dw"});
  EXPECT_EQ(values_of(out[0]), (std::vector<double>{500, -500, 14}));
  EXPECT_EQ(lower::dim_order_of(out[1]), kNHWC);
  EXPECT_EQ(values_of(out[1]), (std::vector<double>{-64, 63.5, 0.25, -0.75}));
  expect_refused(t, "quantized_decomposed.dequantize_per_channel.default",
                 {ref_to(bias), reals{0.5, 0.25}, ints{0, 0, 0}, I(0), I(-128), I(127), S("int32")}, "argument scales");
  expect_refused(t, "quantized_decomposed.dequantize_per_channel.default",
                 {ref_to(bias), reals{0.5, 0.25, 1.0}, ints{0, 0, 0}, I(0), I(-128), I(127), S("int8")},
                 "argument input");
}

// ---- reductions -----------------------------------------------------------------------------------

TEST(Reduction, MeanDim) {
  TestGraph t;
  const auto x = t.input("x", ft({2, 3}, {1, 2, 4, 8, 16, 32}));
  // x[0, c, h, w] = 10c + 2h + w in NHWC.
  std::vector<float> img;
  for (int c = 0; c < 2; ++c)
    for (int h = 0; h < 2; ++h)
      for (int w = 0; w < 2; ++w) img.push_back(static_cast<float>(10 * c + 2 * h + w));
  const auto y = t.input("y", ft({1, 2, 2, 2}, img, kNHWC));
  t.call("rows", "aten.mean.dim", {ref_to(x), ints{1}, B(true)});
  t.call("all", "aten.mean.dim", {ref_to(x), kNone});
  t.call("cols", "aten.mean.dim", {ref_to(x), ints{-2}});
  t.call("hw", "aten.mean.dim", {ref_to(y), ints{-1, -2}, B(true)});
  const auto out = t.run({"rows", "all", "cols", "hw"});
  EXPECT_EQ(lower::shape_of(out[0]), (ref::Shape{2, 1}));
  EXPECT_EQ(values_of(out[0]), (std::vector<double>{static_cast<float>(7.0 / 3), static_cast<float>(56.0 / 3)}));
  EXPECT_EQ(lower::shape_of(out[1]), (ref::Shape{}));
  EXPECT_EQ(values_of(out[1]), (std::vector<double>{static_cast<float>(63.0 / 6)}));
  EXPECT_EQ(values_of(out[2]), (std::vector<double>{4.5, 9, 18}));
  EXPECT_EQ(lower::shape_of(out[3]), (ref::Shape{1, 2, 1, 1}));
  EXPECT_EQ(lower::dim_order_of(out[3]), (ref::DimOrder{0, 1, 2, 3}));
  EXPECT_EQ(values_of(out[3]), (std::vector<double>{1.5, 11.5}));
  expect_refused(t, "aten.mean.dim", {ref_to(x), ints{2}}, "argument dim");
  expect_refused(t, "aten.mean.dim", {ref_to(x), ints{1, -1}}, "argument dim");
}

TEST(Reduction, SoftmaxAndLogSoftmax) {
  TestGraph t;
  const std::vector<float> in{1, 2, 3, 0, 0, 0, -1, 5, 100, 100.5f, 99, 98};
  const auto x = t.input("x", ft({4, 3}, in));
  t.call("sm", "aten._softmax.default", {ref_to(x), I(1), B(false)});
  t.call("lsm", "aten._log_softmax.default", {ref_to(x), I(-1), B(false)});
  t.call("sm0", "aten._softmax.default", {ref_to(x), I(0), B(false)});
  const auto out = t.run({"sm", "lsm", "sm0"});
  for (int r = 0; r < 4; ++r) {
    // exp(x - c) for c = the row's first value keeps 100-ish inputs in range.
    double sum = 0;
    for (int k = 0; k < 3; ++k) sum += std::exp(double(in[size_t(3 * r + k)]) - in[size_t(3 * r)]);
    for (int k = 0; k < 3; ++k) {
      const double d = double(in[size_t(3 * r + k)]) - in[size_t(3 * r)];
      EXPECT_FLOAT_EQ(values_of(out[0])[size_t(3 * r + k)], std::exp(d) / sum);
      EXPECT_FLOAT_EQ(values_of(out[1])[size_t(3 * r + k)], d - std::log(sum));
    }
  }
  EXPECT_EQ(values_of(out[0])[3], static_cast<float>(1.0 / 3));
  for (int c = 0; c < 3; ++c) {
    double sum = 0;
    for (int r = 0; r < 4; ++r) sum += values_of(out[2])[size_t(3 * r + c)];
    EXPECT_NEAR(sum, 1.0, 1e-6);
  }
  expect_refused(t, "aten._softmax.default", {ref_to(x), I(1), B(true)}, "argument half_to_float");
  expect_refused(t, "aten._log_softmax.default", {ref_to(x), I(2), B(false)}, "argument dim");
}

TEST(Reduction, SoftmaxAlongChannelsOfChannelsLast) {
  TestGraph t;
  // (1, 2, 1, 2) NHWC; softmax over channels: pairs (x[c=0], x[c=1]) at each w.
  const auto x = t.input("x", ft({1, 2, 1, 2}, {0, 1, std::log(3.0f), 1}, kNHWC));
  t.call("sm", "aten._softmax.default", {ref_to(x), I(1), B(false)});
  const Value out = t.run1("sm");
  EXPECT_EQ(lower::dim_order_of(out), kNHWC);
  const std::vector<double> v = values_of(out);
  EXPECT_FLOAT_EQ(v[0], 0.25f);  // 1 / (1 + 3)
  EXPECT_FLOAT_EQ(v[2], 0.75f);
  EXPECT_FLOAT_EQ(v[1], 0.5f);
  EXPECT_FLOAT_EQ(v[3], 0.5f);
}
