// Reading a case pack (on_target/pack/pack_format.h) from a host file, one case record at a
// time (a nightly pack is far larger than the boards' memory). Every count and size is
// checked against the record: a damaged pack is an error with the case index, never a read
// out of bounds.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "pack_format.h"

namespace runner {

template <class T>
struct Span {
  const T* data = nullptr;
  uint32_t count = 0;
};

struct PackCase {
  uint32_t index = 0;
  bool depthwise = false;
  int32_t field[pack::kFieldCount] = {};
  Span<char> description;
  Span<char> expected_status;
  Span<int32_t> multiplier, shift, bias;  // bias.count 0: NULL bias
  Span<int8_t> input, weight, expected;
};

struct PackHeader {
  uint32_t rounding = 0;  // 0 double, 1 single
  uint32_t case_count = 0;
  uint64_t seed = 0;
};

class PackReader {
 public:
  PackReader() = default;
  ~PackReader();
  PackReader(const PackReader&) = delete;
  PackReader& operator=(const PackReader&) = delete;

  // Returns false and sets error() when the file cannot be read or is not a version-1 pack.
  bool open(const char* path);
  const PackHeader& header() const { return header_; }
  // The next case, valid until the next call; false at the end or on a damaged record
  // (then error() is not empty).
  bool next(PackCase& out);
  const char* error() const { return error_; }

 private:
  bool read_exactly(void* to, uint32_t bytes);

  int32_t handle_ = -1;
  uint8_t* record_ = nullptr;  // 4-byte aligned (malloc), so the int32 views are aligned
  uint32_t capacity_ = 0;
  uint32_t index_ = 0;
  PackHeader header_;
  char error_[160] = {};
};

}  // namespace runner
