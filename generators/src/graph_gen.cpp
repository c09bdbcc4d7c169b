#include "gens/graph_gen.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "lower/builder.h"

namespace gens {

namespace {

const char* kind_text(LayerKind kind) {
  switch (kind) {
    case LayerKind::dense: return "dense";
    case LayerKind::depthwise: return "depthwise";
    case LayerKind::grouped: return "grouped";
  }
  return "?";
}

const char* tail_text(TailKind tail) {
  switch (tail) {
    case TailKind::none: return "none";
    case TailKind::relu_saturating: return "relu(zp=qmin)";
    case TailKind::relu_unfusable: return "relu(zp>qmin)";
    case TailKind::hardtanh_saturating: return "hardtanh(saturating)";
    case TailKind::clamp_unfusable: return "clamp(not saturating)";
    case TailKind::hardsigmoid_exact: return "hardsigmoid(scale 1/254)";
    case TailKind::hardsigmoid_inexact: return "hardsigmoid(scale 1/255)";
  }
  return "?";
}

rc::Gen<LayerSpec> layer() {
  return rc::gen::exec([] {
    LayerSpec l;
    l.kind = *rc::gen::element(LayerKind::dense, LayerKind::depthwise, LayerKind::grouped);
    l.out_channels = *rc::gen::inRange<int64_t>(1, 17);
    l.multiplier = *rc::gen::inRange<int64_t>(1, 5);
    l.groups = *rc::gen::inRange<int64_t>(2, 5);
    l.kernel = *rc::gen::inRange<int64_t>(1, 8);
    l.kernel_w = *rc::gen::inRange<int64_t>(1, 4);
    l.stride = *rc::gen::inRange<int64_t>(1, 4);
    l.padding = *rc::gen::inRange<int64_t>(0, 4);
    l.dilation = *rc::gen::inRange<int64_t>(1, 3);
    l.bias = *rc::gen::arbitrary<bool>();
    l.tail = *rc::gen::element(TailKind::none, TailKind::relu_saturating, TailKind::relu_unfusable,
                               TailKind::hardtanh_saturating, TailKind::clamp_unfusable, TailKind::hardsigmoid_exact,
                               TailKind::hardsigmoid_inexact);
    l.also_output = *rc::gen::weightedOneOf<bool>({{1, rc::gen::just(true)}, {4, rc::gen::just(false)}});
    l.scale_step = *rc::gen::inRange<int64_t>(-2, 3);
    l.seed = *rc::gen::inRange<uint64_t>(0, 1000);
    return l;
  });
}

// The kernel extent fitted to the padded input: shrink the dilation, then the kernel.
void fit(int64_t input, int64_t padding, int64_t& kernel, int64_t& dilation) {
  while (dilation * (kernel - 1) + 1 > input + 2 * padding) {
    if (dilation > 1) --dilation;
    else --kernel;
  }
}

}  // namespace

bool lowerable(TailKind tail) {
  return tail != TailKind::relu_unfusable && tail != TailKind::clamp_unfusable && tail != TailKind::hardsigmoid_inexact;
}

std::ostream& operator<<(std::ostream& os, const LayerSpec& l) {
  os << kind_text(l.kind);
  switch (l.kind) {
    case LayerKind::dense: os << " out=" << l.out_channels; break;
    case LayerKind::depthwise: os << " multiplier=" << l.multiplier; break;
    case LayerKind::grouped: os << " groups=" << l.groups << " out=" << l.out_channels; break;
  }
  os << " k=" << l.kernel << "x" << l.kernel_w << " s=" << l.stride << " p=" << l.padding << " d=" << l.dilation
     << " bias=" << (l.bias ? "yes" : "no") << " tail=" << tail_text(l.tail) << (l.also_output ? " +output" : "")
     << " scale_step=" << l.scale_step << " seed=" << l.seed;
  return os;
}

std::ostream& operator<<(std::ostream& os, const GraphSpec& s) {
  os << (s.two_d ? "2-D" : "1-D") << " batch=" << s.batch << " channels=" << s.channels << " length=" << s.length;
  if (s.two_d) os << " width=" << s.width << (s.channels_last_input ? " channels-last input" : " contiguous input");
  os << ", input seed " << s.input_seed << ", " << s.layers.size()
     << " layers (kernel, padding, groups fitted to the tensor reaching each layer):\n";
  for (size_t i = 0; i < s.layers.size(); ++i) os << "  l" << i << ": " << s.layers[i] << "\n";
  return os;
}

rc::Gen<GraphSpec> graph_spec() {
  return rc::gen::exec([] {
    GraphSpec s;
    s.two_d = *rc::gen::arbitrary<bool>();
    s.channels_last_input = s.two_d && *rc::gen::arbitrary<bool>();
    s.batch = *rc::gen::weightedOneOf<int64_t>({{3, rc::gen::just<int64_t>(1)}, {1, rc::gen::inRange<int64_t>(2, 4)}});
    s.channels = *rc::gen::inRange<int64_t>(1, 9);
    s.length = *rc::gen::inRange<int64_t>(1, s.two_d ? 12 : 40);
    s.width = s.two_d ? *rc::gen::inRange<int64_t>(1, 12) : 1;
    const int count = *rc::gen::inRange(1, 6);
    s.layers = *rc::gen::container<std::vector<LayerSpec>>(static_cast<size_t>(count), layer());
    s.input_seed = *rc::gen::inRange<uint64_t>(0, 1000000);
    return s;
  });
}

lower::Graph build_graph(const GraphSpec& spec) {
  using lower::DType;
  lower::GraphBuilder b("random");
  ref::Shape shape = spec.two_d ? ref::Shape{spec.batch, spec.channels, spec.length, spec.width}
                                : ref::Shape{spec.batch, spec.channels, spec.length};
  const ref::DimOrder order = spec.channels_last_input ? ref::channels_last_order(4) : ref::DimOrder{};
  const std::string x = b.input("x", shape, DType::float32, order);
  // Inputs are multiples of 1/16 in [-8, 8): this quantization represents them exactly.
  lower::QParams q{1.0 / 16, 0, -128, 127};
  std::string current = b.quantize(x, q, "x_q");
  int64_t channels = spec.channels, length = spec.length, width = spec.two_d ? spec.width : 1;
  for (size_t i = 0; i < spec.layers.size(); ++i) {
    const LayerSpec& l = spec.layers[i];
    lower::ConvSpec c;
    int64_t k = l.kernel, kw = spec.two_d ? l.kernel_w : 1, d = l.dilation, dw = l.dilation;
    const int64_t p = std::min(l.padding, k - 1 > 0 ? k - 1 : 0);
    fit(length, p, k, d);
    const int64_t pw = spec.two_d ? std::min(l.padding, kw - 1) : 0;
    if (spec.two_d) fit(width, pw, kw, dw);
    int64_t groups = 1, out = l.out_channels;
    if (l.kind == LayerKind::depthwise) {
      groups = channels;
      out = channels * l.multiplier;
    } else if (l.kind == LayerKind::grouped) {
      groups = 1;
      for (int64_t g = std::min(l.groups, channels); g >= 2; --g) {
        if (channels % g == 0) {
          groups = g;
          break;
        }
      }
      out = groups * ((l.out_channels + groups - 1) / groups);
    }
    c.out_channels = out;
    c.groups = groups;
    c.kernel = spec.two_d ? std::vector<int64_t>{k, kw} : std::vector<int64_t>{k};
    c.stride = spec.two_d ? std::vector<int64_t>{l.stride, l.stride} : std::vector<int64_t>{l.stride};
    c.padding = spec.two_d ? std::vector<int64_t>{p, pw} : std::vector<int64_t>{p};
    c.dilation = spec.two_d ? std::vector<int64_t>{d, dw} : std::vector<int64_t>{d};
    c.bias = l.bias;
    c.weight = lower::DataRecipe{l.seed * 2 + 1, "uniform", -127, 127, 1.0};
    c.bias_values = lower::DataRecipe{l.seed * 2 + 2, "uniform", -3000, 3000, 1.0};
    c.weight_scales.clear();
    for (int64_t oc = 0; oc < out; ++oc) c.weight_scales.push_back((1.0 + static_cast<double>((oc * 7 + static_cast<int64_t>(l.seed)) % 5) / 4.0) / 128.0);
    // Output scale: the typical magnitude of the layer's real output spread over ~50 steps.
    const double fan_in = static_cast<double>((channels / groups) * k * kw);
    const double typical = std::sqrt(fan_in) * 70.0 * 40.0 * q.scale * (1.5 / 128.0);
    const double out_scale = typical / 50.0 * std::pow(2.0, static_cast<double>(l.scale_step) / 2.0);
    c.output = lower::QParams{out_scale, static_cast<int64_t>(l.seed % 21) - 10, -128, 127};
    switch (l.tail) {
      case TailKind::none: break;
      case TailKind::relu_saturating:
        c.tail = ref::ActivationTail::relu;
        c.output.zero_point = -128;
        break;
      case TailKind::relu_unfusable:
        c.tail = ref::ActivationTail::relu;
        c.output.zero_point = -100;
        break;
      case TailKind::hardtanh_saturating:
        c.tail = ref::ActivationTail::hardtanh;
        c.output.zero_point = 0;
        c.tail_min = -128 * out_scale;
        c.tail_max = 127 * out_scale;
        break;
      case TailKind::clamp_unfusable:
        c.tail = ref::ActivationTail::clamp;
        c.output.zero_point = 0;
        c.tail_min = -50.3 * out_scale;
        c.tail_max = 60 * out_scale;
        break;
      case TailKind::hardsigmoid_exact:
        c.tail = ref::ActivationTail::hardsigmoid;
        c.output = lower::QParams{1.0 / 254, -127, -127, 127};
        break;
      case TailKind::hardsigmoid_inexact:
        c.tail = ref::ActivationTail::hardsigmoid;
        c.output = lower::QParams{1.0 / 255, -128, -128, 127};
        break;
    }
    current = b.quantized_conv(current, q, c, "l" + std::to_string(i));
    q = c.output;
    if (l.also_output) b.output(b.dequantize(current, q, "l" + std::to_string(i) + "_out"));
    length = (length + 2 * p - d * (k - 1) - 1) / l.stride + 1;
    width = spec.two_d ? (width + 2 * pw - dw * (kw - 1) - 1) / l.stride + 1 : 1;
    channels = out;
  }
  b.output(b.dequantize(current, q, "y"));
  return b.build();
}

}  // namespace gens
