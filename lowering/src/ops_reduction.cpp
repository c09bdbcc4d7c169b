// Reductions over float32 tensors, accumulated in double and rounded to float once.
#include <cmath>
#include <limits>

#include "ops_common.h"

namespace lower {

namespace {

using namespace ops;

// ---- mean.dim ------------------------------------------------------------------------------

std::vector<bool> mean_dims(const CallArgs& call, const TensorMeta& in) {
  const size_t rank = in.shape.size();
  std::vector<bool> reduce(rank, false);
  const std::vector<int64_t> dims = call.is_none(1) ? std::vector<int64_t>{} : call.ints(1);
  if (dims.empty()) {
    reduce.assign(rank, true);
    return reduce;
  }
  for (int64_t dim : dims) {
    const size_t d = normalize_dim(call, 1, dim, std::max<size_t>(rank, 1));
    if (rank == 0) continue;
    if (reduce[d]) call.fail(1, "dim " + std::to_string(d) + " appears more than once in " + list_string(dims));
    reduce[d] = true;
  }
  return reduce;
}

TensorMeta mean_meta(const CallArgs& call, const TensorMeta& in) {
  require_dtype(call, 0, in, DType::float32);
  if (!call.is_none(3)) call.fail(3, "only None is supported (the output is float32)");
  const std::vector<bool> reduce = mean_dims(call, in);
  const bool keepdim = call.boolean(2);
  ref::Shape shape;
  for (size_t d = 0; d < in.shape.size(); ++d) {
    if (!reduce[d]) shape.push_back(in.shape[d]);
    else if (keepdim) shape.push_back(1);
  }
  return make_meta(DType::float32, shape);
}

void register_mean() {
  OpDef def;
  def.name = "aten.mean.dim";
  def.args = {required("self", ArgKind::tensor), required("dim", ArgKind::optional_int_list),
              optional("keepdim", ArgKind::boolean, false), optional("dtype", ArgKind::optional_integer, None{})};
  def.infer = [](const CallArgs& call, const MetaLookup& metas) {
    return std::vector<TensorMeta>{mean_meta(call, input_meta(call, metas, 0))};
  };
  def.run = [](const CallArgs& call, const ValueLookup& values, const RunContext&) {
    const ref::Tensor<float>& x = float_input(call, values, 0);
    const TensorMeta in = meta_of(x);
    const TensorMeta out = mean_meta(call, in);
    const std::vector<bool> reduce = mean_dims(call, in);
    // Output position of each input index: the kept dims, row-major over the output.
    std::vector<int64_t> out_stride(in.shape.size(), 0);
    int64_t s = 1, count = 1;
    for (size_t d = in.shape.size(); d-- > 0;) {
      if (reduce[d]) {
        count *= in.shape[d];
      } else {
        out_stride[d] = s;
        s *= in.shape[d];
      }
    }
    std::vector<double> sums(static_cast<size_t>(out.numel()), 0.0);
    for_each_logical(in.shape, [&](const ref::Index& index) {
      int64_t o = 0;
      for (size_t d = 0; d < index.size(); ++d) o += index[d] * out_stride[d];
      sums[static_cast<size_t>(o)] += static_cast<double>(x.at(index));
    });
    std::vector<float> result(sums.size());
    for (size_t i = 0; i < sums.size(); ++i) {
      result[i] = count == 0 ? std::numeric_limits<float>::quiet_NaN()
                             : static_cast<float>(sums[i] / static_cast<double>(count));
    }
    return std::vector<Value>{ref::Tensor<float>(out.shape, out.dim_order, std::move(result))};
  };
  register_op(std::move(def));
}

// ---- _softmax / _log_softmax ---------------------------------------------------------------

size_t softmax_dim(const CallArgs& call, const TensorMeta& in) {
  require_dtype(call, 0, in, DType::float32);
  if (call.boolean(2)) call.fail(2, "half_to_float=True is not supported (float32 only)");
  return normalize_dim(call, 1, call.integer(1), std::max<size_t>(in.shape.size(), 1));
}

void register_softmax(const std::string& name, bool log) {
  OpDef def;
  def.name = name;
  def.args = {required("self", ArgKind::tensor), required("dim", ArgKind::integer),
              required("half_to_float", ArgKind::boolean)};
  def.infer = [](const CallArgs& call, const MetaLookup& metas) {
    const TensorMeta& in = input_meta(call, metas, 0);
    softmax_dim(call, in);
    return std::vector<TensorMeta>{make_meta(DType::float32, in.shape, in.dim_order)};
  };
  def.run = [log](const CallArgs& call, const ValueLookup& values, const RunContext&) {
    const ref::Tensor<float>& x = float_input(call, values, 0);
    const TensorMeta in = meta_of(x);
    const size_t dim = softmax_dim(call, in);
    const std::vector<float> data = logical_data(x);
    std::vector<float> result(data.size());
    const int64_t len = in.shape.empty() ? 1 : in.shape[dim];
    int64_t inner = 1;
    for (size_t d = dim + 1; d < in.shape.size(); ++d) inner *= in.shape[d];
    const int64_t outer = len == 0 || inner == 0 ? 0 : static_cast<int64_t>(data.size()) / (len * inner);
    for (int64_t o = 0; o < outer; ++o) {
      for (int64_t i = 0; i < inner; ++i) {
        const auto at = [&](int64_t k) { return static_cast<size_t>((o * len + k) * inner + i); };
        double max = -std::numeric_limits<double>::infinity();
        for (int64_t k = 0; k < len; ++k) max = std::fmax(max, static_cast<double>(data[at(k)]));
        bool nan = false;
        for (int64_t k = 0; k < len; ++k) nan = nan || std::isnan(data[at(k)]);
        double sum = 0.0;
        for (int64_t k = 0; k < len; ++k) sum += std::exp(static_cast<double>(data[at(k)]) - max);
        for (int64_t k = 0; k < len; ++k) {
          const double shifted = static_cast<double>(data[at(k)]) - max;
          const double y = log ? shifted - std::log(sum) : std::exp(shifted) / sum;
          result[at(k)] = nan ? std::numeric_limits<float>::quiet_NaN() : static_cast<float>(y);
        }
      }
    }
    return std::vector<Value>{tensor_from_logical(in.shape, std::move(result), in.dim_order)};
  };
  register_op(std::move(def));
}

}  // namespace

void register_reduction_ops() {
  register_mean();
  register_softmax("aten._softmax.default", false);
  register_softmax("aten._log_softmax.default", true);
}

}  // namespace lower
