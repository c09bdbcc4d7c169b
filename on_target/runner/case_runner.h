// Runs one pack case on the target: through the dispatching wrapper and through every
// forced path, each call with guarded output and scratch and fresh copies of the inputs.
// A call passes when its status is the expected one, the output equals the reference's bit
// for bit (or, for a refusal, nothing was written), no guard byte changed, the inputs are
// unmodified and the scratch it touched lies inside what it asked for.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "pack_reader.h"

namespace runner {

// What one dispatch path (or the wrapper) did over all cases.
struct PathStats {
  const char* name = "";
  uint32_t runs = 0;       // calls that had to compute an output
  uint32_t refusals = 0;   // calls that had to refuse (invalid case, or path not applicable)
  uint32_t failures = 0;
  uint32_t selected = 0;   // times the wrapper chose this path
  int32_t max_asked = 0;   // scratch bytes
  uint32_t max_touched = 0;
  // The largest asked / touched scratch ratio among calls that touched some scratch.
  uint32_t ratio_asked = 0, ratio_touched = 0;
  uint32_t asked_but_untouched = 0;  // asked > 0, wrote nothing there
};

constexpr int kConvPaths = 5;
constexpr int kDepthwisePaths = 4;
constexpr int kStatsSlots = 2 + kConvPaths + kDepthwisePaths;  // two wrappers first

class CaseRunner {
 public:
  // replay_prefix: the command that reruns one case on the target, "--case N" appended.
  explicit CaseRunner(const char* replay_prefix);
  // True when every call of the case passed; failures are printed as they are found.
  bool run(const PackCase& c);
  const PathStats& stats(int slot) const { return stats_[slot]; }
  uint32_t calls() const { return calls_; }

 private:
  bool run_call(const PackCase& c, int path);
  void fail(const PackCase& c, const char* path_name, const char* format, ...)
      __attribute__((format(printf, 4, 5)));
  int slot(const PackCase& c, int path) const;

  const char* replay_prefix_;
  PathStats stats_[kStatsSlots];
  bool case_failed_ = false;
  uint32_t calls_ = 0;
};

}  // namespace runner
