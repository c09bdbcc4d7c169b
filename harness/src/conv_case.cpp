#include "conf/conv_case.h"

#include <algorithm>
#include <sstream>
#include <stdexcept>

namespace conf {

const char* kind_name(ConvKind kind) { return kind == ConvKind::conv ? "conv2d" : "depthwise_conv2d"; }

ConvKind parse_kind(const std::string& name) {
  if (name == "conv2d") return ConvKind::conv;
  if (name == "depthwise_conv2d") return ConvKind::depthwise;
  throw std::invalid_argument("unknown op '" + name + "' (expected conv2d or depthwise_conv2d)");
}

namespace {
// The output-size formula without validation, so invalid geometry yields a number (< 1 or
// odd) that the kernels must refuse rather than an exception here.
int32_t raw_output_size(int32_t in, int32_t pad_before, int32_t pad_after, int32_t kernel, int32_t stride,
                        int32_t dilation) {
  if (stride < 1) return 0;
  const int64_t span = int64_t{in} + pad_before + pad_after - int64_t{dilation} * (kernel - 1) - 1;
  if (span < 0) return 0;
  return static_cast<int32_t>(span / stride + 1);
}
}  // namespace

int32_t ConvCase::out_h() const {
  if (out_h_override) return out_h_override;
  return raw_output_size(in_h, pad_top, pad_bottom, kernel_h, stride_h, dilation_h);
}

int32_t ConvCase::out_w() const {
  if (out_w_override) return out_w_override;
  return raw_output_size(in_w, pad_left, pad_right, kernel_w, stride_w, dilation_w);
}

int32_t ConvCase::weight_in_channels() const {
  if (kind == ConvKind::depthwise) return 1;
  return groups > 0 ? in_channels / groups : 0;
}

int64_t ConvCase::input_elements() const { return int64_t{batch} * in_h * in_w * in_channels; }
int64_t ConvCase::weight_elements() const { return int64_t{out_channels} * kernel_h * kernel_w * weight_in_channels(); }
int64_t ConvCase::output_elements() const { return int64_t{batch} * out_h() * out_w() * out_channels; }
int64_t ConvCase::macs() const { return output_elements() * kernel_h * kernel_w * weight_in_channels(); }

std::string describe(const ConvCase& c) {
  std::ostringstream o;
  o << kind_name(c.kind) << " n=" << c.batch << " c=" << c.in_channels << "->" << c.out_channels;
  if (c.kind == ConvKind::conv) {
    o << " groups=" << c.groups;
  } else {
    o << " multiplier=" << c.depth_multiplier;
  }
  o << " in=" << c.in_h << "x" << c.in_w << " kernel=" << c.kernel_h << "x" << c.kernel_w << " stride=" << c.stride_h
    << "x" << c.stride_w << " dilation=" << c.dilation_h << "x" << c.dilation_w << " pad(t,b,l,r)=" << c.pad_top << ","
    << c.pad_bottom << "," << c.pad_left << "," << c.pad_right << " out=" << c.out_h() << "x" << c.out_w()
    << " bias=" << (c.has_bias ? "yes" : "null") << " input_offset=" << c.input_offset
    << " output_offset=" << c.output_offset << " act=" << c.activation_tail << "[" << c.activation_min << ","
    << c.activation_max << "]";
  if (!c.shift.empty()) {
    const auto [lo, hi] = std::minmax_element(c.shift.begin(), c.shift.end());
    o << " shift=" << *lo << ".." << *hi;
  }
  return o.str();
}

std::ostream& operator<<(std::ostream& os, const ConvCase& c) { return os << describe(c); }

void check_tensors_consistent(const ConvCase& c) {
  auto require = [](bool ok, const std::string& what) {
    if (!ok) throw std::invalid_argument(what);
  };
  require(c.batch >= 1 && c.in_channels >= 1 && c.out_channels >= 1 && c.in_h >= 1 && c.in_w >= 1 &&
              c.kernel_h >= 1 && c.kernel_w >= 1,
          "dims must be >= 1: " + describe(c));
  if (c.kind == ConvKind::conv) {
    require(c.groups >= 1 && c.in_channels % c.groups == 0 && c.out_channels % c.groups == 0,
            "groups " + std::to_string(c.groups) + " must divide in_channels " + std::to_string(c.in_channels) +
                " and out_channels " + std::to_string(c.out_channels));
  } else {
    require(c.depth_multiplier >= 1 && c.out_channels == c.in_channels * c.depth_multiplier,
            "depthwise out_channels " + std::to_string(c.out_channels) + " must be in_channels " +
                std::to_string(c.in_channels) + " * depth_multiplier " + std::to_string(c.depth_multiplier));
  }
  auto sized = [&](size_t actual, int64_t wanted, const char* name) {
    require(static_cast<int64_t>(actual) == wanted, std::string(name) + " has " + std::to_string(actual) +
                                                        " values, expected " + std::to_string(wanted));
  };
  sized(c.input.size(), c.input_elements(), "input");
  sized(c.weight.size(), c.weight_elements(), "weight");
  if (c.has_bias) sized(c.bias.size(), c.out_channels, "bias");
}

void check_consistent(const ConvCase& c) {
  check_tensors_consistent(c);
  for (const auto* v : {&c.multiplier, &c.shift}) {
    if (static_cast<int64_t>(v->size()) != c.out_channels) {
      throw std::invalid_argument(std::string(v == &c.multiplier ? "multiplier" : "shift") + " has " +
                                  std::to_string(v->size()) + " values, expected " + std::to_string(c.out_channels));
    }
  }
}

ref::Tensor<int8_t> input_tensor(const ConvCase& c) {
  return ref::Tensor<int8_t>({c.batch, c.in_channels, c.in_h, c.in_w}, ref::channels_last_order(4), c.input);
}

ref::Tensor<int8_t> weight_tensor(const ConvCase& c) {
  // OHWI is the logical OIHW weight in dim order (0, 2, 3, 1); IHWO is (1, 2, 3, 0).
  const ref::DimOrder order = c.kind == ConvKind::conv ? ref::DimOrder{0, 2, 3, 1} : ref::DimOrder{1, 2, 3, 0};
  return ref::Tensor<int8_t>({c.out_channels, c.weight_in_channels(), c.kernel_h, c.kernel_w}, order, c.weight);
}

ref::ConvGeometry geometry(const ConvCase& c) {
  ref::ConvGeometry g;
  g.stride_h = c.stride_h;
  g.stride_w = c.stride_w;
  g.pad_top = c.pad_top;
  g.pad_bottom = c.pad_bottom;
  g.pad_left = c.pad_left;
  g.pad_right = c.pad_right;
  g.dilation_h = c.dilation_h;
  g.dilation_w = c.dilation_w;
  g.groups = c.kind == ConvKind::conv ? c.groups : c.in_channels;
  return g;
}

ref::QuantizedConv quantization(const ConvCase& c, ref::Rounding rounding) {
  ref::QuantizedConv q;
  q.geometry = geometry(c);
  q.input_offset = c.input_offset;
  q.output_offset = c.output_offset;
  q.activation_min = c.activation_min;
  q.activation_max = c.activation_max;
  q.multiplier = c.multiplier;
  q.shift = c.shift;
  q.rounding = rounding;
  return q;
}

namespace {
void check_derived_output(const ConvCase& c) {
  if (c.out_h_override || c.out_w_override) {
    throw std::invalid_argument("the reference has no meaning for a forced output size (" + describe(c) + ")");
  }
}
}  // namespace

ref::QuantizedConvResult reference_result(const ConvCase& c, ref::Rounding rounding) {
  check_consistent(c);
  check_derived_output(c);
  const ref::QuantizedConv q = quantization(c, rounding);
  const std::vector<int32_t>* bias = c.has_bias ? &c.bias : nullptr;
  if (c.kind == ConvKind::depthwise) {
    return ref::depthwise_conv2d_int8(input_tensor(c), weight_tensor(c), bias, c.depth_multiplier, q,
                                      ref::channels_last_order(4));
  }
  return ref::conv2d_int8(input_tensor(c), weight_tensor(c), bias, q, ref::channels_last_order(4));
}

ref::Tensor<int64_t> reference_accumulators(const ConvCase& c) {
  check_tensors_consistent(c);
  check_derived_output(c);
  return ref::conv2d_accumulators(input_tensor(c), weight_tensor(c), c.has_bias ? &c.bias : nullptr, geometry(c),
                                  c.input_offset, ref::channels_last_order(4));
}

}  // namespace conf
