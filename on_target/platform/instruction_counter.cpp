#include "instruction_counter.h"

namespace platform {
namespace {

struct SysTick {
  volatile uint32_t control;  // CSR: bit 0 enable, bit 1 interrupt, bit 2 processor clock
  volatile uint32_t reload;   // RVR
  volatile uint32_t current;  // CVR, counts down
};
SysTick& systick() { return *reinterpret_cast<SysTick*>(0xE000E010); }

constexpr uint32_t kFullPeriod = 1u << 24;
// Picoseconds per SysTick tick (board processor clock) and per instruction (-icount shift=7).
constexpr uint64_t kTickPs = PLATFORM_TICK_PS;
constexpr uint64_t kInstructionPs = 128000;

volatile uint32_t reloads = 0;
uint32_t period = kFullPeriod;
CounterCalibration calibration = {0, 0, false};
bool calibrated = false;

void configure(uint32_t ticks_per_period) {
  systick().control = 0;
  period = ticks_per_period;
  systick().reload = ticks_per_period - 1;
  systick().current = 0;
  reloads = 0;
  systick().control = 0x7;
}

// Ticks elapsed between two (reloads, value) readings; the counter counts down.
uint64_t ticks_between(uint32_t reloads0, uint32_t value0, uint32_t reloads1, uint32_t value1) {
  return static_cast<uint64_t>(reloads1 - reloads0) * period + value0 - value1;
}

uint64_t ticks_to_instructions(uint64_t ticks) {
  return (ticks * kTickPs + kInstructionPs / 2) / kInstructionPs;
}

void read(uint32_t& reloads_now, uint32_t& value_now) {
  uint32_t before;
  do {
    before = reloads;
    value_now = systick().current;
  } while (before != reloads);
  reloads_now = before;
}

uint64_t raw_count(uint32_t reloads0, uint32_t value0, uint32_t reloads1, uint32_t value1) {
  return ticks_to_instructions(ticks_between(reloads0, value0, reloads1, value1));
}

__attribute__((noipa)) void spin(uint32_t iterations) {
  for (volatile uint32_t i = 0; i < iterations; i = i + 1) {
  }
}

struct Sample {
  uint64_t raw;
  uint32_t reloads;
};

// Measured through the public start()/stop() (which are noipa), so that the overhead found
// is the one every caller pays; calibration is all zero while this runs.
Sample measure_spin(uint32_t iterations) {
  const uint32_t reloads_before = reloads;
  InstructionCounter counter;
  counter.start();
  spin(iterations);
  const uint64_t raw = counter.stop();
  return {raw, reloads - reloads_before};
}

void calibrate() {
  calibrated = true;
  configure(kFullPeriod);
  // One tick is 0.24 (an547) or 0.31 (an386) instructions, so a single difference can be one
  // off depending on where in a tick it starts: average the overhead over several phases.
  constexpr uint32_t kEmptySamples = 16;
  uint64_t overhead_sum = 0;
  for (uint32_t i = 0; i < kEmptySamples; ++i) {
    InstructionCounter empty;
    empty.start();
    overhead_sum += empty.stop();
  }

  constexpr uint32_t kIterations = 20000;  // well inside one full period
  const Sample quiet = measure_spin(kIterations);
  const Sample quiet_again = measure_spin(kIterations);
  // A short period makes the handler run often; the extra instructions are its cost.
  configure(1024);
  const Sample busy = measure_spin(kIterations);
  configure(kFullPeriod);

  const uint64_t extra = busy.raw > quiet.raw ? busy.raw - quiet.raw : 0;
  const uint64_t handler = busy.reloads == 0 ? 0 : (extra + busy.reloads / 2) / busy.reloads;
  const uint64_t residue = extra > handler * busy.reloads ? extra - handler * busy.reloads
                                                          : handler * busy.reloads - extra;
  calibration.read_overhead =
      static_cast<uint32_t>((overhead_sum + kEmptySamples / 2) / kEmptySamples);
  calibration.handler_instructions = static_cast<uint32_t>(handler);
  // Under -icount both measurements of the same loop agree to one instruction and the
  // handler's cost is a whole number to within a few instructions over hundreds of
  // interrupts (seen: 2446 over 490 on an547); under host time neither holds.
  const uint64_t spread = quiet.raw > quiet_again.raw ? quiet.raw - quiet_again.raw
                                                      : quiet_again.raw - quiet.raw;
  calibration.exact = spread <= 1 && quiet.reloads == 0 && busy.reloads > 0 && handler < 64 &&
                      residue <= busy.reloads / 16;
}

}  // namespace

extern "C" void platform_systick_handler() { reloads = reloads + 1; }

const CounterCalibration& counter_calibration() {
  if (!calibrated) calibrate();
  return calibration;
}

__attribute__((noipa)) void InstructionCounter::start() {
  counter_calibration();
  read(start_reloads_, start_value_);
}

__attribute__((noipa)) uint64_t InstructionCounter::stop() const {
  uint32_t reloads_now, value_now;
  read(reloads_now, value_now);
  const uint64_t raw = raw_count(start_reloads_, start_value_, reloads_now, value_now);
  const uint64_t handlers = static_cast<uint64_t>(reloads_now - start_reloads_) *
                            calibration.handler_instructions;
  const uint64_t overhead = calibration.read_overhead + handlers;
  return raw > overhead ? raw - overhead : 0;
}

}  // namespace platform
