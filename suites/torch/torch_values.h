// PyTorch's own quantized values for an exported graph (scripts/export_torch_model.py
// --torch-outputs): per quantize node of the graph, the int8 tensor PyTorch's quantized model
// (convert_fx, qnnpack kernels) produced there on the graph's stored input.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "ref/tensor.h"

namespace torchcheck {

struct TorchValue {
  std::string torch_node;  // the node of PyTorch's quantized FX graph that produced it
  ref::Shape shape;
  std::vector<int8_t> values;  // logical row-major, int8 (PyTorch's quint8 minus 128)
};

struct TorchValues {
  std::string model, engine, torch_version;
  std::map<std::string, TorchValue> nodes;  // by the graph's quantize node name
  std::vector<std::string> workarounds;     // PyTorch defects the exporter stepped around
  std::vector<std::string> converted_quantization;  // quantizations taken from the converted model
};

// Throws std::runtime_error naming the file and the field on anything malformed.
TorchValues load_torch_values(const std::string& file);

}  // namespace torchcheck
