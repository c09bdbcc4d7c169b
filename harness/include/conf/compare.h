// Comparing a kernel's output with the reference under a compliance mode.
//
//   exact     every element equal
//   near_tie  |a - b| <= 1, and every difference sits where two correct roundings can
//             disagree (ref::is_near_tie on the element's accumulator and requantization)
//   qtol:N    |a - b| <= N
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "conf/conv_case.h"
#include "ref/conv.h"

namespace conf {

struct Compliance {
  enum class Mode { exact, near_tie, qtol } mode = Mode::exact;
  int32_t tolerance = 0;  // qtol only
};
std::string to_string(const Compliance& compliance);
// Accepts "exact", "near_tie", "qtol:N"; throws std::invalid_argument otherwise.
Compliance parse_compliance(const std::string& text);

struct Mismatch {
  int64_t n, h, w, c;
  int32_t actual, expected;
  int64_t accumulator;
  bool near_tie;
};

struct CompareReport {
  int64_t elements = 0;
  int64_t differing = 0;
  int64_t differing_at_near_ties = 0;
  int32_t max_abs_difference = 0;
  int64_t failing = 0;              // differences the compliance mode does not allow
  std::vector<Mismatch> first;      // the first few failing elements, in memory order
  std::string size_error;           // set when the output has the wrong element count
  bool pass() const { return failing == 0 && size_error.empty(); }
  // Several lines: counts, then one line per listed mismatch with coordinates.
  std::string describe() const;
};

// actual: NHWC output of the kernel; expected: reference result in NHWC order.
CompareReport compare_outputs(const ConvCase& c, const std::vector<int8_t>& actual,
                              const ref::QuantizedConvResult& expected, const Compliance& compliance,
                              size_t max_listed = 5);

// Fraction of outputs whose requantized value (plus the output offset) falls outside
// int8 before the activation clamp: a measure of how well the case's quantization fits its
// accumulators. Clamping by a relu-like tail is semantics and is not counted.
double saturated_fraction(const ConvCase& c, const ref::QuantizedConvResult& result, ref::Rounding rounding);

}  // namespace conf
