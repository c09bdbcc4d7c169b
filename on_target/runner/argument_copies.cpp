#include "argument_copies.h"

#include <stdio.h>

namespace runner {

namespace {
constexpr int kMaxShownDifferences = 4;
}  // namespace

int64_t count_differences(const int8_t* actual, const PackCase& c) {
  int64_t differing = 0;
  for (uint32_t i = 0; i < c.expected.count; ++i) differing += actual[i] != c.expected.data[i];
  return differing;
}

void print_differences(const int8_t* actual, const PackCase& c, int32_t out_h, int32_t out_w, int32_t out_c) {
  int shown = 0;
  for (uint32_t i = 0; i < c.expected.count && shown < kMaxShownDifferences; ++i) {
    if (actual[i] == c.expected.data[i]) continue;
    ++shown;
    const long ch = static_cast<long>(i % out_c), w = static_cast<long>(i / out_c % out_w);
    const long h = static_cast<long>(i / out_c / out_w % out_h), n = static_cast<long>(i / out_c / out_w / out_h);
    printf("    at n=%ld h=%ld w=%ld c=%ld: actual %d, expected %d\n", n, h, w, ch, actual[i], c.expected.data[i]);
  }
}

}  // namespace runner
