#include "conf/kernel_registry.h"

#include <algorithm>
#include <functional>
#include <iomanip>
#include <map>
#include <sstream>

#include "conf/isolated_kernel_set.h"
#include "conf/target_kernels.h"

// ---- Optional adapters: their headers, present only when CMake found the library. ----
#ifdef CONFORMANCE_HAVE_XNNPACK
#include "conf/xnnpack_kernel_set.h"
#endif
#ifdef CONFORMANCE_HAVE_CMSIS_NN
#include "conf/cmsis_nn_kernel_set.h"
#endif

namespace conf {

namespace {

using Factory = std::function<std::unique_ptr<KernelSet>()>;

struct OptionalAdapter {
  KernelSetInfo info;
  Factory make;  // empty when the adapter is not compiled in
};

std::string target_rounding_note() {
  return std::string(ref::rounding_name(target_rounding())) + " (TARGET_KERNELS_ROUNDING)";
}

// ---- Optional adapters: one entry each. An adapter's CMake adds CONFORMANCE_HAVE_<NAME>
// ---- to the registry (through the conformance_adapters interface library) when it finds
// ---- its library; without it the entry stays in the catalog, unavailable, and says how to
// ---- get it. Keep the order: it is the order of tables and listings.
std::vector<OptionalAdapter> optional_adapters() {
  std::vector<OptionalAdapter> adapters;
  {
    OptionalAdapter a;
    a.info.name = "xnnpack";
    a.info.rounding = ref::Rounding::float_half_even;
    a.info.rounding_note = "float: rint(float(acc) * scale) half to even, zero point after rounding";
    a.info.description = "XNNPACK qc8 NHWC convolution (dense, grouped, depthwise flag), one thread";
    a.info.external = true;
    a.info.how_to_enable =
        "apt-get install libxnnpack-dev libpthreadpool-dev libcpuinfo-dev, then configure again "
        "(and keep -DCONFORMANCE_WITH_XNNPACK=ON)";
#ifdef CONFORMANCE_HAVE_XNNPACK
    a.info.available = true;
    a.make = [] { return make_xnnpack_kernel_set(); };
#endif
    adapters.push_back(std::move(a));
  }
  {
    OptionalAdapter a;
    a.info.name = "cmsis-nn";
    a.info.rounding = ref::Rounding::double_rounding;
    a.info.rounding_note = "double (CMSIS-NN default) or single, as CMSIS_NN_ROUNDING says the library was built";
    a.info.description = "a prebuilt library with the CMSIS-NN API: arm_convolve_wrapper_s8, arm_depthwise_conv_wrapper_s8";
    a.info.external = true;
    a.info.how_to_enable =
        "configure with -DCMSIS_NN_INCLUDE_DIR=<folder with arm_nnfunctions.h> -DCMSIS_NN_LIBRARY=<libcmsis-nn.a> "
        "[-DCMSIS_NN_ROUNDING=double|single] (adapters/cmsis_nn/README.md)";
#ifdef CONFORMANCE_HAVE_CMSIS_NN
    a.info.rounding = cmsis_nn_configured_rounding();
    a.info.available = true;
    a.make = [] { return make_cmsis_nn_kernel_set(); };
#endif
    adapters.push_back(std::move(a));
  }
  // (more optional adapters go here, in the same form)
  return adapters;
}

const std::vector<OptionalAdapter>& adapters() {
  static const std::vector<OptionalAdapter> list = optional_adapters();
  return list;
}

std::vector<KernelSetInfo> build_catalog() {
  std::vector<KernelSetInfo> catalog;
  KernelSetInfo target;
  target.name = "target";
  target.rounding = target_rounding();
  target.rounding_note = target_rounding_note();
  target.description = "the project's target kernels, dispatching wrappers";
  target.available = true;
  catalog.push_back(target);

  KernelSetInfo forced = target;
  forced.name = "target:<path>";
  forced.description = "the project's target kernels, one forced dispatch path";
  catalog.push_back(forced);

  KernelSetInfo reference;
  reference.name = "reference";
  reference.rounding = target_rounding();
  reference.rounding_note = target_rounding_note();
  reference.description = "the naive reference (int64-exact accumulation)";
  reference.available = true;
  catalog.push_back(reference);
  for (const ref::Rounding r : {ref::Rounding::double_rounding, ref::Rounding::single_rounding,
                                ref::Rounding::float_half_even}) {
    KernelSetInfo one = reference;
    one.name = std::string("reference:") + ref::rounding_name(r);
    one.rounding = r;
    one.rounding_note = ref::rounding_name(r);
    one.description = "the naive reference in one rounding mode";
    catalog.push_back(one);
  }
  for (const OptionalAdapter& a : adapters()) catalog.push_back(a.info);
  return catalog;
}

std::vector<std::string> forced_target_names() {
  std::vector<std::string> names;
  for (const ConvKind kind : {ConvKind::conv, ConvKind::depthwise}) {
    for (const std::string& path : target_paths(kind)) names.push_back("target:" + path);
  }
  return names;
}

bool is_forced_target(const std::string& name) {
  const auto names = forced_target_names();
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::string known_names_line() {
  std::string line;
  for (const KernelSetInfo& info : kernel_set_catalog()) {
    line += (line.empty() ? "" : ", ") + info.name;
    if (!info.available) line += " (not in this build)";
  }
  return line;
}

std::unique_ptr<KernelSet> make_plain(const std::string& name) {
  if (name == "target") return make_target_kernel_set();
  if (name.rfind("target:", 0) == 0) return make_target_kernel_set(name.substr(7));
  if (name == "reference") return make_reference_kernel_set(target_rounding());
  if (name.rfind("reference:", 0) == 0) return make_reference_kernel_set(ref::parse_rounding(name.substr(10)));
  for (const OptionalAdapter& a : adapters()) {
    if (a.info.name != name) continue;
    if (!a.make) {
      throw KernelSetUnavailable("kernel set '" + name + "' is not in this build: " + a.info.how_to_enable);
    }
    return a.make();
  }
  throw std::invalid_argument("no kernel set '" + name + "'");  // kernel_set_info already refused it
}

}  // namespace

const std::vector<KernelSetInfo>& kernel_set_catalog() {
  static const std::vector<KernelSetInfo> catalog = build_catalog();
  return catalog;
}

std::vector<std::string> available_kernel_set_names() {
  std::vector<std::string> names;
  for (const KernelSetInfo& info : kernel_set_catalog()) {
    if (!info.available) continue;
    if (info.name == "target:<path>") {
      const auto forced = forced_target_names();
      names.insert(names.end(), forced.begin(), forced.end());
    } else {
      names.push_back(info.name);
    }
  }
  return names;
}

const KernelSetInfo& kernel_set_info(const std::string& name) {
  const auto& catalog = kernel_set_catalog();
  const std::string key = name.rfind("target:", 0) == 0 ? "target:<path>" : name;
  for (const KernelSetInfo& info : catalog) {
    if (info.name != key) continue;
    if (key == "target:<path>" && !is_forced_target(name)) {
      std::string paths;
      for (const std::string& p : forced_target_names()) paths += " " + p;
      throw std::invalid_argument("no dispatch path '" + name.substr(7) + "'; the forced paths are:" + paths);
    }
    return info;
  }
  throw std::invalid_argument("no kernel set '" + name + "'; the kernel sets are: " + known_names_line());
}

bool isolated_by_default(const std::string& name) { return isolation_wanted(kernel_set_info(name).external); }

std::unique_ptr<KernelSet> make_kernel_set(const std::string& name, Isolation isolation) {
  const KernelSetInfo& info = kernel_set_info(name);
  auto kernels = make_plain(name);
  const bool isolate =
      isolation == Isolation::on || (isolation == Isolation::by_default && isolation_wanted(info.external));
  if (isolate) return make_isolated_kernel_set(std::move(kernels));
  return kernels;
}

std::string describe_kernel_set_catalog() {
  std::ostringstream out;
  const auto row = [&out](const std::string& name, const std::string& rounding, const std::string& origin,
                          const std::string& status) {
    out << std::left << std::setw(18) << name << std::setw(40) << rounding << std::setw(10) << origin << status
        << "\n";
  };
  row("NAME", "ROUNDING", "ORIGIN", "IN THIS BUILD");
  for (const KernelSetInfo& info : kernel_set_catalog()) {
    const std::string rounding = info.external ? ref::rounding_name(info.rounding) : info.rounding_note;
    row(info.name, rounding, info.external ? "external" : "project",
        info.available ? (info.external ? "yes (isolated by default)" : "yes") : "no");
  }
  out << "\ntarget:<path> is one of:";
  for (const std::string& name : forced_target_names()) out << " " << name;
  out << "\n";
  for (const KernelSetInfo& info : kernel_set_catalog()) {
    out << "\n" << info.name << ": " << info.description;
    if (info.external) out << "\n  rounding: " << info.rounding_note;
    if (!info.available) out << "\n  to enable: " << info.how_to_enable;
  }
  out << "\n";
  return out.str();
}

const KernelSet* shared_kernel_set_or_null(const std::string& name, std::string& why) {
  struct Made {
    std::unique_ptr<KernelSet> kernels;
    std::string unavailable;
  };
  static std::map<std::string, Made> made;
  auto found = made.find(name);
  if (found == made.end()) {
    Made entry;
    try {
      entry.kernels = make_kernel_set(name);
    } catch (const KernelSetUnavailable& e) {
      entry.unavailable = e.what();
    }
    found = made.emplace(name, std::move(entry)).first;
  }
  why = found->second.unavailable;
  return found->second.kernels.get();
}

}  // namespace conf
