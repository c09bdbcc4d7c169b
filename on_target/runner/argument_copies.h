// Heap copies of a case's read-only arguments, handed to the kernel under test and compared
// with the pack afterwards: a call that writes to its input, filter, bias or requantization
// arrays is caught even when its output is right.
#pragma once

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pack_reader.h"

namespace runner {

struct ArgumentCopies {
  int8_t* input = nullptr;
  int8_t* weight = nullptr;
  int32_t* bias = nullptr;  // NULL when the case has none
  int32_t* multiplier = nullptr;
  int32_t* shift = nullptr;

  template <class T>
  static T* copy(const Span<T>& from) {
    // One element at least: an empty tensor still gets a valid, distinct pointer.
    T* to = static_cast<T*>(malloc(sizeof(T) * (from.count > 0 ? from.count : 1)));
    if (to != nullptr && from.count > 0) memcpy(to, from.data, sizeof(T) * from.count);
    return to;
  }
  explicit ArgumentCopies(const PackCase& c)
      : input(copy(c.input)), weight(copy(c.weight)), bias(c.bias.count > 0 ? copy(c.bias) : nullptr),
        multiplier(copy(c.multiplier)), shift(copy(c.shift)) {}
  ~ArgumentCopies() {
    free(input);
    free(weight);
    free(bias);
    free(multiplier);
    free(shift);
  }
  ArgumentCopies(const ArgumentCopies&) = delete;
  ArgumentCopies& operator=(const ArgumentCopies&) = delete;
  bool allocated(const PackCase& c) const {
    return input && weight && multiplier && shift && (bias || c.bias.count == 0);
  }
  // The name of the first argument the call modified, or nullptr.
  const char* modified(const PackCase& c) const {
    if (memcmp(input, c.input.data, c.input.count) != 0) return "input";
    if (memcmp(weight, c.weight.data, c.weight.count) != 0) return "filter";
    if (bias && memcmp(bias, c.bias.data, 4 * c.bias.count) != 0) return "bias";
    if (memcmp(multiplier, c.multiplier.data, 4 * c.multiplier.count) != 0) return "multiplier";
    if (memcmp(shift, c.shift.data, 4 * c.shift.count) != 0) return "shift";
    return nullptr;
  }
};

// The number of output elements that differ from the pack's expectation.
int64_t count_differences(const int8_t* actual, const PackCase& c);
// Prints the first few differing elements with their NHWC coordinates (out_h, out_w, out_c:
// the output's dims).
void print_differences(const int8_t* actual, const PackCase& c, int32_t out_h, int32_t out_w, int32_t out_c);

}  // namespace runner
