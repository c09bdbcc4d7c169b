// main() of every test executable: gtest plus the run configuration of property_run.h.
#include <gtest/gtest.h>

#include "conf/property_run.h"

#ifndef CONFORMANCE_SUITE_NAME
#error "CONFORMANCE_SUITE_NAME must name the executable"
#endif
#ifndef CONFORMANCE_DEFAULT_CASES
#define CONFORMANCE_DEFAULT_CASES 100
#endif

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  conf::testing::configure_run(argc, argv, CONFORMANCE_SUITE_NAME, CONFORMANCE_DEFAULT_CASES);
  return RUN_ALL_TESTS();
}
