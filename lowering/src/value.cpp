#include "lower/value.h"

#include <cstdio>
#include <cstring>

namespace lower {

namespace {

template <class T>
ref::Tensor<T> from_logical(const TensorMeta& meta, const std::vector<T>& logical) {
  if (static_cast<int64_t>(logical.size()) != meta.numel()) {
    throw IrError("constant has " + std::to_string(logical.size()) + " values for shape " +
                  ref::to_string(meta.shape) + " (" + std::to_string(meta.numel()) + " elements)");
  }
  ref::Tensor<T> contiguous(meta.shape, ref::contiguous_order(meta.shape.size()), logical);
  return ref::to_dim_order(contiguous, meta.dim_order);
}

template <class T>
DType dtype_for();
template <>
DType dtype_for<float>() { return DType::float32; }
template <>
DType dtype_for<int8_t>() { return DType::int8; }
template <>
DType dtype_for<int32_t>() { return DType::int32; }

}  // namespace

DType dtype_of(const Value& value) {
  return std::visit([](const auto& t) { return dtype_for<typename std::decay_t<decltype(t.data())>::value_type>(); }, value);
}
const ref::Shape& shape_of(const Value& value) {
  return std::visit([](const auto& t) -> const ref::Shape& { return t.shape(); }, value);
}
const ref::DimOrder& dim_order_of(const Value& value) {
  return std::visit([](const auto& t) -> const ref::DimOrder& { return t.dim_order(); }, value);
}
TensorMeta meta_of(const Value& value) {
  TensorMeta meta;
  meta.shape = shape_of(value);
  meta.dtype = dtype_of(value);
  meta.dim_order = dim_order_of(value);
  return meta;
}

Value make_value(const TensorMeta& meta) {
  switch (meta.dtype) {
    case DType::float32: return ref::Tensor<float>(meta.shape, meta.dim_order);
    case DType::int8: return ref::Tensor<int8_t>(meta.shape, meta.dim_order);
    case DType::int32: return ref::Tensor<int32_t>(meta.shape, meta.dim_order);
  }
  throw IrError("bad dtype");
}

Value value_from_constant(const TensorMeta& meta, const ConstantData& data) {
  switch (meta.dtype) {
    case DType::float32:
      if (const auto* v = std::get_if<std::vector<float>>(&data)) return from_logical(meta, *v);
      break;
    case DType::int8:
      if (const auto* v = std::get_if<std::vector<int8_t>>(&data)) return from_logical(meta, *v);
      break;
    case DType::int32:
      if (const auto* v = std::get_if<std::vector<int32_t>>(&data)) return from_logical(meta, *v);
      break;
  }
  throw IrError(std::string("constant data does not hold ") + dtype_name(meta.dtype) + " values");
}

Value reorder(const Value& value, const ref::DimOrder& order) {
  return std::visit([&](const auto& t) -> Value { return ref::to_dim_order(t, order); }, value);
}

template <class T>
const ref::Tensor<T>& as(const Value& value, const std::string& what) {
  if (const auto* t = std::get_if<ref::Tensor<T>>(&value)) return *t;
  throw IrError(what + ": expected " + dtype_name(dtype_for<T>()) + ", got " + dtype_name(dtype_of(value)));
}
template const ref::Tensor<float>& as(const Value&, const std::string&);
template const ref::Tensor<int8_t>& as(const Value&, const std::string&);
template const ref::Tensor<int32_t>& as(const Value&, const std::string&);

std::vector<double> logical_values(const Value& value) {
  return std::visit(
      [](const auto& t) {
        const auto contiguous = ref::to_dim_order(t, ref::contiguous_order(t.rank()));
        return std::vector<double>(contiguous.data().begin(), contiguous.data().end());
      },
      value);
}

std::string value_checksum(const Value& value) {
  uint64_t hash = 1469598103934665603ull;
  const auto mix = [&](const void* bytes, size_t n) {
    const auto* p = static_cast<const unsigned char*>(bytes);
    for (size_t i = 0; i < n; ++i) {
      hash ^= p[i];
      hash *= 1099511628211ull;
    }
  };
  const std::string header = std::string(dtype_name(dtype_of(value))) + ref::to_string(shape_of(value));
  mix(header.data(), header.size());
  std::visit(
      [&](const auto& t) {
        const auto contiguous = ref::to_dim_order(t, ref::contiguous_order(t.rank()));
        // Raw bytes: every host and target this suite runs on is little-endian.
        for (const auto v : contiguous.data()) mix(&v, sizeof(v));
      },
      value);
  char text[32];
  std::snprintf(text, sizeof(text), "fnv1a64:%016llx", static_cast<unsigned long long>(hash));
  return text;
}

}  // namespace lower
