// The command line every runner image takes, and what happens before each case:
//   IMAGE PACK [--case N] [--from N] [--progress] [--fault-at N] [--hang-at N]
// --case N      only case N (the replay command printed with a failure)
// --from N      cases N and later: the isolation driver (on_target/cmake/run_isolated.sh)
//               restarts the image there after a crash or a hang
// --progress    prints "@case N" before case N, so the driver knows which case was running
//               when the image faulted or stopped making progress, and "@unsupported N" or
//               "@invalid N" after a case that was not compared, so the driver does not count
//               it as passed when the batch later crashes
// --fault-at N, --hang-at N
//               plant a fault (an undefined instruction) or an endless loop at case N, to test
//               the driver on any image; never used otherwise
#pragma once

#include <stdint.h>

namespace runner {

struct ReplayOptions {
  const char* pack_path = nullptr;
  long only_case = -1;
  long from = 0;
  bool progress = false;
  long fault_at = -1;
  long hang_at = -1;
};

// False with *error set on a malformed command line.
bool parse_replay_options(int argc, char** argv, ReplayOptions& options, const char** error);

// Whether case `index` is to be run.
bool selected(const ReplayOptions& options, uint32_t index);

// Called just before case `index` runs: the progress marker and any planted fault or hang.
void before_case(const ReplayOptions& options, uint32_t index);

// Called after case `index` when it was not compared (`why`: "unsupported" or "invalid"): its
// progress marker.
void after_case_not_compared(const ReplayOptions& options, uint32_t index, const char* why);

// The options' usage line, for error messages.
const char* replay_usage();

// Whether the options select the whole pack (no --case, no --from): checks over the whole pack
// (such as the share of unsupported cases) apply only then.
bool whole_pack(const ReplayOptions& options);

// Why the selection holds no case of a pack of `case_count` cases (printed by a runner that ran
// nothing, so that "no case ran" never stands alone).
void print_empty_selection(const char* image, const ReplayOptions& options, uint32_t case_count);

}  // namespace runner
