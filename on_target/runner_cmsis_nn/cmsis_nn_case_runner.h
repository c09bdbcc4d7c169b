// One pack case through a CMSIS-NN library on the target: the wrapper call only (the library
// has no forced paths), with guarded output and scratch and copies of the read-only
// arguments. Valid cases the API cannot carry (cmsis_nn_call::unsupported) are counted
// apart; invalid cases (a refusal expected) are not run, because the API checks almost
// none of its arguments and the project's refusal statuses are not its contract.
#pragma once

#include <stdint.h>

#include "pack_reader.h"

namespace runner {

enum class CaseResult { passed, failed, unsupported, invalid };

class CmsisNnCaseRunner {
 public:
  // replay_prefix: the command that reruns one case on the target, "--case N" appended.
  explicit CmsisNnCaseRunner(const char* replay_prefix) : replay_prefix_(replay_prefix) {}
  CaseResult run(const PackCase& c);

  // Per documented dispatch path (cmsis_nn_call::documented_path), and per unsupported reason.
  void print_stats() const;

 private:
  void fail(const PackCase& c, const char* format, ...) __attribute__((format(printf, 3, 4)));
  void count_path(const char* path, bool failed);

  static constexpr int kMaxPaths = 8;
  static constexpr int kReasons = 4;
  const char* replay_prefix_;
  bool case_failed_ = false;
  const char* path_names_[kMaxPaths] = {};
  uint32_t path_runs_[kMaxPaths] = {};
  uint32_t path_failures_[kMaxPaths] = {};
  uint32_t unsupported_[kReasons] = {};
  int32_t max_scratch_ = 0;
};

}  // namespace runner
