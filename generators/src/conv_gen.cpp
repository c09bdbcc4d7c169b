#include <algorithm>
#include <cmath>

#include "conf/recipe.h"
#include "conf/requant_choice.h"
#include "gens/conv_gen.h"
#include "ref/quant.h"

namespace gens {

using conf::ConvCase;
using conf::ConvKind;
namespace gen = rc::gen;

const char* family_name(Family family) {
  switch (family) {
    case Family::conv_1x1: return "conv_1x1";
    case Family::conv_1x1_strided: return "conv_1x1_strided";
    case Family::conv_1xn: return "conv_1xn";
    case Family::conv_nx1: return "conv_nx1";
    case Family::conv_generic: return "conv_generic";
    case Family::conv_any: return "conv_any";
    case Family::depthwise_3x3: return "depthwise_3x3";
    case Family::depthwise_mult1: return "depthwise_mult1";
    case Family::depthwise_generic: return "depthwise_generic";
    case Family::depthwise_single_channel: return "depthwise_single_channel";
    case Family::depthwise_any: return "depthwise_any";
  }
  return "?";
}

namespace {

// Uniform over [lo, hi], growing with rapidcheck's size like every sized generator (so
// early cases and shrunk cases are small).
rc::Gen<int32_t> in(int32_t lo, int32_t hi) { return gen::inRange<int32_t>(lo, hi + 1); }

// Uniform over [lo, hi] at any size: data must use the full int8 range from the first case.
rc::Gen<int32_t> full(int32_t lo, int32_t hi) { return gen::resize(100, gen::inRange<int32_t>(lo, hi + 1)); }

// 0, -1, 1, -2, 2, ... for u = 0, 1, 2, 3, 4, ...
int32_t zigzag(int32_t u) { return u % 2 ? -(u + 1) / 2 : u / 2; }

// Uniform over [lo, hi] (lo <= 0 <= hi), shrinking toward 0 so counterexamples read well.
// `sized` lets the range grow with rapidcheck's size; otherwise the full range from the start.
rc::Gen<int32_t> toward_zero(int32_t lo, int32_t hi, bool sized) {
  const int32_t reach = std::max(-lo, hi);
  auto u = sized ? in(0, 2 * reach) : full(0, 2 * reach);
  return gen::map(u, [lo, hi](int32_t v) { return std::clamp(zigzag(v), lo, hi); });
}

// Every int8 value alike, shrinking toward 0.
rc::Gen<int8_t> int8_value() {
  return gen::map(full(0, 255), [](int32_t u) { return static_cast<int8_t>(zigzag(u)); });
}

// Channel counts from 1 to a few hundred, crossing the SIMD block multiples 4, 8, 16, 124.
rc::Gen<int32_t> channel_count() {
  return gen::weightedOneOf<int32_t>({
      {5, in(1, 8)},
      {4, gen::element<int32_t>(3, 4, 5, 7, 8, 9, 12, 15, 16, 17, 23, 24, 25, 31, 32, 33, 47, 48, 49, 63, 64, 65)},
      {1, gen::element<int32_t>(120, 123, 124, 125, 127, 128, 129, 248, 250, 256, 300)},
      {1, in(1, 300)},
  });
}

rc::Gen<int32_t> batch_size() { return gen::weightedElement<int32_t>({{6, 1}, {2, 2}, {1, 3}, {1, 4}}); }

rc::Gen<int32_t> kernel_size() { return gen::weightedOneOf<int32_t>({{6, in(1, 5)}, {1, in(1, 11)}}); }

// Padding before/after on one axis, up to the kernel extent, independently (asymmetric).
rc::Gen<int32_t> padding(int32_t extent) {
  return gen::weightedOneOf<int32_t>({{3, gen::just<int32_t>(0)}, {2, gen::just<int32_t>(extent / 2)}, {3, in(0, extent)}});
}

struct AxisChoice {
  int32_t kernel, stride, dilation, pad_before, pad_after;
};

// Picks the output size within `max_out`, then the input size that yields it (so every
// geometry is valid by construction), within max_spatial.
void size_axis(const AxisChoice& a, int32_t max_out, int32_t max_spatial, int32_t& in_size) {
  const int32_t extent = a.dilation * (a.kernel - 1) + 1;
  const int32_t out = *in(1, std::max(1, max_out));
  const int32_t slack = *in(0, a.stride - 1);
  const int32_t wanted = (out - 1) * a.stride + extent - a.pad_before - a.pad_after + slack;
  // The padded input must hold one kernel extent.
  const int32_t minimum = std::max(1, extent - a.pad_before - a.pad_after);
  in_size = std::clamp(wanted, minimum, std::max(minimum, max_spatial));
}

int32_t isqrt_floor(int64_t v) { return static_cast<int32_t>(std::sqrt(static_cast<double>(std::max<int64_t>(1, v)))); }

ConvCase draw_geometry(Family family, const Budget& budget) {
  if (family == Family::conv_any) {
    family = *gen::element(Family::conv_1x1, Family::conv_1x1_strided, Family::conv_1xn, Family::conv_nx1,
                           Family::conv_generic);
  } else if (family == Family::depthwise_any) {
    family = *gen::element(Family::depthwise_3x3, Family::depthwise_mult1, Family::depthwise_generic,
                           Family::depthwise_single_channel);
  }
  ConvCase c;
  c.batch = *batch_size();
  const bool depthwise = family >= Family::depthwise_3x3;
  c.kind = depthwise ? ConvKind::depthwise : ConvKind::conv;

  AxisChoice h{1, 1, 1, 0, 0}, w{1, 1, 1, 0, 0};
  bool unit_input_h = false, unit_input_w = false;
  switch (family) {
    case Family::conv_1x1:
      break;
    case Family::conv_1x1_strided:
      h.stride = *in(1, 4);
      w.stride = *in(h.stride == 1 ? 2 : 1, 4);
      break;
    case Family::conv_1xn:
      unit_input_h = true;
      w = {*kernel_size(), *in(1, 4), *in(1, 3), 0, 0};
      h.stride = *in(1, 2);
      break;
    case Family::conv_nx1:
      unit_input_w = true;
      h = {*kernel_size(), *in(1, 4), *in(1, 3), 0, 0};
      w.stride = *in(1, 2);
      break;
    case Family::depthwise_3x3:
      h = {3, *in(1, 3), 1, 0, 0};
      w = {3, *in(1, 3), 1, 0, 0};
      break;
    default:  // generic conv and the other depthwise families
      h = {*kernel_size(), *in(1, 4), *in(1, 3), 0, 0};
      w = {*kernel_size(), *in(1, 4), *in(1, 3), 0, 0};
      if (family == Family::depthwise_mult1 && *gen::arbitrary<bool>()) h.dilation = w.dilation = 1;
      break;
  }
  for (AxisChoice* a : {&h, &w}) {
    const int32_t extent = a->dilation * (a->kernel - 1) + 1;
    a->pad_before = *padding(extent);
    a->pad_after = *padding(extent);
  }

  // Channels and grouping.
  int32_t cin_per_group = 1, cout_per_group = 1;
  int32_t groups = 1;
  if (depthwise) {
    c.in_channels = family == Family::depthwise_single_channel ? 1 : *channel_count();
    const bool mult_one = family == Family::depthwise_3x3 || family == Family::depthwise_mult1;
    c.depth_multiplier = mult_one ? 1
                                  : *gen::weightedOneOf<int32_t>({{6, in(1, 8)}, {1, gen::element<int32_t>(16, 24, 64)}});
    groups = c.in_channels;
    cout_per_group = c.depth_multiplier;
  } else {
    const bool grouped = family == Family::conv_generic && *gen::weightedElement<bool>({{3, false}, {2, true}});
    if (grouped) {
      groups = *gen::weightedOneOf<int32_t>({{4, in(2, 8)}, {1, gen::element<int32_t>(16, 32)}});
      cin_per_group = *gen::weightedOneOf<int32_t>({{3, gen::just<int32_t>(1)}, {3, in(1, 8)}, {1, channel_count()}});
      cout_per_group = *gen::weightedOneOf<int32_t>({{3, in(1, 8)}, {1, channel_count()}});
    } else {
      cin_per_group = *channel_count();
      cout_per_group = *channel_count();
    }
  }

  // Keep one output pixel within a few budgets' worth of MACs: shrink channels if needed.
  const int64_t taps = int64_t{h.kernel} * w.kernel;
  const int64_t per_pixel_cap = std::max<int64_t>(1, 4 * budget.max_macs / taps);
  while (int64_t{cout_per_group} * groups * cin_per_group > per_pixel_cap && (cout_per_group > 1 || cin_per_group > 1)) {
    if (cout_per_group >= cin_per_group) {
      cout_per_group = std::max(1, cout_per_group / 2);
    } else {
      cin_per_group = std::max(1, cin_per_group / 2);
    }
  }
  if (!depthwise) {
    c.groups = groups;
    c.in_channels = groups * cin_per_group;
    c.out_channels = groups * cout_per_group;
  } else {
    c.depth_multiplier = cout_per_group;
    c.out_channels = c.in_channels * c.depth_multiplier;
  }

  // Spatial sizes from what the budget leaves.
  const int64_t per_pixel = int64_t{c.out_channels} * taps * cin_per_group * c.batch;
  const int64_t pixels = std::max<int64_t>(1, budget.max_macs / std::max<int64_t>(1, per_pixel));
  const int64_t by_input = std::max<int64_t>(1, budget.max_input_elements / (int64_t{c.batch} * c.in_channels));
  const int32_t max_out = std::min<int32_t>(budget.max_spatial, isqrt_floor(std::min(pixels, by_input)));
  if (unit_input_h) {
    c.in_h = 1;
    size_axis(w, std::min<int64_t>(budget.max_spatial, std::min(pixels, by_input)), budget.max_spatial, c.in_w);
    h.pad_before = *in(0, 1);
    h.pad_after = *in(0, 1);
  } else if (unit_input_w) {
    c.in_w = 1;
    size_axis(h, std::min<int64_t>(budget.max_spatial, std::min(pixels, by_input)), budget.max_spatial, c.in_h);
    w.pad_before = *in(0, 1);
    w.pad_after = *in(0, 1);
  } else {
    size_axis(h, max_out, budget.max_spatial, c.in_h);
    size_axis(w, max_out, budget.max_spatial, c.in_w);
  }
  c.kernel_h = h.kernel;
  c.kernel_w = w.kernel;
  c.stride_h = h.stride;
  c.stride_w = w.stride;
  c.dilation_h = h.dilation;
  c.dilation_w = w.dilation;
  c.pad_top = h.pad_before;
  c.pad_bottom = h.pad_after;
  c.pad_left = w.pad_before;
  c.pad_right = w.pad_after;
  return c;
}

enum class DataMode { uniform, sparse, extremes, small };

rc::Gen<int8_t> int8_in_mode(DataMode mode) {
  switch (mode) {
    case DataMode::uniform: return int8_value();
    case DataMode::sparse:
      return gen::weightedOneOf<int8_t>({{3, gen::just<int8_t>(0)}, {1, int8_value()}});
    case DataMode::extremes: return gen::element<int8_t>(-128, 127);
    case DataMode::small: return gen::map(full(-3, 3), [](int32_t v) { return static_cast<int8_t>(v); });
  }
  return int8_value();
}

// Small tensors are drawn element by element so rapidcheck can shrink their values; large
// ones come from a seeded recipe (cheap to draw), and shrinking the shape first brings
// them under the threshold.
std::vector<int8_t> draw_int8_tensor(size_t count) {
  constexpr size_t kShrinkableElements = 4096;
  const DataMode mode = *gen::weightedElement<DataMode>(
      {{6, DataMode::uniform}, {2, DataMode::sparse}, {1, DataMode::extremes}, {1, DataMode::small}});
  if (count <= kShrinkableElements) return *gen::container<std::vector<int8_t>>(count, int8_in_mode(mode));
  conf::Recipe recipe;
  recipe.seed = *gen::noShrink(gen::arbitrary<uint64_t>());
  recipe.distribution = mode == DataMode::sparse ? "sparse" : mode == DataMode::extremes ? "extremes" : "uniform";
  if (mode == DataMode::small) {
    recipe.min = -3;
    recipe.max = 3;
  }
  return conf::int8_from_recipe(recipe, count);
}

void draw_offsets_and_activation(ConvCase& c) {
  // Extreme zero points on purpose: offset 128 (zero point -128) is where int8 + offset
  // first needs nine bits.
  c.input_offset = *gen::weightedOneOf<int32_t>(
      {{1, gen::element<int32_t>(0, -127, 128)}, {4, toward_zero(-127, 128, false)}});
  c.output_offset = *gen::weightedOneOf<int32_t>(
      {{1, gen::element<int32_t>(0, -128, 127)}, {4, toward_zero(-128, 127, false)}});
  const auto tail = *gen::element(ref::ActivationTail::none, ref::ActivationTail::relu, ref::ActivationTail::relu6,
                                  ref::ActivationTail::hardtanh, ref::ActivationTail::hardsigmoid,
                                  ref::ActivationTail::clamp);
  c.activation_tail = ref::activation_tail_name(tail);
  if (tail == ref::ActivationTail::clamp) {
    int32_t a = *full(-128, 127), b = *full(-128, 127);
    if (a > b) std::swap(a, b);
    c.activation_min = a;
    c.activation_max = b;
    return;
  }
  // An output scale that maps the tail's float range onto about the int8 range, as a
  // calibrated model would, give or take a factor of two.
  const float span = tail == ref::ActivationTail::relu6 ? 6.0f
                     : tail == ref::ActivationTail::hardtanh ? 2.0f
                                                              : 1.0f;
  const float out_scale = span / 255.0f * std::pow(2.0f, static_cast<float>(*full(-2, 2)) / 2.0f);
  const ref::ActivationRange range = ref::activation_range(tail, out_scale, c.output_offset);
  c.activation_min = range.min;
  c.activation_max = range.max;
}

void draw_requantization(ConvCase& c) {
  const std::vector<int64_t> peaks = conf::channel_peaks(c);
  const auto channels = static_cast<size_t>(c.out_channels);
  const bool extreme = *gen::weightedElement<bool>({{9, false}, {1, true}});
  if (!extreme) {
    // Each channel's peak lands near the room the output offset leaves inside the activation
    // range (the smaller side, unless the tail is one-sided like relu), spread over
    // 2^-2 .. 2^0.5, so outputs use the range without mostly saturating and per-channel
    // scales differ.
    const int32_t below = c.output_offset - c.activation_min, above = c.activation_max - c.output_offset;
    const double room = std::max(8, std::min(below, above) >= 8 ? std::min(below, above) : std::max(below, above));
    const auto quarters = *gen::container<std::vector<int32_t>>(channels, full(-8, 2));
    std::vector<double> targets(channels);
    for (size_t i = 0; i < channels; ++i) targets[i] = room * std::pow(2.0, quarters[i] / 4.0);
    conf::assign_requant_for_peaks(c, peaks, targets);
    return;
  }
  // The whole valid shift range, domain permitting, with arbitrary multipliers.
  c.multiplier.resize(channels);
  c.shift.resize(channels);
  for (size_t i = 0; i < channels; ++i) {
    c.shift[i] = *full(-31, conf::max_shift_in_domain(peaks[i]));
    c.multiplier[i] = *gen::weightedOneOf<int32_t>(
        {{8, gen::resize(100, gen::inRange<int32_t>(1 << 30, 2147483647))}, {1, gen::just<int32_t>(0)}});
  }
}

}  // namespace

rc::Gen<ConvCase> conv_geometry(Family family, Budget budget) {
  return gen::exec([family, budget] { return draw_geometry(family, budget); });
}

rc::Gen<ConvCase> with_data_and_quantization(const ConvCase& geometry) {
  return gen::exec([geometry] {
    ConvCase c = geometry;
    c.input = draw_int8_tensor(static_cast<size_t>(c.input_elements()));
    c.weight = draw_int8_tensor(static_cast<size_t>(c.weight_elements()));
    c.has_bias = *gen::arbitrary<bool>();
    if (c.has_bias) {
      const int32_t magnitude = *gen::element<int32_t>(16, 1 << 12, 1 << 20, 1 << 24);
      c.bias = *gen::container<std::vector<int32_t>>(static_cast<size_t>(c.out_channels),
                                                     toward_zero(-magnitude, magnitude, true));
    }
    draw_offsets_and_activation(c);
    draw_requantization(c);
    return c;
  });
}

rc::Gen<ConvCase> conv_case(Family family, Budget budget) {
  return gen::mapcat(conv_geometry(family, budget), [](const ConvCase& g) { return with_data_and_quantization(g); });
}

rc::Gen<ConvCase> conv1d_case(Budget budget) {
  return gen::mapcat(gen::exec([budget] {
                       ConvCase c = draw_geometry(Family::conv_nx1, budget);
                       // conv1d has nothing on the unit axis: no padding, stride 1.
                       c.pad_left = c.pad_right = 0;
                       c.stride_w = 1;
                       if (*gen::arbitrary<bool>()) {  // grouped conv1d
                         const int32_t groups = *in(2, 4);
                         c.groups = groups;
                         c.in_channels = groups * std::max(1, c.in_channels / groups);
                         c.out_channels = groups * std::max(1, c.out_channels / groups);
                       }
                       return c;
                     }),
                     [](const ConvCase& g) { return with_data_and_quantization(g); });
}

}  // namespace gens
