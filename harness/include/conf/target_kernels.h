// The project's target kernels (target_kernels/, the tk:: API) as a kernel set, plus the
// raw call the negative tests use to break one argument at a time.
//
// This adapter is compiled once per kernel build variant (double or single rounding).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "conf/kernel_set.h"

namespace conf {

// path "" runs the dispatching wrappers; otherwise a path name from target_paths().
// Throws std::invalid_argument for an unknown path.
std::unique_ptr<KernelSet> make_target_kernel_set(const std::string& path = "");

std::vector<std::string> target_paths(ConvKind kind);
// The path the wrapper takes for a valid case.
std::string target_selected_path(const ConvCase& c);
// Scratch bytes the wrapper (path "") or a forced path asks for; negative when refused.
int64_t target_scratch_size(const ConvCase& c, const std::string& path = "");
ref::Rounding target_rounding();
// The kernels' requantization step alone (tk::requantize).
int32_t target_requantize(int32_t acc, int32_t multiplier, int32_t shift);

// Runs the case with every buffer guarded, after applying `defect`. The outcome lists
// guard-byte violations, modified inputs, and writes made by a call that was refused.
RunOutcome run_target(const ConvCase& c, const std::string& path = "", Defect defect = Defect::none);

// A call with every buffer allocated once, for timing: run() calls the kernel and nothing
// else (no guards, no copies, no checks).
class PreparedTargetCall {
 public:
  // Throws std::invalid_argument when the kernels refuse the case or the path is unknown.
  PreparedTargetCall(const ConvCase& c, const std::string& path = "");
  ~PreparedTargetCall();
  PreparedTargetCall(const PreparedTargetCall&) = delete;
  PreparedTargetCall& operator=(const PreparedTargetCall&) = delete;
  // Returns the kernel's status name ("ok").
  const char* run();
  const std::vector<int8_t>& output() const;

 private:
  struct State;
  State* state_;
};

}  // namespace conf
