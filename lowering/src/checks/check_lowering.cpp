#include <sstream>

#include "lower/checks.h"

namespace lower {

bool LoweringVerdict::pass() const {
  for (const CheckReport& r : reports) {
    if (!r.pass()) return false;
  }
  return true;
}

std::string LoweringVerdict::describe() const {
  std::ostringstream os;
  for (const CheckReport& r : reports) {
    if (!r.pass()) os << r.describe();
  }
  for (const CheckReport& r : reports) {
    if (r.pass()) os << r.describe();
  }
  return os.str();
}

LoweringVerdict check_lowering(const Graph& original, const Inputs& inputs, const std::vector<Pass>& passes,
                               const conf::KernelSet& reference, const conf::KernelSet& target,
                               const conf::Compliance& end_to_end_compliance) {
  LoweringVerdict verdict;
  try {
    PassRun run = run_passes(original, passes);
    verdict.lowered = std::move(run.result);
    verdict.steps = std::move(run.steps);
  } catch (const std::exception& e) {
    CheckReport r;
    r.check = "pass pipeline";
    r.failures.push_back(e.what());
    verdict.reports.push_back(r);
    return verdict;
  }
  for (const PassStep& step : verdict.steps) {
    if (!step.moves_bytes_only) continue;
    CheckReport r = outputs_identical(*step.before, *step.after, inputs, reference);
    r.check = "pass " + step.pass + " keeps every output bit";
    verdict.reports.push_back(r);
  }
  verdict.reports.push_back(kernel_sets_agree(verdict.lowered, inputs, target, reference));
  verdict.reports.push_back(node_faithfulness(original, verdict.lowered, inputs, target));
  verdict.reports.push_back(end_to_end(original, verdict.lowered, inputs, target, end_to_end_compliance));
  return verdict;
}

}  // namespace lower
