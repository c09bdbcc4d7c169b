// Run-time values: a tensor of float32, int8 or int32 with its logical shape and the dim
// order its bytes are laid out in (ref::Tensor keeps both).
#pragma once

#include <cstdint>
#include <string>
#include <variant>

#include "lower/ir.h"
#include "ref/tensor.h"

namespace lower {

using Value = std::variant<ref::Tensor<float>, ref::Tensor<int8_t>, ref::Tensor<int32_t>>;

DType dtype_of(const Value& value);
const ref::Shape& shape_of(const Value& value);
const ref::DimOrder& dim_order_of(const Value& value);
TensorMeta meta_of(const Value& value);  // without quantization metadata

// A zero-filled value for the metadata.
Value make_value(const TensorMeta& meta);
// The value from a constant's data (logical order), laid out in meta.dim_order.
Value value_from_constant(const TensorMeta& meta, const ConstantData& data);
// The same logical tensor with its bytes in another dim order.
Value reorder(const Value& value, const ref::DimOrder& order);

// Throws IrError unless the value holds T.
template <class T>
const ref::Tensor<T>& as(const Value& value, const std::string& what);

// Logical (row-major) values as doubles; for reports and checksums.
std::vector<double> logical_values(const Value& value);
// "fnv1a64:..." over the dtype, shape, and the logical values' bytes.
std::string value_checksum(const Value& value);

}  // namespace lower
