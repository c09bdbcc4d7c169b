// A kernel set: one implementation of the convolution ops under test, chosen at run time.
// The suites, tools and benchmarks talk to kernels only through this interface.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "conf/conv_case.h"
#include "ref/quant.h"

namespace conf {

// The status of a valid case an implementation cannot express (XNNPACK refuses a
// requantization scale >= 256, a zero point outside int8, ...): not a wrong answer, so the
// suites skip the case and say how many they skipped, instead of failing it.
inline constexpr const char* kUnsupportedStatus = "unsupported";

struct RunOutcome {
  std::string status = "ok";                  // "ok", kUnsupportedStatus or the implementation's status name
  std::string message;                        // what a refusal means
  std::string path;                           // the dispatch path that ran
  std::vector<int8_t> output;                 // NHWC
  std::vector<std::string> integrity_errors;  // guard bytes written, inputs modified
  bool ok() const { return status == "ok" && integrity_errors.empty(); }
  bool unsupported() const { return status == kUnsupportedStatus && integrity_errors.empty(); }
};

// Whether `status` is one of the '|'-separated names in `alternatives` ("bad_groups|bad_filter_dims").
bool status_matches(const std::string& status, const std::string& alternatives);

// A defect a case itself cannot express, applied to a call for negative tests: a NULL
// pointer or a scratch buffer one byte short.
enum class Defect { none, null_input, null_filter, null_output, null_multiplier, null_shift, null_scratch, short_scratch };
const char* defect_name(Defect defect);

class KernelSet {
 public:
  virtual ~KernelSet() = default;
  virtual std::string name() const = 0;
  // The requantization rounding the implementation promises; the reference is run in it.
  virtual ref::Rounding rounding() const = 0;
  virtual RunOutcome run(const ConvCase& c) const = 0;
  // Whether refusals carry the target kernels' status names (bad_groups, bad_stride, ...),
  // the names negative golden cases expect. A set that does not (the reference, every
  // external implementation) passes a negative case by refusing it in any way and writing
  // nothing (conf/golden_replay.h).
  virtual bool reports_target_status_names() const { return false; }
};

// The naive reference as a kernel set (for the tools and for self-checks of the harness).
std::unique_ptr<KernelSet> make_reference_kernel_set(ref::Rounding rounding);

}  // namespace conf
