#include "torch_values.h"

#include <fstream>
#include <stdexcept>
#include <utility>

#include <nlohmann/json.hpp>

namespace torchcheck {

namespace {

[[noreturn]] void fail(const std::string& file, const std::string& path, const std::string& problem) {
  throw std::runtime_error(file + ": " + path + ": " + problem);
}

std::string text(const nlohmann::json& d, const std::string& key, const std::string& file) {
  if (!d.contains(key) || !d[key].is_string()) fail(file, "/" + key, "missing (a string)");
  return d[key].get<std::string>();
}

}  // namespace

TorchValues load_torch_values(const std::string& file) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error(file + ": cannot open");
  nlohmann::json d;
  try {
    in >> d;
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(file + ": not JSON: " + e.what());
  }
  if (!d.is_object() || d.value("format", "") != "conv-conformance-torch-outputs") {
    fail(file, "/format", "expected \"conv-conformance-torch-outputs\"");
  }
  if (d.value("version", 0) != 1) fail(file, "/version", "expected 1");
  TorchValues t;
  t.model = text(d, "model", file);
  t.engine = text(d, "engine", file);
  t.torch_version = text(d, "torch_version", file);
  for (const auto& [key, list] : {std::pair<std::string, std::vector<std::string>*>{"workarounds", &t.workarounds},
                                  {"converted_quantization", &t.converted_quantization}}) {
    if (!d.contains(key)) continue;
    if (!d[key].is_array()) fail(file, "/" + key, "expected a list of strings");
    for (const auto& w : d[key]) {
      if (!w.is_string()) fail(file, "/" + key, "expected a list of strings");
      list->push_back(w.get<std::string>());
    }
  }
  if (!d.contains("nodes") || !d["nodes"].is_object()) fail(file, "/nodes", "missing (an object)");
  for (const auto& [name, entry] : d["nodes"].items()) {
    const std::string path = "/nodes/" + name;
    TorchValue v;
    if (!entry.is_object()) fail(file, path, "expected an object");
    v.torch_node = entry.value("torch_node", "");
    if (!entry.contains("shape") || !entry["shape"].is_array()) fail(file, path + "/shape", "missing");
    int64_t count = 1;
    for (const auto& dim : entry["shape"]) {
      if (!dim.is_number_integer() || dim.get<int64_t>() < 0 || dim.get<int64_t>() > (int64_t{1} << 30)) {
        fail(file, path + "/shape", "expected sizes in [0, 2^30]");
      }
      v.shape.push_back(dim.get<int64_t>());
      count *= v.shape.back();
      if (count > (int64_t{1} << 30)) fail(file, path + "/shape", "more than 2^30 elements");
    }
    if (!entry.contains("values") || !entry["values"].is_array() || static_cast<int64_t>(entry["values"].size()) != count) {
      fail(file, path + "/values", "expected " + std::to_string(count) + " values");
    }
    v.values.reserve(static_cast<size_t>(count));
    for (const auto& x : entry["values"]) {
      if (!x.is_number_integer() || x.get<int64_t>() < -128 || x.get<int64_t>() > 127) {
        fail(file, path + "/values", "expected int8 values");
      }
      v.values.push_back(static_cast<int8_t>(x.get<int64_t>()));
    }
    t.nodes.emplace(name, std::move(v));
  }
  return t;
}

}  // namespace torchcheck
