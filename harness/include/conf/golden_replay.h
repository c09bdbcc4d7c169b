// Replaying one golden file against a kernel set: what the golden suites and the
// command-line tool both do, with a verdict, a one-line summary and an explanation a
// stranger can act on.
#pragma once

#include <string>
#include <vector>

#include "conf/kernel_set.h"

namespace conf {

struct Replay {
  enum class Verdict { pass, fail, skip } verdict = Verdict::fail;
  std::string name;                // the case's name (the file name when unreadable)
  std::vector<std::string> tags;
  std::string summary;             // one line: what ran and how it was judged
  std::string explanation;         // several lines: the case, the compliance mode, what differs
  std::string path;                // the dispatch path that ran ("" when nothing ran)
  bool refusal = false;            // a negative case: the kernels had to refuse it
  bool pass() const { return verdict == Verdict::pass; }
};
const char* verdict_name(Replay::Verdict verdict);  // "PASS", "FAIL", "SKIP"

// An op-level case: the stored expectation must still be the reference's, then the kernel
// set's output must meet the case's compliance mode. A negative case must be refused: with
// the status the file names when the set reports the target kernels' status names
// (KernelSet::reports_target_status_names), else in any way (any non-ok status, including
// kUnsupportedStatus) with nothing written; an output, a crash or a hang fails. Cases recorded
// for another rounding than the kernel set's are skipped, saying so. Never throws for a bad
// file: a malformed case is a failure naming the file and JSON path.
Replay replay_golden_case(const std::string& file, const KernelSet& kernels);

}  // namespace conf
