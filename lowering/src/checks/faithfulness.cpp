// Per-node faithfulness and the end-to-end comparison.
//
// A lowered cortex_m convolution is paired with the original pattern through its `source`
// names: dequantize_per_tensor(x) -> aten.convolution(dequantize_per_channel(w), bias) ->
// [tail] -> quantize_per_tensor. The original graph is then run with x replaced by the very
// int8 tensor the lowered node received, up to the pattern's quantize, so an error upstream
// never compounds into this node's verdict.
#include <cmath>
#include <limits>
#include <sstream>

#include "compare_values.h"
#include "lower/checks.h"
#include "lower/executor.h"
#include "lower/op_registry.h"
#include "ref/conv.h"
#include "ref/quant.h"

namespace lower {

namespace {

constexpr const char* kConvolution = "aten.convolution.default";
constexpr const char* kQuantize = "quantized_decomposed.quantize_per_tensor.default";
constexpr const char* kDequantize = "quantized_decomposed.dequantize_per_tensor.default";
constexpr const char* kDequantizeChannel = "quantized_decomposed.dequantize_per_channel.default";

bool is_lowered_conv(const Node& n) {
  return n.op == "cortex_m.quantized_conv2d.default" || n.op == "cortex_m.quantized_depthwise_conv2d.default";
}

// Typed access to an original node's arguments.
CallArgs args_of(const Node& n) {
  const OpDef* def = find_op(n.op);
  if (!def) throw IrError("unknown op " + n.op);
  return CallArgs(n, *def);
}

struct Pattern {
  const Node* dequantize = nullptr;  // of the input
  const Node* conv = nullptr;
  const Node* tail = nullptr;
  const Node* quantize = nullptr;
  std::string input;  // the int8 tensor the pattern reads
};

Pattern find_pattern(const Graph& original, const Node& lowered) {
  Pattern p;
  for (const std::string& s : lowered.source) {
    if (!original.has(s)) continue;
    const Node& n = original.node(s);
    if (n.op == kConvolution) p.conv = &n;
  }
  if (!p.conv) throw IrError("its source names no aten.convolution.default of the original graph");
  const Users users = users_of(original);
  const auto single_user = [&](const Node& n) -> const Node* {
    const auto& u = users.at(n.name);
    return u.size() == 1 && u[0] != "output" ? &original.node(u[0]) : nullptr;
  };
  const Node* next = single_user(*p.conv);
  if (next && next->op != kQuantize) {
    p.tail = next;
    next = single_user(*next);
  }
  if (!next || next->op != kQuantize) throw IrError("the original convolution '" + p.conv->name + "' is not followed by a quantize_per_tensor");
  p.quantize = next;
  const Node& dq = original.node(args_of(*p.conv).tensor(0));
  if (dq.op != kDequantize) throw IrError("the original convolution's input is not a dequantize_per_tensor");
  p.dequantize = &dq;
  p.input = args_of(dq).tensor(0);
  return p;
}

struct Tail {
  std::string kind = "none";
  double lo = -std::numeric_limits<double>::infinity();
  double hi = std::numeric_limits<double>::infinity();
};

Tail tail_of(const Node* node) {
  Tail t;
  if (!node) return t;
  const CallArgs a = args_of(*node);
  if (node->op == "aten.relu.default") {
    t.kind = "relu";
    t.lo = 0;
  } else if (node->op == "aten.hardtanh.default") {
    t.kind = "hardtanh";
    t.lo = a.real(1);
    t.hi = a.real(2);
  } else if (node->op == "aten.clamp.default") {
    t.kind = "clamp";
    if (!a.is_none(1)) t.lo = a.real(1);
    if (!a.is_none(2)) t.hi = a.real(2);
  } else if (node->op == "aten.hardsigmoid.default") {
    t.kind = "hardsigmoid";
  } else {
    throw IrError("the original convolution is followed by " + node->op + ", which is no activation tail");
  }
  return t;
}

double apply_tail(const Tail& t, double y) {
  if (t.kind == "hardsigmoid") return std::min(1.0, std::max(0.0, y / 6 + 0.5));
  return std::min(t.hi, std::max(t.lo, y));
}

// Everything the integer and the float-simulated verdicts need about one node.
struct NodeCheck {
  std::vector<std::string> failures;
  std::string note;
};

NodeCheck check_conv_node(const Graph& original, const Node& lowered, const Execution& run,
                          const conf::KernelSet& kernels) {
  NodeCheck result;
  const Pattern p = find_pattern(original, lowered);
  const CallArgs conv = args_of(*p.conv);
  const CallArgs dq = args_of(*p.dequantize);
  const CallArgs q = args_of(*p.quantize);
  const Tail tail = tail_of(p.tail);

  const Node& x_node = original.node(p.input);
  const Value& lowered_in = run.values.at(lowered.inputs().at(0)).at(0);
  const Value& lowered_out = run.values.at(lowered.name).at(0);
  const Value x = checks::reshaped(lowered_in, x_node.meta().shape);

  // The float-simulated original on the same input.
  ExecutionOptions options;
  options.kernels = &kernels;
  options.overrides[p.input] = x;
  options.targets = {p.quantize->name};
  const Execution simulated = execute(original, {}, options);
  const Value& expected_sim = simulated.values.at(p.quantize->name).at(0);
  const Value actual = checks::reshaped(lowered_out, p.quantize->meta().shape);

  // The pattern's integer semantics, from the original's quantization parameters.
  const double in_scale = dq.real(1);
  const int64_t in_zp = dq.integer(2);
  const double out_scale = q.real(1);
  const int64_t out_zp = q.integer(2), qmin = q.integer(3), qmax = q.integer(4);
  const Node& w_dq = original.node(conv.tensor(1));
  if (w_dq.op != kDequantizeChannel) throw IrError("the original weight is not a dequantize_per_channel");
  const CallArgs wa = args_of(w_dq);
  const Node& w_node = original.node(wa.tensor(0));
  if (w_node.kind != NodeKind::constant) throw IrError("the original weight is not a constant");
  const std::vector<double> w_scales = wa.reals(1);
  ref::Tensor<int8_t> weight = as<int8_t>(value_from_constant(w_node.meta(), *w_node.data), "weight");
  std::vector<int32_t> bias;
  bool has_bias = false;
  if (!conv.is_none(2)) {
    const Node& b_dq = original.node(conv.tensor(2));
    if (b_dq.op != kDequantizeChannel || original.node(args_of(b_dq).tensor(0)).kind != NodeKind::constant) {
      throw IrError("the original bias is not a dequantized int32 constant");
    }
    const Node& b_node = original.node(args_of(b_dq).tensor(0));
    bias = as<int32_t>(value_from_constant(b_node.meta(), *b_node.data), "bias").data();
    has_bias = true;
  }
  const bool is_1d = x_node.meta().shape.size() == 3;
  const auto spatial = [&](size_t arg, size_t i, int64_t fallback) {
    const auto v = conv.ints(arg);
    return v.empty() ? fallback : v[std::min(i, v.size() - 1)];
  };
  ref::ConvGeometry g;
  g.stride_h = spatial(3, 0, 1);
  g.stride_w = is_1d ? 1 : spatial(3, 1, 1);
  g.pad_top = g.pad_bottom = spatial(4, 0, 0);
  g.pad_left = g.pad_right = is_1d ? 0 : spatial(4, 1, 0);
  g.dilation_h = spatial(5, 0, 1);
  g.dilation_w = is_1d ? 1 : spatial(5, 1, 1);
  g.groups = conv.integer(8);
  ref::Tensor<int8_t> x4 = as<int8_t>(x, "input");
  if (is_1d) {
    const auto& s = x4.shape();
    x4 = as<int8_t>(checks::reshaped(x, {s[0], s[1], s[2], 1}), "input");
    const auto& ws = weight.shape();
    weight = as<int8_t>(checks::reshaped(Value(weight), {ws[0], ws[1], ws[2], 1}), "weight");
  }
  const auto out_channels = static_cast<size_t>(weight.dim(0));
  const double hardsigmoid_factor = tail.kind == "hardsigmoid" ? 1.0 / 6 : 1.0;
  ref::QuantizedConv qc;
  qc.geometry = g;
  qc.input_offset = static_cast<int32_t>(-in_zp);
  qc.output_offset = static_cast<int32_t>(out_zp);
  qc.rounding = kernels.rounding();
  const auto quantize_bound = [&](double bound, int64_t fallback) -> int64_t {
    if (std::isinf(bound)) return fallback;
    return std::min(qmax, std::max(qmin, static_cast<int64_t>(ref::quantize(static_cast<float>(bound), static_cast<float>(out_scale),
                                                                             static_cast<int32_t>(out_zp)))));
  };
  qc.activation_min = static_cast<int32_t>(quantize_bound(tail.lo, qmin));
  qc.activation_max = static_cast<int32_t>(quantize_bound(tail.hi, qmax));
  for (size_t oc = 0; oc < out_channels; ++oc) {
    const auto m = ref::quantize_multiplier(in_scale * w_scales.at(oc) / out_scale);
    qc.multiplier.push_back(m.multiplier);
    qc.shift.push_back(m.shift);
  }
  const ref::Tensor<int64_t> acc = ref::conv2d_accumulators(x4, weight, has_bias ? &bias : nullptr, g, qc.input_offset);
  const ref::QuantizedConvResult integer = ref::requantize_accumulators(acc, qc);

  const std::vector<double> got = logical_values(actual);
  if (tail.kind == "hardsigmoid") {
    result.note = "integer semantics not defined for a hardsigmoid tail; checked against the float simulation only";
  } else {
    const std::string diff = checks::first_difference(actual, checks::reshaped(Value(integer.output), meta_of(actual).shape), false);
    if (!diff.empty()) {
      result.failures.push_back("against the pattern's integer semantics (reference int8 convolution): " + diff);
    }
  }

  // Within the near-tie rule against the float simulation.
  const std::vector<double> sim = logical_values(expected_sim);
  const ref::Tensor<int64_t> acc_contiguous = ref::to_dim_order(acc, ref::contiguous_order(4));
  const std::vector<int64_t>& acc_data = acc_contiguous.data();
  const int64_t per_channel = acc.dim(2) * acc.dim(3);
  // Bound on the float simulation's error, per channel: sum of |w| times the largest |x - zp|.
  int64_t max_x = 0;
  for (const int8_t v : x4.data()) max_x = std::max<int64_t>(max_x, std::llabs(static_cast<int64_t>(v) - in_zp));
  std::vector<double> abs_w(out_channels, 0.0);
  {
    const auto wc = ref::to_dim_order(weight, ref::contiguous_order(4));
    const size_t per_filter = wc.data().size() / out_channels;
    for (size_t i = 0; i < wc.data().size(); ++i) abs_w[i / per_filter] += std::abs(static_cast<double>(wc.data()[i]));
  }
  int64_t differing = 0, outside = 0;
  std::string first_outside;
  for (size_t i = 0; i < got.size(); ++i) {
    if (got[i] == sim[i]) continue;
    ++differing;
    const size_t oc = static_cast<size_t>((static_cast<int64_t>(i) / per_channel) % static_cast<int64_t>(out_channels));
    const double eff = in_scale * w_scales[oc] / out_scale;
    const double y = static_cast<double>(acc_data[i]) * in_scale * w_scales[oc];
    const double v = apply_tail(tail, y) / out_scale + static_cast<double>(out_zp);
    const auto m = ref::quantize_multiplier(eff * hardsigmoid_factor);
    const int right = m.shift < 0 ? -m.shift : 0;
    const double float_error = (abs_w[oc] * static_cast<double>(max_x) * eff * hardsigmoid_factor) * std::ldexp(1.0, -22) +
                               std::fabs(v) * std::ldexp(1.0, -20);
    const double window = (right > 0 ? std::ldexp(1.0, -(right + 1)) : 0.0) + float_error;
    const double frac = v - std::floor(v);
    const bool near_tie = std::fabs(got[i] - sim[i]) == 1 && std::fabs(frac - 0.5) <= window;
    if (!near_tie) {
      ++outside;
      if (first_outside.empty()) {
        std::ostringstream os;
        os.precision(9);
        os << "at " << checks::index_text(meta_of(actual).shape, static_cast<int64_t>(i)) << ": " << got[i]
           << " vs float-simulated " << sim[i] << " (exact value " << v << ", accumulator " << acc_data[i] << ")";
        first_outside = os.str();
      }
    }
  }
  if (outside > 0) {
    result.failures.push_back("against the float-simulated pattern: " + std::to_string(outside) + " of " +
                              std::to_string(got.size()) + " elements differ beyond the near-tie rule; first " + first_outside);
  }
  if (result.note.empty()) {
    result.note = std::to_string(got.size()) + " elements, " + std::to_string(differing) + " at near-ties of the float simulation";
  }
  return result;
}

}  // namespace

CheckReport node_faithfulness(const Graph& original, const Graph& lowered, const Inputs& inputs,
                              const conf::KernelSet& kernels) {
  CheckReport report;
  report.check = "per-node faithfulness (" + kernels.name() + ")";
  ExecutionOptions options;
  options.kernels = &kernels;
  options.record_all = true;
  Execution run;
  try {
    run = execute(lowered, inputs, options);
  } catch (const std::exception& e) {
    report.failures.push_back(std::string("the lowered graph does not run: ") + e.what());
    return report;
  }
  for (const Node& n : lowered.nodes()) {
    if (n.kind != NodeKind::call || !is_lowered_conv(n)) continue;
    ++report.compared;
    try {
      const NodeCheck c = check_conv_node(original, n, run, kernels);
      for (const std::string& f : c.failures) report.failures.push_back("node '" + n.name + "' (" + n.op + ") " + f);
      if (!c.note.empty() && c.failures.empty()) report.notes.push_back("node '" + n.name + "': " + c.note);
    } catch (const std::exception& e) {
      report.failures.push_back("node '" + n.name + "' (" + n.op + "): cannot be paired with its original pattern: " + e.what());
    }
  }
  if (report.compared == 0) report.notes.push_back("the lowered graph has no cortex_m convolution");
  return report;
}

CheckReport end_to_end(const Graph& original, const Graph& lowered, const Inputs& inputs,
                       const conf::KernelSet& kernels, const conf::Compliance& compliance) {
  CheckReport report;
  report.check = "end to end (" + conf::to_string(compliance) + ", " + kernels.name() + ")";
  ExecutionOptions options;
  options.kernels = &kernels;
  options.record_all = true;
  Execution eo, el;
  try {
    eo = execute(original, inputs, options);
    el = execute(lowered, inputs, options);
  } catch (const std::exception& e) {
    report.failures.push_back(std::string("a graph does not run: ") + e.what());
    return report;
  }
  const int64_t allowed = compliance.mode == conf::Compliance::Mode::qtol ? compliance.tolerance
                          : compliance.mode == conf::Compliance::Mode::near_tie ? 1 : 0;
  // Quantization points: lowered cortex_m nodes computing the int8 values of an original
  // quantize_per_tensor (the wrapping views and clones only carry them).
  for (const Node& n : lowered.nodes()) {
    if (n.kind != NodeKind::call || n.op.rfind("cortex_m.", 0) != 0 || n.outputs.size() != 1 ||
        n.meta().dtype != DType::int8) {
      continue;
    }
    for (const std::string& s : n.source) {
      if (!original.has(s) || original.node(s).op != kQuantize) continue;
      const Value& expected = eo.values.at(s).at(0);
      if (meta_of(expected).numel() != n.meta().numel()) {
        report.failures.push_back("'" + n.name + "' names '" + s + "' as its source but has " +
                                  std::to_string(n.meta().numel()) + " elements, not " +
                                  std::to_string(meta_of(expected).numel()));
        continue;
      }
      const Value actual = checks::reshaped(el.values.at(n.name).at(0), shape_of(expected));
      const std::vector<double> a = logical_values(actual), e = logical_values(expected);
      int64_t differing = 0;
      double max_abs = 0;
      for (size_t i = 0; i < a.size(); ++i) {
        const double d = std::fabs(a[i] - e[i]);
        differing += d != 0;
        max_abs = std::max(max_abs, d);
      }
      ++report.compared;
      std::ostringstream os;
      os << "'" << n.name << "' vs original '" << s << "': " << differing << " of " << a.size()
         << " differ, max |difference| " << max_abs;
      if (max_abs > static_cast<double>(allowed)) report.failures.push_back(os.str());
      else report.notes.push_back(os.str());
    }
  }
  for (size_t i = 0; i < el.outputs.size() && i < eo.outputs.size(); ++i) {
    const std::string diff = checks::first_difference(el.outputs[i], eo.outputs[i], false);
    ++report.compared;
    const bool exact_required = compliance.mode == conf::Compliance::Mode::exact;
    if (!diff.empty() && exact_required) report.failures.push_back("output " + std::to_string(i) + " " + diff);
    else report.notes.push_back("output " + std::to_string(i) + (diff.empty() ? " identical" : " " + diff));
  }
  return report;
}

}  // namespace lower
