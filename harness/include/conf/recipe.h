// Deterministic tensor data from a seed, identical on every platform and compiler (no
// <random> distributions, whose outputs are implementation-defined), and a checksum.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace conf {

class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t next();
  // Uniform in [lo, hi] (inclusive).
  int64_t uniform(int64_t lo, int64_t hi);

 private:
  uint64_t state_;
};

// distribution: "uniform" (every value in [min, max] alike), "sparse" (3 in 4 zero, the
// rest uniform), "extremes" (only min and max).
struct Recipe {
  uint64_t seed = 0;
  std::string distribution = "uniform";
  int64_t min = -128;
  int64_t max = 127;
};

// Throws std::invalid_argument for an unknown distribution or min > max.
std::vector<int64_t> values_from_recipe(const Recipe& recipe, size_t count);
std::vector<int8_t> int8_from_recipe(const Recipe& recipe, size_t count);
std::vector<int32_t> int32_from_recipe(const Recipe& recipe, size_t count);

// "fnv1a64:" + 16 hex digits over the bytes.
std::string checksum(const std::vector<int8_t>& data);

}  // namespace conf
