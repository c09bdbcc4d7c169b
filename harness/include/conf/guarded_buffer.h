// A heap buffer with guard zones on both sides, so a kernel that writes outside what it
// was given is caught even when the write does not crash.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace conf {

class GuardedBuffer {
 public:
  // The body is filled with a position-dependent pattern derived from `salt`, so that
  // "left untouched" can be checked too.
  GuardedBuffer(size_t size, uint8_t salt, size_t guard = 64);

  uint8_t* data() { return storage_.data() + guard_; }
  const uint8_t* data() const { return storage_.data() + guard_; }
  size_t size() const { return size_; }

  // Copies `bytes` into the body (bytes.size() must equal size()).
  void fill(const void* bytes, size_t count);
  std::vector<int8_t> body_as_int8() const;

  // Empty when both guard zones still hold their pattern; otherwise one line per zone
  // naming `what`, how many bytes changed and the first changed offset.
  std::vector<std::string> guard_violations(const std::string& what) const;
  // Whether the body still holds its initial pattern.
  bool body_untouched() const;

 private:
  static uint8_t pattern(size_t position, uint8_t salt);

  size_t size_, guard_;
  uint8_t salt_;
  std::vector<uint8_t> storage_;
};

}  // namespace conf
