#include "conf/golden.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "conf/recipe.h"
#include "ref/layout.h"

#ifndef CONFORMANCE_SOURCE_GOLDEN_DIR
#define CONFORMANCE_SOURCE_GOLDEN_DIR "golden"
#endif

namespace conf {

namespace {

using json = nlohmann::ordered_json;

constexpr int64_t kMaxDimension = 4096;
constexpr int64_t kMaxTensorElements = int64_t{1} << 24;
// Multiply-accumulates a case may ask of the reference (seconds, not hours).
constexpr double kMaxMacs = 4294967296.0;

// Reads fields while keeping the JSON path, so every error names the field it is about.
class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  [[noreturn]] void fail(const std::string& path, const std::string& problem) const {
    throw GoldenError(file_, path, problem);
  }

  const json& member(const json& object, const std::string& path, const char* key) const {
    if (!object.is_object()) fail(path, "expected an object");
    const auto it = object.find(key);
    if (it == object.end()) fail(path + "/" + key, "missing");
    return *it;
  }
  const json* optional(const json& object, const char* key) const {
    const auto it = object.find(key);
    return it == object.end() || it->is_null() ? nullptr : &*it;
  }

  int64_t integer(const json& value, const std::string& path, int64_t lo, int64_t hi) const {
    if (!value.is_number_integer()) fail(path, "expected an integer, got " + std::string(value.type_name()));
    const auto v = value.get<int64_t>();
    if (value.is_number_unsigned() && value.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      fail(path, "integer out of range");
    }
    if (v < lo || v > hi) {
      fail(path, std::to_string(v) + " is outside [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
    }
    return v;
  }
  int32_t int32(const json& object, const std::string& path, const char* key, int64_t lo, int64_t hi) const {
    return static_cast<int32_t>(integer(member(object, path, key), path + "/" + key, lo, hi));
  }

  std::string string(const json& value, const std::string& path) const {
    if (!value.is_string()) fail(path, "expected a string, got " + std::string(value.type_name()));
    return value.get<std::string>();
  }
  std::string string(const json& object, const std::string& path, const char* key) const {
    return string(member(object, path, key), path + "/" + key);
  }

  // An array of exactly `count` integers (count < 0: any length up to the tensor limit).
  std::vector<int64_t> integers(const json& value, const std::string& path, int64_t count, int64_t lo,
                                int64_t hi) const {
    if (!value.is_array()) fail(path, "expected an array, got " + std::string(value.type_name()));
    if (count >= 0 && static_cast<int64_t>(value.size()) != count) {
      fail(path, "expected " + std::to_string(count) + " values, got " + std::to_string(value.size()));
    }
    if (static_cast<int64_t>(value.size()) > kMaxTensorElements) fail(path, "too many values");
    std::vector<int64_t> result;
    result.reserve(value.size());
    for (size_t i = 0; i < value.size(); ++i) result.push_back(integer(value[i], path + "/" + std::to_string(i), lo, hi));
    return result;
  }
  std::pair<int32_t, int32_t> pair(const json& object, const std::string& path, const char* key, int64_t lo,
                                   int64_t hi) const {
    const auto v = integers(member(object, path, key), path + "/" + key, 2, lo, hi);
    return {static_cast<int32_t>(v[0]), static_cast<int32_t>(v[1])};
  }

  // A tensor stored as "values" or as a generator "recipe", with `count` elements in [lo, hi].
  std::vector<int64_t> tensor(const json& value, const std::string& path, int64_t count, int64_t lo, int64_t hi) const {
    if (!value.is_object()) fail(path, "expected an object with \"values\" or \"recipe\"");
    if (count > kMaxTensorElements) fail(path, "tensor of " + std::to_string(count) + " elements is too large");
    const json* values = optional(value, "values");
    const json* recipe = optional(value, "recipe");
    if ((values != nullptr) == (recipe != nullptr)) fail(path, "needs exactly one of \"values\" and \"recipe\"");
    if (values) return integers(*values, path + "/values", count, lo, hi);
    const std::string rp = path + "/recipe";
    Recipe r;
    r.seed = static_cast<uint64_t>(integer(member(*recipe, rp, "seed"), rp + "/seed", 0, std::numeric_limits<int64_t>::max()));
    r.distribution = string(*recipe, rp, "distribution");
    r.min = optional(*recipe, "min") ? integer((*recipe)["min"], rp + "/min", lo, hi) : lo;
    r.max = optional(*recipe, "max") ? integer((*recipe)["max"], rp + "/max", lo, hi) : hi;
    try {
      return values_from_recipe(r, static_cast<size_t>(count));
    } catch (const std::invalid_argument& e) {
      fail(rp, e.what());
    }
  }

 private:
  std::string file_;
};

template <class T>
std::vector<T> narrow(const std::vector<int64_t>& values) {
  return std::vector<T>(values.begin(), values.end());
}

// Reorders NCHW data into the NHWC order cases keep.
std::vector<int8_t> nchw_to_nhwc(const std::vector<int8_t>& data, const ref::Shape& nchw) {
  const ref::Tensor<int8_t> t(nchw, ref::contiguous_order(4), data);
  return ref::to_dim_order(t, ref::channels_last_order(4)).data();
}

}  // namespace

GoldenCase parse_golden(const json& doc, const std::string& file) {
  const Reader r(file);
  GoldenCase g;
  g.file = file;
  if (!doc.is_object()) r.fail("", "expected a JSON object at the top level");
  check_json_depth(doc, file);  // before the copy, which recurses
  g.document = doc;
  if (r.string(doc, "", "format") != kGoldenFormat) {
    r.fail("/format", "expected \"" + std::string(kGoldenFormat) + "\"");
  }
  const int64_t version = r.integer(r.member(doc, "", "version"), "/version", 1, 1000);
  if (version != kGoldenVersion) {
    r.fail("/version", "version " + std::to_string(version) + " is not supported (this build reads version " +
                           std::to_string(kGoldenVersion) + ")");
  }
  g.name = r.string(doc, "", "name");
  if (g.name.empty()) r.fail("/name", "must not be empty");
  if (const json* d = r.optional(doc, "description")) g.description = r.string(*d, "/description");
  if (const json* tags = r.optional(doc, "tags")) {
    if (!tags->is_array()) r.fail("/tags", "expected an array of strings");
    for (size_t i = 0; i < tags->size(); ++i) g.tags.push_back(r.string((*tags)[i], "/tags/" + std::to_string(i)));
  }
  try {
    g.rounding = ref::parse_rounding(r.string(doc, "", "rounding"));
  } catch (const std::invalid_argument& e) {
    r.fail("/rounding", e.what());
  }
  try {
    g.compliance = parse_compliance(r.string(doc, "", "compliance"));
  } catch (const std::invalid_argument& e) {
    r.fail("/compliance", e.what());
  }

  ConvCase& c = g.conv;
  try {
    c.kind = parse_kind(r.string(doc, "", "op"));
  } catch (const std::invalid_argument& e) {
    r.fail("/op", e.what());
  }

  // Geometry. Values the kernels must refuse (stride 0, ...) are allowed here, within bounds
  // that keep every size computable: negative cases carry them on purpose.
  const json& geo = r.member(doc, "", "geometry");
  const std::string gp = "/geometry";
  c.batch = r.int32(geo, gp, "batch", 0, kMaxDimension);
  c.in_channels = r.int32(geo, gp, "in_channels", 0, kMaxDimension);
  c.out_channels = r.int32(geo, gp, "out_channels", 0, kMaxDimension);
  std::tie(c.in_h, c.in_w) = r.pair(geo, gp, "input_hw", 0, kMaxDimension);
  std::tie(c.kernel_h, c.kernel_w) = r.pair(geo, gp, "kernel_hw", 0, kMaxDimension);
  std::tie(c.stride_h, c.stride_w) = r.pair(geo, gp, "stride_hw", -kMaxDimension, kMaxDimension);
  std::tie(c.dilation_h, c.dilation_w) = r.pair(geo, gp, "dilation_hw", -kMaxDimension, kMaxDimension);
  const auto pads = r.integers(r.member(geo, gp, "padding_tblr"), gp + "/padding_tblr", 4, -kMaxDimension, kMaxDimension);
  c.pad_top = static_cast<int32_t>(pads[0]);
  c.pad_bottom = static_cast<int32_t>(pads[1]);
  c.pad_left = static_cast<int32_t>(pads[2]);
  c.pad_right = static_cast<int32_t>(pads[3]);
  if (c.kind == ConvKind::conv) {
    c.groups = r.int32(geo, gp, "groups", -kMaxDimension, kMaxDimension);
  } else {
    c.depth_multiplier = r.int32(geo, gp, "depth_multiplier", -kMaxDimension, kMaxDimension);
  }
  if (const json* out = r.optional(geo, "output_hw_override")) {
    const auto v = r.integers(*out, gp + "/output_hw_override", 2, 1, kMaxDimension);
    c.out_h_override = static_cast<int32_t>(v[0]);
    c.out_w_override = static_cast<int32_t>(v[1]);
  }

  // Quantization.
  const json& q = r.member(doc, "", "quantization");
  const std::string qp = "/quantization";
  c.input_offset = r.int32(q, qp, "input_offset", -1024, 1024);
  c.output_offset = r.int32(q, qp, "output_offset", -1024, 1024);
  if (const json* tail = r.optional(q, "activation")) c.activation_tail = r.string(*tail, qp + "/activation");
  std::tie(c.activation_min, c.activation_max) = r.pair(q, qp, "activation_range", -1024, 1024);
  const int64_t channels = c.out_channels;
  c.multiplier = narrow<int32_t>(r.integers(r.member(q, qp, "multiplier"), qp + "/multiplier", channels,
                                            std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max()));
  c.shift = narrow<int32_t>(r.integers(r.member(q, qp, "shift"), qp + "/shift", channels, -1024, 1024));

  // Tensors.
  const json& tensors = r.member(doc, "", "tensors");
  const std::string tp = "/tensors";
  const json& input = r.member(tensors, tp, "input");
  const std::string input_layout = r.string(input, tp + "/input", "layout");
  c.input = narrow<int8_t>(r.tensor(input, tp + "/input", c.input_elements(), -128, 127));
  if (input_layout == "NCHW") {
    c.input = nchw_to_nhwc(c.input, {c.batch, c.in_channels, c.in_h, c.in_w});
  } else if (input_layout != "NHWC") {
    r.fail(tp + "/input/layout", "expected NHWC or NCHW, got " + input_layout);
  }

  const json& weight = r.member(tensors, tp, "weight");
  const std::string weight_layout_text = r.string(weight, tp + "/weight", "layout");
  const int64_t weight_count = c.weight_elements();
  c.weight = narrow<int8_t>(r.tensor(weight, tp + "/weight", weight_count, -128, 127));
  try {
    const ref::WeightLayout stored = ref::parse_weight_layout(weight_layout_text);
    const ref::WeightLayout wanted = c.kind == ConvKind::conv ? ref::WeightLayout::OHWI : ref::WeightLayout::IHWO;
    if (stored != wanted && weight_count > 0) {
      const ref::Shape oihw{c.out_channels, c.weight_in_channels(), c.kernel_h, c.kernel_w};
      const auto logical = ref::weights_from_layout(c.weight, stored, oihw, c.depth_multiplier);
      c.weight = ref::weights_to_layout(logical, wanted, c.depth_multiplier);
    }
  } catch (const std::invalid_argument& e) {
    r.fail(tp + "/weight/layout", e.what());
  }

  const json* bias = r.optional(tensors, "bias");
  c.has_bias = bias != nullptr;
  if (bias) {
    c.bias = narrow<int32_t>(r.tensor(*bias, tp + "/bias", channels, std::numeric_limits<int32_t>::min(),
                                      std::numeric_limits<int32_t>::max()));
  }

  // Expectations.
  const json& expected = r.member(doc, "", "expected");
  const std::string ep = "/expected";
  g.expected_status = r.string(expected, ep, "status");
  if (g.expected_status == "ok") {
    try {
      check_consistent(c);
    } catch (const std::invalid_argument& e) {
      r.fail(gp, std::string("inconsistent case for status ok: ") + e.what());
    }
    if (c.out_h() < 1 || c.out_w() < 1) r.fail(gp, "the geometry gives an empty output");
    // In double first: a negative dilation makes the output grow, and the int64 product of
    // ConvCase::output_elements() could overflow before any bound is checked.
    const double outputs = static_cast<double>(c.batch) * c.out_h() * c.out_w() * c.out_channels;
    if (outputs > static_cast<double>(kMaxTensorElements)) {
      r.fail(gp, "the output would have " + std::to_string(outputs) + " elements, more than 2^24");
    }
    const double macs = outputs * c.kernel_h * c.kernel_w * c.weight_in_channels();
    if (macs > kMaxMacs) r.fail(gp, "the case needs " + std::to_string(macs) + " multiply-accumulates, more than 2^32");
    if (const json* out = r.optional(expected, "output")) {
      const std::string out_layout = r.string(*out, ep + "/output", "layout");
      g.expected_output = narrow<int8_t>(r.integers(r.member(*out, ep + "/output", "values"), ep + "/output/values",
                                                    c.output_elements(), -128, 127));
      if (out_layout == "NCHW") {
        g.expected_output = nchw_to_nhwc(g.expected_output, {c.batch, c.out_channels, c.out_h(), c.out_w()});
      } else if (out_layout != "NHWC") {
        r.fail(ep + "/output/layout", "expected NHWC or NCHW, got " + out_layout);
      }
      g.has_expected_output = true;
    }
    if (const json* sum = r.optional(expected, "checksum")) g.expected_checksum = r.string(*sum, ep + "/checksum");
    if (!g.has_expected_output && g.expected_checksum.empty()) {
      r.fail(ep, "needs \"output\" values or a \"checksum\" (or both)");
    }
  }
  return g;
}

GoldenCase load_golden(const std::string& file) { return parse_golden(read_json_file(file), file); }

json parse_json_text(const std::string& text, const std::string& file) {
  if (text.size() > kMaxJsonBytes) throw GoldenError(file, "", "file larger than 256 MiB");
  // Nesting is measured on the text (brackets outside strings), before nlohmann builds
  // anything: its parser does not recurse, but copying and printing a document do.
  size_t depth = 0;
  bool in_string = false, escaped = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char ch = text[i];
    if (in_string) {
      if (escaped) escaped = false;
      else if (ch == '\\') escaped = true;
      else if (ch == '"') in_string = false;
    } else if (ch == '"') {
      in_string = true;
    } else if (ch == '[' || ch == '{') {
      if (++depth > kMaxJsonDepth) {
        throw GoldenError(file, "", "JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels (at byte " +
                                        std::to_string(i) + ")");
      }
    } else if ((ch == ']' || ch == '}') && depth > 0) {
      --depth;
    }
  }
  try {
    return json::parse(text);
  } catch (const json::exception& e) {
    throw GoldenError(file, "", std::string("not valid JSON: ") + e.what());
  }
}

json read_json_file(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw GoldenError(file, "", "cannot open the file");
  in.seekg(0, std::ios::end);
  const auto size = static_cast<int64_t>(in.tellg());
  in.seekg(0);
  if (size < 0) throw GoldenError(file, "", "cannot read the file");
  if (static_cast<uint64_t>(size) > kMaxJsonBytes) throw GoldenError(file, "", "file larger than 256 MiB");
  std::string text(static_cast<size_t>(size), '\0');
  if (size > 0 && !in.read(text.data(), size)) throw GoldenError(file, "", "cannot read the file");
  return parse_json_text(text, file);
}

void check_json_depth(const json& document, const std::string& file) {
  // Iterative, so that the check itself cannot run out of stack.
  struct Pending {
    const json* value;
    size_t depth;
    std::string path;
  };
  std::vector<Pending> stack{{&document, 0, ""}};
  while (!stack.empty()) {
    Pending p = std::move(stack.back());
    stack.pop_back();
    if (!p.value->is_structured()) continue;
    if (p.depth + 1 > kMaxJsonDepth) {
      throw GoldenError(file, p.path, "JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
    }
    if (p.value->is_array()) {
      for (size_t i = 0; i < p.value->size(); ++i) {
        if ((*p.value)[i].is_structured()) stack.push_back({&(*p.value)[i], p.depth + 1, p.path + "/" + std::to_string(i)});
      }
    } else {
      for (auto it = p.value->begin(); it != p.value->end(); ++it) {
        if (it->is_structured()) stack.push_back({&*it, p.depth + 1, p.path + "/" + it.key()});
      }
    }
  }
}

std::string golden_format_of(const std::string& file) {
  try {
    const json document = read_json_file(file);
    return document.is_object() && document.contains("format") && document["format"].is_string()
               ? document["format"].get<std::string>()
               : "";
  } catch (const GoldenError&) {
    return "";
  }
}

std::vector<std::string> list_golden_files(const std::string& dir) {
  namespace fs = std::filesystem;
  if (!fs::is_directory(dir)) throw std::runtime_error("golden folder '" + dir + "' does not exist");
  std::vector<std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string golden_dir() {
  const char* env = std::getenv("CONFORMANCE_GOLDEN_DIR");
  return env && *env ? env : CONFORMANCE_SOURCE_GOLDEN_DIR;
}

namespace {
// Like dump(2), but arrays of numbers stay on one line so tensors remain reviewable.
void format(std::ostream& out, const json& value, int indent) {
  const std::string pad(static_cast<size_t>(indent), ' ');
  if (value.is_object()) {
    if (value.empty()) {
      out << "{}";
      return;
    }
    out << "{\n";
    size_t i = 0;
    for (auto it = value.begin(); it != value.end(); ++it, ++i) {
      out << pad << "  " << json(it.key()).dump() << ": ";
      format(out, it.value(), indent + 2);
      out << (i + 1 < value.size() ? ",\n" : "\n");
    }
    out << pad << "}";
  } else if (value.is_array()) {
    const bool flat = std::all_of(value.begin(), value.end(), [](const json& v) { return v.is_primitive(); });
    if (flat) {
      out << "[";
      for (size_t i = 0; i < value.size(); ++i) out << (i ? ", " : "") << value[i].dump();
      out << "]";
      return;
    }
    out << "[\n";
    for (size_t i = 0; i < value.size(); ++i) {
      out << pad << "  ";
      format(out, value[i], indent + 2);
      out << (i + 1 < value.size() ? ",\n" : "\n");
    }
    out << pad << "]";
  } else {
    out << value.dump();
  }
}
}  // namespace

std::string format_json(const json& document) {
  std::ostringstream out;
  format(out, document, 0);
  out << '\n';
  return out.str();
}

void write_json_atomically(const std::string& file, const json& document) {
  const std::string temporary = file + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error("cannot write " + temporary);
    out << format_json(document);
    if (!out.flush()) throw std::runtime_error("cannot write " + temporary);
  }
  if (std::rename(temporary.c_str(), file.c_str()) != 0) throw std::runtime_error("cannot rename " + temporary + " to " + file);
}

}  // namespace conf
