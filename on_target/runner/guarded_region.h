// A heap buffer with guard zones on both sides, everything filled with a pattern before a
// call: afterwards the guards tell whether the call wrote outside the buffer, and the body
// tells which bytes it wrote (as far as a byte differs from the pattern; two calls with
// different patterns make that exact).
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace runner {

class GuardedRegion {
 public:
  static constexpr size_t kGuardBytes = 64;

  GuardedRegion() = default;
  ~GuardedRegion();
  GuardedRegion(const GuardedRegion&) = delete;
  GuardedRegion& operator=(const GuardedRegion&) = delete;

  // False when the heap cannot hold it.
  bool allocate(size_t body_bytes);
  void fill(uint8_t pattern);
  uint8_t* body() { return memory_ + kGuardBytes; }
  const uint8_t* body() const { return memory_ + kGuardBytes; }
  size_t size() const { return size_; }

  // Offset from the body's start of the first guard byte that changed (negative: before
  // the body), or 0 with false when both guards hold.
  bool guard_written(uint8_t pattern, long& offset) const;
  // One past the last body byte that differs from the pattern (0: nothing written).
  size_t touched_extent(uint8_t pattern) const;

 private:
  uint8_t* memory_ = nullptr;
  size_t size_ = 0;
};

}  // namespace runner
