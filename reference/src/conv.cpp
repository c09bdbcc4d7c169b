#include "ref/conv.h"

#include <sstream>
#include <stdexcept>

namespace ref {

namespace {

// Physical offset of a logical 4-D index, from the tensor's own strides (any dim order).
struct Strides4 {
  int64_t n, c, h, w;
  template <class T>
  explicit Strides4(const Tensor<T>& t) : n(t.stride(0)), c(t.stride(1)), h(t.stride(2)), w(t.stride(3)) {}
  size_t operator()(int64_t a, int64_t b, int64_t y, int64_t x) const {
    return static_cast<size_t>(a * n + b * c + y * h + x * w);
  }
};

[[noreturn]] void fail(const std::string& message) { throw std::invalid_argument(message); }

void require_positive(int64_t value, const char* name) {
  if (value < 1) fail(std::string(name) + " must be >= 1, got " + std::to_string(value));
}

void require_non_negative(int64_t value, const char* name) {
  if (value < 0) fail(std::string(name) + " must be >= 0, got " + std::to_string(value));
}

void check_geometry(const ConvGeometry& g) {
  require_positive(g.stride_h, "stride_h");
  require_positive(g.stride_w, "stride_w");
  require_positive(g.dilation_h, "dilation_h");
  require_positive(g.dilation_w, "dilation_w");
  require_positive(g.groups, "groups");
  require_non_negative(g.pad_top, "pad_top");
  require_non_negative(g.pad_bottom, "pad_bottom");
  require_non_negative(g.pad_left, "pad_left");
  require_non_negative(g.pad_right, "pad_right");
}

void check_bias_size(size_t size, int64_t out_channels) {
  if (static_cast<int64_t>(size) != out_channels) {
    fail("bias has " + std::to_string(size) + " values for " + std::to_string(out_channels) + " output channels");
  }
}

}  // namespace

int64_t conv_output_size(int64_t input, int64_t pad_before, int64_t pad_after, int64_t kernel,
                         int64_t stride, int64_t dilation) {
  require_positive(input, "input size");
  require_positive(kernel, "kernel size");
  require_positive(stride, "stride");
  require_positive(dilation, "dilation");
  require_non_negative(pad_before, "padding");
  require_non_negative(pad_after, "padding");
  const int64_t extent = dilation * (kernel - 1) + 1;
  const int64_t span = input + pad_before + pad_after - extent;
  if (span < 0) {
    fail("kernel extent " + std::to_string(extent) + " exceeds padded input " +
         std::to_string(input + pad_before + pad_after));
  }
  return span / stride + 1;
}

Shape conv2d_output_shape(const Shape& input, const Shape& weight, const ConvGeometry& g) {
  if (input.size() != 4) fail("input shape " + to_string(input) + " is not (N, C, H, W)");
  if (weight.size() != 4) fail("weight shape " + to_string(weight) + " is not (O, I/groups, kh, kw)");
  check_geometry(g);
  for (size_t i = 0; i < 4; ++i) {
    if (input[i] < 1) fail("input shape " + to_string(input) + " has an empty dim");
    if (weight[i] < 1) fail("weight shape " + to_string(weight) + " has an empty dim");
  }
  if (input[1] % g.groups != 0) {
    fail("in_channels " + std::to_string(input[1]) + " is not divisible by groups " + std::to_string(g.groups));
  }
  if (weight[0] % g.groups != 0) {
    fail("out_channels " + std::to_string(weight[0]) + " is not divisible by groups " + std::to_string(g.groups));
  }
  if (weight[1] != input[1] / g.groups) {
    fail("weight shape " + to_string(weight) + " has " + std::to_string(weight[1]) +
         " input channels per group; input " + to_string(input) + " with groups " +
         std::to_string(g.groups) + " needs " + std::to_string(input[1] / g.groups));
  }
  return {input[0], weight[0],
          conv_output_size(input[2], g.pad_top, g.pad_bottom, weight[2], g.stride_h, g.dilation_h),
          conv_output_size(input[3], g.pad_left, g.pad_right, weight[3], g.stride_w, g.dilation_w)};
}

// One loop nest serves the float and the integer convolutions: Acc accumulates
// weight * (input + offset) exactly for integers and in double for floats.
template <class Acc, class In, class Bias>
static Tensor<Acc> conv2d_generic(const Tensor<In>& input, const Tensor<In>& weight,
                                  const std::vector<Bias>* bias, const ConvGeometry& g, Acc input_offset,
                                  const DimOrder& out_order) {
  const Shape out_shape = conv2d_output_shape(input.shape(), weight.shape(), g);
  if (bias) check_bias_size(bias->size(), out_shape[1]);
  Tensor<Acc> out(out_shape, out_order.empty() ? contiguous_order(4) : out_order);
  const int64_t cout_per_group = out_shape[1] / g.groups;
  const int64_t cin_per_group = weight.dim(1);
  const int64_t in_h = input.dim(2), in_w = input.dim(3);
  const int64_t kh = weight.dim(2), kw = weight.dim(3);
  const Strides4 in_at(input), w_at(weight), out_at(out);
  for (int64_t n = 0; n < out_shape[0]; ++n) {
    for (int64_t oc = 0; oc < out_shape[1]; ++oc) {
      const int64_t group = oc / cout_per_group;
      for (int64_t oh = 0; oh < out_shape[2]; ++oh) {
        for (int64_t ow = 0; ow < out_shape[3]; ++ow) {
          Acc acc = bias ? static_cast<Acc>((*bias)[static_cast<size_t>(oc)]) : Acc{0};
          for (int64_t icg = 0; icg < cin_per_group; ++icg) {
            const int64_t ic = group * cin_per_group + icg;
            for (int64_t i = 0; i < kh; ++i) {
              const int64_t ih = oh * g.stride_h - g.pad_top + i * g.dilation_h;
              if (ih < 0 || ih >= in_h) continue;
              for (int64_t j = 0; j < kw; ++j) {
                const int64_t iw = ow * g.stride_w - g.pad_left + j * g.dilation_w;
                if (iw < 0 || iw >= in_w) continue;
                const Acc x = static_cast<Acc>(input.data()[in_at(n, ic, ih, iw)]) + input_offset;
                acc += static_cast<Acc>(weight.data()[w_at(oc, icg, i, j)]) * x;
              }
            }
          }
          out.data()[out_at(n, oc, oh, ow)] = acc;
        }
      }
    }
  }
  return out;
}

template <class T>
Tensor<T> conv2d_float(const Tensor<T>& input, const Tensor<T>& weight,
                       const std::vector<typename NonDeduced<T>::type>* bias, const ConvGeometry& geometry,
                       const DimOrder& out_order) {
  std::vector<double> bias_double;
  if (bias) bias_double.assign(bias->begin(), bias->end());
  const Tensor<double> acc = conv2d_generic<double, T, double>(input, weight, bias ? &bias_double : nullptr,
                                                               geometry, 0.0, out_order);
  Tensor<T> out(acc.shape(), acc.dim_order());
  for (size_t i = 0; i < acc.data().size(); ++i) out.data()[i] = static_cast<T>(acc.data()[i]);
  return out;
}

template <class T>
Tensor<T> conv1d_float(const Tensor<T>& input, const Tensor<T>& weight,
                       const std::vector<typename NonDeduced<T>::type>* bias, const Conv1dGeometry& g,
                       const DimOrder& out_order) {
  if (input.rank() != 3) fail("input shape " + to_string(input.shape()) + " is not (N, C, L)");
  if (weight.rank() != 3) fail("weight shape " + to_string(weight.shape()) + " is not (O, I/groups, k)");
  require_positive(g.groups, "groups");
  const int64_t out_channels = weight.dim(0);
  if (input.dim(1) % g.groups != 0 || out_channels % g.groups != 0 || weight.dim(1) != input.dim(1) / g.groups) {
    fail("conv1d channels: input " + to_string(input.shape()) + ", weight " + to_string(weight.shape()) +
         ", groups " + std::to_string(g.groups) + " do not agree");
  }
  if (bias) check_bias_size(bias->size(), out_channels);
  const int64_t out_len = conv_output_size(input.dim(2), g.pad_left, g.pad_right, weight.dim(2), g.stride, g.dilation);
  Tensor<T> out({input.dim(0), out_channels, out_len}, out_order.empty() ? contiguous_order(3) : out_order);
  const int64_t cout_per_group = out_channels / g.groups, cin_per_group = weight.dim(1);
  for (int64_t n = 0; n < input.dim(0); ++n) {
    for (int64_t oc = 0; oc < out_channels; ++oc) {
      const int64_t group = oc / cout_per_group;
      for (int64_t ol = 0; ol < out_len; ++ol) {
        double acc = bias ? static_cast<double>((*bias)[static_cast<size_t>(oc)]) : 0.0;
        for (int64_t icg = 0; icg < cin_per_group; ++icg) {
          for (int64_t k = 0; k < weight.dim(2); ++k) {
            const int64_t il = ol * g.stride - g.pad_left + k * g.dilation;
            if (il < 0 || il >= input.dim(2)) continue;
            acc += static_cast<double>(weight.at({oc, icg, k})) *
                   static_cast<double>(input.at({n, group * cin_per_group + icg, il}));
          }
        }
        out.at({n, oc, ol}) = static_cast<T>(acc);
      }
    }
  }
  return out;
}

template Tensor<float> conv2d_float(const Tensor<float>&, const Tensor<float>&, const std::vector<float>*,
                                    const ConvGeometry&, const DimOrder&);
template Tensor<double> conv2d_float(const Tensor<double>&, const Tensor<double>&, const std::vector<double>*,
                                     const ConvGeometry&, const DimOrder&);
template Tensor<float> conv1d_float(const Tensor<float>&, const Tensor<float>&, const std::vector<float>*,
                                    const Conv1dGeometry&, const DimOrder&);
template Tensor<double> conv1d_float(const Tensor<double>&, const Tensor<double>&, const std::vector<double>*,
                                     const Conv1dGeometry&, const DimOrder&);

Tensor<int64_t> conv2d_accumulators(const Tensor<int8_t>& input, const Tensor<int8_t>& weight,
                                    const std::vector<int32_t>* bias, const ConvGeometry& geometry,
                                    int32_t input_offset, const DimOrder& out_order) {
  return conv2d_generic<int64_t, int8_t, int32_t>(input, weight, bias, geometry, input_offset, out_order);
}

std::string DomainReport::describe() const {
  if (ok()) return "all " + std::to_string(elements) + " requantizations inside the int32 domain";
  std::ostringstream out;
  out << accumulators_outside_int32 << " accumulators outside int32 and " << requantizations_outside_domain
      << " requantizations outside the kernel domain (of " << elements << "); first: " << first_violation;
  return out.str();
}

QuantizedConvResult requantize_accumulators(Tensor<int64_t> accumulator, const QuantizedConv& conv) {
  if (accumulator.rank() < 2) fail("accumulator shape " + to_string(accumulator.shape()) + " has no channel dim");
  const int64_t channels = accumulator.dim(1);
  if (static_cast<int64_t>(conv.multiplier.size()) != channels ||
      static_cast<int64_t>(conv.shift.size()) != channels) {
    fail("requantization has " + std::to_string(conv.multiplier.size()) + " multipliers and " +
         std::to_string(conv.shift.size()) + " shifts for " + std::to_string(channels) + " output channels");
  }
  if (conv.activation_min < -128 || conv.activation_max > 127 || conv.activation_min > conv.activation_max) {
    fail("activation range [" + std::to_string(conv.activation_min) + ", " + std::to_string(conv.activation_max) +
         "] is not inside [-128, 127]");
  }
  QuantizedConvResult result{Tensor<int8_t>(accumulator.shape(), accumulator.dim_order()), {}, {}};
  DomainReport& domain = result.domain;
  for_each_index(accumulator.shape(), [&](const Index& index) {
    const auto c = static_cast<size_t>(index[1]);
    const int64_t acc = accumulator.at(index);
    const int32_t m = conv.multiplier[c], s = conv.shift[c];
    ++domain.elements;
    const bool acc_fits = acc >= INT32_MIN && acc <= INT32_MAX;
    if (!acc_fits) ++domain.accumulators_outside_int32;
    if (!requantize_in_domain(acc, m, s, conv.rounding)) {
      ++domain.requantizations_outside_domain;
      if (domain.first_violation.empty()) {
        domain.first_violation = "index " + to_string(index) + ": acc " + std::to_string(acc) + ", multiplier " +
                                 std::to_string(m) + ", shift " + std::to_string(s) + " (" +
                                 rounding_name(conv.rounding) + " rounding)";
      }
    }
    const int64_t y = requantize(acc, m, s, conv.rounding) + conv.output_offset;
    const int64_t clamped = std::min<int64_t>(conv.activation_max, std::max<int64_t>(conv.activation_min, y));
    result.output.at(index) = static_cast<int8_t>(clamped);
  });
  result.accumulator = std::move(accumulator);
  return result;
}

QuantizedConvResult conv2d_int8(const Tensor<int8_t>& input, const Tensor<int8_t>& weight,
                                const std::vector<int32_t>* bias, const QuantizedConv& conv,
                                const DimOrder& out_order) {
  return requantize_accumulators(
      conv2d_accumulators(input, weight, bias, conv.geometry, conv.input_offset, out_order), conv);
}

QuantizedConvResult depthwise_conv2d_int8(const Tensor<int8_t>& input, const Tensor<int8_t>& weight,
                                          const std::vector<int32_t>* bias, int64_t depth_multiplier,
                                          const QuantizedConv& conv, const DimOrder& out_order) {
  require_positive(depth_multiplier, "depth_multiplier");
  if (input.rank() != 4 || weight.rank() != 4) fail("depthwise needs 4-D input and weight");
  if (weight.dim(1) != 1 || weight.dim(0) != input.dim(1) * depth_multiplier) {
    fail("depthwise weight shape " + to_string(weight.shape()) + " must be (" +
         std::to_string(input.dim(1) * depth_multiplier) + ", 1, kh, kw) for " + std::to_string(input.dim(1)) +
         " channels and depth_multiplier " + std::to_string(depth_multiplier));
  }
  QuantizedConv grouped = conv;
  grouped.geometry.groups = input.dim(1);
  return conv2d_int8(input, weight, bias, grouped, out_order);
}

}  // namespace ref
