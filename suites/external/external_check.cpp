#include "external_check.h"

#include <cstdlib>
#include <memory>
#include <sstream>

#include "conf/compare.h"
#include "conf/kernel_registry.h"
#include "conf/property_run.h"

namespace external {

namespace {

std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? "" : value;
}

// The replay command of the current test with the kernel set (and isolation choice) in front.
std::string replay() {
  std::string prefix = "CONFORMANCE_KERNELS=" + kernel_set_name() + " ";
  if (!env("CONFORMANCE_ISOLATION").empty()) prefix += "CONFORMANCE_ISOLATION=" + env("CONFORMANCE_ISOLATION") + " ";
  return prefix + conf::testing::replay_command();
}

std::string failure(const conf::KernelSet& kernels, const conf::ConvCase& c, const conf::RunOutcome& got,
                    const std::string& why, const std::string& details) {
  std::ostringstream message;
  message << why << "\ncase: " << conf::describe(c) << "\n";
  if (got.status != "ok") message << "status " << got.status << ": " << got.message << "\n";
  for (const auto& e : got.integrity_errors) message << "integrity: " << e << "\n";
  if (!details.empty()) message << details << "\n";
  // The saved case replays alone on this same set by its registry name (the line says how).
  message << conf::testing::save_counterexample(c, kernels.rounding(), why, kernel_set_name()) << "\n";
  message << "replay: " << replay() << "\n";
  return message.str();
}

}  // namespace

std::string kernel_set_name() {
  const std::string name = env("CONFORMANCE_KERNELS");
  return name.empty() ? "target" : name;
}

const conf::KernelSet* kernel_set_or_null(std::string& why) {
  const conf::KernelSet* kernels = conf::shared_kernel_set_or_null(kernel_set_name(), why);
  if (kernels == nullptr) why = "SKIPPED: " + why;
  return kernels;
}

std::string Tally::describe(const std::string& kernels) const {
  std::ostringstream out;
  out << kernels << ": " << cases << " cases (" << unsupported << " unsupported), " << elements
      << " output elements; against double rounding " << differing_from_double << " differed, "
      << near_tie_from_double << " of them at near-ties";
  if (!unsupported_because.empty()) {
    out << "; unsupported:";
    const char* separator = " ";
    for (const auto& [reason, count] : unsupported_because) {
      out << separator << count << " " << reason;
      separator = ", ";
    }
  }
  if (outside_double_domain > 0) out << " (" << outside_double_domain << " cases outside double rounding's domain)";
  return out.str();
}

std::string check_case(const conf::KernelSet& kernels, const conf::ConvCase& c, const std::string& family,
                       Tally& tally) {
  ++tally.cases;
  const ref::QuantizedConvResult expected = conf::reference_result(c, kernels.rounding());
  if (!expected.domain.ok()) {
    return "generator bug: the case leaves the int32 domain of " + std::string(ref::rounding_name(kernels.rounding())) +
           " rounding: " + expected.domain.describe() + "\ncase: " + conf::describe(c);
  }
  const conf::RunOutcome got = kernels.run(c);
  conf::testing::record_case(family, got.path);
  if (got.unsupported()) {
    ++tally.unsupported;
    const size_t numbers = got.message.find_first_of("-0123456789[");
    std::string reason = got.message.substr(0, numbers);
    while (!reason.empty() && reason.back() == ' ') reason.pop_back();
    ++tally.unsupported_because[reason];
    return "";
  }
  conf::testing::record_coverage(c, got.path);
  const std::string mode = std::string(ref::rounding_name(kernels.rounding())) + " rounding";
  if (!got.ok()) {
    return failure(kernels, c, got, kernels.name() + " failed on a case the reference (" + mode + ") computes",
                   "");
  }
  const conf::CompareReport same = conf::compare_outputs(c, got.output, expected, conf::Compliance{});
  if (!same.pass()) {
    return failure(kernels, c, got,
                   kernels.name() + " differs from the reference (" + mode + ", exact) on " + got.path,
                   same.describe());
  }
  tally.elements += static_cast<int64_t>(got.output.size());
  if (kernels.rounding() == ref::Rounding::double_rounding) return "";

  const ref::QuantizedConvResult double_rounded = conf::reference_result(c, ref::Rounding::double_rounding);
  if (!double_rounded.domain.ok()) {
    ++tally.outside_double_domain;
    return "";
  }
  conf::Compliance near_tie;
  near_tie.mode = conf::Compliance::Mode::near_tie;
  const conf::CompareReport close = conf::compare_outputs(c, got.output, double_rounded, near_tie);
  tally.differing_from_double += close.differing;
  tally.near_tie_from_double += close.differing_at_near_ties;
  if (!close.pass()) {
    return failure(kernels, c, got,
                   kernels.name() + " differs from the reference (double rounding) beyond near-ties on " + got.path,
                   close.describe());
  }
  return "";
}

}  // namespace external
