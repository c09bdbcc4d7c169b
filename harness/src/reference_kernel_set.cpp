#include <sstream>
#include <stdexcept>

#include "conf/kernel_set.h"

namespace conf {

bool status_matches(const std::string& status, const std::string& alternatives) {
  std::stringstream list(alternatives);
  for (std::string one; std::getline(list, one, '|');) {
    if (one == status) return true;
  }
  return false;
}

const char* defect_name(Defect defect) {
  switch (defect) {
    case Defect::none: return "none";
    case Defect::null_input: return "null_input";
    case Defect::null_filter: return "null_filter";
    case Defect::null_output: return "null_output";
    case Defect::null_multiplier: return "null_multiplier";
    case Defect::null_shift: return "null_shift";
    case Defect::null_scratch: return "null_scratch";
    case Defect::short_scratch: return "short_scratch";
  }
  return "?";
}

namespace {
class ReferenceKernelSet : public KernelSet {
 public:
  explicit ReferenceKernelSet(ref::Rounding rounding) : rounding_(rounding) {}
  std::string name() const override { return std::string("reference/") + ref::rounding_name(rounding_); }
  ref::Rounding rounding() const override { return rounding_; }
  RunOutcome run(const ConvCase& c) const override {
    RunOutcome outcome;
    outcome.path = "reference";
    try {
      outcome.output = reference_result(c, rounding_).output.data();
    } catch (const std::exception& e) {
      outcome.status = "invalid_argument";
      outcome.message = e.what();
    }
    return outcome;
  }

 private:
  ref::Rounding rounding_;
};
}  // namespace

std::unique_ptr<KernelSet> make_reference_kernel_set(ref::Rounding rounding) {
  return std::make_unique<ReferenceKernelSet>(rounding);
}

}  // namespace conf
