// The lowering loop's costs, in one process:
//   pipeline/chain/N     the Cortex-M pass pipeline (verifier after every pass included) on
//                        generated chains of quantized conv1d layers of about N nodes; the
//                        time per node staying flat from 100 to 10 000 nodes shows linear cost
//   pipeline/<model>     the pipeline on the golden model graphs
//   execute/<model>/target|reference
//                        running the lowered model with each kernel set, and their ratio
// Flags are google-benchmark's.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <string>

#include "conf/target_kernels.h"
#include "lower/builder.h"
#include "lower/checks.h"
#include "lower/executor.h"
#include "lower/passes.h"
#include "models.h"

namespace {

lower::Graph chain(int64_t target_nodes) {
  lower::GraphBuilder b("chain");
  const std::string x = b.input("x", {1, 2, 8});
  lower::QParams q{1.0 / 16, 0, -128, 127};
  std::string current = b.quantize(x, q, "x_q");
  for (int64_t i = 0; static_cast<int64_t>(b.graph().size()) < target_nodes; ++i) {
    lower::ConvSpec c;
    c.out_channels = 2;
    c.kernel = {3};
    c.padding = {1};
    c.tail = ref::ActivationTail::relu;
    c.output = lower::QParams{0.05, -128, -128, 127};
    c.weight.seed = static_cast<uint64_t>(i);
    current = b.quantized_conv(current, q, c, "l" + std::to_string(i));
    q = c.output;
  }
  b.output(b.dequantize(current, q, "y"));
  return b.build();
}

void pipeline(benchmark::State& state, const lower::Graph& graph) {
  const auto passes = lower::cortex_m_pipeline();
  for (auto _ : state) {
    lower::PassRun run = lower::run_passes(graph, passes);
    benchmark::DoNotOptimize(run.result.size());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(graph.size()));
  state.counters["nodes"] = static_cast<double>(graph.size());
}

void execute(benchmark::State& state, const lower::Graph& lowered, const lower::Inputs& inputs,
             const conf::KernelSet* kernels) {
  lower::ExecutionOptions options;
  options.kernels = kernels;
  for (auto _ : state) {
    lower::Execution e = lower::execute(lowered, inputs, options);
    benchmark::DoNotOptimize(e.outputs.data());
  }
}

class Collector : public benchmark::ConsoleReporter {
 public:
  std::map<std::string, double> seconds;  // per iteration
  std::map<std::string, double> nodes;
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) {
      seconds[run.run_name.function_name] = run.GetAdjustedRealTime() / benchmark::GetTimeUnitMultiplier(run.time_unit);
      const auto n = run.counters.find("nodes");
      if (n != run.counters.end()) nodes[run.run_name.function_name] = n->second.value;
    }
    ConsoleReporter::ReportRuns(runs);
  }
};

}  // namespace

int main(int argc, char** argv) {
  static const auto target = conf::make_target_kernel_set();
  static const auto reference = conf::make_reference_kernel_set(conf::target_rounding());
  static std::map<std::string, lower::Graph> chains;
  for (int64_t n : {100, 1000, 10000}) chains.emplace("chain/" + std::to_string(n), chain(n));
  static const auto models = lower::models::all_models(lower::models::Size::small);
  static std::map<std::string, std::pair<lower::Graph, lower::Inputs>> lowered;
  for (const auto& [name, chain_graph] : chains) {
    benchmark::RegisterBenchmark(("pipeline/" + name).c_str(), pipeline, chain_graph)->Unit(benchmark::kMillisecond);
  }
  for (const auto& [name, model] : models) {
    benchmark::RegisterBenchmark(("pipeline/" + name).c_str(), pipeline, model.graph)->Unit(benchmark::kMillisecond);
    lowered[name] = {lower::run_passes(model.graph, lower::cortex_m_pipeline()).result, lower::seeded_inputs(model.graph, 1)};
    const auto& [graph, inputs] = lowered[name];
    benchmark::RegisterBenchmark(("execute/" + name + "/target").c_str(), execute, graph, inputs, target.get())
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(("execute/" + name + "/reference").c_str(), execute, graph, inputs, reference.get())
        ->Unit(benchmark::kMillisecond);
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  Collector collector;
  benchmark::RunSpecifiedBenchmarks(&collector);

  std::printf("\n%-28s %8s %12s %14s\n", "pipeline on", "nodes", "ms", "us per node");
  for (const auto& [name, s] : collector.seconds) {
    if (name.rfind("pipeline/", 0) != 0) continue;
    const double n = collector.nodes[name];
    std::printf("%-28s %8.0f %12.3f %14.3f\n", name.c_str() + 9, n, s * 1e3, s * 1e6 / n);
  }
  std::printf("\n%-20s %12s %12s %8s\n", "execute model", "target ms", "reference ms", "ratio");
  for (const auto& [name, unused] : models) {
    (void)unused;
    const auto t = collector.seconds.find("execute/" + name + "/target");
    const auto r = collector.seconds.find("execute/" + name + "/reference");
    if (t == collector.seconds.end() || r == collector.seconds.end()) continue;
    std::printf("%-20s %12.3f %12.3f %7.1fx\n", name.c_str(), t->second * 1e3, r->second * 1e3, r->second / t->second);
  }
  benchmark::Shutdown();
  return 0;
}
