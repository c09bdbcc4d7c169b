#include "vs_cmsis_nn.h"

#include <stdio.h>

#include "bench_layer.h"
#include "bench_shapes.h"
#include "figures.h"
#include "platform.h"

#if BENCH_WITH_CMSIS_NN

namespace bench {

namespace {

struct Compared {
  const LayerShape* shape;
  const char* ours_path;
  const char* cmsis_path;
  uint64_t ours, cmsis;
  int64_t macs;
  bool equal;
};

void format_ratio(uint64_t numerator, uint64_t denominator, char* text, int32_t size) {
  format_milli(denominator == 0 ? 0 : static_cast<int64_t>(numerator * 1000 / denominator), text, size);
}

}  // namespace

int32_t compare_with_cmsis_nn(const char* shapes, const char* image) {
  const char* core = platform::core_name();
  static Compared rows[32];
  int32_t count = 0, problems = 0;
  for (int32_t s = 0; s < layer_shape_count() && count < 32; ++s) {
    const LayerShape& shape = layer_shapes()[s];
    if (!shape_selected(shapes, shape.name)) continue;
    BenchLayer layer(shape, 1 + 10 * static_cast<uint32_t>(s));
    if (!layer.allocated()) {
      printf("bench: %s: cannot allocate its buffers\n", shape.name);
      ++problems;
      continue;
    }
    const PathChoice wrapper{false, 0};
    const Measurement ours = layer.run(wrapper);
    const char* cmsis_path = "";
    const Measurement cmsis = layer.run_cmsis_nn(&cmsis_path);
    Compared& row = rows[count++];
    row = {&shape, path_name(shape, wrapper), cmsis_path, ours.instructions, cmsis.instructions,
           layer_macs(shape), ours.checksum == cmsis.checksum};
    printf("BENCH_VS core=%s shape=%s ours_path=%s ours_status=%s ours_instructions=%llu "
           "cmsis_nn_path=%s cmsis_nn_status=%s cmsis_nn_instructions=%llu outputs=%s\n",
           core, shape.name, row.ours_path, ours.status, static_cast<unsigned long long>(ours.instructions),
           cmsis_path, cmsis.status, static_cast<unsigned long long>(cmsis.instructions),
           row.equal ? "equal" : "DIFFERENT");
    const char* problem = nullptr;
    if (!ours.ok || !cmsis.ok) problem = "a call failed";
    else if (!row.equal) problem = "the outputs differ (both claim the same rounding)";
    else if (ours.instructions > cmsis.instructions) problem = "our wrapper executes more instructions than CMSIS-NN";
    if (problem != nullptr) {
      printf("bench: %s on %s: %s (ours %s, CMSIS-NN %s)\n", shape.name, core, problem, ours.status, cmsis.status);
      printf("  replay: %s/cmake/qemu_launcher.sh --board %s --icount 7 %s --vs-cmsis-nn --shapes %s\n",
             ON_TARGET_SOURCE_DIR, platform::board_name(), image, shape.name);
      ++problems;
    }
  }
  printf("\n%-4s %-40s %-18s %13s %10s   %-26s %13s %10s %9s %s\n", "", "layer", "ours: path",
         "instructions", "MAC/instr", "CMSIS-NN (documented path)", "instructions", "MAC/instr",
         "CMSIS/us", "outputs");
  for (int32_t r = 0; r < count; ++r) {
    const Compared& row = rows[r];
    char ours_milli[24], cmsis_milli[24], ratio[24];
    format_ratio(static_cast<uint64_t>(row.macs), row.ours, ours_milli, sizeof ours_milli);
    format_ratio(static_cast<uint64_t>(row.macs), row.cmsis, cmsis_milli, sizeof cmsis_milli);
    format_ratio(row.cmsis, row.ours, ratio, sizeof ratio);
    printf("%-4s %-40s %-18s %13llu %10s   %-26s %13llu %10s %9s %s\n", row.shape->name, row.shape->what,
           row.ours_path, static_cast<unsigned long long>(row.ours), ours_milli, row.cmsis_path,
           static_cast<unsigned long long>(row.cmsis), cmsis_milli, ratio, row.equal ? "equal" : "DIFFERENT");
  }
  printf("bench: %ld shapes against CMSIS-NN measured on %s, %ld problems\n", static_cast<long>(count), core,
         static_cast<long>(problems));
  if (count == 0) {
    printf("bench: no bench shape named in '%s'\n", shapes);
    return 2;
  }
  return problems > 100 ? 100 : problems;
}

}  // namespace bench

#else

namespace bench {

int32_t compare_with_cmsis_nn(const char*, const char*) {
  printf("bench: --vs-cmsis-nn needs an image built with a CMSIS-NN library for this core "
         "(configure the host build with -DCMSIS_NN_INCLUDE_DIR=... -DCMSIS_NN_LIBRARY_CORTEX_M55=... / _M4=..., "
         "see adapters/cmsis_nn/README.md)\n");
  return 2;
}

}  // namespace bench

#endif
