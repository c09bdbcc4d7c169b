// golden_tool: writes, checks and lists op-level golden cases.
//
//   golden_tool write --out FILE --name NAME [options]   a new case; expectations from the reference
//   golden_tool check FILE|DIR...                         parse every case, report errors by JSON path
//   golden_tool list [DIR]                                 name, tags and dispatch path of every case
//
// Run with --help for the options of `write`.
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <sstream>

#include "conf/golden.h"
#include "conf/recipe.h"
#include "conf/requant_choice.h"
#include "conf/target_kernels.h"
#include "ref/quant.h"

namespace {

const char* kUsage = R"(usage:
  golden_tool write --out FILE --name NAME [options]
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
  golden_tool check FILE|DIR...
  golden_tool list [DIR]
Input, weight and bias data come from seeded recipes (uniform over the int8 range, bias
within +-4096); per-channel requantization is chosen from the reference's accumulators so
outputs use about half the int8 range; the expected output comes from the reference.
)";

[[noreturn]] void usage_error(const std::string& message) {
  std::cerr << "golden_tool: " << message << "\n" << kUsage;
  std::exit(2);
}

using Options = std::map<std::string, std::string>;

Options parse_options(int argc, char** argv, int first) {
  Options options;
  for (int i = first; i < argc; ++i) {
    std::string key = argv[i];
    if (key.rfind("--", 0) != 0) usage_error("unexpected argument '" + key + "'");
    key = key.substr(2);
    if (key == "bias" || key == "recipes") {
      options[key] = "1";
    } else if (i + 1 < argc) {
      options[key] = argv[++i];
    } else {
      usage_error("--" + key + " needs a value");
    }
  }
  return options;
}

int32_t number(const Options& o, const std::string& key, int32_t fallback) {
  const auto it = o.find(key);
  if (it == o.end()) return fallback;
  char* end = nullptr;
  const long v = std::strtol(it->second.c_str(), &end, 10);
  if (it->second.empty() || *end != '\0') usage_error("--" + key + " expects an integer, got '" + it->second + "'");
  return static_cast<int32_t>(v);
}

std::vector<int32_t> numbers(const Options& o, const std::string& key, const std::string& fallback, char sep,
                             size_t count) {
  const auto it = o.find(key);
  std::stringstream text(it == o.end() ? fallback : it->second);
  std::vector<int32_t> values;
  for (std::string part; std::getline(text, part, sep);) {
    char* end = nullptr;
    values.push_back(static_cast<int32_t>(std::strtol(part.c_str(), &end, 10)));
    if (part.empty() || *end != '\0') usage_error("--" + key + " expects integers separated by '" + sep + "'");
  }
  if (values.size() != count) usage_error("--" + key + " expects " + std::to_string(count) + " values");
  return values;
}

std::string text(const Options& o, const std::string& key, const std::string& fallback) {
  const auto it = o.find(key);
  return it == o.end() ? fallback : it->second;
}

int write_case(const Options& o) {
  const std::string out = text(o, "out", "");
  conf::GoldenMeta meta;
  meta.name = text(o, "name", "");
  if (out.empty() || meta.name.empty()) usage_error("write needs --out and --name");
  meta.description = text(o, "description", "");
  std::stringstream tags(text(o, "tags", ""));
  for (std::string tag; std::getline(tags, tag, ',');) {
    if (!tag.empty()) meta.tags.push_back(tag);
  }
  try {
    meta.rounding = ref::parse_rounding(text(o, "rounding", "double"));
    meta.compliance = conf::parse_compliance(text(o, "compliance", "exact"));
  } catch (const std::exception& e) {
    usage_error(e.what());
  }

  conf::ConvCase c;
  try {
    c.kind = conf::parse_kind(text(o, "op", "conv2d"));
  } catch (const std::exception& e) {
    usage_error(e.what());
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
  c.has_bias = o.count("bias") > 0;
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
    usage_error(std::string("--activation: ") + e.what());
  }

  if (o.count("output")) {
    const auto out_hw = numbers(o, "output", "", 'x', 2);
    c.out_h_override = out_hw[0], c.out_w_override = out_hw[1];
  }
  if (o.count("activation-range")) {
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
      std::cerr << "golden_tool: the reference refuses this case: " << e.what() << "\n";
      return 1;
    }
  }

  const bool recipes = o.count("recipes") > 0;
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
    std::cerr << "golden_tool: " << e.what() << "\n";
    return 1;
  }
  std::cout << "wrote " << out << ": " << conf::describe(c) << "\n";
  return 0;
}

// The op-level case files among the targets (folders searched recursively); model graphs,
// which share golden/, are graph_tool's.
std::vector<std::string> expand(const std::vector<std::string>& targets) {
  std::vector<std::string> files;
  for (const auto& t : targets) {
    if (std::filesystem::is_directory(t)) {
      for (const std::string& f : conf::list_golden_files(t)) {
        if (conf::golden_format_of(f) == "conv-conformance-graph") {
          std::cout << "skip  " << f << "  (a model graph: graph_tool check)\n";
          continue;
        }
        files.push_back(f);
      }
    } else {
      files.push_back(t);
    }
  }
  return files;
}

int check_cases(const std::vector<std::string>& targets) {
  int bad = 0;
  for (const auto& file : expand(targets)) {
    try {
      const auto g = conf::load_golden(file);
      std::cout << "ok    " << file << "  " << g.name << "\n";
    } catch (const std::exception& e) {
      std::cout << "error " << e.what() << "\n";
      ++bad;
    }
  }
  return bad ? 1 : 0;
}

int list_cases(const std::vector<std::string>& targets) {
  int bad = 0;
  for (const auto& file : expand(targets)) {
    try {
      const auto g = conf::load_golden(file);
      std::string tags;
      for (const auto& t : g.tags) tags += (tags.empty() ? "" : ",") + t;
      const std::string path = g.expected_status == "ok" ? conf::target_selected_path(g.conv) : "refused: " + g.expected_status;
      std::cout << g.name << "  [" << tags << "]  " << path << "  " << ref::rounding_name(g.rounding) << "/"
                << conf::to_string(g.compliance) << "  " << file << "\n";
    } catch (const std::exception& e) {
      std::cout << "error " << e.what() << "\n";
      ++bad;
    }
  }
  return bad ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h") {
    std::cout << kUsage;
    return argc < 2 ? 2 : 0;
  }
  const std::string command = argv[1];
  std::vector<std::string> rest(argv + 2, argv + argc);
  try {
    if (command == "write") return write_case(parse_options(argc, argv, 2));
    if (command == "check") return check_cases(rest.empty() ? std::vector<std::string>{conf::golden_dir()} : rest);
    if (command == "list") return list_cases(rest.empty() ? std::vector<std::string>{conf::golden_dir()} : rest);
  } catch (const std::exception& e) {
    std::cerr << "golden_tool: " << e.what() << "\n";
    return 1;
  }
  usage_error("unknown command '" + command + "'");
}
