// The pack through a CMSIS-NN library built for this core: every valid case the API can
// carry must match the host reference bit for bit. Ends with
// "N passed, N failed (U unsupported by the CMSIS-NN API, I invalid cases not run)".
// Exit status 0 only when nothing failed and at most half the valid cases of the whole pack were
// unsupported (a replayed case outside the API's contract also exits 0, saying nothing was
// compared); otherwise the failure count clamped to 1..255 (2 for a bad command line or pack, or
// a --case / --from that selects no case; 70 for a fault: run it under
// on_target/cmake/run_isolated.sh to go on past crashes and hangs).
//   runner_cmsis_nn_<rounding> PACK [--case N] [--from N] [--progress]   (replay_options.h)
#include <stdio.h>
#include <string.h>

#include "cmsis_nn_case_runner.h"
#include "pack_reader.h"
#include "platform.h"
#include "replay_options.h"

namespace {

int usage(const char* message) {
  printf("runner_cmsis_nn: %s\nusage: %s\n", message, runner::replay_usage());
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  runner::ReplayOptions options;
  const char* error = nullptr;
  if (!runner::parse_replay_options(argc, argv, options, &error)) return usage(error);

  const bool single = strcmp(CMSIS_NN_RUNNER_ROUNDING, "single") == 0;
  printf("runner_cmsis_nn: %s (%s), CMSIS-NN library built for %s rounding\n", platform::board_name(),
         platform::core_name(), CMSIS_NN_RUNNER_ROUNDING);
  runner::PackReader reader;
  if (!reader.open(options.pack_path)) return usage(reader.error());
  if (reader.header().rounding != (single ? 1u : 0u)) {
    return usage(single ? "the pack holds double-rounding expectations; the library is single rounding"
                        : "the pack holds single-rounding expectations; the library is double rounding");
  }
  printf("runner_cmsis_nn: pack %s: %lu cases, seed %llu\n", options.pack_path,
         static_cast<unsigned long>(reader.header().case_count),
         static_cast<unsigned long long>(reader.header().seed));

  static char replay[512];
  snprintf(replay, sizeof replay, "%s/cmake/qemu_launcher.sh --board %s %s %s", ON_TARGET_SOURCE_DIR,
           platform::board_name(), argv[0], options.pack_path);
  runner::CmsisNnCaseRunner cases(replay);

  unsigned long counts[4] = {};  // by CaseResult
  runner::PackCase c;
  while (reader.next(c)) {
    if (!runner::selected(options, c.index)) continue;
    runner::before_case(options, c.index);
    const runner::CaseResult result = cases.run(c);
    ++counts[static_cast<int>(result)];
    if (result == runner::CaseResult::unsupported) runner::after_case_not_compared(options, c.index, "unsupported");
    if (result == runner::CaseResult::invalid) runner::after_case_not_compared(options, c.index, "invalid");
  }
  unsigned long failed = counts[static_cast<int>(runner::CaseResult::failed)];
  const unsigned long passed = counts[static_cast<int>(runner::CaseResult::passed)];
  const unsigned long unsupported = counts[static_cast<int>(runner::CaseResult::unsupported)];
  const unsigned long invalid = counts[static_cast<int>(runner::CaseResult::invalid)];
  if (reader.error()[0] != '\0') {
    printf("runner_cmsis_nn: damaged pack: %s\n", reader.error());
    ++failed;
  }
  cases.print_stats();
  // A library that made everything unsupported would pass; the generators draw most cases
  // inside the API's conventions. A share, so only over the whole pack: one replayed case, or
  // the rest of a pack after a crash, may well be mostly unsupported.
  const unsigned long valid = passed + failed + unsupported;
  if (runner::whole_pack(options) && unsupported * 2 > valid) {
    printf("runner_cmsis_nn: %lu of %lu valid cases unsupported by the CMSIS-NN API, more than half\n",
           unsupported, valid);
    ++failed;
  }
  printf("%lu passed, %lu failed (%lu unsupported by the CMSIS-NN API, %lu invalid cases not run)\n", passed, failed,
         unsupported, invalid);
  if (failed == 0 && passed == 0) {
    if (unsupported + invalid == 0) {
      runner::print_empty_selection("runner_cmsis_nn", options, reader.header().case_count);
      return 2;
    }
    if (runner::whole_pack(options)) return usage("the pack holds no valid case");
    // A replayed case outside the API's contract is an answer, not an error: nothing to compare.
    printf("runner_cmsis_nn: nothing compared: the selected %s %s\n",
           unsupported + invalid == 1 ? "case is" : "cases are",
           unsupported == 0 ? "invalid (expected a refusal, which the API does not check for)"
           : invalid == 0   ? "unsupported by the CMSIS-NN API (the reason is above)"
                            : "unsupported by the CMSIS-NN API or invalid");
    return 0;
  }
  if (failed == 0) return 0;
  return failed > 255 ? 255 : static_cast<int>(failed);
}
