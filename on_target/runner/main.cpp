// The on-target conformance runner: replays a case pack written on the host by
// `conformance pack` and ends with "N passed, N failed". Exit status 0 only when every case
// passed; otherwise the failure count clamped to 1..255 (2 also for a pack it cannot read).
//   runner PACK [--case N] [--from N] [--progress]   (replay_options.h)
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case_runner.h"
#include "pack_reader.h"
#include "platform.h"
#include "replay_options.h"
#include "tk/conv.h"

namespace {

int usage(const char* message) {
  printf("runner: %s\nusage: %s\n", message, runner::replay_usage());
  return 2;
}

void print_stats(const runner::CaseRunner& cases) {
  printf("%-24s %6s %8s %8s %8s   %s\n", "path", "runs", "refusals", "failures", "selected",
         "scratch: max asked / max touched bytes, largest asked/touched");
  for (int slot = 0; slot < runner::kStatsSlots; ++slot) {
    const runner::PathStats& s = cases.stats(slot);
    printf("%-24s %6lu %8lu %8lu %8lu   %ld / %lu", s.name, static_cast<unsigned long>(s.runs),
           static_cast<unsigned long>(s.refusals), static_cast<unsigned long>(s.failures),
           static_cast<unsigned long>(s.selected), static_cast<long>(s.max_asked),
           static_cast<unsigned long>(s.max_touched));
    if (s.ratio_touched > 0) {
      printf(", %lu/%lu = %.2f", static_cast<unsigned long>(s.ratio_asked), static_cast<unsigned long>(s.ratio_touched),
             static_cast<double>(s.ratio_asked) / s.ratio_touched);
    }
    if (s.asked_but_untouched > 0) printf(", %lu calls asked but wrote none", static_cast<unsigned long>(s.asked_but_untouched));
    printf("\n");
  }
}

}  // namespace

int main(int argc, char** argv) {
  runner::ReplayOptions options;
  const char* error = nullptr;
  if (!runner::parse_replay_options(argc, argv, options, &error)) return usage(error);
  const char* pack_path = options.pack_path;

  const bool single = tk::rounding_mode() == tk::Rounding::single_rounding;
  printf("runner: %s (%s), kernels isa %s, rounding %s\n", platform::board_name(), platform::core_name(),
         tk::isa_name(), single ? "single" : "double");

  runner::PackReader reader;
  if (!reader.open(pack_path)) return usage(reader.error());
  if (reader.header().rounding != (single ? 1u : 0u)) {
    return usage(single ? "the pack holds double-rounding expectations; this image is single rounding"
                        : "the pack holds single-rounding expectations; this image is double rounding");
  }
  printf("runner: pack %s: %lu cases, seed %llu\n", pack_path, static_cast<unsigned long>(reader.header().case_count),
         static_cast<unsigned long long>(reader.header().seed));

  // The command that replays one case on this board; the launcher is in the source tree.
  static char replay[512];
  snprintf(replay, sizeof replay, "%s/cmake/qemu_launcher.sh --board %s %s %s", ON_TARGET_SOURCE_DIR,
           platform::board_name(), argv[0], pack_path);
  runner::CaseRunner cases(replay);

  unsigned long passed = 0, failed = 0;
  runner::PackCase c;
  while (reader.next(c)) {
    if (!runner::selected(options, c.index)) continue;
    runner::before_case(options, c.index);
    if (cases.run(c)) {
      ++passed;
    } else {
      ++failed;
    }
  }
  if (reader.error()[0] != '\0') {
    printf("runner: damaged pack: %s\n", reader.error());
    ++failed;
  }
  print_stats(cases);
  printf("runner: %lu kernel calls\n", static_cast<unsigned long>(cases.calls()));
  printf("%lu passed, %lu failed\n", passed, failed);
  if (failed == 0 && passed == 0) {
    runner::print_empty_selection("runner", options, reader.header().case_count);
    return 2;
  }
  if (failed == 0) return 0;
  return failed > 255 ? 255 : static_cast<int>(failed);
}
