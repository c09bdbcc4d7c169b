#include "ref/layout.h"

#include <stdexcept>

namespace ref {

namespace {

void check_weight_shape(const Shape& shape, WeightLayout layout, int64_t depth_multiplier) {
  if (shape.size() != 4) throw std::invalid_argument("weight shape " + to_string(shape) + " is not (O, I, kh, kw)");
  if (layout == WeightLayout::IHWO || layout == WeightLayout::HWCM) {
    if (shape[1] != 1) {
      throw std::invalid_argument(std::string(weight_layout_name(layout)) + " needs a depthwise weight (O, 1, kh, kw), got " +
                                  to_string(shape));
    }
  }
  if (layout == WeightLayout::HWCM && (depth_multiplier < 1 || shape[0] % depth_multiplier != 0)) {
    throw std::invalid_argument("HWCM: depth_multiplier " + std::to_string(depth_multiplier) +
                                " does not divide out_channels " + std::to_string(shape[0]));
  }
}

// The physical index of logical weight element (o, i, y, x) in each layout.
int64_t physical_index(const Shape& s, WeightLayout layout, int64_t depth_multiplier, int64_t o, int64_t i,
                       int64_t y, int64_t x) {
  const int64_t O = s[0], I = s[1], H = s[2], W = s[3];
  switch (layout) {
    case WeightLayout::OIHW: return ((o * I + i) * H + y) * W + x;
    case WeightLayout::OHWI: return ((o * H + y) * W + x) * I + i;
    case WeightLayout::IHWO: return ((i * H + y) * W + x) * O + o;
    case WeightLayout::HWCM: {
      const int64_t M = depth_multiplier, C = O / M;
      return ((y * W + x) * C + o / M) * M + o % M;
    }
  }
  throw std::invalid_argument("bad weight layout");
}

}  // namespace

const char* weight_layout_name(WeightLayout layout) {
  switch (layout) {
    case WeightLayout::OIHW: return "OIHW";
    case WeightLayout::OHWI: return "OHWI";
    case WeightLayout::IHWO: return "IHWO";
    case WeightLayout::HWCM: return "HWCM";
  }
  return "?";
}

WeightLayout parse_weight_layout(const std::string& name) {
  for (WeightLayout l : {WeightLayout::OIHW, WeightLayout::OHWI, WeightLayout::IHWO, WeightLayout::HWCM}) {
    if (name == weight_layout_name(l)) return l;
  }
  throw std::invalid_argument("unknown weight layout '" + name + "' (expected OIHW, OHWI, IHWO or HWCM)");
}

template <class T>
std::vector<T> weights_to_layout(const Tensor<T>& weight, WeightLayout layout, int64_t depth_multiplier) {
  const Shape& s = weight.shape();
  check_weight_shape(s, layout, depth_multiplier);
  std::vector<T> data(static_cast<size_t>(weight.numel()));
  for_each_index(s, [&](const Index& i) {
    data[static_cast<size_t>(physical_index(s, layout, depth_multiplier, i[0], i[1], i[2], i[3]))] = weight.at(i);
  });
  return data;
}

template <class T>
Tensor<T> weights_from_layout(const std::vector<T>& data, WeightLayout layout, const Shape& oihw_shape,
                              int64_t depth_multiplier) {
  check_weight_shape(oihw_shape, layout, depth_multiplier);
  if (static_cast<int64_t>(data.size()) != element_count(oihw_shape)) {
    throw std::invalid_argument(std::string(weight_layout_name(layout)) + " data has " + std::to_string(data.size()) +
                                " values but weight shape " + to_string(oihw_shape) + " needs " +
                                std::to_string(element_count(oihw_shape)));
  }
  Tensor<T> weight(oihw_shape);
  for_each_index(oihw_shape, [&](const Index& i) {
    weight.at(i) = data[static_cast<size_t>(physical_index(oihw_shape, layout, depth_multiplier, i[0], i[1], i[2], i[3]))];
  });
  return weight;
}

template std::vector<int8_t> weights_to_layout(const Tensor<int8_t>&, WeightLayout, int64_t);
template std::vector<float> weights_to_layout(const Tensor<float>&, WeightLayout, int64_t);
template Tensor<int8_t> weights_from_layout(const std::vector<int8_t>&, WeightLayout, const Shape&, int64_t);
template Tensor<float> weights_from_layout(const std::vector<float>&, WeightLayout, const Shape&, int64_t);

}  // namespace ref
