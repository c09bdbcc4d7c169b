// The adapter's entry points in a build configured without a CMSIS-NN library: the suite
// links either way and reports its tests skipped with cmsis_nn_how_to_enable().
#include <stdexcept>

#include "conf/cmsis_nn_kernel_set.h"

namespace conf {

bool cmsis_nn_available() { return false; }

std::unique_ptr<KernelSet> make_cmsis_nn_kernel_set() {
  throw std::runtime_error("the CMSIS-NN adapter is not in this build: " + cmsis_nn_how_to_enable());
}

}  // namespace conf
