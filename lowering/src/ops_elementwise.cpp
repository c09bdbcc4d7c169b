// Elementwise float32 ops. Every element is computed in double from the float inputs and
// rounded to float once. Unary ops keep the input's dim order; binary ops broadcast NumPy
// style and keep self's dim order when self already has the broadcast shape.
#include <algorithm>
#include <cmath>
#include <functional>

#include "ops_common.h"

namespace lower {

namespace {

using namespace ops;

using UnaryFn = std::function<double(double)>;
// Builds the element function from the call's arguments; validates them (fails the call).
using UnaryMaker = std::function<UnaryFn(const CallArgs&)>;

void register_unary(const std::string& name, std::vector<ArgSpec> extra, UnaryMaker make) {
  OpDef def;
  def.name = name;
  def.args = {required("self", ArgKind::tensor)};
  for (ArgSpec& a : extra) def.args.push_back(std::move(a));
  def.infer = [make](const CallArgs& call, const MetaLookup& metas) {
    const TensorMeta& m = float_input_meta(call, metas, 0);
    make(call);
    return std::vector<TensorMeta>{make_meta(DType::float32, m.shape, m.dim_order)};
  };
  def.run = [make](const CallArgs& call, const ValueLookup& values, const RunContext&) {
    const ref::Tensor<float>& x = float_input(call, values, 0);
    const UnaryFn fn = make(call);
    ref::Tensor<float> out(x.shape(), x.dim_order());
    for (size_t i = 0; i < x.data().size(); ++i) out.data()[i] = static_cast<float>(fn(static_cast<double>(x.data()[i])));
    return std::vector<Value>{std::move(out)};
  };
  register_op(std::move(def));
}

// min(max(x, lo), hi), NaN propagating (PyTorch's clamp).
double clamp_nan(double x, double lo, double hi) {
  if (std::isnan(x)) return x;
  return std::min(std::max(x, lo), hi);
}

void register_unaries() {
  register_unary("aten.relu.default", {}, [](const CallArgs&) -> UnaryFn {
    return [](double x) { return std::isnan(x) ? x : (x > 0.0 ? x : 0.0); };
  });
  register_unary("aten.hardtanh.default",
                 {optional("min_val", ArgKind::real, -1.0), optional("max_val", ArgKind::real, 1.0)},
                 [](const CallArgs& call) -> UnaryFn {
                   const double lo = call.real(1), hi = call.real(2);
                   if (!(lo <= hi)) {
                     call.fail(2, "max_val " + std::to_string(hi) + " is below min_val " + std::to_string(lo));
                   }
                   // Bounds are float scalars in ATen: round them to float first.
                   const double flo = static_cast<float>(lo), fhi = static_cast<float>(hi);
                   return [flo, fhi](double x) { return clamp_nan(x, flo, fhi); };
                 });
  register_unary("aten.hardsigmoid.default", {}, [](const CallArgs&) -> UnaryFn {
    return [](double x) { return std::isnan(x) ? x : std::min(std::max(x + 3.0, 0.0), 6.0) / 6.0; };
  });
  register_unary("aten.clamp.default",
                 {optional("min", ArgKind::optional_real, None{}), optional("max", ArgKind::optional_real, None{})},
                 [](const CallArgs& call) -> UnaryFn {
                   if (call.is_none(1) && call.is_none(2)) call.fail(1, "at least one of min and max must not be None");
                   const double lo = call.is_none(1) ? -INFINITY : static_cast<float>(call.real(1));
                   const double hi = call.is_none(2) ? INFINITY : static_cast<float>(call.real(2));
                   // PyTorch: min(max(x, min), max), so min > max gives max everywhere.
                   return [lo, hi](double x) { return std::isnan(x) ? x : std::min(std::max(x, lo), hi); };
                 });
  register_unary("aten.sigmoid.default", {}, [](const CallArgs&) -> UnaryFn {
    return [](double x) { return 1.0 / (1.0 + std::exp(-x)); };
  });
  register_unary("aten.silu.default", {}, [](const CallArgs&) -> UnaryFn {
    return [](double x) { return x / (1.0 + std::exp(-x)); };
  });
  register_unary("aten.tanh.default", {}, [](const CallArgs&) -> UnaryFn { return [](double x) { return std::tanh(x); }; });
  register_unary("aten.sqrt.default", {}, [](const CallArgs&) -> UnaryFn { return [](double x) { return std::sqrt(x); }; });
  register_unary("aten.abs.default", {}, [](const CallArgs&) -> UnaryFn { return [](double x) { return std::fabs(x); }; });
  register_unary("aten.pow.Tensor_Scalar", {required("exponent", ArgKind::real)}, [](const CallArgs& call) -> UnaryFn {
    const double e = call.real(1);
    return [e](double x) { return std::pow(x, e); };
  });
}

// NumPy broadcasting, right-aligned.
ref::Shape broadcast_shape(const CallArgs& call, const ref::Shape& a, const ref::Shape& b) {
  const size_t rank = std::max(a.size(), b.size());
  ref::Shape out(rank, 1);
  for (size_t k = 0; k < rank; ++k) {
    const int64_t da = k < a.size() ? a[a.size() - 1 - k] : 1;
    const int64_t db = k < b.size() ? b[b.size() - 1 - k] : 1;
    if (da != db && da != 1 && db != 1) {
      call.fail(1, "shape " + ref::to_string(b) + " does not broadcast with self's shape " + ref::to_string(a));
    }
    out[rank - 1 - k] = da == 1 ? db : da;
  }
  return out;
}

// Physical strides of `t` as seen from the broadcast shape (0 where the dim is broadcast).
std::vector<int64_t> broadcast_strides(const ref::Tensor<float>& t, size_t rank) {
  std::vector<int64_t> s(rank, 0);
  const size_t shift = rank - t.rank();
  for (size_t d = 0; d < t.rank(); ++d) s[d + shift] = t.dim(d) == 1 ? 0 : t.stride(d);
  return s;
}

using BinaryFn = std::function<double(double, double)>;

void register_binary(const std::string& name, bool has_alpha, std::function<BinaryFn(double alpha)> make) {
  OpDef def;
  def.name = name;
  def.args = {required("self", ArgKind::tensor), required("other", ArgKind::tensor)};
  if (has_alpha) def.args.push_back(optional("alpha", ArgKind::real, 1.0));
  def.infer = [](const CallArgs& call, const MetaLookup& metas) {
    const TensorMeta& a = float_input_meta(call, metas, 0);
    const TensorMeta& b = float_input_meta(call, metas, 1);
    const ref::Shape shape = broadcast_shape(call, a.shape, b.shape);
    const ref::DimOrder order = a.shape == shape ? a.dim_order : ref::contiguous_order(shape.size());
    return std::vector<TensorMeta>{make_meta(DType::float32, shape, order)};
  };
  def.run = [has_alpha, make](const CallArgs& call, const ValueLookup& values, const RunContext&) {
    const ref::Tensor<float>& a = float_input(call, values, 0);
    const ref::Tensor<float>& b = float_input(call, values, 1);
    // Alpha is a float scalar in ATen.
    const BinaryFn fn = make(has_alpha ? static_cast<double>(static_cast<float>(call.real(2))) : 1.0);
    const ref::Shape shape = broadcast_shape(call, a.shape(), b.shape());
    const ref::DimOrder order = a.shape() == shape ? a.dim_order() : ref::contiguous_order(shape.size());
    const std::vector<int64_t> sa = broadcast_strides(a, shape.size()), sb = broadcast_strides(b, shape.size());
    ref::Tensor<float> out = build_tensor<float>(shape, order, [&](const ref::Index& index) {
      int64_t oa = 0, ob = 0;
      for (size_t d = 0; d < index.size(); ++d) {
        oa += index[d] * sa[d];
        ob += index[d] * sb[d];
      }
      return static_cast<float>(fn(static_cast<double>(a.data()[static_cast<size_t>(oa)]),
                                   static_cast<double>(b.data()[static_cast<size_t>(ob)])));
    });
    return std::vector<Value>{std::move(out)};
  };
  register_op(std::move(def));
}

}  // namespace

void register_elementwise_ops() {
  register_unaries();
  register_binary("aten.add.Tensor", true, [](double alpha) -> BinaryFn {
    return [alpha](double x, double y) { return x + alpha * y; };
  });
  register_binary("aten.sub.Tensor", true, [](double alpha) -> BinaryFn {
    return [alpha](double x, double y) { return x - alpha * y; };
  });
  register_binary("aten.mul.Tensor", false, [](double) -> BinaryFn { return [](double x, double y) { return x * y; }; });
}

}  // namespace lower
