#include "conf/guarded_buffer.h"

#include <cstring>
#include <stdexcept>

namespace conf {

uint8_t GuardedBuffer::pattern(size_t position, uint8_t salt) {
  return static_cast<uint8_t>((position * 151u + 0x5Bu) ^ (salt * 29u));
}

GuardedBuffer::GuardedBuffer(size_t size, uint8_t salt, size_t guard)
    : size_(size), guard_(guard), salt_(salt), storage_(size + 2 * guard) {
  for (size_t i = 0; i < storage_.size(); ++i) storage_[i] = pattern(i, salt_);
}

void GuardedBuffer::fill(const void* bytes, size_t count) {
  if (count != size_) throw std::invalid_argument("GuardedBuffer::fill: size mismatch");
  if (count) std::memcpy(data(), bytes, count);
}

std::vector<int8_t> GuardedBuffer::body_as_int8() const {
  std::vector<int8_t> body(size_);
  if (size_) std::memcpy(body.data(), data(), size_);
  return body;
}

std::vector<std::string> GuardedBuffer::guard_violations(const std::string& what) const {
  std::vector<std::string> problems;
  auto scan = [&](size_t begin, size_t end, const char* side, long base) {
    size_t changed = 0;
    long first = 0;
    for (size_t i = begin; i < end; ++i) {
      if (storage_[i] != pattern(i, salt_)) {
        if (!changed) first = static_cast<long>(i) - base;
        ++changed;
      }
    }
    if (changed) {
      problems.push_back(std::to_string(changed) + " guard bytes " + side + " " + what +
                         " were written (first at offset " + std::to_string(first) + ")");
    }
  };
  scan(0, guard_, "before", static_cast<long>(guard_));
  scan(guard_ + size_, storage_.size(), "after", static_cast<long>(guard_));
  return problems;
}

bool GuardedBuffer::body_untouched() const {
  for (size_t i = guard_; i < guard_ + size_; ++i) {
    if (storage_[i] != pattern(i, salt_)) return false;
  }
  return true;
}

}  // namespace conf
