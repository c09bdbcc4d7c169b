// The catalog of kernel sets by name: what the suites (CONFORMANCE_KERNELS), the tool
// (--kernels) and the benchmarks accept, each with the rounding it promises, whether it is
// code this project did not write (and so runs crash-isolated by default), and whether this
// build has it; when not, how to get it.
//
// Names
//   target              the project's target kernels through the dispatching wrappers
//   target:<path>       one forced dispatch path (conformance kernels lists them)
//   reference           the naive reference in the target kernels' rounding
//   reference:<r>       the reference in rounding r: double, single or float
//   xnnpack             XNNPACK's qc8 convolution operators (libxnnpack-dev), single thread
//   ...                 and every optional adapter listed in kernel_registry.cpp
//
// Optional adapters are compiled in only when CMake found their library; the catalog still
// lists them (available == false) so a request names the packages or options to use.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "conf/kernel_set.h"

namespace conf {

struct KernelSetInfo {
  std::string name;
  ref::Rounding rounding = ref::Rounding::double_rounding;
  std::string rounding_note;  // the rounding in words, for tables
  std::string description;
  bool external = false;       // someone else's code: isolated by default
  bool available = false;      // compiled into this build
  std::string how_to_enable;   // packages and configure options, when not available
};

// Every kernel set, available or not, in a fixed order. "target:<path>" stands for the
// forced paths (see kernel_set_names for them one by one).
const std::vector<KernelSetInfo>& kernel_set_catalog();

// Every name make_kernel_set accepts in this build, forced target paths spelled out.
std::vector<std::string> available_kernel_set_names();

// Thrown for a known kernel set this build does not have; what() says how to enable it.
class KernelSetUnavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The catalog entry of a name ("target:conv_1x1" finds "target:<path>"). Throws
// std::invalid_argument listing the known names when there is none.
const KernelSetInfo& kernel_set_info(const std::string& name);

enum class Isolation {
  by_default,  // external sets isolated, the project's own not; CONFORMANCE_ISOLATION=on|off overrides
  on,
  off,
};

// The named kernel set, wrapped in crash isolation (conf/isolated_kernel_set.h) when the
// isolation choice says so. Throws std::invalid_argument for an unknown name or path (the
// message lists the names) and KernelSetUnavailable for a set this build lacks.
std::unique_ptr<KernelSet> make_kernel_set(const std::string& name, Isolation isolation = Isolation::by_default);

// The named set as make_kernel_set(name) makes it, made once per process and kept (suites
// that run many properties on one set), or nullptr with `why` set to the reason it is
// unavailable in this build (KernelSetUnavailable's message), so the caller can skip.
const KernelSet* shared_kernel_set_or_null(const std::string& name, std::string& why);

// Whether make_kernel_set(name, Isolation::by_default) isolates the set.
bool isolated_by_default(const std::string& name);

// The catalog as an aligned text table (name, rounding, origin, availability), with the
// forced target paths on one line and how to enable what is missing.
std::string describe_kernel_set_catalog();

}  // namespace conf
