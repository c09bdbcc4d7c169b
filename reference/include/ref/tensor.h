// A dense tensor with a logical (PyTorch) shape and an explicit dim order.
//
// dim_order lists the logical dims from outermost to innermost in memory: (0,1,2,3) is
// contiguous NCHW, (0,2,3,1) is channels-last NHWC. The dim order is metadata, never
// inferred from strides: with C == 1 or H == W == 1 both orders have the same strides.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace ref {

using Shape = std::vector<int64_t>;
using Index = std::vector<int64_t>;
using DimOrder = std::vector<int>;

DimOrder contiguous_order(size_t rank);
// (0, 2, ..., rank-1, 1): channels innermost. Rank 3 gives (0, 2, 1), rank 4 (0, 2, 3, 1).
DimOrder channels_last_order(size_t rank);
bool is_valid_dim_order(const DimOrder& order, size_t rank);
std::string to_string(const Shape& shape);
std::string to_string(const DimOrder& order);
int64_t element_count(const Shape& shape);

// Calls fn for every logical index of shape, last logical dim fastest.
void for_each_index(const Shape& shape, const std::function<void(const Index&)>& fn);

template <class T>
class Tensor {
 public:
  Tensor() = default;
  // Zero-filled. Throws std::invalid_argument on a negative dim or a bad dim order.
  explicit Tensor(Shape shape, DimOrder order = {});
  // Takes the physical data (in dim order); throws when its size is not the element count.
  Tensor(Shape shape, DimOrder order, std::vector<T> physical);

  const Shape& shape() const { return shape_; }
  int64_t dim(size_t i) const { return shape_.at(i); }
  size_t rank() const { return shape_.size(); }
  const DimOrder& dim_order() const { return order_; }
  int64_t numel() const { return static_cast<int64_t>(data_.size()); }
  // Elements between neighbours along a logical dim, in physical storage.
  int64_t stride(size_t logical_dim) const { return strides_.at(logical_dim); }

  // Physical storage, in dim order.
  const std::vector<T>& data() const { return data_; }
  std::vector<T>& data() { return data_; }

  // Physical offset of a logical index; throws std::out_of_range when outside the shape.
  int64_t offset(const Index& index) const;
  const T& at(const Index& index) const { return data_[static_cast<size_t>(offset(index))]; }
  T& at(const Index& index) { return data_[static_cast<size_t>(offset(index))]; }

 private:
  void compute_strides();

  Shape shape_;
  DimOrder order_;
  std::vector<int64_t> strides_;  // per logical dim
  std::vector<T> data_;
};

// The same logical tensor with its bytes physically reordered to `order`.
template <class T>
Tensor<T> to_dim_order(const Tensor<T>& tensor, const DimOrder& order);

extern template class Tensor<int8_t>;
extern template class Tensor<int32_t>;
extern template class Tensor<int64_t>;
extern template class Tensor<float>;
extern template class Tensor<double>;
extern template Tensor<int8_t> to_dim_order(const Tensor<int8_t>&, const DimOrder&);
extern template Tensor<int32_t> to_dim_order(const Tensor<int32_t>&, const DimOrder&);
extern template Tensor<int64_t> to_dim_order(const Tensor<int64_t>&, const DimOrder&);
extern template Tensor<float> to_dim_order(const Tensor<float>&, const DimOrder&);
extern template Tensor<double> to_dim_order(const Tensor<double>&, const DimOrder&);

}  // namespace ref
