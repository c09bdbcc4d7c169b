#include "replay_options.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

namespace runner {

namespace {

bool parse_index(const char* text, long& value) {
  char* end = nullptr;
  value = strtol(text, &end, 10);
  return end != text && *end == '\0' && value >= 0;
}

}  // namespace

const char* replay_usage() {
  return "IMAGE PACK [--case N] [--from N] [--progress] [--fault-at N] [--hang-at N]   "
         "(PACK: an absolute path, written by conformance pack)";
}

bool parse_replay_options(int argc, char** argv, ReplayOptions& options, const char** error) {
  for (int i = 1; i < argc; ++i) {
    const char* arg = argv[i];
    long* index = nullptr;
    if (strcmp(arg, "--case") == 0) index = &options.only_case;
    if (strcmp(arg, "--from") == 0) index = &options.from;
    if (strcmp(arg, "--fault-at") == 0) index = &options.fault_at;
    if (strcmp(arg, "--hang-at") == 0) index = &options.hang_at;
    if (index != nullptr) {
      if (i + 1 >= argc || !parse_index(argv[i + 1], *index)) {
        *error = "--case, --from, --fault-at and --hang-at expect a case index";
        return false;
      }
      ++i;
    } else if (strcmp(arg, "--progress") == 0) {
      options.progress = true;
    } else if (arg[0] != '-' && options.pack_path == nullptr) {
      options.pack_path = arg;
    } else {
      *error = "unexpected argument";
      return false;
    }
  }
  if (options.pack_path == nullptr) {
    *error = "no pack given";
    return false;
  }
  return true;
}

bool selected(const ReplayOptions& options, uint32_t index) {
  if (options.only_case >= 0) return static_cast<long>(index) == options.only_case;
  return static_cast<long>(index) >= options.from;
}

void after_case_not_compared(const ReplayOptions& options, uint32_t index, const char* why) {
  if (options.progress) printf("@%s %lu\n", why, static_cast<unsigned long>(index));
}

bool whole_pack(const ReplayOptions& options) { return options.only_case < 0 && options.from == 0; }

void print_empty_selection(const char* image, const ReplayOptions& options, uint32_t case_count) {
  const unsigned long count = case_count;
  if (count == 0) {
    printf("%s: the pack holds no case\n", image);
  } else if (options.only_case >= 0) {
    printf("%s: no case %ld in the pack: it holds cases 0..%lu\n", image, options.only_case, count - 1);
  } else {
    printf("%s: --from %ld is past the pack's last case, %lu\n", image, options.from, count - 1);
  }
}

void before_case(const ReplayOptions& options, uint32_t index) {
  if (options.progress) {
    printf("@case %lu\n", static_cast<unsigned long>(index));
    fflush(stdout);
  }
  if (static_cast<long>(index) == options.fault_at) __asm__ volatile("udf #0");
  if (static_cast<long>(index) == options.hang_at) {
    for (;;) __asm__ volatile("" ::: "memory");
  }
}

}  // namespace runner
