#include "broken_kernel_set.h"

#include <cstdint>
#include <cstdlib>
#include <stdexcept>

#include "conf/guarded_buffer.h"

namespace isolation_test {

namespace {

// Volatile, so the compiler can neither prove the pointer null (and emit a trap instead of
// the store) nor drop the endless loop.
volatile uintptr_t g_null_address = 0;
volatile int g_spin = 1;

// The faults, uninstrumented: a library under test is prebuilt without sanitizers, so in the
// sanitizer build the null store must crash, not stop at UBSan's report.
__attribute__((no_sanitize("undefined", "address"))) void commit_fault(Fault fault, const conf::ConvCase& c) {
  switch (fault) {
    case Fault::segfault: *reinterpret_cast<volatile int*>(g_null_address) = 1; break;
    case Fault::hang:
      while (g_spin) {
      }
      break;
    case Fault::abort_call: std::abort();
    case Fault::exit_silently: std::exit(3);
    case Fault::throw_exception: throw std::logic_error("broken-on-purpose threw on " + conf::describe(c));
    case Fault::none:
    case Fault::write_past_output: break;
  }
}

class BrokenKernelSet : public conf::KernelSet {
 public:
  explicit BrokenKernelSet(std::function<Fault(const conf::ConvCase&)> fault_for) : fault_for_(std::move(fault_for)) {}

  std::string name() const override { return "broken-on-purpose"; }
  ref::Rounding rounding() const override { return ref::Rounding::double_rounding; }

  conf::RunOutcome run(const conf::ConvCase& c) const override {
    const Fault fault = fault_for_(c);
    commit_fault(fault, c);
    conf::RunOutcome outcome;
    outcome.path = "broken";
    const auto expected = conf::reference_result(c, rounding()).output.data();
    conf::GuardedBuffer output(expected.size(), 3);
    output.fill(expected.data(), expected.size());
    if (fault == Fault::write_past_output) output.data()[expected.size()] ^= 0xFF;
    outcome.output = output.body_as_int8();
    outcome.integrity_errors = output.guard_violations("output");
    return outcome;
  }

 private:
  std::function<Fault(const conf::ConvCase&)> fault_for_;
};

}  // namespace

std::unique_ptr<conf::KernelSet> make_broken_kernel_set(std::function<Fault(const conf::ConvCase&)> fault_for) {
  return std::make_unique<BrokenKernelSet>(std::move(fault_for));
}

}  // namespace isolation_test
