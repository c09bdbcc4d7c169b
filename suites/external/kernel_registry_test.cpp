// The kernel-set catalog: every name it lists works as listed (or says how to get it), its
// rounding column is what the set promises, external sets are isolated by default, and a
// wrong name is refused with the list of names.
#include <gtest/gtest.h>

#include <cstdlib>
#include <set>

#include "conf/isolated_kernel_set.h"
#include "conf/kernel_registry.h"
#include "conf/target_kernels.h"

namespace {

// A small valid case every set can run.
conf::ConvCase small_case() {
  conf::ConvCase c;
  c.in_channels = 2;
  c.out_channels = 3;
  c.in_h = c.in_w = 4;
  c.kernel_h = c.kernel_w = 3;
  c.pad_top = c.pad_left = 1;
  c.input = {1, -2, 3, -4, 5, -6, 7, -8, 9, -10, 11, -12, 13, -14, 15, -16,
             17, -18, 19, -20, 21, -22, 23, -24, 25, -26, 27, -28, 29, -30, 31, -32};
  c.weight.assign(static_cast<size_t>(c.weight_elements()), 3);
  c.multiplier.assign(3, 1 << 30);
  c.shift.assign(3, -4);
  return c;
}

TEST(KernelRegistry, NamesAreUniqueAndEveryEntrySaysHowToGetIt) {
  std::set<std::string> names;
  for (const conf::KernelSetInfo& info : conf::kernel_set_catalog()) {
    EXPECT_TRUE(names.insert(info.name).second) << "listed twice: " << info.name;
    EXPECT_FALSE(info.rounding_note.empty()) << info.name;
    if (!info.available) {
      EXPECT_FALSE(info.how_to_enable.empty()) << info.name << " is missing and says nothing";
    }
  }
  EXPECT_TRUE(names.count("target") && names.count("reference") && names.count("xnnpack"));
}

TEST(KernelRegistry, EveryAvailableSetRunsAndPromisesItsCatalogRounding) {
  const conf::ConvCase c = small_case();
  for (const std::string& name : conf::available_kernel_set_names()) {
    SCOPED_TRACE(name);
    const auto kernels = conf::make_kernel_set(name, conf::Isolation::off);
    EXPECT_EQ(kernels->rounding(), conf::kernel_set_info(name).rounding) << "the catalog's rounding column is wrong";
    // A forced path takes only the shapes of its preconditions (differential suites cover them).
    if (name.rfind("target:", 0) == 0) continue;
    const conf::RunOutcome outcome = kernels->run(c);
    ASSERT_TRUE(outcome.ok() || outcome.unsupported()) << outcome.status << ": " << outcome.message;
    if (outcome.ok()) {
      EXPECT_EQ(outcome.output, conf::reference_result(c, kernels->rounding()).output.data());
    }
  }
}

TEST(KernelRegistry, UnknownNamesAreRefusedWithTheList) {
  try {
    conf::make_kernel_set("no-such-set");
    FAIL() << "accepted an unknown name";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("target, target:<path>, reference"), std::string::npos) << e.what();
  }
  EXPECT_THROW(conf::make_kernel_set("target:no_such_path"), std::invalid_argument);
  EXPECT_THROW(conf::make_kernel_set("reference:triple"), std::invalid_argument);
}

TEST(KernelRegistry, MissingSetsSayHowToEnableThem) {
  int missing = 0;
  for (const conf::KernelSetInfo& info : conf::kernel_set_catalog()) {
    if (info.available) continue;
    ++missing;
    try {
      conf::make_kernel_set(info.name);
      ADD_FAILURE() << info.name << " is listed as missing but was made";
    } catch (const conf::KernelSetUnavailable& e) {
      EXPECT_NE(std::string(e.what()).find(info.how_to_enable), std::string::npos) << e.what();
    }
  }
  if (missing == 0) GTEST_SKIP() << "every kernel set is in this build";
}

TEST(KernelRegistry, ExternalSetsAreIsolatedByDefaultOursAreNot) {
  if (std::getenv("CONFORMANCE_ISOLATION") != nullptr) GTEST_SKIP() << "CONFORMANCE_ISOLATION overrides the default";
  for (const conf::KernelSetInfo& info : conf::kernel_set_catalog()) {
    // Ours are the target kernels and the reference; every other set is someone else's code.
    const bool ours = info.name.rfind("target", 0) == 0 || info.name.rfind("reference", 0) == 0;
    const std::string name = info.name == "target:<path>" ? "target:conv_generic" : info.name;
    EXPECT_EQ(info.external, !ours) << name;
    EXPECT_EQ(conf::isolated_by_default(name), !ours) << name;
  }
}

TEST(KernelRegistry, CatalogTableListsEverySet) {
  const std::string table = conf::describe_kernel_set_catalog();
  for (const conf::KernelSetInfo& info : conf::kernel_set_catalog()) {
    EXPECT_NE(table.find(info.name), std::string::npos) << info.name << " missing from\n" << table;
  }
  for (const std::string& name : conf::available_kernel_set_names()) {
    EXPECT_NE(table.find(name), std::string::npos) << name << " missing from\n" << table;
  }
}

}  // namespace
