// A kernel set broken on purpose, for the isolation tests only (never part of the product):
// it computes the reference's answer, except on the cases a test's trigger picks, where it
// commits one chosen fault. It guards its own output like a real adapter does, so a write
// past the output is reported through RunOutcome::integrity_errors.
#pragma once

#include <functional>
#include <memory>

#include "conf/kernel_set.h"

namespace isolation_test {

enum class Fault {
  none,
  segfault,           // a store through a null pointer
  hang,               // an endless loop
  write_past_output,  // one byte after the output buffer, no crash
  abort_call,         // std::abort(), as a failed assert would
  exit_silently,      // std::exit(3) without returning
  throw_exception,    // a C++ exception escapes run()
};

// `fault_for` picks the fault for each case; Fault::none answers correctly.
std::unique_ptr<conf::KernelSet> make_broken_kernel_set(std::function<Fault(const conf::ConvCase&)> fault_for);

}  // namespace isolation_test
