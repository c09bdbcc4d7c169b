#include "pack_reader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "semihosting.h"

namespace runner {
namespace {

uint32_t load_u32(const uint8_t* p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}

}  // namespace

PackReader::~PackReader() {
  if (handle_ >= 0) semihosting::close(handle_);
  free(record_);
}

bool PackReader::read_exactly(void* to, uint32_t bytes) {
  return semihosting::read(handle_, to, bytes) == 0;
}

bool PackReader::open(const char* path) {
  handle_ = semihosting::open(path, semihosting::OpenMode::read_binary);
  if (handle_ < 0) {
    snprintf(error_, sizeof error_, "cannot open %s (semihosting paths are relative to QEMU's working directory: pass an absolute one)", path);
    return false;
  }
  uint8_t header[pack::kHeaderBytes];
  if (!read_exactly(header, sizeof header) || memcmp(header, pack::kMagic, sizeof pack::kMagic) != 0) {
    snprintf(error_, sizeof error_, "%s is not a case pack (no CONFPACK header)", path);
    return false;
  }
  if (load_u32(header + 8) != pack::kVersion) {
    snprintf(error_, sizeof error_, "pack version %lu, this runner reads version %lu",
             static_cast<unsigned long>(load_u32(header + 8)), static_cast<unsigned long>(pack::kVersion));
    return false;
  }
  header_.rounding = load_u32(header + 12);
  header_.case_count = load_u32(header + 16);
  header_.seed = load_u32(header + 20) | static_cast<uint64_t>(load_u32(header + 24)) << 32;
  return true;
}

bool PackReader::next(PackCase& out) {
  if (index_ >= header_.case_count) return false;
  uint8_t size_field[4];
  const uint32_t record = read_exactly(size_field, 4) ? load_u32(size_field) : 0;
  if (record < pack::kCaseFixedBytes || record % 4 != 0) {
    snprintf(error_, sizeof error_, "case %lu: no valid record (size %lu)", static_cast<unsigned long>(index_),
             static_cast<unsigned long>(record));
    return false;
  }
  if (record > capacity_) {
    free(record_);
    record_ = static_cast<uint8_t*>(malloc(record));
    capacity_ = record_ != nullptr ? record : 0;
    if (record_ == nullptr) {
      snprintf(error_, sizeof error_, "case %lu: a record of %lu bytes does not fit the heap",
               static_cast<unsigned long>(index_), static_cast<unsigned long>(record));
      return false;
    }
  }
  memcpy(record_, size_field, 4);
  if (!read_exactly(record_ + 4, record - 4)) {
    snprintf(error_, sizeof error_, "case %lu: the file ends inside its %lu-byte record",
             static_cast<unsigned long>(index_), static_cast<unsigned long>(record));
    return false;
  }
  const uint8_t* p = record_;
  out = PackCase{};
  out.index = index_;
  out.depthwise = load_u32(p + 4) == 1;
  for (uint32_t i = 0; i < pack::kFieldCount; ++i) {
    out.field[i] = static_cast<int32_t>(load_u32(p + 8 + 4 * i));
  }
  uint32_t counts[pack::kCountCount];
  for (uint32_t i = 0; i < pack::kCountCount; ++i) {
    counts[i] = load_u32(p + 8 + 4 * pack::kFieldCount + 4 * i);
  }
  static const uint32_t kElementBytes[pack::kCountCount] = {1, 1, 4, 4, 4, 1, 1, 1};
  const uint8_t* item[pack::kCountCount];
  uint64_t at = pack::kCaseFixedBytes;
  for (uint32_t i = 0; i < pack::kCountCount; ++i) {
    item[i] = p + at;
    const uint64_t bytes = static_cast<uint64_t>(counts[i]) * kElementBytes[i];
    at += (bytes + 3) & ~uint64_t{3};
    if (at > record) {
      snprintf(error_, sizeof error_, "case %lu: item %lu of %llu bytes overruns the record",
               static_cast<unsigned long>(index_), static_cast<unsigned long>(i),
               static_cast<unsigned long long>(bytes));
      return false;
    }
  }
  // Items are 4-byte aligned inside a 4-byte aligned buffer: the int32 views are aligned.
  out.description = {reinterpret_cast<const char*>(item[pack::description_bytes]), counts[pack::description_bytes]};
  out.expected_status = {reinterpret_cast<const char*>(item[pack::status_bytes]), counts[pack::status_bytes]};
  out.multiplier = {reinterpret_cast<const int32_t*>(item[pack::multiplier_count]), counts[pack::multiplier_count]};
  out.shift = {reinterpret_cast<const int32_t*>(item[pack::shift_count]), counts[pack::shift_count]};
  out.bias = {reinterpret_cast<const int32_t*>(item[pack::bias_count]), counts[pack::bias_count]};
  out.input = {reinterpret_cast<const int8_t*>(item[pack::input_count]), counts[pack::input_count]};
  out.weight = {reinterpret_cast<const int8_t*>(item[pack::weight_count]), counts[pack::weight_count]};
  out.expected = {reinterpret_cast<const int8_t*>(item[pack::expected_count]), counts[pack::expected_count]};
  ++index_;
  return true;
}

}  // namespace runner
