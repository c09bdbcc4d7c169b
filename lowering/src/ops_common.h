// Shared by the op definition files: building OpDefs and metadata tersely.
#pragma once

#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "lower/op_registry.h"
#include "lower/value.h"

namespace lower::ops {

inline ArgSpec required(std::string name, ArgKind kind) { return ArgSpec{std::move(name), kind, std::nullopt}; }
inline ArgSpec optional(std::string name, ArgKind kind, Arg default_value) {
  return ArgSpec{std::move(name), kind, std::move(default_value)};
}

inline TensorMeta make_meta(DType dtype, ref::Shape shape, ref::DimOrder order = {}) {
  TensorMeta m;
  m.dtype = dtype;
  m.dim_order = order.empty() ? ref::contiguous_order(shape.size()) : std::move(order);
  m.shape = std::move(shape);
  return m;
}

// The single output metadata of a tensor argument.
inline const TensorMeta& input_meta(const CallArgs& call, const MetaLookup& metas, size_t i) {
  const auto& outputs = metas(call.tensor(i));
  if (outputs.size() != 1) call.fail(i, "reads a node with " + std::to_string(outputs.size()) + " outputs (use getitem)");
  return outputs[0];
}

inline const Value& input_value(const CallArgs& call, const ValueLookup& values, size_t i) {
  const auto& outputs = values(call.tensor(i));
  if (outputs.size() != 1) call.fail(i, "reads a node with several outputs");
  return outputs[0];
}

// Normalizes a possibly negative dim against a rank; fails the call when out of range.
inline size_t normalize_dim(const CallArgs& call, size_t arg, int64_t dim, size_t rank) {
  const auto r = static_cast<int64_t>(rank);
  if (dim < -r || dim >= r) call.fail(arg, "dim " + std::to_string(dim) + " is out of range for rank " + std::to_string(rank));
  return static_cast<size_t>(dim < 0 ? dim + r : dim);
}


// The element type of a ref::Tensor (for std::visit over a Value).
template <class X>
struct element_of;
template <class T>
struct element_of<ref::Tensor<T>> {
  using type = T;
};
template <class X>
using element_t = typename element_of<std::decay_t<X>>::type;

inline bool is_contiguous(const ref::DimOrder& order) { return order == ref::contiguous_order(order.size()); }

// The dim-order rule of most ops: the first input's order when the rank is unchanged,
// contiguous otherwise.
inline ref::DimOrder order_for_rank(const TensorMeta& first, size_t out_rank) {
  return first.shape.size() == out_rank ? first.dim_order : ref::contiguous_order(out_rank);
}

// Fails the call unless the tensor argument has the dtype.
inline void require_dtype(const CallArgs& call, size_t i, const TensorMeta& meta, DType want) {
  if (meta.dtype != want) {
    call.fail(i, std::string("must be ") + dtype_name(want) + ", got " + describe(meta));
  }
}

inline const TensorMeta& float_input_meta(const CallArgs& call, const MetaLookup& metas, size_t i) {
  const TensorMeta& m = input_meta(call, metas, i);
  require_dtype(call, i, m, DType::float32);
  return m;
}

inline const ref::Tensor<float>& float_input(const CallArgs& call, const ValueLookup& values, size_t i) {
  return as<float>(input_value(call, values, i), call.op() + " (node '" + call.node().name + "')");
}

// Calls fn(index) for every logical index of shape, last dim fastest (no std::function).
template <class F>
void for_each_logical(const ref::Shape& shape, F&& fn) {
  const int64_t n = ref::element_count(shape);
  if (n <= 0) return;
  ref::Index index(shape.size(), 0);
  for (int64_t k = 0; k < n; ++k) {
    fn(static_cast<const ref::Index&>(index));
    for (size_t d = shape.size(); d-- > 0;) {
      if (++index[d] < shape[d]) break;
      index[d] = 0;
    }
  }
}

// The logical (row-major) elements of a tensor.
template <class T>
std::vector<T> logical_data(const ref::Tensor<T>& t) {
  if (is_contiguous(t.dim_order())) return t.data();
  return ref::to_dim_order(t, ref::contiguous_order(t.rank())).data();
}

// A tensor from logical (row-major) elements, laid out in `order`.
template <class T>
ref::Tensor<T> tensor_from_logical(const ref::Shape& shape, std::vector<T> logical, const ref::DimOrder& order) {
  ref::Tensor<T> t(shape, ref::contiguous_order(shape.size()), std::move(logical));
  if (order.empty() || is_contiguous(order)) return t;
  return ref::to_dim_order(t, order);
}

// A tensor of shape/order whose element at each logical index is src(index).
template <class T, class Src>
ref::Tensor<T> build_tensor(const ref::Shape& shape, const ref::DimOrder& order, Src&& src) {
  ref::Tensor<T> out(shape, order);
  std::vector<int64_t> strides(shape.size());
  for (size_t d = 0; d < shape.size(); ++d) strides[d] = out.stride(d);
  for_each_logical(shape, [&](const ref::Index& index) {
    int64_t offset = 0;
    for (size_t d = 0; d < index.size(); ++d) offset += index[d] * strides[d];
    out.data()[static_cast<size_t>(offset)] = src(index);
  });
  return out;
}

// An int[] argument of a spatial op: one value broadcast to `count` dims, or `count` values.
inline std::vector<int64_t> spatial_ints(const CallArgs& call, size_t i, size_t count) {
  std::vector<int64_t> v = call.ints(i);
  if (v.size() == 1) v.assign(count, v[0]);
  if (v.size() != count) {
    call.fail(i, "needs 1 or " + std::to_string(count) + " values, got " + std::to_string(call.ints(i).size()));
  }
  return v;
}

inline std::string list_string(const std::vector<int64_t>& v) {
  std::string s = "[";
  for (size_t k = 0; k < v.size(); ++k) s += (k ? ", " : "") + std::to_string(v[k]);
  return s + "]";
}

// The per-tensor quantize / dequantize meaning (quantized_decomposed's float-simulated
// fake quant), under any op name: the cortex_m ops of the same schema share it.
OpDef quantize_per_tensor_op(const std::string& name);
OpDef dequantize_per_tensor_op(const std::string& name);

}  // namespace lower::ops
