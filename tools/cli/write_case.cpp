// conformance write: a new op-level golden case from parameters on the command line.
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "cli.h"
#include "conf/golden.h"
#include "conf/recipe.h"
#include "conf/requant_choice.h"
#include "ref/quant.h"

namespace cli {

namespace {

const char* kWriteUsage = R"(usage:
  conformance write --out FILE --name NAME [options]
      --op conv2d|depthwise_conv2d        (default conv2d)
      --batch N --in-channels C --out-channels C | --depth-multiplier M
      --input HxW --kernel HxW [--stride HxW] [--dilation HxW]
      [--padding T,B,L,R] [--groups G] [--bias]
      [--input-offset N] [--output-offset N]
      [--activation none|relu|relu6|hardtanh|hardsigmoid|clamp:LO:HI] [--output-scale S]
      [--seed S] [--rounding double|single|float] [--compliance exact|near_tie|qtol:N]
      [--description TEXT] [--tags a,b,c] [--recipes]   (store tensors as seed recipes)
      [--refuse STATUS]   (a negative case: the kernels must refuse with STATUS)
      [--output HxW] [--activation-range LO,HI]   (raw values, for negative cases)
Input, weight and bias data come from seeded recipes (uniform over the int8 range, bias
within +-4096); per-channel requantization is chosen from the reference's accumulators so
outputs use about half the int8 range; the expected output comes from the reference.
)";

[[noreturn]] void write_usage_error(const std::string& message) {
  std::cerr << "conformance write: " << message << "\n" << kWriteUsage;
  std::exit(2);
}

int32_t number(const Args& o, const std::string& key, int32_t fallback) {
  if (!o.has(key)) return fallback;
  const std::string value = o.get(key);
  char* end = nullptr;
  const long v = std::strtol(value.c_str(), &end, 10);
  if (value.empty() || *end != '\0') write_usage_error("--" + key + " expects an integer, got '" + value + "'");
  return static_cast<int32_t>(v);
}

std::vector<int32_t> numbers(const Args& o, const std::string& key, const std::string& fallback, char sep,
                             size_t count) {
  std::stringstream text(o.get(key, fallback));
  std::vector<int32_t> values;
  for (std::string part; std::getline(text, part, sep);) {
    char* end = nullptr;
    values.push_back(static_cast<int32_t>(std::strtol(part.c_str(), &end, 10)));
    if (part.empty() || *end != '\0') write_usage_error("--" + key + " expects integers separated by '" + sep + "'");
  }
  if (values.size() != count) write_usage_error("--" + key + " expects " + std::to_string(count) + " values");
  return values;
}

std::string text(const Args& o, const std::string& key, const std::string& fallback) { return o.get(key, fallback); }

}  // namespace

int write_case(const Args& o) {
  if (o.has("help")) {
    std::cout << kWriteUsage;
    return 0;
  }
  const std::string out = text(o, "out", "");
  conf::GoldenMeta meta;
  meta.name = text(o, "name", "");
  if (out.empty() || meta.name.empty()) write_usage_error("write needs --out and --name");
  meta.description = text(o, "description", "");
  std::stringstream tags(text(o, "tags", ""));
  for (std::string tag; std::getline(tags, tag, ',');) {
    if (!tag.empty()) meta.tags.push_back(tag);
  }
  try {
    meta.rounding = ref::parse_rounding(text(o, "rounding", "double"));
    meta.compliance = conf::parse_compliance(text(o, "compliance", "exact"));
  } catch (const std::exception& e) {
    write_usage_error(e.what());
  }

  conf::ConvCase c;
  try {
    c.kind = conf::parse_kind(text(o, "op", "conv2d"));
  } catch (const std::exception& e) {
    write_usage_error(e.what());
  }
  c.batch = number(o, "batch", 1);
  c.in_channels = number(o, "in-channels", 1);
  if (c.kind == conf::ConvKind::conv) {
    c.out_channels = number(o, "out-channels", 1);
    c.groups = number(o, "groups", 1);
  } else {
    c.depth_multiplier = number(o, "depth-multiplier", 1);
    // An explicit count that disagrees with in_channels * depth_multiplier makes a negative case.
    c.out_channels = number(o, "out-channels", c.in_channels * c.depth_multiplier);
  }
  const auto input = numbers(o, "input", "", 'x', 2), kernel = numbers(o, "kernel", "", 'x', 2);
  const auto stride = numbers(o, "stride", "1x1", 'x', 2), dilation = numbers(o, "dilation", "1x1", 'x', 2);
  const auto pad = numbers(o, "padding", "0,0,0,0", ',', 4);
  c.in_h = input[0], c.in_w = input[1], c.kernel_h = kernel[0], c.kernel_w = kernel[1];
  c.stride_h = stride[0], c.stride_w = stride[1], c.dilation_h = dilation[0], c.dilation_w = dilation[1];
  c.pad_top = pad[0], c.pad_bottom = pad[1], c.pad_left = pad[2], c.pad_right = pad[3];
  c.input_offset = number(o, "input-offset", 0);
  c.output_offset = number(o, "output-offset", 0);

  const auto seed = static_cast<uint64_t>(number(o, "seed", 1));
  const conf::Recipe input_recipe{seed, "uniform", -128, 127}, weight_recipe{seed + 1, "uniform", -128, 127};
  const conf::Recipe bias_recipe{seed + 2, "uniform", -4096, 4096};
  c.input = conf::int8_from_recipe(input_recipe, static_cast<size_t>(std::max<int64_t>(0, c.input_elements())));
  c.weight = conf::int8_from_recipe(weight_recipe, static_cast<size_t>(std::max<int64_t>(0, c.weight_elements())));
  c.has_bias = o.has("bias");
  if (c.has_bias) c.bias = conf::int32_from_recipe(bias_recipe, static_cast<size_t>(c.out_channels));

  const std::string activation = text(o, "activation", "none");
  const float out_scale = std::strtof(text(o, "output-scale", "0.0625").c_str(), nullptr);
  try {
    if (activation.rfind("clamp:", 0) == 0) {
      std::stringstream bounds(activation.substr(6));
      std::string lo, hi;
      std::getline(bounds, lo, ':');
      std::getline(bounds, hi, ':');
      const auto r = ref::activation_range(ref::ActivationTail::clamp, out_scale, c.output_offset, std::stof(lo),
                                           std::stof(hi));
      c.activation_tail = "clamp";
      c.activation_min = r.min, c.activation_max = r.max;
    } else {
      const auto r = ref::activation_range(ref::parse_activation_tail(activation), out_scale, c.output_offset);
      c.activation_tail = activation;
      c.activation_min = r.min, c.activation_max = r.max;
    }
  } catch (const std::exception& e) {
    write_usage_error(std::string("--activation: ") + e.what());
  }

  if (o.has("output")) {
    const auto out_hw = numbers(o, "output", "", 'x', 2);
    c.out_h_override = out_hw[0], c.out_w_override = out_hw[1];
  }
  if (o.has("activation-range")) {
    const auto range = numbers(o, "activation-range", "", ',', 2);
    c.activation_min = range[0], c.activation_max = range[1];
  }

  const std::string refuse = text(o, "refuse", "");
  c.multiplier.assign(static_cast<size_t>(std::max(0, c.out_channels)), 1 << 30);
  c.shift.assign(c.multiplier.size(), -8);
  if (refuse.empty()) {
    try {
      conf::check_consistent(c);
      // Peaks land on 60..112 output steps, a different amount per channel, so a scale
      // applied to the wrong channel changes the result.
      std::vector<double> targets(static_cast<size_t>(c.out_channels));
      for (size_t oc = 0; oc < targets.size(); ++oc) targets[oc] = 60.0 + 13.0 * static_cast<double>(oc % 5);
      conf::assign_requant_for_peaks(c, conf::channel_peaks(c), targets);
    } catch (const std::exception& e) {
      std::cerr << "conformance: the reference refuses this case: " << e.what() << "\n";
      return 1;
    }
  }

  const bool recipes = o.has("recipes");
  conf::TensorRecipes stored;
  if (recipes) stored = {&input_recipe, &weight_recipe, c.has_bias ? &bias_recipe : nullptr};
  auto doc = conf::case_document(c, meta, stored);
  try {
    if (refuse.empty()) {
      conf::add_reference_expectation(doc, out);
    } else {
      conf::add_refusal_expectation(doc, refuse);
    }
    conf::parse_golden(doc, out);  // what we write must read back
    std::filesystem::create_directories(std::filesystem::absolute(out).parent_path());
    conf::write_json_atomically(out, doc);
  } catch (const std::exception& e) {
    std::cerr << "conformance: " << e.what() << "\n";
    return 1;
  }
  std::cout << "wrote " << out << ": " << conf::describe(c) << "\n";
  return 0;
}

}  // namespace cli
