// fuse_activations: convolution -> {relu, hardtanh, clamp, hardsigmoid} -> quantize_per_tensor.
//
// The activation is redundant when the output quantization saturates exactly at its bounds
// (ExecuTorch's ActivationFusionPass rule): quantize(bound_min) == quant_min and
// quantize(bound_max) == quant_max. Quantization is monotone, so every input below the lower
// bound already quantizes to quant_min without the activation, and likewise above. The
// activation is then removed and the quantize reads the convolution; the lowering turns the
// quantize's [quant_min, quant_max] into the kernel's activation range.
//
// hardsigmoid is x / 6 + 1/2 clamped to [0, 1]: without it, the quantize must take
// scale * 6 and zero point zp + 1 / (2 * scale). That is exact only when 1 / (2 * scale) is
// an integer; ExecuTorch rounds it, which shifts every output by up to half an LSB, so we
// refuse instead.
#include <cmath>
#include <limits>
#include <unordered_map>

#include "lower/passes.h"
#include "pass_util.h"

namespace lower {

namespace {

using namespace passes;

struct OutputQuant {
  double scale;
  int64_t zero_point, qmin, qmax;
};

// quantized_decomposed.quantize_per_tensor of one value, in its float32 arithmetic.
int64_t quantize_value(double v, const OutputQuant& q) {
  if (std::isinf(v)) return v < 0 ? q.qmin : q.qmax;
  const float inverse = 1.0f / static_cast<float>(q.scale);
  const float rounded = std::nearbyint(static_cast<float>(v) * inverse);
  const double shifted = static_cast<double>(rounded) + static_cast<double>(q.zero_point);
  return static_cast<int64_t>(std::min(std::max(shifted, static_cast<double>(q.qmin)), static_cast<double>(q.qmax)));
}

struct Fusion {
  std::string activation;         // old node removed
  std::string quantize;           // old quantize node, now reading the convolution
  std::optional<double> scale;    // hardsigmoid: the quantize's new scale
  std::optional<int64_t> zero_point;
};

// The activation's output bounds; nullopt when the node is not one we fuse.
std::optional<std::pair<double, double>> activation_bounds(const Node& act) {
  constexpr double inf = std::numeric_limits<double>::infinity();
  const auto args = call_args(act);
  if (!args) return std::nullopt;
  if (act.op == "aten.relu.default") return std::make_pair(0.0, inf);
  if (act.op == "aten.hardsigmoid.default") return std::make_pair(0.0, 1.0);
  if (act.op == "aten.hardtanh.default") return std::make_pair(args->real(1), args->real(2));
  if (act.op == "aten.clamp.default") {
    return std::make_pair(args->is_none(1) ? -inf : args->real(1), args->is_none(2) ? inf : args->real(2));
  }
  return std::nullopt;
}

std::optional<Fusion> match(const Graph& g, const Users& users, const Node& conv) {
  if (!is_call(conv, kConvolution)) return std::nullopt;
  const auto act_name = single_user(users, conv.name);
  if (!act_name) return std::nullopt;
  const Node& act = g.node(*act_name);
  if (first_input(act) != conv.name) return std::nullopt;
  const auto bounds = activation_bounds(act);
  if (!bounds) return std::nullopt;
  const auto q_name = single_user(users, act.name);
  if (!q_name) return std::nullopt;
  const Node& q = g.node(*q_name);
  if (!is_call(q, kQuantize) || first_input(q) != act.name) return std::nullopt;
  const auto qa = call_args(q);
  if (!qa || !names_dtype(qa->string(5), "int8")) return std::nullopt;
  const OutputQuant oq{qa->real(1), qa->integer(2), qa->integer(3), qa->integer(4)};
  if (!(oq.scale > 0)) return std::nullopt;
  // The exact-saturation rule.
  if (quantize_value(bounds->first, oq) != oq.qmin || quantize_value(bounds->second, oq) != oq.qmax) return std::nullopt;

  Fusion f{act.name, q.name, std::nullopt, std::nullopt};
  if (act.op == "aten.hardsigmoid.default") {
    const double half_inverse = 1.0 / (2.0 * oq.scale);
    const double k = std::round(half_inverse);
    if (std::fabs(half_inverse - k) > 1e-6 * std::fabs(half_inverse)) return std::nullopt;  // see the file comment
    const int64_t zp = oq.zero_point + static_cast<int64_t>(k);
    if (zp < oq.qmin || zp > oq.qmax) return std::nullopt;
    f.scale = oq.scale * 6.0;
    f.zero_point = zp;
  }
  return f;
}

Graph fuse_activations(const Graph& g) {
  const Users users = users_of(g);
  std::unordered_map<std::string, Fusion> by_quantize;
  std::unordered_map<std::string, bool> removed;
  for (const Node& n : g.nodes()) {
    std::optional<Fusion> f;
    try {
      f = match(g, users, n);
    } catch (const IrError&) {
      f.reset();  // malformed arguments: not our pattern; the verifier reports them
    }
    if (!f) continue;
    removed[f->activation] = true;
    by_quantize.emplace(f->quantize, *f);
  }
  if (by_quantize.empty()) return g;

  Rewriter rw(g);
  for (const Node& n : g.nodes()) {
    if (removed.count(n.name)) continue;
    const auto it = by_quantize.find(n.name);
    if (it == by_quantize.end()) {
      rw.keep(n);
      continue;
    }
    const Fusion& f = it->second;
    const Node& act = g.node(f.activation);
    Node q = n;
    q.args[0] = NodeRef{first_input(act)};  // the convolution (old name; keep() remaps it)
    if (f.scale) {
      q.args[1] = *f.scale;
      q.args[2] = *f.zero_point;
      if (q.outputs[0].quant) q.outputs[0].quant = QuantMeta{{*f.scale}, {*f.zero_point}, -1};
    }
    q.source = source_of(n);
    merge_source(q.source, source_of(act));
    rw.keep(q);
  }
  return rw.finish();
}

}  // namespace

Pass fuse_activations_pass() { return Pass{"fuse_activations", false, fuse_activations}; }

}  // namespace lower
