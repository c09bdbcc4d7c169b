// lower_conv1d and convert_conv2d: the quantized convolution pattern to cortex_m ops.
//
//   x (int8) -> dequantize_per_tensor -> convolution(., dequantize_per_channel(w int8),
//               [dequantize_per_channel(b int32)]) -> quantize_per_tensor
//
// (no activation left between: fuse_activations removed the ones the output quantization
// makes redundant; a convolution followed by anything else is not lowered).
//
// Everything the kernels need is computed here, ahead of time and independently of the
// reference: weights permuted to OHWI (conv) or IHWO (depthwise), per-channel multipliers and
// shifts, the int32 bias, offsets and the activation range.
#include <cmath>
#include <limits>
#include <unordered_map>

#include "lower/passes.h"
#include "lower/verifier.h"
#include "pass_util.h"

namespace lower {

std::string depthwise_refusal(int64_t batch, int64_t in_channels, int64_t out_channels, int64_t groups) {
  const auto s = [](int64_t v) { return std::to_string(v); };
  if (groups != in_channels) {
    return "groups (" + s(groups) + ") != in_channels (" + s(in_channels) + ")" +
           (groups == 1 ? ": a dense convolution" : ": a grouped convolution that is not depthwise");
  }
  if (in_channels < 1 || out_channels % in_channels != 0) {
    return "out_channels (" + s(out_channels) + ") is not a multiple of in_channels (" + s(in_channels) + ")";
  }
  if (batch != 1) return "batch " + s(batch) + " != 1: the depthwise kernels take one batch; lowered as grouped conv2d";
  return "";
}

std::optional<RequantMultiplier> requant_multiplier(double scale) {
  if (!std::isfinite(scale) || scale <= 0 || scale >= 1073741824.0 /* 2^30 */) return std::nullopt;
  int e = 0;
  const double q = std::frexp(scale, &e);  // scale = q * 2^e, q in [0.5, 1)
  auto m = static_cast<int64_t>(std::round(q * 2147483648.0));  // std::round: half away from zero
  if (m == (int64_t{1} << 31)) {
    m /= 2;
    e += 1;
  }
  if (e < -31) {
    m = 0;
    e = 0;
  }
  return RequantMultiplier{static_cast<int32_t>(m), static_cast<int32_t>(e)};
}

namespace {

using namespace passes;

const ref::DimOrder kChannelsLast{0, 2, 3, 1};

bool relative_equal(double a, double b, double tolerance = 1e-6) {
  return std::fabs(a - b) <= tolerance * std::max(std::fabs(a), std::fabs(b));
}

// One matched layer, with everything the cortex_m op needs.
struct ConvMatch {
  const Node* dq = nullptr;    // dequantize_per_tensor of x
  const Node* conv = nullptr;  // aten.convolution
  const Node* q = nullptr;     // quantize_per_tensor of the output
  const Node* weight = nullptr;
  const Node* bias = nullptr;  // the int32 constant, or null
  std::string x;               // old name of the int8 input
  TensorMeta x_meta;
  int64_t batch = 1, channels = 1, out_channels = 1, groups = 1;
  std::vector<int64_t> kernel, stride, padding, dilation;  // per spatial dim
  std::vector<int32_t> multipliers, shifts, bias_values;
  int64_t input_offset = 0, output_offset = 0, act_min = -128, act_max = 127;
  std::string refusal;  // why not depthwise ("" when depthwise)
};

bool all_zero(const std::vector<int64_t>& v) {
  for (int64_t x : v) {
    if (x != 0) return false;
  }
  return true;
}

std::vector<int64_t> per_dim(std::vector<int64_t> v, size_t rank) {
  if (v.size() == 1 && rank > 1) v.assign(rank, v[0]);
  return v;
}

// The pattern ending at `conv` with a spatial rank of `spatial` (1 or 2), or nullopt.
// Throws IrError for malformed arguments (the caller treats that as no match).
std::optional<ConvMatch> match(const Graph& g, const Users& users, const Node& conv, size_t spatial) {
  if (!is_call(conv, kConvolution)) return std::nullopt;
  const auto ca = call_args(conv);
  if (!ca || ca->boolean(6) || !all_zero(ca->ints(7))) return std::nullopt;  // transposed
  ConvMatch m;
  m.conv = &conv;

  // Input: dequantize_per_tensor of an int8 (N, C, spatial...) tensor.
  m.dq = &g.node(ca->tensor(0));
  if (!is_call(*m.dq, kDequantize)) return std::nullopt;
  const auto da = call_args(*m.dq);
  if (!da || !names_dtype(da->string(5), "int8")) return std::nullopt;
  m.x = da->tensor(0);
  const TensorMeta* xm = single_meta(g.node(m.x));
  if (!xm || xm->dtype != DType::int8 || xm->shape.size() != spatial + 2) return std::nullopt;
  m.x_meta = *xm;
  m.batch = xm->shape[0];
  m.channels = xm->shape[1];
  const double in_scale = da->real(1);
  const int64_t in_zp = da->integer(2);
  m.input_offset = -in_zp;

  // Output: the convolution's single user quantizes it to int8.
  const auto q_name = single_user(users, conv.name);
  if (!q_name) return std::nullopt;
  m.q = &g.node(*q_name);
  if (!is_call(*m.q, kQuantize) || first_input(*m.q) != conv.name) return std::nullopt;
  const auto qa = call_args(*m.q);
  if (!qa || !names_dtype(qa->string(5), "int8")) return std::nullopt;
  const double out_scale = qa->real(1);
  m.output_offset = qa->integer(2);
  m.act_min = qa->integer(3);
  m.act_max = qa->integer(4);
  if (m.act_min < -128 || m.act_max > 127 || m.act_min > m.act_max) return std::nullopt;

  // Weight: per-channel (axis 0) dequantize of an int8 constant, zero points 0.
  const Node& wdq = g.node(ca->tensor(1));
  if (!is_call(wdq, kDequantizePerChannel)) return std::nullopt;
  const auto wa = call_args(wdq);
  if (!wa || !names_dtype(wa->string(6), "int8") || wa->integer(3) != 0 || !all_zero(wa->ints(2))) return std::nullopt;
  m.weight = &g.node(wa->tensor(0));
  const TensorMeta* wm = single_meta(*m.weight);
  if (m.weight->kind != NodeKind::constant || !m.weight->data || !wm || wm->dtype != DType::int8 ||
      wm->shape.size() != spatial + 2 || !std::holds_alternative<std::vector<int8_t>>(*m.weight->data)) {
    return std::nullopt;
  }
  m.out_channels = wm->shape[0];
  m.groups = ca->integer(8);
  if (m.groups < 1 || m.channels % m.groups != 0 || m.out_channels % m.groups != 0 ||
      wm->shape[1] != m.channels / m.groups) {
    return std::nullopt;
  }
  m.kernel.assign(wm->shape.begin() + 2, wm->shape.end());
  m.stride = per_dim(ca->ints(3), spatial);
  m.padding = per_dim(ca->ints(4), spatial);
  m.dilation = per_dim(ca->ints(5), spatial);
  if (m.stride.size() != spatial || m.padding.size() != spatial || m.dilation.size() != spatial) return std::nullopt;
  const std::vector<double> w_scales = wa->reals(1);
  if (w_scales.size() != static_cast<size_t>(m.out_channels)) return std::nullopt;

  // Per-channel multipliers and shifts: s = in_scale * w_scale[oc] / out_scale.
  for (double ws : w_scales) {
    const auto rm = requant_multiplier(in_scale * ws / out_scale);
    if (!rm) return std::nullopt;
    m.multipliers.push_back(rm->multiplier);
    m.shifts.push_back(rm->shift);
  }

  // Bias: the int32 constant's values, when its dequantize says scale in_scale * w_scale, zp 0.
  if (!ca->is_none(2)) {
    const Node& bdq = g.node(ca->tensor(2));
    if (!is_call(bdq, kDequantizePerChannel)) return std::nullopt;
    const auto ba = call_args(bdq);
    if (!ba || !names_dtype(ba->string(6), "int32") || ba->integer(3) != 0 || !all_zero(ba->ints(2))) return std::nullopt;
    const std::vector<double> b_scales = ba->reals(1);
    if (b_scales.size() != w_scales.size()) return std::nullopt;
    for (size_t oc = 0; oc < w_scales.size(); ++oc) {
      if (!relative_equal(b_scales[oc], in_scale * w_scales[oc])) return std::nullopt;
    }
    m.bias = &g.node(ba->tensor(0));
    const TensorMeta* bm = single_meta(*m.bias);
    if (m.bias->kind != NodeKind::constant || !m.bias->data || !bm || bm->dtype != DType::int32 ||
        bm->shape != ref::Shape{m.out_channels} || !std::holds_alternative<std::vector<int32_t>>(*m.bias->data)) {
      return std::nullopt;
    }
    m.bias_values = std::get<std::vector<int32_t>>(*m.bias->data);
  }
  m.refusal = depthwise_refusal(m.batch, m.channels, m.out_channels, m.groups);
  return m;
}

// The weight from logical OIHW (OIK for conv1d: W = 1) to OHWI, or to IHWO for depthwise.
std::vector<int8_t> permute_weight(const std::vector<int8_t>& oihw, int64_t out, int64_t in, int64_t kh, int64_t kw,
                                   bool depthwise) {
  std::vector<int8_t> result(oihw.size());
  for (int64_t o = 0; o < out; ++o) {
    for (int64_t i = 0; i < in; ++i) {
      for (int64_t h = 0; h < kh; ++h) {
        for (int64_t w = 0; w < kw; ++w) {
          const int64_t from = ((o * in + i) * kh + h) * kw + w;
          // IHWO: [1, kh, kw, out] (in == 1); OHWI: [out, kh, kw, in].
          const int64_t to = depthwise ? (h * kw + w) * out + o : ((o * kh + h) * kw + w) * in + i;
          result[static_cast<size_t>(to)] = oihw[static_cast<size_t>(from)];
        }
      }
    }
  }
  return result;
}

TensorMeta contiguous_meta(DType dtype, ref::Shape shape) {
  TensorMeta meta;
  meta.dtype = dtype;
  meta.dim_order = ref::contiguous_order(shape.size());
  meta.shape = std::move(shape);
  return meta;
}

std::vector<int64_t> as_int64(const std::vector<int>& order) { return std::vector<int64_t>(order.begin(), order.end()); }

// Emits the cortex_m replacement of a match into the new graph; returns the node whose value
// stands for the old quantize's. Throws IrError when an op refuses (nothing is replaced then).
std::string emit(Rewriter& rw, const ConvMatch& m, size_t spatial) {
  const std::string base = m.conv->name;
  std::vector<std::string> source = source_of(*m.dq);
  merge_source(source, source_of(*m.conv));
  merge_source(source, source_of(*m.q));
  const bool depthwise = m.refusal.empty();
  const int64_t kh = m.kernel[0], kw = spatial == 2 ? m.kernel[1] : 1;
  const auto dim2 = [&](const std::vector<int64_t>& v, int64_t w_value) {
    return std::vector<int64_t>{v[0], spatial == 2 ? v[1] : w_value};
  };

  // The 4-D, channels-last input.
  std::string x = rw.mapped(m.x);
  if (spatial == 1) {
    const int64_t length = m.x_meta.shape[2];
    x = rw.add_call(kViewCopy, {NodeRef{x}, std::vector<int64_t>{m.batch, m.channels, length, 1}}, base + ".to_4d", source);
  }
  const TensorMeta& x4 = rw.current().node(x).meta();
  if (!same_bytes(x4.shape, x4.dim_order, kChannelsLast)) {
    x = rw.add_call(kCloneDimOrder, {NodeRef{x}, false, as_int64(kChannelsLast)}, base + ".to_nhwc", source);
  }

  // Constants.
  const int64_t in_per_group = m.channels / m.groups;
  const auto& oihw = std::get<std::vector<int8_t>>(*m.weight->data);
  const ref::Shape w_shape = depthwise ? ref::Shape{1, kh, kw, m.out_channels} : ref::Shape{m.out_channels, kh, kw, in_per_group};
  Node w;
  w.kind = NodeKind::constant;
  w.name = base + (depthwise ? ".w_ihwo" : ".w_ohwi");
  w.outputs.push_back(contiguous_meta(DType::int8, w_shape));
  w.data = permute_weight(oihw, m.out_channels, in_per_group, kh, kw, depthwise);
  w.source = source_of(*m.weight);
  const std::string weight = rw.add(std::move(w));

  const auto int32_constant = [&](const std::string& suffix, std::vector<int32_t> values, std::vector<std::string> src) {
    Node c;
    c.kind = NodeKind::constant;
    c.name = base + suffix;
    c.outputs.push_back(contiguous_meta(DType::int32, {m.out_channels}));
    c.data = std::move(values);
    c.source = std::move(src);
    return rw.add(std::move(c));
  };
  Arg bias = None{};
  if (m.bias) {
    bias = NodeRef{int32_constant(".bias", m.bias_values, source_of(*m.bias))};
  } else if (depthwise) {
    // The depthwise kernels are given a bias buffer always (a zero one when there is none).
    bias = NodeRef{int32_constant(".zero_bias", std::vector<int32_t>(static_cast<size_t>(m.out_channels), 0), source)};
  }
  const std::string multipliers = int32_constant(".multipliers", m.multipliers, source);
  const std::string shifts = int32_constant(".shifts", m.shifts, source);

  std::vector<Arg> args{NodeRef{x}, NodeRef{weight}, bias, dim2(m.stride, 1), dim2(m.padding, 0), dim2(m.dilation, 1)};
  if (depthwise) args.emplace_back(m.out_channels / m.channels);  // depth_multiplier
  args.emplace_back(m.input_offset);
  args.emplace_back(m.output_offset);
  args.emplace_back(NodeRef{multipliers});
  args.emplace_back(NodeRef{shifts});
  args.emplace_back(m.act_min);
  args.emplace_back(m.act_max);
  std::string y = rw.add_call(depthwise ? kCortexDepthwise : kCortexConv, std::move(args),
                              base + (depthwise ? ".dwconv" : ".qconv"), source);

  // Back to the layout the old quantize had, so its users read what they read before.
  const TensorMeta& old_out = m.q->meta();
  if (spatial == 1) {
    y = rw.add_call(kCloneDimOrder, {NodeRef{y}, false, as_int64(ref::contiguous_order(4))}, base + ".to_nchw", source);
    y = rw.add_call(kViewCopy, {NodeRef{y}, old_out.shape}, base + ".to_3d", source);
  }
  if (rw.current().node(y).meta().dim_order != old_out.dim_order) {
    y = rw.add_call(kCloneDimOrder, {NodeRef{y}, false, as_int64(old_out.dim_order)}, base + ".restore_order", source);
  }
  const TensorMeta& new_out = rw.current().node(y).meta();
  if (!new_out.same_layout(old_out)) {
    throw IrError("lowering '" + base + "' gives " + describe(new_out) + " where the graph had " + describe(old_out));
  }
  return y;
}

Graph lower_convolutions(const Graph& g, size_t spatial) {
  const Users users = users_of(g);
  std::unordered_map<std::string, ConvMatch> by_conv;
  std::unordered_map<std::string, std::string> conv_of_quantize;
  for (const Node& n : g.nodes()) {
    std::optional<ConvMatch> m;
    try {
      m = match(g, users, n, spatial);
    } catch (const IrError&) {
      m.reset();
    }
    if (!m) continue;
    conv_of_quantize[m->q->name] = n.name;
    by_conv.emplace(n.name, std::move(*m));
  }
  if (by_conv.empty()) return g;

  Rewriter rw(g);
  std::unordered_map<std::string, bool> lowered;
  for (const Node& n : g.nodes()) {
    if (const auto it = by_conv.find(n.name); it != by_conv.end()) {
      try {
        const std::string y = emit(rw, it->second, spatial);
        rw.replace(it->second.q->name, y);
        lowered[n.name] = true;
      } catch (const IrError&) {
        rw.keep(n);  // an op refused the replacement: leave the layer as it was (dead nodes go in finish)
      }
      continue;
    }
    if (const auto it = conv_of_quantize.find(n.name); it != conv_of_quantize.end() && lowered.count(it->second)) {
      continue;  // replaced when its convolution was visited
    }
    rw.keep(n);
  }
  return rw.finish();
}

}  // namespace

Pass lower_conv1d_pass() {
  return Pass{"lower_conv1d", false, [](const Graph& g) { return lower_convolutions(g, 1); }};
}

Pass convert_conv2d_pass() {
  return Pass{"convert_conv2d", false, [](const Graph& g) { return lower_convolutions(g, 2); }};
}

}  // namespace lower
