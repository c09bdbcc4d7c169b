#include "guarded_region.h"

#include <stdlib.h>
#include <string.h>

namespace runner {

GuardedRegion::~GuardedRegion() { free(memory_); }

bool GuardedRegion::allocate(size_t body_bytes) {
  free(memory_);
  size_ = body_bytes;
  memory_ = static_cast<uint8_t*>(malloc(body_bytes + 2 * kGuardBytes));
  return memory_ != nullptr;
}

void GuardedRegion::fill(uint8_t pattern) { memset(memory_, pattern, size_ + 2 * kGuardBytes); }

bool GuardedRegion::guard_written(uint8_t pattern, long& offset) const {
  for (size_t i = 0; i < kGuardBytes; ++i) {
    if (memory_[i] != pattern) {
      offset = static_cast<long>(i) - static_cast<long>(kGuardBytes);
      return true;
    }
  }
  const uint8_t* after = memory_ + kGuardBytes + size_;
  for (size_t i = 0; i < kGuardBytes; ++i) {
    if (after[i] != pattern) {
      offset = static_cast<long>(size_ + i);
      return true;
    }
  }
  offset = 0;
  return false;
}

size_t GuardedRegion::touched_extent(uint8_t pattern) const {
  const uint8_t* b = body();
  for (size_t i = size_; i > 0; --i) {
    if (b[i - 1] != pattern) return i;
  }
  return 0;
}

}  // namespace runner
