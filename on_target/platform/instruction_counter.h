// Executed-instruction counts from SysTick under QEMU's -icount.
//
// With `-icount shift=7` (qemu_launcher.sh --icount 7) QEMU advances virtual time by exactly
// 128 ns per executed instruction, and SysTick counts that virtual time with the board's
// processor clock (31.25 ns on mps3-an547, 40 ns on mps2-an386). So the ticks between two
// reads give the instructions executed between them, exactly and repeatably. SysTick has 24
// bits: its interrupt counts reloads, and the instructions of that handler are subtracted,
// as is the cost of the reads themselves; both are measured once, on the first start().
// A tick is 0.24 instructions on mps3-an547 (31.25 ns) and 0.31 on mps2-an386 (40 ns): a
// count is exact on an547 and may be one off on an386, depending on where in a tick the
// measurement starts; since the emulation is deterministic, the same image gives the same
// counts on every run. Without -icount the counts follow host time and mean nothing.
#pragma once

#include <stdint.h>

namespace platform {

class InstructionCounter {
 public:
  void start();
  // Instructions executed since start() by the code in between.
  uint64_t stop() const;

 private:
  uint32_t start_reloads_ = 0;
  uint32_t start_value_ = 0;
};

// What calibration found: the instructions of one read pair and of one SysTick interrupt,
// and whether the counts follow executed instructions (the same loop measured twice agrees
// to one instruction, the handler's cost a whole number). False means QEMU is not running
// with -icount shift=7.
struct CounterCalibration {
  uint32_t read_overhead;
  uint32_t handler_instructions;
  bool exact;
};
const CounterCalibration& counter_calibration();

}  // namespace platform
