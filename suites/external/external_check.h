// The kernel set under test in the external suite, chosen by name at run time, and the two
// comparisons the suite makes on every case it runs:
//   1. exact against the reference in the set's own rounding (XNNPACK: float, half to even);
//   2. when that rounding is not double rounding: near_tie against the reference in double
//      rounding (CMSIS-NN's and TFLite's default), counting the elements that differed
//      only at near-ties, so the README can say how far the implementations really are apart.
//
// Environment
//   CONFORMANCE_KERNELS   the kernel set's name (conformance kernels lists them); default target
//   CONFORMANCE_ISOLATION on|off: overrides crash isolation (on by default for external sets)
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "conf/conv_case.h"
#include "conf/kernel_set.h"

namespace external {

// The name from CONFORMANCE_KERNELS, or "target".
std::string kernel_set_name();

// The kernel set under test, made once. Returns nullptr and sets `why` when this build does
// not have it (the caller skips); throws for an unknown name.
const conf::KernelSet* kernel_set_or_null(std::string& why);

struct Tally {
  int64_t cases = 0;
  int64_t unsupported = 0;
  std::map<std::string, int64_t> unsupported_because;  // the reason's words before its numbers
  int64_t elements = 0;                   // elements of the supported cases
  int64_t differing_from_double = 0;      // vs the reference in double rounding
  int64_t near_tie_from_double = 0;       // of which at near-ties
  int64_t outside_double_domain = 0;      // cases the double-rounding comparison skipped
  std::string describe(const std::string& kernels) const;
};

// Runs `c` on the kernel set and makes both comparisons. Returns "" when they hold (or the
// set does not support the case: counted in `tally`), else a failure message with the case,
// the differing coordinates, a counterexample file and the replay commands.
std::string check_case(const conf::KernelSet& kernels, const conf::ConvCase& c, const std::string& family,
                       Tally& tally);

}  // namespace external
