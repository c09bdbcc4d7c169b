#include "ref/tensor.h"

#include <algorithm>
#include <sstream>
#include <stdexcept>

namespace ref {

DimOrder contiguous_order(size_t rank) {
  DimOrder order(rank);
  for (size_t i = 0; i < rank; ++i) order[i] = static_cast<int>(i);
  return order;
}

DimOrder channels_last_order(size_t rank) {
  if (rank < 2) return contiguous_order(rank);
  DimOrder order{0};
  for (size_t i = 2; i < rank; ++i) order.push_back(static_cast<int>(i));
  order.push_back(1);
  return order;
}

bool is_valid_dim_order(const DimOrder& order, size_t rank) {
  if (order.size() != rank) return false;
  DimOrder sorted = order;
  std::sort(sorted.begin(), sorted.end());
  return sorted == contiguous_order(rank);
}

namespace {
template <class V>
std::string join(const V& values) {
  std::ostringstream out;
  out << '(';
  for (size_t i = 0; i < values.size(); ++i) out << (i ? ", " : "") << values[i];
  out << ')';
  return out.str();
}
}  // namespace

std::string to_string(const Shape& shape) { return join(shape); }
std::string to_string(const DimOrder& order) { return join(order); }

int64_t element_count(const Shape& shape) {
  int64_t count = 1;
  for (int64_t d : shape) count *= d;
  return count;
}

void for_each_index(const Shape& shape, const std::function<void(const Index&)>& fn) {
  if (element_count(shape) == 0) return;
  Index index(shape.size(), 0);
  while (true) {
    fn(index);
    size_t dim = shape.size();
    while (dim > 0) {
      --dim;
      if (++index[dim] < shape[dim]) break;
      index[dim] = 0;
      if (dim == 0) return;
    }
    if (shape.empty()) return;
  }
}

template <class T>
Tensor<T>::Tensor(Shape shape, DimOrder order) : shape_(std::move(shape)), order_(std::move(order)) {
  if (order_.empty()) order_ = contiguous_order(shape_.size());
  compute_strides();
  data_.assign(static_cast<size_t>(element_count(shape_)), T{});
}

template <class T>
Tensor<T>::Tensor(Shape shape, DimOrder order, std::vector<T> physical)
    : shape_(std::move(shape)), order_(std::move(order)), data_(std::move(physical)) {
  if (order_.empty()) order_ = contiguous_order(shape_.size());
  compute_strides();
  if (static_cast<int64_t>(data_.size()) != element_count(shape_)) {
    throw std::invalid_argument("tensor data has " + std::to_string(data_.size()) +
                                " elements but shape " + to_string(shape_) + " needs " +
                                std::to_string(element_count(shape_)));
  }
}

template <class T>
void Tensor<T>::compute_strides() {
  for (int64_t d : shape_) {
    if (d < 0) throw std::invalid_argument("tensor shape " + to_string(shape_) + " has a negative dim");
  }
  if (!is_valid_dim_order(order_, shape_.size())) {
    throw std::invalid_argument("dim order " + to_string(order_) + " is not a permutation of " +
                                std::to_string(shape_.size()) + " dims");
  }
  strides_.assign(shape_.size(), 0);
  int64_t stride = 1;
  for (size_t k = shape_.size(); k > 0; --k) {
    const int logical = order_[k - 1];
    strides_[static_cast<size_t>(logical)] = stride;
    stride *= shape_[static_cast<size_t>(logical)];
  }
}

template <class T>
int64_t Tensor<T>::offset(const Index& index) const {
  if (index.size() != shape_.size()) {
    throw std::out_of_range("index " + join(index) + " has the wrong rank for shape " + to_string(shape_));
  }
  int64_t offset = 0;
  for (size_t i = 0; i < index.size(); ++i) {
    if (index[i] < 0 || index[i] >= shape_[i]) {
      throw std::out_of_range("index " + join(index) + " is outside shape " + to_string(shape_));
    }
    offset += index[i] * strides_[i];
  }
  return offset;
}

template <class T>
Tensor<T> to_dim_order(const Tensor<T>& tensor, const DimOrder& order) {
  Tensor<T> result(tensor.shape(), order);
  for_each_index(tensor.shape(), [&](const Index& index) { result.at(index) = tensor.at(index); });
  return result;
}

template class Tensor<int8_t>;
template class Tensor<int32_t>;
template class Tensor<int64_t>;
template class Tensor<float>;
template class Tensor<double>;
template Tensor<int8_t> to_dim_order(const Tensor<int8_t>&, const DimOrder&);
template Tensor<int32_t> to_dim_order(const Tensor<int32_t>&, const DimOrder&);
template Tensor<int64_t> to_dim_order(const Tensor<int64_t>&, const DimOrder&);
template Tensor<float> to_dim_order(const Tensor<float>&, const DimOrder&);
template Tensor<double> to_dim_order(const Tensor<double>&, const DimOrder&);

}  // namespace ref
