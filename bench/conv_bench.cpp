// Target kernels vs the reference on the bench layer shapes S1-S9, in one process, single
// thread. Prints google-benchmark's table, then MAC rates and the target/reference ratio
// per shape. Flags are google-benchmark's (e.g. --benchmark_filter=S7,
// --benchmark_out=bench.json --benchmark_out_format=json).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "conf/conv_case.h"
#include "conf/recipe.h"
#include "conf/target_kernels.h"

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

}  // namespace

int main(int argc, char** argv) {
  for (const Shape& s : shapes()) {
    benchmark::RegisterBenchmark((std::string("target/") + s.name).c_str(), target, s.c)->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark((std::string("reference/") + s.name).c_str(), reference, s.c)
        ->Unit(benchmark::kMillisecond)
        ->MinTime(0.2);
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);

  std::printf("\n%-5s %-40s %-18s %12s %12s %8s\n", "shape", "layer", "path", "target", "reference", "ratio");
  std::printf("%-5s %-40s %-18s %12s %12s %8s\n", "", "", "", "GMAC/s", "GMAC/s", "");
  for (const Shape& s : shapes()) {
    const auto t = reporter.rate.find(std::string("target/") + s.name);
    const auto r = reporter.rate.find(std::string("reference/") + s.name);
    if (t == reporter.rate.end() || r == reporter.rate.end()) continue;
    std::printf("%-5s %-40s %-18s %12.3f %12.3f %7.1fx\n", s.name, s.what, conf::target_selected_path(s.c).c_str(),
                t->second / 1e9, r->second / 1e9, t->second / r->second);
  }
  benchmark::Shutdown();
  return 0;
}
