// The CMSIS-NN API adapter proper: compiled only when configure was given the library. The
// call itself is call/cmsis_nn_call.cpp, shared with the on-target runner.
#include <stdexcept>
#include <string>
#include <vector>

#include "conf/cmsis_nn_kernel_set.h"
#include "conf/guarded_buffer.h"

namespace conf {

namespace {

class CmsisNnKernelSet : public KernelSet {
 public:
  std::string name() const override { return "cmsis-nn"; }
  ref::Rounding rounding() const override { return cmsis_nn_configured_rounding(); }

  RunOutcome run(const ConvCase& c) const override {
    RunOutcome outcome;
    if (const std::string reason = cmsis_nn_unsupported_reason(c); !reason.empty()) {
      outcome.status = kUnsupportedStatus;
      outcome.message = reason;
      return outcome;
    }
    outcome.path = cmsis_nn_documented_path(c);

    // Read-only arguments are exact-size copies compared afterwards; output and scratch
    // carry guard zones that catch stray writes in every build.
    std::vector<int8_t> input(c.input), filter(c.weight);
    std::vector<int32_t> bias(c.bias), multiplier(c.multiplier), shift(c.shift);
    GuardedBuffer output(static_cast<size_t>(c.output_elements()), 11);

    const cmsis_nn_call::Geometry g = cmsis_nn_geometry(c);
    const int32_t scratch_bytes = cmsis_nn_call::scratch_bytes(g);
    if (scratch_bytes < 0) return refused_size(outcome, scratch_bytes);
    GuardedBuffer scratch(static_cast<size_t>(scratch_bytes), 12);
    cmsis_nn_call::Operands operands;
    operands.input = input.data();
    operands.filter = filter.data();
    operands.bias = c.has_bias ? bias.data() : nullptr;
    operands.multiplier = multiplier.data();
    operands.shift = shift.data();
    operands.output = reinterpret_cast<int8_t*>(output.data());
    operands.scratch = scratch.data();
    operands.scratch_bytes = scratch_bytes;
    const int32_t status = cmsis_nn_call::run(g, operands);

    outcome.status = cmsis_nn_call::status_name(status);
    if (status != 0) {
      outcome.message = "the wrapper refused a case the API can carry (" + outcome.path + ", " +
                        std::to_string(scratch_bytes) + " scratch bytes)";
    }
    outcome.output = output.body_as_int8();
    auto& errors = outcome.integrity_errors;
    for (const auto& found : {output.guard_violations("output"), scratch.guard_violations("scratch")}) {
      errors.insert(errors.end(), found.begin(), found.end());
    }
    if (input != c.input) errors.emplace_back("the input was modified");
    if (filter != c.weight) errors.emplace_back("the filter was modified");
    if (bias != c.bias) errors.emplace_back("the bias was modified");
    if (multiplier != c.multiplier) errors.emplace_back("the multiplier array was modified");
    if (shift != c.shift) errors.emplace_back("the shift array was modified");
    if (status != 0 && !output.body_untouched()) {
      errors.emplace_back("a refused call wrote to the output");
    }
    return outcome;
  }

 private:
  static RunOutcome refused_size(RunOutcome& outcome, int32_t bytes) {
    outcome.status = "arm_cmsis_nn_bad_buffer_size";
    outcome.message = "the *_get_buffer_size function returned " + std::to_string(bytes);
    return outcome;
  }
};

}  // namespace

bool cmsis_nn_available() { return true; }

std::unique_ptr<KernelSet> make_cmsis_nn_kernel_set() { return std::make_unique<CmsisNnKernelSet>(); }

}  // namespace conf
