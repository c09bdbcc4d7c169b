#include "conf/golden_replay.h"

#include <sstream>

#include "conf/compare.h"
#include "conf/golden.h"
#include "conf/isolated_kernel_set.h"
#include "conf/recipe.h"

namespace conf {

const char* verdict_name(Replay::Verdict verdict) {
  switch (verdict) {
    case Replay::Verdict::pass: return "PASS";
    case Replay::Verdict::fail: return "FAIL";
    case Replay::Verdict::skip: return "SKIP";
  }
  return "?";
}

namespace {

Replay fail(Replay r, const std::string& why) {
  r.verdict = Replay::Verdict::fail;
  r.explanation = why + (r.explanation.empty() ? "" : "\n" + r.explanation);
  return r;
}

}  // namespace

namespace {

// A kernel set restricted to one dispatch path cannot run cases of the other kind; that is
// a skip of the case, said plainly, not a failure.
bool run_or_skip(const KernelSet& kernels, const ConvCase& c, RunOutcome& out, Replay& r) {
  try {
    out = kernels.run(c);
    return true;
  } catch (const std::exception& e) {
    r.verdict = Replay::Verdict::skip;
    r.summary = kernels.name() + " cannot run this case";
    r.explanation = e.what();
    return false;
  }
}

// A negative case. The target kernels must refuse with the status the file names. Any other
// set cannot be held to our status names: it passes by refusing in any way (its own status
// name or kUnsupportedStatus), writing nothing; computing an output, crashing, hanging or
// writing out of bounds fails.
Replay replay_refusal(const GoldenCase& g, const KernelSet& kernels, Replay r) {
  const ConvCase& c = g.conv;
  RunOutcome out;
  if (!run_or_skip(kernels, c, out, r)) return r;
  r.path = out.path;
  r.refusal = true;
  const bool by_name = kernels.reports_target_status_names();
  const std::string got = out.status + (out.message.empty() ? "" : " (" + out.message + ")");
  std::string rule, verdict_note;
  bool refused = false;
  if (by_name) {
    r.summary = kernels.name() + " must refuse with " + g.expected_status;
    rule = "expected status " + g.expected_status;
    refused = status_matches(out.status, g.expected_status);
  } else {
    r.summary = kernels.name() + " must refuse it (any status; the target kernels say " + g.expected_status + ")";
    rule = "expected any refusal that writes nothing (" + kernels.name() +
           " does not report the target kernels' status names; theirs is " + g.expected_status + ")";
    refused = out.status != "ok" && !is_isolation_failure(out.status);
    if (out.status == "ok") verdict_note = "\nit computed an output for an invalid case";
    if (is_isolation_failure(out.status)) verdict_note = "\na crash or a hang is not a refusal";
  }
  r.explanation = "case: " + describe(c) + "\n" + rule + ", got " + got + verdict_note;
  for (const std::string& e : out.integrity_errors) r.explanation += "\n" + e;
  r.verdict = refused && out.integrity_errors.empty() ? Replay::Verdict::pass : Replay::Verdict::fail;
  return r;
}

}  // namespace

Replay replay_golden_case(const std::string& file, const KernelSet& kernels) {
  Replay r;
  r.name = file;
  GoldenCase g;
  try {
    g = load_golden(file);
  } catch (const std::exception& e) {
    r.summary = "malformed golden case";
    return fail(r, e.what());
  }
  r.name = g.name;
  r.tags = g.tags;
  const ConvCase& c = g.conv;
  const std::string case_line = "case: " + describe(c);

  if (g.expected_status != "ok") return replay_refusal(g, kernels, std::move(r));
  if (g.rounding != kernels.rounding()) {
    r.verdict = Replay::Verdict::skip;
    r.summary = std::string("recorded for ") + ref::rounding_name(g.rounding) + " rounding";
    r.explanation = g.name + " expects " + ref::rounding_name(g.rounding) + " rounding; " + kernels.name() +
                    " promises " + ref::rounding_name(kernels.rounding()) + " (golden_replay_" +
                    ref::rounding_name(g.rounding) + " replays it)";
    return r;
  }
  r.summary = kernels.name() + ", " + to_string(g.compliance) + " against the reference (" +
              ref::rounding_name(g.rounding) + " rounding)";
  // The stored expectation must still be what the reference computes: a changed reference or
  // an edited file shows up here, before any kernel runs.
  const ref::QuantizedConvResult expected = reference_result(c, g.rounding);
  if (!expected.domain.ok()) return fail(r, case_line + "\n" + expected.domain.describe());
  if (g.has_expected_output) {
    const CompareReport self = compare_outputs(c, g.expected_output, expected, Compliance{});
    if (!self.pass()) {
      return fail(r, "the stored output no longer matches the reference (rederive to see and accept the change):\n" +
                         case_line + "\n" + self.describe());
    }
  }
  if (!g.expected_checksum.empty() && checksum(expected.output.data()) != g.expected_checksum) {
    return fail(r, "the reference output's checksum changed (" + g.expected_checksum + " stored, " +
                       checksum(expected.output.data()) + " now): a generator recipe or the reference changed\n" +
                       case_line);
  }
  RunOutcome out;
  if (!run_or_skip(kernels, c, out, r)) return r;
  r.path = out.path;
  if (!out.path.empty()) r.summary += ", path " + out.path;
  if (out.status != "ok") return fail(r, case_line + "\nthe kernels refused: " + out.status + " (" + out.message + ")");
  const CompareReport report = compare_outputs(c, out.output, expected, g.compliance);
  std::ostringstream os;
  os << case_line << "\ncompliance: " << to_string(g.compliance) << "\n" << report.describe();
  for (const std::string& e : out.integrity_errors) os << "\n" << e;
  r.explanation = os.str();
  r.verdict = report.pass() && out.integrity_errors.empty() ? Replay::Verdict::pass : Replay::Verdict::fail;
  return r;
}

}  // namespace conf
