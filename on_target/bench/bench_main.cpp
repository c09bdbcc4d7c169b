// Executed-instruction counts of the target kernels on the bench shapes, on this board's core.
//
//   bench [--shapes S1,S7,...] [--wrapper-only] [--figures /abs/path/cmsis_nn_figures.txt]
//   bench [--shapes ...] --vs-cmsis-nn     (images with a CMSIS-NN library: vs_cmsis_nn.h)
//
// Needs QEMU's -icount shift=7 (qemu_launcher.sh --icount 7). Prints one machine-readable
// BENCH line per (shape, path): the wrapper's choice first, then every forced path that
// applies; then a table. All paths of a shape must produce the same output (checksum). With
// --figures, the wrapper's MACs per instruction must reach the 'required' figure of this core
// on every shape the table lists, or, where the table accepts an open gap, at least its
// 'floor' (reported SHORT, never ok). Exit status: the number of problems, at most 100.
#include <stdio.h>
#include <string.h>

#include "bench_layer.h"
#include "figures.h"
#include "platform.h"
#include "vs_cmsis_nn.h"

namespace {

struct Options {
  const char* shapes = nullptr;  // comma-separated names, or all
  bool wrapper_only = false;
  const char* figures = nullptr;
  bool vs_cmsis_nn = false;
};

bool parse_options(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    if (strcmp(argv[i], "--shapes") == 0 && i + 1 < argc) {
      o.shapes = argv[++i];
    } else if (strcmp(argv[i], "--figures") == 0 && i + 1 < argc) {
      o.figures = argv[++i];
    } else if (strcmp(argv[i], "--wrapper-only") == 0) {
      o.wrapper_only = true;
    } else if (strcmp(argv[i], "--vs-cmsis-nn") == 0) {
      o.vs_cmsis_nn = true;
    } else {
      printf(
          "bench: unknown argument '%s'\nusage: bench [--shapes S1,S7] [--wrapper-only] "
          "[--figures /abs/path/cmsis_nn_figures.txt] [--vs-cmsis-nn]\n",
          argv[i]);
      return false;
    }
  }
  return true;
}

// MACs per instruction in thousandths, rounded down.
int64_t macs_per_instruction_milli(int64_t macs, uint64_t instructions) {
  return instructions == 0 ? 0 : macs * 1000 / static_cast<int64_t>(instructions);
}

// The one command that measures this shape again the way this run did.
void print_replay(const char* image, const char* shape, const Options& o) {
  printf("  replay: %s/cmake/qemu_launcher.sh --board %s --icount 7 %s --shapes %s%s%s%s\n",
         ON_TARGET_SOURCE_DIR, platform::board_name(), image, shape,
         o.wrapper_only ? " --wrapper-only" : "", o.figures != nullptr ? " --figures " : "",
         o.figures != nullptr ? o.figures : "");
}

struct Row {
  const bench::LayerShape* shape;
  const char* path;
  uint64_t instructions;
  int64_t milli;
  const bench::Figure* figure;
  bool meets;
  bool open_gap;  // below the required figure, above the accepted floor
};

}  // namespace

int main(int argc, char** argv) {
  Options options;
  if (!parse_options(argc, argv, options)) return 2;
  const char* core = platform::core_name();
  const platform::CounterCalibration& calibration = platform::counter_calibration();
  printf("bench: board %s, core %s, kernels isa %s, rounding %s, counter %s\n",
         platform::board_name(), core, tk::isa_name(),
         tk::rounding_mode() == tk::Rounding::single_rounding ? "single" : "double",
         calibration.exact ? "exact" : "NOT exact");
  if (!calibration.exact) {
    printf(
        "bench: instruction counts need QEMU's -icount shift=7: run with "
        "on_target/cmake/qemu_launcher.sh --board %s --icount 7 <image> [args]\n",
        platform::board_name());
    return 2;
  }
  if (options.vs_cmsis_nn) return bench::compare_with_cmsis_nn(options.shapes, argv[0]);
  static bench::FigureTable figures;
  if (options.figures != nullptr) {
    char error[256];
    if (!bench::read_figures(options.figures, figures, error, sizeof error)) {
      printf("bench: %s\n", error);
      return 2;
    }
  }

  int32_t problems = 0, measured = 0, open_gaps = 0;
  static Row rows[128];
  int32_t row_count = 0;
  for (int32_t s = 0; s < bench::layer_shape_count(); ++s) {
    const bench::LayerShape& shape = bench::layer_shapes()[s];
    if (!bench::shape_selected(options.shapes, shape.name)) continue;
    bench::BenchLayer layer(shape, 1 + 10 * static_cast<uint32_t>(s));
    if (!layer.allocated()) {
      printf("bench: %s: cannot allocate its buffers\n", shape.name);
      ++problems;
      continue;
    }
    const int64_t macs = bench::layer_macs(shape);
    bench::PathChoice choices[8];
    const int32_t count = options.wrapper_only ? 1 : bench::applicable_paths(shape, choices, 8);
    if (options.wrapper_only) choices[0] = {false, 0};
    uint32_t wrapper_checksum = 0;
    for (int32_t i = 0; i < count; ++i) {
      const bench::PathChoice& choice = choices[i];
      const char* path = bench::path_name(shape, choice);
      const bench::Measurement m = layer.run(choice);
      ++measured;
      const int64_t milli = macs_per_instruction_milli(macs, m.instructions);
      char ratio[24];
      bench::format_milli(milli, ratio, sizeof ratio);
      printf(
          "BENCH core=%s isa=%s shape=%s choice=%s path=%s status=%s macs=%lld "
          "instructions=%llu macs_per_instruction=%s checksum=0x%08lx\n",
          core, tk::isa_name(), shape.name, choice.forced ? "forced" : "wrapper", path, m.status,
          static_cast<long long>(macs), static_cast<unsigned long long>(m.instructions), ratio,
          static_cast<unsigned long>(m.checksum));
      if (!m.ok) {
        printf("bench: %s path %s returned %s\n", shape.name, path, m.status);
        print_replay(argv[0], shape.name, options);
        ++problems;
        continue;
      }
      if (i == 0) {
        wrapper_checksum = m.checksum;
      } else if (m.checksum != wrapper_checksum) {
        printf(
            "bench: %s: forced path %s computes a different output than the wrapper "
            "(checksum 0x%08lx vs 0x%08lx)\n",
            shape.name, path, static_cast<unsigned long>(m.checksum),
            static_cast<unsigned long>(wrapper_checksum));
        print_replay(argv[0], shape.name, options);
        ++problems;
      }
      if (row_count < 128) {
        const bench::Figure* figure =
            choice.forced ? nullptr : bench::find_figure(figures, core, shape.name);
        const bool meets =
            figure == nullptr ||
            macs * 1000 >= int64_t{figure->required_milli} * static_cast<int64_t>(m.instructions);
        const bool above_floor =
            figure != nullptr && figure->floor_milli > 0 &&
            macs * 1000 >= int64_t{figure->floor_milli} * static_cast<int64_t>(m.instructions);
        rows[row_count++] = {&shape, path, m.instructions, milli, figure, meets, !meets && above_floor};
        if (options.figures != nullptr && !meets && above_floor) {
          char required[24], floor[24];
          bench::format_milli(figure->required_milli, required, sizeof required);
          bench::format_milli(figure->floor_milli, floor, sizeof floor);
          printf(
              "bench: %s on %s: %s MACs per instruction (%llu instructions), SHORT of the "
              "required %s: an open gap, accepted down to %s (%s)\n",
              shape.name, core, ratio, static_cast<unsigned long long>(m.instructions), required,
              floor, options.figures);
          ++open_gaps;
        } else if (options.figures != nullptr && !meets) {
          char required[24];
          bench::format_milli(figure->required_milli, required, sizeof required);
          printf(
              "bench: %s on %s: %s MACs per instruction (%llu instructions), below the "
              "required %s (%s)\n",
              shape.name, core, ratio, static_cast<unsigned long long>(m.instructions), required,
              options.figures);
          print_replay(argv[0], shape.name, options);
          ++problems;
        }
      }
    }
  }

  if (measured == 0) {
    printf("bench: no bench shape named in '%s'; the shapes are", options.shapes);
    for (int32_t s = 0; s < bench::layer_shape_count(); ++s)
      printf(" %s", bench::layer_shapes()[s].name);
    printf("\n");
    return 2;
  }
  if (options.figures != nullptr) {
    int32_t compared = 0;
    for (int32_t r = 0; r < row_count; ++r) compared += rows[r].figure != nullptr ? 1 : 0;
    if (compared == 0) {
      printf("bench: %s has no figure for core %s and the shapes measured: nothing compared\n",
             options.figures, core);
      return 2;
    }
  }

  printf("\n%-4s %-40s %-18s %13s %10s", "", "layer", "path", "instructions", "MAC/instr");
  if (options.figures != nullptr) printf(" %13s %9s", "CMSIS-NN", "required");
  printf("\n");
  for (int32_t r = 0; r < row_count; ++r) {
    const Row& row = rows[r];
    char ratio[24];
    bench::format_milli(row.milli, ratio, sizeof ratio);
    const bool first_of_shape = r == 0 || rows[r - 1].shape != row.shape;
    printf("%-4s %-40s %-18s %13llu %10s", first_of_shape ? row.shape->name : "",
           first_of_shape ? row.shape->what : "", row.path,
           static_cast<unsigned long long>(row.instructions), ratio);
    if (options.figures != nullptr && first_of_shape) {
      if (row.figure != nullptr) {
        char low[24], high[24], required[24], cmsis[56];
        bench::format_milli(row.figure->low_milli, low, sizeof low);
        bench::format_milli(row.figure->high_milli, high, sizeof high);
        bench::format_milli(row.figure->required_milli, required, sizeof required);
        if (row.figure->low_milli == row.figure->high_milli) {
          snprintf(cmsis, sizeof cmsis, "%s", high);
        } else {
          snprintf(cmsis, sizeof cmsis, "%s-%s", low, high);
        }
        printf(" %13s %9s %s", cmsis, required, row.meets ? "ok" : row.open_gap ? "SHORT" : "BELOW");
      } else {
        printf(" %13s", "(no figure)");
      }
    }
    printf("\n");
  }
  printf("bench: %ld measured, %ld problems, %ld open gaps\n", static_cast<long>(measured),
         static_cast<long>(problems), static_cast<long>(open_gaps));
  return problems > 100 ? 100 : problems;
}
