#include "compare_values.h"

#include <cmath>
#include <cstring>
#include <sstream>

namespace lower::checks {

std::string index_text(const ref::Shape& shape, int64_t flat) {
  std::vector<int64_t> index(shape.size());
  for (size_t i = shape.size(); i-- > 0;) {
    const int64_t d = shape[i] > 0 ? shape[i] : 1;
    index[i] = flat % d;
    flat /= d;
  }
  std::ostringstream os;
  os << "[";
  for (size_t i = 0; i < index.size(); ++i) os << (i ? ", " : "") << index[i];
  os << "]";
  return os.str();
}

Value reshaped(const Value& value, const ref::Shape& shape) {
  return std::visit(
      [&](const auto& t) -> Value {
        using T = typename std::decay_t<decltype(t.data())>::value_type;
        const auto contiguous = ref::to_dim_order(t, ref::contiguous_order(t.rank()));
        if (ref::element_count(shape) != contiguous.numel()) {
          throw IrError("cannot reshape " + ref::to_string(t.shape()) + " to " + ref::to_string(shape));
        }
        return ref::Tensor<T>(shape, ref::contiguous_order(shape.size()), contiguous.data());
      },
      value);
}

std::string first_difference(const Value& actual, const Value& expected, bool compare_dim_order) {
  const TensorMeta a = meta_of(actual), e = meta_of(expected);
  if (a.dtype != e.dtype || a.shape != e.shape) return "is " + describe(a) + ", expected " + describe(e);
  if (compare_dim_order && a.dim_order != e.dim_order) {
    return "has dim order " + ref::to_string(a.dim_order) + ", expected " + ref::to_string(e.dim_order);
  }
  const std::vector<double> av = logical_values(actual), ev = logical_values(expected);
  int64_t differing = 0, first = -1;
  double max_abs = 0;
  for (size_t i = 0; i < av.size(); ++i) {
    // Bitwise for floats (a NaN equals itself, -0 differs from 0 only in sign: treat as equal).
    const bool same = av[i] == ev[i] || (std::isnan(av[i]) && std::isnan(ev[i]));
    if (!same) {
      ++differing;
      if (first < 0) first = static_cast<int64_t>(i);
      max_abs = std::max(max_abs, std::fabs(av[i] - ev[i]));
    }
  }
  if (differing == 0) return "";
  std::ostringstream os;
  os.precision(9);
  os << differing << " of " << av.size() << " elements differ (max |difference| " << max_abs << "); first at "
     << index_text(a.shape, first) << ": " << av[static_cast<size_t>(first)] << " vs expected "
     << ev[static_cast<size_t>(first)];
  return os.str();
}

}  // namespace lower::checks
