// Target kernels vs XNNPACK (single thread) vs the reference on the bench layer shapes S1-S9,
// in one process. Prints google-benchmark's table, then MAC rates and the ratios per shape.
//
//   --kernels=target,xnnpack,reference   the kernel sets to time, by registry name
//                                        (conformance kernels lists them); default: target,
//                                        xnnpack when this build has it, and reference
// Other flags are google-benchmark's (e.g. --benchmark_filter=S7,
// --benchmark_out=bench.json --benchmark_out_format=json).
//
// target and xnnpack are timed as prepared calls (buffers, and XNNPACK's packed weights, made
// once; the loop calls the kernel only). Any other registry name is timed through
// KernelSet::run, which adds guard buffers and copies: its row says "run()".
// Before timing, every set's output is checked against the reference in that set's rounding.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "conf/conv_case.h"
#include "conf/kernel_registry.h"
#include "conf/recipe.h"
#include "conf/target_kernels.h"
#ifdef CONFORMANCE_HAVE_XNNPACK
#include "conf/xnnpack_kernel_set.h"
#endif

namespace {

struct Shape {
  const char* name;
  const char* what;
  conf::ConvCase c;
};

// conv1d shapes use the layout the lowering produces: length on H, W == 1.
conf::ConvCase conv1d(int32_t cin, int32_t cout, int32_t k, int32_t pad, int32_t stride, int32_t length) {
  conf::ConvCase c;
  c.in_channels = cin;
  c.out_channels = cout;
  c.in_h = length;
  c.kernel_h = k;
  c.pad_top = c.pad_bottom = pad;
  c.stride_h = stride;
  return c;
}

conf::ConvCase conv2d(int32_t cin, int32_t cout, int32_t k, int32_t pad, int32_t stride, int32_t size) {
  conf::ConvCase c;
  c.in_channels = cin;
  c.out_channels = cout;
  c.in_h = c.in_w = size;
  c.kernel_h = c.kernel_w = k;
  c.pad_top = c.pad_bottom = c.pad_left = c.pad_right = pad;
  c.stride_h = c.stride_w = stride;
  return c;
}

conf::ConvCase depthwise(conf::ConvCase c, int32_t multiplier) {
  c.kind = conf::ConvKind::depthwise;
  c.depth_multiplier = multiplier;
  c.out_channels = c.in_channels * multiplier;
  return c;
}

// Realistic data: full-range int8, per-channel requantization around 2^-10 that differs
// per channel, a bias, a relu-like clamp.
conf::ConvCase with_data(conf::ConvCase c, uint64_t seed) {
  c.input = conf::int8_from_recipe({seed, "uniform", -128, 127}, static_cast<size_t>(c.input_elements()));
  c.weight = conf::int8_from_recipe({seed + 1, "uniform", -128, 127}, static_cast<size_t>(c.weight_elements()));
  c.has_bias = true;
  c.bias = conf::int32_from_recipe({seed + 2, "uniform", -4096, 4096}, static_cast<size_t>(c.out_channels));
  c.input_offset = 3;
  c.output_offset = -5;
  c.activation_min = -5;
  c.activation_tail = "relu";
  for (int32_t oc = 0; oc < c.out_channels; ++oc) {
    c.multiplier.push_back((1 << 30) + 7919 * oc);
    c.shift.push_back(-10 - oc % 3);
  }
  return c;
}

const std::vector<Shape>& shapes() {
  static const std::vector<Shape> all = [] {
    std::vector<Shape> s{
        {"S1", "conv1d 250->250 k7 p3 L64", conv1d(250, 250, 7, 3, 1, 64)},
        {"S2", "conv1d 250->250 k48 p23 s2 L128", conv1d(250, 250, 48, 23, 2, 128)},
        {"S3", "conv1d 2000->2000 k1 L8", conv1d(2000, 2000, 1, 0, 1, 8)},
        {"S3b", "conv1d 500->500 k1 L8", conv1d(500, 500, 1, 0, 1, 8)},
        {"S4", "conv1d 129->128 k3 p1 L16", conv1d(129, 128, 3, 1, 1, 16)},
        {"S5", "conv2d 3x3 s2 p1 32->64 40x40", conv2d(32, 64, 3, 1, 2, 40)},
        {"S6", "conv2d 1x1 64->64 20x20", conv2d(64, 64, 1, 0, 1, 20)},
        {"S7", "depthwise 3x3 p1 64ch 20x20", depthwise(conv2d(64, 64, 3, 1, 1, 20), 1)},
        {"S8", "depthwise 3x3 p1 s2 96ch 28x28", depthwise(conv2d(96, 96, 3, 1, 2, 28), 1)},
        {"S9", "depthwise conv1d 1ch x64 k256 s128 L640", depthwise(conv1d(1, 1, 256, 0, 128, 640), 64)},
    };
    uint64_t seed = 1;
    for (auto& shape : s) shape.c = with_data(shape.c, seed += 10);
    return s;
  }();
  return all;
}

void target(benchmark::State& state, const conf::ConvCase& c) {
  conf::PreparedTargetCall call(c);
  for (auto _ : state) {
    call.run();
    benchmark::DoNotOptimize(call.output().data());
    benchmark::ClobberMemory();
  }
  state.counters["MAC/s"] = benchmark::Counter(static_cast<double>(c.macs()), benchmark::Counter::kIsIterationInvariantRate);
  state.SetLabel(conf::target_selected_path(c));
}

void reference(benchmark::State& state, const conf::ConvCase& c) {
  for (auto _ : state) {
    auto result = conf::reference_result(c, conf::target_rounding());
    benchmark::DoNotOptimize(result.output.data().data());
  }
  state.counters["MAC/s"] = benchmark::Counter(static_cast<double>(c.macs()), benchmark::Counter::kIsIterationInvariantRate);
}

#ifdef CONFORMANCE_HAVE_XNNPACK
void xnnpack(benchmark::State& state, const conf::ConvCase& c) {
  conf::PreparedXnnpackCall call(c);
  for (auto _ : state) {
    call.run();
    benchmark::DoNotOptimize(call.output().data());
    benchmark::ClobberMemory();
  }
  state.counters["MAC/s"] = benchmark::Counter(static_cast<double>(c.macs()), benchmark::Counter::kIsIterationInvariantRate);
}
#endif

// Any kernel set through its run(): includes the set's own setup and checks.
void through_run(benchmark::State& state, const conf::KernelSet* kernels, const conf::ConvCase& c) {
  for (auto _ : state) {
    auto outcome = kernels->run(c);
    benchmark::DoNotOptimize(outcome.output.data());
  }
  state.counters["MAC/s"] = benchmark::Counter(static_cast<double>(c.macs()), benchmark::Counter::kIsIterationInvariantRate);
  state.SetLabel("run()");
}

// Keeps google-benchmark's console output and remembers each run's MAC rate.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  std::map<std::string, double> rate;
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) {
      const auto it = run.counters.find("MAC/s");
      if (it != run.counters.end()) rate[run.run_name.function_name] = it->second.value;
    }
    ConsoleReporter::ReportRuns(runs);
  }
};

std::vector<std::string> default_kernels() {
  std::vector<std::string> names{"target"};
  if (conf::kernel_set_info("xnnpack").available) names.push_back("xnnpack");
  names.push_back("reference");
  return names;
}

// Takes --kernels=a,b,c out of argv (google-benchmark refuses flags it does not know).
std::vector<std::string> take_kernels_flag(int& argc, char** argv) {
  std::vector<std::string> names;
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    const char* flag = "--kernels=";
    if (std::strncmp(argv[i], flag, std::strlen(flag)) != 0) {
      argv[kept++] = argv[i];
      continue;
    }
    std::stringstream list(argv[i] + std::strlen(flag));
    for (std::string name; std::getline(list, name, ',');) {
      if (!name.empty()) names.push_back(name);
    }
  }
  argc = kept;
  return names.empty() ? default_kernels() : names;
}

// Every set must compute the reference's answer on every shape before its speed means anything.
bool outputs_match(const std::string& name, const conf::KernelSet& kernels) {
  bool all = true;
  for (const Shape& s : shapes()) {
    const auto outcome = kernels.run(s.c);
    const auto expected = conf::reference_result(s.c, kernels.rounding()).output.data();
    if (!outcome.ok() || outcome.output != expected) {
      std::fprintf(stderr, "conv_bench: %s %s on %s (%s): %s\n", name.c_str(),
                   outcome.ok() ? "differs from the reference" : outcome.status.c_str(), s.name, s.what,
                   outcome.message.c_str());
      all = false;
    }
  }
  return all;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> names = take_kernels_flag(argc, argv);
  std::vector<std::unique_ptr<conf::KernelSet>> owned;
  for (const std::string& name : names) {
    try {
      // Timing in a forked child would measure the fork: never isolated here.
      owned.push_back(conf::make_kernel_set(name, conf::Isolation::off));
    } catch (const std::exception& e) {
      std::fprintf(stderr, "conv_bench: --kernels: %s\n", e.what());
      return 2;
    }
    if (!outputs_match(name, *owned.back())) return 1;
  }
  for (size_t k = 0; k < names.size(); ++k) {
    const std::string& name = names[k];
    for (const Shape& s : shapes()) {
      const std::string id = name + "/" + s.name;
      if (name == "target") {
        benchmark::RegisterBenchmark(id.c_str(), target, s.c)->Unit(benchmark::kMicrosecond);
      } else if (name == "reference") {
        benchmark::RegisterBenchmark(id.c_str(), reference, s.c)->Unit(benchmark::kMillisecond)->MinTime(0.2);
#ifdef CONFORMANCE_HAVE_XNNPACK
      } else if (name == "xnnpack") {
        benchmark::RegisterBenchmark(id.c_str(), xnnpack, s.c)->Unit(benchmark::kMicrosecond);
#endif
      } else {
        benchmark::RegisterBenchmark(id.c_str(), through_run, owned[k].get(), s.c)->Unit(benchmark::kMicrosecond);
      }
    }
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);

  // GMAC/s per set, then every ratio of a set to the ones after it (target/xnnpack,
  // target/reference, xnnpack/reference with the default sets).
  std::printf("\n%-5s %-40s %-18s", "shape", "layer", "target path");
  for (const std::string& name : names) std::printf(" %11.11s", name.c_str());
  for (size_t a = 0; a < names.size(); ++a) {
    for (size_t b = a + 1; b < names.size(); ++b) {
      const std::string ratio = names[a].substr(0, 4) + "/" + names[b].substr(0, 4);
      std::printf(" %9s", ratio.c_str());
    }
  }
  std::printf("\n%-5s %-40s %-18s", "", "", "");
  for (size_t i = 0; i < names.size(); ++i) std::printf(" %11s", "GMAC/s");
  std::printf("\n");
  for (const Shape& s : shapes()) {
    std::vector<double> rates;
    for (const std::string& name : names) {
      const auto it = reporter.rate.find(name + "/" + s.name);
      rates.push_back(it == reporter.rate.end() ? 0.0 : it->second);
    }
    bool any = false;
    for (double r : rates) any = any || r > 0.0;
    if (!any) continue;
    std::printf("%-5s %-40s %-18s", s.name, s.what, conf::target_selected_path(s.c).c_str());
    for (double r : rates) std::printf(" %11.3f", r / 1e9);
    for (size_t a = 0; a < rates.size(); ++a) {
      for (size_t b = a + 1; b < rates.size(); ++b) {
        if (rates[a] > 0.0 && rates[b] > 0.0) {
          std::printf(" %8.2fx", rates[a] / rates[b]);
        } else {
          std::printf(" %9s", "-");
        }
      }
    }
    std::printf("\n");
  }
  benchmark::Shutdown();
  return 0;
}
