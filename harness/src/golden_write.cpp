#include "conf/golden.h"
#include "conf/recipe.h"

namespace conf {

namespace {

using json = nlohmann::ordered_json;

json recipe_json(const Recipe& r) {
  return json{{"seed", r.seed}, {"distribution", r.distribution}, {"min", r.min}, {"max", r.max}};
}

template <class T>
json tensor_json(const char* layout, const std::vector<T>& values, const Recipe* recipe) {
  json t;
  if (layout) t["layout"] = layout;
  if (recipe) {
    t["recipe"] = recipe_json(*recipe);
  } else {
    json array = json::array();
    for (T v : values) array.push_back(static_cast<int64_t>(v));
    t["values"] = std::move(array);
  }
  return t;
}

json ints(const std::vector<int32_t>& values) {
  json array = json::array();
  for (int32_t v : values) array.push_back(v);
  return array;
}

}  // namespace

json case_document(const ConvCase& c, const GoldenMeta& meta, const TensorRecipes& recipes) {
  json doc;
  doc["format"] = kGoldenFormat;
  doc["version"] = kGoldenVersion;
  doc["name"] = meta.name;
  doc["description"] = meta.description;
  doc["tags"] = meta.tags;
  doc["op"] = kind_name(c.kind);
  doc["rounding"] = ref::rounding_name(meta.rounding);
  doc["compliance"] = to_string(meta.compliance);

  json geo;
  geo["batch"] = c.batch;
  geo["in_channels"] = c.in_channels;
  geo["out_channels"] = c.out_channels;
  geo["input_hw"] = {c.in_h, c.in_w};
  geo["kernel_hw"] = {c.kernel_h, c.kernel_w};
  geo["stride_hw"] = {c.stride_h, c.stride_w};
  geo["dilation_hw"] = {c.dilation_h, c.dilation_w};
  geo["padding_tblr"] = {c.pad_top, c.pad_bottom, c.pad_left, c.pad_right};
  if (c.kind == ConvKind::conv) {
    geo["groups"] = c.groups;
  } else {
    geo["depth_multiplier"] = c.depth_multiplier;
  }
  if (c.out_h_override || c.out_w_override) geo["output_hw_override"] = {c.out_h(), c.out_w()};
  doc["geometry"] = std::move(geo);

  json q;
  q["input_offset"] = c.input_offset;
  q["output_offset"] = c.output_offset;
  q["activation"] = c.activation_tail;
  q["activation_range"] = {c.activation_min, c.activation_max};
  q["multiplier"] = ints(c.multiplier);
  q["shift"] = ints(c.shift);
  doc["quantization"] = std::move(q);

  json tensors;
  tensors["input"] = tensor_json("NHWC", c.input, recipes.input);
  tensors["weight"] = tensor_json(c.kind == ConvKind::conv ? "OHWI" : "IHWO", c.weight, recipes.weight);
  tensors["bias"] = c.has_bias ? tensor_json(nullptr, c.bias, recipes.bias) : json(nullptr);
  doc["tensors"] = std::move(tensors);
  return doc;
}

void add_reference_expectation(json& document, const std::string& file, size_t max_inline) {
  document["expected"] = json{{"status", "ok"}, {"checksum", "pending"}};
  const GoldenCase g = parse_golden(document, file);
  ref::QuantizedConvResult result;
  try {
    result = reference_result(g.conv, g.rounding);
  } catch (const std::exception& e) {
    throw GoldenError(file, "", std::string("the reference refuses the case: ") + e.what());
  }
  if (!result.domain.ok()) {
    throw GoldenError(file, "/quantization", "outside the kernels' int32 domain: " + result.domain.describe());
  }
  json expected{{"status", "ok"}};
  const std::vector<int8_t>& out = result.output.data();
  if (out.size() <= max_inline) expected["output"] = tensor_json("NHWC", out, nullptr);
  expected["checksum"] = checksum(out);
  document["expected"] = std::move(expected);
}

void add_refusal_expectation(json& document, const std::string& status) {
  document["expected"] = json{{"status", status}};
}

}  // namespace conf
