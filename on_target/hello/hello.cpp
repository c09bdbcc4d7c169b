// The smallest image that exercises every platform service. `hello fault` checks that a
// CPU fault ends the run with status 70 and a report, never a silent pass or a hang.
#include <stdint.h>
#include <stdio.h>

#include "platform.h"
#include "tk/conv.h"

namespace {

__attribute__((noipa)) int32_t sum_of_squares(const int8_t* values, int32_t count) {
  int32_t total = 0;
  for (int32_t i = 0; i < count; ++i) total += values[i] * values[i];
  return total;
}

__attribute__((noipa)) void spin(uint32_t iterations) {
  for (volatile uint32_t i = 0; i < iterations; i = i + 1) {
  }
}

uint64_t count_spin(uint32_t iterations) {
  platform::InstructionCounter counter;
  counter.start();
  spin(iterations);
  return counter.stop();
}

}  // namespace

int main(int argc, char** argv) {
  printf("hello from %s (%s), kernels isa %s\n", platform::board_name(), platform::core_name(),
         tk::isa_name());
  for (int i = 0; i < argc; ++i) printf("argv[%d]=%s\n", i, argv[i]);

  if (argc > 1 && argv[1][0] == 'f' && argv[1][1] == 'a' && argv[1][2] == 'u') {  // "fault"
    printf("executing an undefined instruction\n");
    __builtin_trap();
  }

  if (argc > 2) {
    FILE* file = fopen(argv[2], "rb");
    if (file == nullptr) {
      printf("cannot open %s\n", argv[2]);
      return 3;
    }
    char buffer[256];
    size_t total = 0;
    for (size_t got; (got = fread(buffer, 1, sizeof buffer, file)) > 0;) total += got;
    fclose(file);
    printf("read %u bytes from %s\n", static_cast<unsigned>(total), argv[2]);
  }

  // Auto-vectorized on Cortex-M55: runs only because reset enabled the vector unit.
  static int8_t values[1000];
  for (int32_t i = 0; i < 1000; ++i) values[i] = static_cast<int8_t>(i * 7);
  platform::InstructionCounter counter;
  counter.start();
  const int32_t total = sum_of_squares(values, 1000);
  const uint64_t instructions = counter.stop();
  const platform::CounterCalibration& calibration = platform::counter_calibration();
  printf("sum of squares %ld in %llu instructions (counter %s: reads %lu, interrupt %lu)\n",
         static_cast<long>(total), static_cast<unsigned long long>(instructions),
         calibration.exact ? "exact" : "not exact, run with --icount 7",
         static_cast<unsigned long>(calibration.read_overhead),
         static_cast<unsigned long>(calibration.handler_instructions));
  // Across SysTick's 24-bit wrap (about 4 M instructions) the counts stay linear.
  const uint64_t none = count_spin(0);
  const uint64_t one = count_spin(1u << 20);
  const uint64_t two = count_spin(1u << 21);
  const uint64_t step1 = one - none, step2 = two - one;
  printf("spin 0 / 1M / 2M iterations: %llu / %llu / %llu instructions, linear %s\n",
         static_cast<unsigned long long>(none), static_cast<unsigned long long>(one),
         static_cast<unsigned long long>(two),
         (step1 > step2 ? step1 - step2 : step2 - step1) <= 1 ? "yes" : "no");
  printf("exit 0\n");
  return 0;
}
