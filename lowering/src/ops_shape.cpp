// Shape and data movement ops. They accept every dtype (float32, int8, int32) and never
// change a value; inputs are read by logical index, so any input dim order works.
#include <algorithm>
#include <cmath>
#include <limits>

#include "ops_common.h"

namespace lower {

namespace {

using namespace ops;

using Metas = std::vector<TensorMeta>;
using Values = std::vector<Value>;

// Applies fn(tensor) -> Value to the input's concrete tensor type.
template <class F>
Value map_value(const Value& v, F&& fn) {
  return std::visit([&](const auto& t) -> Value { return fn(t); }, v);
}

// ---- view_copy ------------------------------------------------------------------------

ref::Shape view_shape(const CallArgs& call, const TensorMeta& in) {
  const std::vector<int64_t> size = call.ints(1);
  ref::Shape out(size.begin(), size.end());
  int64_t known = 1;
  int infer_at = -1;
  for (size_t k = 0; k < out.size(); ++k) {
    if (out[k] == -1) {
      if (infer_at >= 0) call.fail(1, "only one dim can be -1, got " + list_string(size));
      infer_at = static_cast<int>(k);
    } else if (out[k] < 0) {
      call.fail(1, "invalid size " + std::to_string(out[k]) + " in " + list_string(size));
    } else {
      known *= out[k];
    }
  }
  const int64_t numel = in.numel();
  if (infer_at >= 0) {
    if (known == 0 || numel % known != 0) {
      call.fail(1, "shape " + list_string(size) + " is invalid for input of size " + std::to_string(numel));
    }
    out[static_cast<size_t>(infer_at)] = numel / known;
  } else if (known != numel) {
    call.fail(1, "shape " + list_string(size) + " has " + std::to_string(known) + " elements, the input " +
                     describe(in) + " has " + std::to_string(numel));
  }
  return out;
}

void register_view_copy() {
  OpDef def;
  def.name = "aten.view_copy.default";
  def.args = {required("self", ArgKind::tensor), required("size", ArgKind::int_list)};
  def.infer = [](const CallArgs& call, const MetaLookup& metas) {
    const TensorMeta& in = input_meta(call, metas, 0);
    return Metas{make_meta(in.dtype, view_shape(call, in))};
  };
  def.run = [](const CallArgs& call, const ValueLookup& values, const RunContext&) {
    const Value& v = input_value(call, values, 0);
    const ref::Shape shape = view_shape(call, meta_of(v));
    return Values{map_value(v, [&](const auto& t) -> Value {
      using T = element_t<decltype(t)>;
      return ref::Tensor<T>(shape, ref::contiguous_order(shape.size()), logical_data(t));
    })};
  };
  register_op(std::move(def));
}

// ---- unsqueeze_copy / squeeze_copy ----------------------------------------------------

ref::Shape unsqueeze_shape(const CallArgs& call, const TensorMeta& in) {
  ref::Shape shape = in.shape;
  const size_t d = normalize_dim(call, 1, call.integer(1), shape.size() + 1);
  shape.insert(shape.begin() + static_cast<std::ptrdiff_t>(d), 1);
  return shape;
}

ref::Shape squeeze_shape(const CallArgs& call, const TensorMeta& in) {
  const std::vector<int64_t> dims = call.ints(1);
  const size_t rank = in.shape.size();
  std::vector<bool> drop(rank, false);
  std::vector<bool> seen(std::max<size_t>(rank, 1), false);
  for (int64_t dim : dims) {
    const size_t d = normalize_dim(call, 1, dim, std::max<size_t>(rank, 1));
    if (seen[d]) call.fail(1, "dim " + std::to_string(d) + " appears more than once in " + list_string(dims));
    seen[d] = true;
    if (rank > 0 && in.shape[d] == 1) drop[d] = true;  // only size-1 dims go, like PyTorch
  }
  ref::Shape shape;
  for (size_t d = 0; d < rank; ++d) {
    if (!drop[d]) shape.push_back(in.shape[d]);
  }
  return shape;
}

// An op whose output holds the input's logical elements in the same row-major order.
void register_reshaping(const std::string& name, std::vector<ArgSpec> args,
                        ref::Shape (*shape_of_call)(const CallArgs&, const TensorMeta&)) {
  OpDef def;
  def.name = name;
  def.args = std::move(args);
  def.infer = [shape_of_call](const CallArgs& call, const MetaLookup& metas) {
    const TensorMeta& in = input_meta(call, metas, 0);
    return Metas{make_meta(in.dtype, shape_of_call(call, in))};
  };
  def.run = [shape_of_call](const CallArgs& call, const ValueLookup& values, const RunContext&) {
    const Value& v = input_value(call, values, 0);
    const ref::Shape shape = shape_of_call(call, meta_of(v));
    return Values{map_value(v, [&](const auto& t) -> Value {
      using T = element_t<decltype(t)>;
      return ref::Tensor<T>(shape, ref::contiguous_order(shape.size()), logical_data(t));
    })};
  };
  register_op(std::move(def));
}

// ---- permute_copy ---------------------------------------------------------------------

std::vector<size_t> permutation(const CallArgs& call, size_t arg, size_t rank) {
  const std::vector<int64_t> dims = call.ints(arg);
  if (dims.size() != rank) {
    call.fail(arg, list_string(dims) + " has " + std::to_string(dims.size()) + " dims for a tensor of rank " +
                       std::to_string(rank));
  }
  std::vector<size_t> perm;
  std::vector<bool> seen(rank, false);
  for (int64_t dim : dims) {
    const size_t d = normalize_dim(call, arg, dim, rank);
    if (seen[d]) call.fail(arg, list_string(dims) + " is not a permutation (dim " + std::to_string(d) + " repeats)");
    seen[d] = true;
    perm.push_back(d);
  }
  return perm;
}

void register_permute_copy() {
  OpDef def;
  def.name = "aten.permute_copy.default";
  def.args = {required("self", ArgKind::tensor), required("dims", ArgKind::int_list)};
  def.infer = [](const CallArgs& call, const MetaLookup& metas) {
    const TensorMeta& in = input_meta(call, metas, 0);
    const std::vector<size_t> perm = permutation(call, 1, in.shape.size());
    ref::Shape shape;
    for (size_t d : perm) shape.push_back(in.shape[d]);
    return Metas{make_meta(in.dtype, shape)};
  };
  def.run = [](const CallArgs& call, const ValueLookup& values, const RunContext&) {
    const Value& v = input_value(call, values, 0);
    return Values{map_value(v, [&](const auto& t) -> Value {
      using T = element_t<decltype(t)>;
      const std::vector<size_t> perm = permutation(call, 1, t.rank());
      ref::Shape shape;
      for (size_t d : perm) shape.push_back(t.dim(d));
      ref::Index src(t.rank());
      return build_tensor<T>(shape, ref::contiguous_order(shape.size()), [&](const ref::Index& index) {
        for (size_t k = 0; k < perm.size(); ++k) src[perm[k]] = index[k];
        return t.at(src);
      });
    })};
  };
  register_op(std::move(def));
}

// ---- _clone_dim_order -----------------------------------------------------------------

ref::DimOrder clone_order(const CallArgs& call, const TensorMeta& in) {
  if (call.is_none(2)) return in.dim_order;
  const std::vector<int64_t> given = call.ints(2);
  ref::DimOrder order(given.begin(), given.end());
  if (!ref::is_valid_dim_order(order, in.shape.size())) {
    call.fail(2, list_string(given) + " is not a permutation of the " + std::to_string(in.shape.size()) +
                     " dims of " + describe(in));
  }
  return order;
}

void register_clone_dim_order() {
  OpDef def;
  def.name = "dim_order_ops._clone_dim_order.default";
  def.args = {required("self", ArgKind::tensor), optional("non_blocking", ArgKind::boolean, false),
              optional("dim_order", ArgKind::optional_int_list, None{})};
  def.infer = [](const CallArgs& call, const MetaLookup& metas) {
    const TensorMeta& in = input_meta(call, metas, 0);
    call.boolean(1);
    TensorMeta out = make_meta(in.dtype, in.shape, clone_order(call, in));
    out.quant = in.quant;
    return Metas{out};
  };
  def.run = [](const CallArgs& call, const ValueLookup& values, const RunContext&) {
    const Value& v = input_value(call, values, 0);
    return Values{reorder(v, clone_order(call, meta_of(v)))};
  };
  register_op(std::move(def));
}

// ---- cat ------------------------------------------------------------------------------

struct CatPlan {
  size_t dim = 0;
  TensorMeta out;
};

CatPlan cat_plan(const CallArgs& call, const std::vector<const TensorMeta*>& ins) {
  if (ins.empty()) call.fail(0, "needs at least one tensor");
  const TensorMeta& first = *ins[0];
  const size_t rank = first.shape.size();
  if (rank == 0) call.fail(0, "zero-dimensional tensors cannot be concatenated");
  CatPlan plan;
  plan.dim = normalize_dim(call, 1, call.integer(1), rank);
  ref::Shape shape = first.shape;
  shape[plan.dim] = 0;
  for (size_t k = 0; k < ins.size(); ++k) {
    const TensorMeta& m = *ins[k];
    if (m.dtype != first.dtype) {
      call.fail(0, "tensor " + std::to_string(k) + " is " + describe(m) + ", tensor 0 is " + describe(first) +
                       " (dtypes differ)");
    }
    if (m.shape.size() != rank) {
      call.fail(0, "tensor " + std::to_string(k) + " is " + describe(m) + ", tensor 0 is " + describe(first) +
                       " (ranks differ)");
    }
    for (size_t d = 0; d < rank; ++d) {
      if (d != plan.dim && m.shape[d] != first.shape[d]) {
        call.fail(0, "tensor " + std::to_string(k) + " has shape " + ref::to_string(m.shape) + ", tensor 0 " +
                         ref::to_string(first.shape) + ": sizes must match except in dim " + std::to_string(plan.dim));
      }
    }
    shape[plan.dim] += m.shape[plan.dim];
  }
  plan.out = make_meta(first.dtype, shape, first.dim_order);
  return plan;
}

template <class T>
Value cat_values(const std::vector<const Value*>& ins, const CatPlan& plan) {
  const ref::Shape& shape = plan.out.shape;
  int64_t outer = 1, inner = 1;
  for (size_t d = 0; d < plan.dim; ++d) outer *= shape[d];
  for (size_t d = plan.dim + 1; d < shape.size(); ++d) inner *= shape[d];
  std::vector<std::vector<T>> parts;
  for (const Value* v : ins) parts.push_back(logical_data(std::get<ref::Tensor<T>>(*v)));
  std::vector<T> out;
  out.reserve(static_cast<size_t>(plan.out.numel()));
  for (int64_t o = 0; o < outer; ++o) {
    for (size_t k = 0; k < ins.size(); ++k) {
      const int64_t chunk = shape_of(*ins[k])[plan.dim] * inner;
      const auto begin = parts[k].begin() + static_cast<std::ptrdiff_t>(o * chunk);
      out.insert(out.end(), begin, begin + static_cast<std::ptrdiff_t>(chunk));
    }
  }
  return tensor_from_logical(shape, std::move(out), plan.out.dim_order);
}

void register_cat() {
  OpDef def;
  def.name = "aten.cat.default";
  def.args = {required("tensors", ArgKind::tensor_list), optional("dim", ArgKind::integer, int64_t{0})};
  def.infer = [](const CallArgs& call, const MetaLookup& metas) {
    std::vector<const TensorMeta*> ins;
    for (const std::string& name : call.tensors(0)) {
      const auto& outs = metas(name);
      if (outs.size() != 1) call.fail(0, "'" + name + "' has " + std::to_string(outs.size()) + " outputs (use getitem)");
      ins.push_back(&outs[0]);
    }
    return Metas{cat_plan(call, ins).out};
  };
  def.run = [](const CallArgs& call, const ValueLookup& values, const RunContext&) {
    std::vector<const Value*> ins;
    std::vector<TensorMeta> metas;
    for (const std::string& name : call.tensors(0)) {
      const auto& outs = values(name);
      if (outs.size() != 1) call.fail(0, "'" + name + "' has several outputs");
      ins.push_back(&outs[0]);
      metas.push_back(meta_of(outs[0]));
    }
    std::vector<const TensorMeta*> mp;
    for (const TensorMeta& m : metas) mp.push_back(&m);
    const CatPlan plan = cat_plan(call, mp);
    switch (plan.out.dtype) {
      case DType::float32: return Values{cat_values<float>(ins, plan)};
      case DType::int8: return Values{cat_values<int8_t>(ins, plan)};
      case DType::int32: return Values{cat_values<int32_t>(ins, plan)};
    }
    call.fail("bad dtype");
  };
  register_op(std::move(def));
}

// ---- split_with_sizes_copy / getitem ---------------------------------------------------

Metas split_metas(const CallArgs& call, const TensorMeta& in) {
  if (in.shape.empty()) call.fail(0, "cannot split a zero-dimensional tensor");
  const size_t dim = normalize_dim(call, 2, call.integer(2), in.shape.size());
  const std::vector<int64_t> sizes = call.ints(1);
  if (sizes.empty()) call.fail(1, "is empty");
  int64_t total = 0;
  Metas out;
  for (int64_t s : sizes) {
    if (s < 0) call.fail(1, list_string(sizes) + " has a negative size");
    total += s;
    ref::Shape shape = in.shape;
    shape[dim] = s;
    out.push_back(make_meta(in.dtype, shape, in.dim_order));
  }
  if (total != in.shape[dim]) {
    call.fail(1, list_string(sizes) + " sums to " + std::to_string(total) + ", dim " + std::to_string(dim) +
                     " of " + describe(in) + " has size " + std::to_string(in.shape[dim]));
  }
  return out;
}

void register_split() {
  OpDef def;
  def.name = "aten.split_with_sizes_copy.default";
  def.args = {required("self", ArgKind::tensor), required("split_sizes", ArgKind::int_list),
              optional("dim", ArgKind::integer, int64_t{0})};
  def.infer = [](const CallArgs& call, const MetaLookup& metas) { return split_metas(call, input_meta(call, metas, 0)); };
  def.run = [](const CallArgs& call, const ValueLookup& values, const RunContext&) {
    const Value& v = input_value(call, values, 0);
    const Metas pieces = split_metas(call, meta_of(v));
    const size_t dim = normalize_dim(call, 2, call.integer(2), shape_of(v).size());
    Values out;
    int64_t start = 0;
    for (const TensorMeta& m : pieces) {
      out.push_back(map_value(v, [&](const auto& t) -> Value {
        using T = element_t<decltype(t)>;
        ref::Index src;
        return build_tensor<T>(m.shape, m.dim_order, [&](const ref::Index& index) {
          src = index;
          src[dim] += start;
          return t.at(src);
        });
      }));
      start += m.shape[dim];
    }
    return out;
  };
  register_op(std::move(def));
}

size_t getitem_index(const CallArgs& call, size_t outputs) {
  const int64_t index = call.integer(1);
  if (index < 0 || index >= static_cast<int64_t>(outputs)) {
    call.fail(1, "index " + std::to_string(index) + " is out of range for a node with " + std::to_string(outputs) +
                     " outputs");
  }
  return static_cast<size_t>(index);
}

void register_getitem() {
  OpDef def;
  def.name = "getitem";
  def.args = {required("self", ArgKind::tensor), required("index", ArgKind::integer)};
  def.infer = [](const CallArgs& call, const MetaLookup& metas) {
    const Metas& outs = metas(call.tensor(0));
    return Metas{outs[getitem_index(call, outs.size())]};
  };
  def.run = [](const CallArgs& call, const ValueLookup& values, const RunContext&) {
    const Values& outs = values(call.tensor(0));
    return Values{outs[getitem_index(call, outs.size())]};
  };
  register_op(std::move(def));
}

// ---- slice_copy / select_copy -----------------------------------------------------------

struct SliceRange {
  size_t dim;
  int64_t start, step, length;
};

SliceRange slice_range(const CallArgs& call, const TensorMeta& in) {
  if (in.shape.empty()) call.fail(0, "cannot slice a zero-dimensional tensor");
  const size_t dim = normalize_dim(call, 1, call.integer(1), in.shape.size());
  const int64_t size = in.shape[dim];
  const int64_t step = call.integer(4);
  if (step < 1) call.fail(4, "step must be >= 1, got " + std::to_string(step));
  int64_t start = call.is_none(2) ? 0 : call.integer(2);
  int64_t end = call.is_none(3) ? size : call.integer(3);
  // PyTorch's clamping (aten/src/ATen/native/TensorShape.cpp, slice).
  if (start < 0) start += size;
  if (end < 0) end += size;
  if (start < 0) start = 0;
  else if (start >= size) start = size;
  if (end < start) end = start;
  else if (end >= size) end = size;
  return SliceRange{dim, start, step, (end - start + step - 1) / step};
}

void register_slice_copy() {
  OpDef def;
  def.name = "aten.slice_copy.Tensor";
  def.args = {required("self", ArgKind::tensor), optional("dim", ArgKind::integer, int64_t{0}),
              optional("start", ArgKind::optional_integer, None{}), optional("end", ArgKind::optional_integer, None{}),
              optional("step", ArgKind::integer, int64_t{1})};
  def.infer = [](const CallArgs& call, const MetaLookup& metas) {
    const TensorMeta& in = input_meta(call, metas, 0);
    const SliceRange r = slice_range(call, in);
    ref::Shape shape = in.shape;
    shape[r.dim] = r.length;
    return Metas{make_meta(in.dtype, shape, in.dim_order)};
  };
  def.run = [](const CallArgs& call, const ValueLookup& values, const RunContext&) {
    const Value& v = input_value(call, values, 0);
    const TensorMeta in = meta_of(v);
    const SliceRange r = slice_range(call, in);
    ref::Shape shape = in.shape;
    shape[r.dim] = r.length;
    return Values{map_value(v, [&](const auto& t) -> Value {
      using T = element_t<decltype(t)>;
      ref::Index src;
      return build_tensor<T>(shape, in.dim_order, [&](const ref::Index& index) {
        src = index;
        src[r.dim] = r.start + index[r.dim] * r.step;
        return t.at(src);
      });
    })};
  };
  register_op(std::move(def));
}

std::pair<size_t, int64_t> select_at(const CallArgs& call, const TensorMeta& in) {
  if (in.shape.empty()) call.fail(0, "select() cannot be applied to a zero-dimensional tensor");
  const size_t dim = normalize_dim(call, 1, call.integer(1), in.shape.size());
  const int64_t size = in.shape[dim];
  int64_t index = call.integer(2);
  if (index < -size || index >= size) {
    call.fail(2, "index " + std::to_string(index) + " is out of range for dim " + std::to_string(dim) + " of size " +
                     std::to_string(size));
  }
  if (index < 0) index += size;
  return {dim, index};
}

void register_select_copy() {
  OpDef def;
  def.name = "aten.select_copy.int";
  def.args = {required("self", ArgKind::tensor), required("dim", ArgKind::integer), required("index", ArgKind::integer)};
  def.infer = [](const CallArgs& call, const MetaLookup& metas) {
    const TensorMeta& in = input_meta(call, metas, 0);
    const size_t dim = select_at(call, in).first;
    ref::Shape shape = in.shape;
    shape.erase(shape.begin() + static_cast<std::ptrdiff_t>(dim));
    return Metas{make_meta(in.dtype, shape)};
  };
  def.run = [](const CallArgs& call, const ValueLookup& values, const RunContext&) {
    const Value& v = input_value(call, values, 0);
    const TensorMeta in = meta_of(v);
    const std::pair<size_t, int64_t> sel = select_at(call, in);
    const size_t dim = sel.first;
    const int64_t index = sel.second;
    ref::Shape shape = in.shape;
    shape.erase(shape.begin() + static_cast<std::ptrdiff_t>(dim));
    return Values{map_value(v, [&](const auto& t) -> Value {
      using T = element_t<decltype(t)>;
      ref::Index src(t.rank());
      return build_tensor<T>(shape, ref::contiguous_order(shape.size()), [&](const ref::Index& out) {
        for (size_t d = 0, k = 0; d < src.size(); ++d) src[d] = d == dim ? index : out[k++];
        return t.at(src);
      });
    })};
  };
  register_op(std::move(def));
}

// ---- padding ----------------------------------------------------------------------------

// Per logical dim (before, after) padding from a PyTorch pad list (last dim first).
std::vector<std::pair<int64_t, int64_t>> pad_pairs(const std::vector<int64_t>& pad, size_t rank) {
  std::vector<std::pair<int64_t, int64_t>> pairs(rank, {0, 0});
  for (size_t k = 0; k < pad.size() / 2 && k < rank; ++k) pairs[rank - 1 - k] = {pad[2 * k], pad[2 * k + 1]};
  return pairs;
}

TensorMeta constant_pad_meta(const CallArgs& call, const TensorMeta& in) {
  const std::vector<int64_t> pad = call.ints(1);
  if (pad.size() % 2 != 0) call.fail(1, list_string(pad) + " must have an even number of values");
  if (pad.size() / 2 > in.shape.size()) {
    call.fail(1, list_string(pad) + " pads " + std::to_string(pad.size() / 2) + " dims of a rank " +
                     std::to_string(in.shape.size()) + " tensor");
  }
  for (int64_t p : pad) {
    if (p < 0) call.fail(1, list_string(pad) + " has a negative pad (not supported)");
  }
  const double value = call.real(2);
  if (in.dtype != DType::float32) {
    const double lo = in.dtype == DType::int8 ? -128.0 : -2147483648.0;
    const double hi = in.dtype == DType::int8 ? 127.0 : 2147483647.0;
    if (value != std::floor(value) || value < lo || value > hi) {
      call.fail(2, std::to_string(value) + " is not representable in " + dtype_name(in.dtype));
    }
  }
  const auto pairs = pad_pairs(pad, in.shape.size());
  ref::Shape shape = in.shape;
  for (size_t d = 0; d < shape.size(); ++d) shape[d] += pairs[d].first + pairs[d].second;
  return make_meta(in.dtype, shape, in.dim_order);
}

void register_constant_pad() {
  OpDef def;
  def.name = "aten.constant_pad_nd.default";
  def.args = {required("self", ArgKind::tensor), required("pad", ArgKind::int_list),
              optional("value", ArgKind::real, 0.0)};
  def.infer = [](const CallArgs& call, const MetaLookup& metas) {
    return Metas{constant_pad_meta(call, input_meta(call, metas, 0))};
  };
  def.run = [](const CallArgs& call, const ValueLookup& values, const RunContext&) {
    const Value& v = input_value(call, values, 0);
    const TensorMeta in = meta_of(v);
    const TensorMeta out = constant_pad_meta(call, in);
    const auto pairs = pad_pairs(call.ints(1), in.shape.size());
    const double value = call.real(2);
    return Values{map_value(v, [&](const auto& t) -> Value {
      using T = element_t<decltype(t)>;
      const T fill = static_cast<T>(value);
      ref::Index src(t.rank());
      return build_tensor<T>(out.shape, out.dim_order, [&](const ref::Index& index) {
        for (size_t d = 0; d < src.size(); ++d) {
          src[d] = index[d] - pairs[d].first;
          if (src[d] < 0 || src[d] >= t.dim(d)) return fill;
        }
        return t.at(src);
      });
    })};
  };
  register_op(std::move(def));
}

// Reflection padding of the last `dims` dims (1 or 2). padding: left, right[, top, bottom].
TensorMeta reflection_meta(const CallArgs& call, const TensorMeta& in, size_t dims) {
  const size_t rank = in.shape.size();
  if (rank != dims + 1 && rank != dims + 2) {
    call.fail(0, "must be " + std::to_string(dims + 1) + "-D or " + std::to_string(dims + 2) + "-D, got " + describe(in));
  }
  const std::vector<int64_t> pad = call.ints(1);
  if (pad.size() != 2 * dims) {
    call.fail(1, list_string(pad) + " must have " + std::to_string(2 * dims) + " values");
  }
  const auto pairs = pad_pairs(pad, rank);
  ref::Shape shape = in.shape;
  for (size_t d = rank - dims; d < rank; ++d) {
    const auto [before, after] = pairs[d];
    if (before < 0 || after < 0) call.fail(1, list_string(pad) + " has a negative pad (not supported)");
    if (before >= in.shape[d] || after >= in.shape[d]) {
      call.fail(1, list_string(pad) + ": padding size should be less than the corresponding input dimension, but got " +
                       "padding (" + std::to_string(before) + ", " + std::to_string(after) + ") at dim " +
                       std::to_string(d) + " of input " + describe(in));
    }
    shape[d] += before + after;
  }
  return make_meta(in.dtype, shape, in.dim_order);
}

void register_reflection_pad(const std::string& name, size_t dims) {
  OpDef def;
  def.name = name;
  def.args = {required("self", ArgKind::tensor), required("padding", ArgKind::int_list)};
  def.infer = [dims](const CallArgs& call, const MetaLookup& metas) {
    return Metas{reflection_meta(call, input_meta(call, metas, 0), dims)};
  };
  def.run = [dims](const CallArgs& call, const ValueLookup& values, const RunContext&) {
    const Value& v = input_value(call, values, 0);
    const TensorMeta in = meta_of(v);
    const TensorMeta out = reflection_meta(call, in, dims);
    const auto pairs = pad_pairs(call.ints(1), in.shape.size());
    return Values{map_value(v, [&](const auto& t) -> Value {
      using T = element_t<decltype(t)>;
      ref::Index src(t.rank());
      return build_tensor<T>(out.shape, out.dim_order, [&](const ref::Index& index) {
        for (size_t d = 0; d < src.size(); ++d) {
          const int64_t size = t.dim(d);
          int64_t i = index[d] - pairs[d].first;
          if (i < 0) i = -i;
          if (i >= size) i = 2 * (size - 1) - i;
          src[d] = i;
        }
        return t.at(src);
      });
    })};
  };
  register_op(std::move(def));
}

// ---- upsample_nearest2d -----------------------------------------------------------------

struct Upsample {
  TensorMeta out;
  std::vector<std::optional<double>> scales;  // per spatial dim, when scale_factors are given
};

Upsample upsample_plan(const CallArgs& call, const TensorMeta& in) {
  if (in.shape.size() != 4) call.fail(0, "must be 4-D (N, C, H, W), got " + describe(in));
  const bool has_size = !call.is_none(1) && !call.ints(1).empty();
  const bool has_scale = !call.is_none(2) && !call.reals(2).empty();
  if (has_size == has_scale) call.fail(1, "exactly one of output_size and scale_factors must be given");
  Upsample plan;
  ref::Shape shape = in.shape;
  if (has_size) {
    const std::vector<int64_t> size = call.ints(1);
    if (size.size() != 2) call.fail(1, list_string(size) + " must have 2 values (H, W)");
    for (size_t k = 0; k < 2; ++k) {
      if (size[k] < 1) call.fail(1, list_string(size) + " must be positive");
      shape[2 + k] = size[k];
    }
    plan.scales.assign(2, std::nullopt);
  } else {
    const std::vector<double> scale = call.reals(2);
    if (scale.size() != 2) call.fail(2, "must have 2 values (H, W), got " + std::to_string(scale.size()));
    for (size_t k = 0; k < 2; ++k) {
      if (!(scale[k] > 0.0) || !std::isfinite(scale[k])) call.fail(2, "scale " + std::to_string(scale[k]) + " must be positive");
      // PyTorch: static_cast<int64_t>(input_size * scale) in double.
      shape[2 + k] = static_cast<int64_t>(static_cast<double>(in.shape[2 + k]) * scale[k]);
      if (shape[2 + k] < 1) call.fail(2, "scale " + std::to_string(scale[k]) + " gives an empty output");
      plan.scales.push_back(scale[k]);
    }
  }
  plan.out = make_meta(in.dtype, shape, in.dim_order);
  return plan;
}

// PyTorch's nearest_idx (aten/src/ATen/native/UpSample.h).
int64_t nearest_idx(int64_t out_index, int64_t in_size, int64_t out_size, std::optional<double> scale) {
  if (out_size == in_size) return out_index;
  if (out_size == 2 * in_size) return out_index >> 1;
  const float s = (scale && *scale > 0.0) ? static_cast<float>(1.0 / *scale)
                                          : static_cast<float>(in_size) / static_cast<float>(out_size);
  return std::min(static_cast<int64_t>(std::floor(static_cast<float>(out_index) * s)), in_size - 1);
}

void register_upsample() {
  OpDef def;
  def.name = "aten.upsample_nearest2d.vec";
  def.args = {required("input", ArgKind::tensor), required("output_size", ArgKind::optional_int_list),
              optional("scale_factors", ArgKind::optional_real_list, None{})};
  def.infer = [](const CallArgs& call, const MetaLookup& metas) {
    return Metas{upsample_plan(call, input_meta(call, metas, 0)).out};
  };
  def.run = [](const CallArgs& call, const ValueLookup& values, const RunContext&) {
    const Value& v = input_value(call, values, 0);
    const TensorMeta in = meta_of(v);
    const Upsample plan = upsample_plan(call, in);
    std::vector<std::vector<int64_t>> maps(2);
    for (size_t k = 0; k < 2; ++k) {
      for (int64_t o = 0; o < plan.out.shape[2 + k]; ++o) {
        maps[k].push_back(nearest_idx(o, in.shape[2 + k], plan.out.shape[2 + k], plan.scales[k]));
      }
    }
    return Values{map_value(v, [&](const auto& t) -> Value {
      using T = element_t<decltype(t)>;
      ref::Index src(4);
      return build_tensor<T>(plan.out.shape, plan.out.dim_order, [&](const ref::Index& index) {
        src[0] = index[0];
        src[1] = index[1];
        src[2] = maps[0][static_cast<size_t>(index[2])];
        src[3] = maps[1][static_cast<size_t>(index[3])];
        return t.at(src);
      });
    })};
  };
  register_op(std::move(def));
}

// ---- max_pool2d --------------------------------------------------------------------------

struct Pool {
  std::vector<int64_t> kernel, stride, padding, dilation;
  TensorMeta out;
};

std::vector<int64_t> pool_pair(const CallArgs& call, size_t arg, const std::vector<int64_t>& fallback) {
  std::vector<int64_t> v = call.ints(arg);
  if (v.empty()) v = fallback;
  if (v.size() == 1) v.assign(2, v[0]);
  if (v.size() != 2) call.fail(arg, list_string(call.ints(arg)) + " must have 1 or 2 values");
  return v;
}

Pool pool_plan(const CallArgs& call, const TensorMeta& in) {
  if (in.shape.size() != 4) call.fail(0, "must be 4-D (N, C, H, W), got " + describe(in));
  Pool p;
  if (call.ints(1).empty()) call.fail(1, "must have 1 or 2 values");
  p.kernel = pool_pair(call, 1, {});
  p.stride = pool_pair(call, 2, p.kernel);
  p.padding = pool_pair(call, 3, {0});
  p.dilation = pool_pair(call, 4, {1});
  if (call.boolean(5)) call.fail(5, "ceil_mode=True is not supported");
  for (size_t k = 0; k < 2; ++k) {
    if (p.kernel[k] < 1) call.fail(1, list_string(p.kernel) + " must be positive");
    if (p.stride[k] < 1) call.fail(2, list_string(p.stride) + " must be positive");
    if (p.dilation[k] < 1) call.fail(4, list_string(p.dilation) + " must be positive");
    if (p.padding[k] < 0) call.fail(3, list_string(p.padding) + " must be non-negative");
    if (p.padding[k] > p.kernel[k] / 2) {
      call.fail(3, list_string(p.padding) + ": pad should be at most half of kernel size " + list_string(p.kernel));
    }
  }
  ref::Shape shape = in.shape;
  for (size_t k = 0; k < 2; ++k) {
    const int64_t span = in.shape[2 + k] + 2 * p.padding[k] - p.dilation[k] * (p.kernel[k] - 1) - 1;
    if (span < 0) {
      call.fail(1, "kernel " + list_string(p.kernel) + " with dilation " + list_string(p.dilation) +
                       " does not fit the padded input " + describe(in));
    }
    shape[2 + k] = span / p.stride[k] + 1;
  }
  p.out = make_meta(in.dtype, shape, in.dim_order);
  return p;
}

template <class T>
bool is_nan_value(T v) {
  if constexpr (std::is_floating_point_v<T>) return std::isnan(v);
  else return false;
}

void register_max_pool2d() {
  OpDef def;
  def.name = "aten.max_pool2d.default";
  def.args = {required("self", ArgKind::tensor),
              required("kernel_size", ArgKind::int_list),
              optional("stride", ArgKind::int_list, std::vector<int64_t>{}),
              optional("padding", ArgKind::int_list, std::vector<int64_t>{0}),
              optional("dilation", ArgKind::int_list, std::vector<int64_t>{1}),
              optional("ceil_mode", ArgKind::boolean, false)};
  def.infer = [](const CallArgs& call, const MetaLookup& metas) {
    return Metas{pool_plan(call, input_meta(call, metas, 0)).out};
  };
  def.run = [](const CallArgs& call, const ValueLookup& values, const RunContext&) {
    const Value& v = input_value(call, values, 0);
    const Pool p = pool_plan(call, meta_of(v));
    return Values{map_value(v, [&](const auto& t) -> Value {
      using T = element_t<decltype(t)>;
      ref::Index src(4);
      return build_tensor<T>(p.out.shape, p.out.dim_order, [&](const ref::Index& index) -> T {
        src[0] = index[0];
        src[1] = index[1];
        bool any = false;
        T best{};
        for (int64_t i = 0; i < p.kernel[0]; ++i) {
          src[2] = index[2] * p.stride[0] - p.padding[0] + i * p.dilation[0];
          if (src[2] < 0 || src[2] >= t.dim(2)) continue;
          for (int64_t j = 0; j < p.kernel[1]; ++j) {
            src[3] = index[3] * p.stride[1] - p.padding[1] + j * p.dilation[1];
            if (src[3] < 0 || src[3] >= t.dim(3)) continue;
            const T x = t.at(src);
            // PyTorch: a NaN tap wins and sticks.
            if (!any || x > best || is_nan_value(x)) best = x;
            any = true;
          }
        }
        if (!any) {
          return static_cast<T>(std::numeric_limits<T>::has_infinity ? -std::numeric_limits<T>::infinity()
                                                                      : std::numeric_limits<T>::lowest());
        }
        return best;
      });
    })};
  };
  register_op(std::move(def));
}

}  // namespace

void register_shape_ops() {
  register_view_copy();
  register_reshaping("aten.unsqueeze_copy.default", {required("self", ArgKind::tensor), required("dim", ArgKind::integer)},
                     unsqueeze_shape);
  register_reshaping("aten.squeeze_copy.dims", {required("self", ArgKind::tensor), required("dim", ArgKind::int_list)},
                     squeeze_shape);
  register_permute_copy();
  register_clone_dim_order();
  register_cat();
  register_split();
  register_getitem();
  register_slice_copy();
  register_select_copy();
  register_constant_pad();
  register_reflection_pad("aten.reflection_pad1d.default", 1);
  register_reflection_pad("aten.reflection_pad2d.default", 2);
  register_upsample();
  register_max_pool2d();
}

}  // namespace lower
