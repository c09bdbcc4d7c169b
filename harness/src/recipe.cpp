#include "conf/recipe.h"

#include <cstdio>
#include <limits>
#include <stdexcept>

namespace conf {

uint64_t SplitMix64::next() {
  uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

int64_t SplitMix64::uniform(int64_t lo, int64_t hi) {
  const uint64_t span = static_cast<uint64_t>(hi - lo) + 1;  // 0 means the whole 64-bit range
  const uint64_t r = next();
  return lo + static_cast<int64_t>(span ? r % span : r);
}

std::vector<int64_t> values_from_recipe(const Recipe& recipe, size_t count) {
  if (recipe.min > recipe.max) {
    throw std::invalid_argument("recipe min " + std::to_string(recipe.min) + " exceeds max " + std::to_string(recipe.max));
  }
  SplitMix64 rng(recipe.seed);
  std::vector<int64_t> values(count);
  if (recipe.distribution == "uniform") {
    for (auto& v : values) v = rng.uniform(recipe.min, recipe.max);
  } else if (recipe.distribution == "sparse") {
    for (auto& v : values) {
      const bool zero = rng.uniform(0, 3) != 0 && recipe.min <= 0 && recipe.max >= 0;
      v = zero ? 0 : rng.uniform(recipe.min, recipe.max);
    }
  } else if (recipe.distribution == "extremes") {
    for (auto& v : values) v = rng.uniform(0, 1) ? recipe.max : recipe.min;
  } else {
    throw std::invalid_argument("unknown distribution '" + recipe.distribution +
                                "' (expected uniform, sparse or extremes)");
  }
  return values;
}

namespace {
template <class T>
std::vector<T> narrow(const Recipe& recipe, size_t count, const char* type) {
  if (recipe.min < std::numeric_limits<T>::min() || recipe.max > std::numeric_limits<T>::max()) {
    throw std::invalid_argument(std::string("recipe range [") + std::to_string(recipe.min) + ", " +
                                std::to_string(recipe.max) + "] does not fit " + type);
  }
  const auto values = values_from_recipe(recipe, count);
  return std::vector<T>(values.begin(), values.end());
}
}  // namespace

std::vector<int8_t> int8_from_recipe(const Recipe& recipe, size_t count) { return narrow<int8_t>(recipe, count, "int8"); }
std::vector<int32_t> int32_from_recipe(const Recipe& recipe, size_t count) {
  return narrow<int32_t>(recipe, count, "int32");
}

std::string checksum(const std::vector<int8_t>& data) {
  uint64_t hash = 0xCBF29CE484222325ull;
  for (int8_t v : data) {
    hash ^= static_cast<uint8_t>(v);
    hash *= 0x100000001B3ull;
  }
  char text[32];
  std::snprintf(text, sizeof text, "fnv1a64:%016llx", static_cast<unsigned long long>(hash));
  return text;
}

}  // namespace conf
