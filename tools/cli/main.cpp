// conformance: the suite from the command line. Replays golden op cases and model graphs
// against a chosen kernel set and explains failures, writes new cases (from parameters or
// from a counterexample), re-derives expectations after an intended change, lists cases,
// and drives the lowering loop on graph files. `conformance --help` shows every command.
#include <cstdlib>
#include <iostream>

#include "cli.h"
#include "conf/golden.h"
#include "conf/kernel_registry.h"
#include "conf/target_kernels.h"

namespace cli {

namespace {

const char* kUsage = R"(usage: conformance COMMAND [ARGS]

  run [PATH...] [--kernels K] [--filter 'PATTERN|PATTERN'] [--tag TAG]
      replay golden files (default: every file under golden/), op cases and model graphs;
      one line per case, an explanation for every failure; exit 1 on any failure
  explain FILE [--kernels K]
      replay one file and explain it in full, whether it passes or not
  write --out FILE --name NAME [case options]      (conformance write --help)
      a new op-level case from parameters; the expected output comes from the reference
  adopt COUNTEREXAMPLE --out FILE [--name NAME] [--tags a,b]
      a counterexample the suites wrote, kept as a golden case (or graph); its expectation
      is derived again from the reference, so it fails until the bug is fixed
  rederive [PATH...] [--accept]
      recompute every expectation from the reference after an intended change and show what
      differs; files change only with --accept (through a temporary file and a rename)
  list [PATH...]
      every case: name, tags, the dispatch path it takes (graphs: ops after lowering)
  check [PATH...]
      parse files only; errors name the file and the JSON path
  graph print FILE | graph lower FILE OUT | graph check FILE [LOWERED] | graph write-models DIR
      the lowering loop on graph files (--trace, --trace-graphs, --size small|full)
  pack --out FILE [--rounding R] [--cases N] [--seed S]      (conformance pack --help)
      golden and generated cases with the reference's outputs, for the on-target runner

  kernels
      every kernel set by name: its rounding, whether it is ours or external (external sets
      run crash-isolated unless CONFORMANCE_ISOLATION=off) and whether this build has it

PATTERN: a case name with * and ? wildcards (e.g. 'depthwise_*|*_recipe').
K: a kernel set name from `conformance kernels`: target (the dispatching wrappers, default),
target:<path> (one dispatch path, e.g. target:conv_generic), reference, reference:<rounding>,
xnnpack, ... The golden folder is $CONFORMANCE_GOLDEN_DIR or golden/.
)";

}  // namespace

std::string Args::get(const std::string& key, const std::string& fallback) const {
  const auto it = options.find(key);
  return it == options.end() ? fallback : it->second;
}

[[noreturn]] void usage_error(const std::string& message) {
  std::cerr << "conformance: " << message << "\n\n" << kUsage;
  std::exit(2);
}

Args parse_args(int argc, char** argv, int first, const std::vector<std::string>& flags) {
  Args args;
  for (int i = first; i < argc; ++i) {
    const std::string a = argv[i];
    if (a.rfind("--", 0) != 0) {
      args.positional.push_back(a);
      continue;
    }
    const std::string key = a.substr(2);
    if (std::find(flags.begin(), flags.end(), key) != flags.end()) {
      args.options[key] = "1";
    } else if (i + 1 < argc) {
      args.options[key] = argv[++i];
    } else {
      usage_error("--" + key + " needs a value");
    }
  }
  return args;
}

std::unique_ptr<conf::KernelSet> kernel_set(const std::string& choice) {
  try {
    return conf::make_kernel_set(choice);
  } catch (const conf::KernelSetUnavailable& e) {
    std::cerr << "conformance: " << e.what() << "\n";
    std::exit(77);  // ctest's SKIP_RETURN_CODE convention: not a failure of the kernels
  } catch (const std::invalid_argument& e) {
    usage_error(std::string("--kernels: ") + e.what());
  }
}

std::vector<std::string> golden_files(const std::vector<std::string>& targets) {
  const std::vector<std::string> roots = targets.empty() ? std::vector<std::string>{conf::golden_dir()} : targets;
  std::vector<std::string> files;
  for (const std::string& t : roots) {
    if (std::filesystem::is_directory(t)) {
      const auto found = conf::list_golden_files(t);
      files.insert(files.end(), found.begin(), found.end());
    } else {
      files.push_back(t);
    }
  }
  return files;
}

}  // namespace cli

int main(int argc, char** argv) {
  using namespace cli;
  if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h") {
    std::cout << kUsage;
    return argc < 2 ? 2 : 0;
  }
  const std::string command = argv[1];
  try {
    if (command == "run") return run(parse_args(argc, argv, 2, {}), false);
    if (command == "explain") return run(parse_args(argc, argv, 2, {}), true);
    if (command == "write") return write_case(parse_args(argc, argv, 2, {"bias", "recipes", "help"}));
    if (command == "adopt") return adopt(parse_args(argc, argv, 2, {}));
    if (command == "rederive") return rederive(parse_args(argc, argv, 2, {"accept"}));
    if (command == "list") return list(parse_args(argc, argv, 2, {}));
    if (command == "check") return check_files(parse_args(argc, argv, 2, {}));
    if (command == "kernels") {
      std::cout << conf::describe_kernel_set_catalog();
      return 0;
    }
    if (command == "graph") return graph_command(parse_args(argc, argv, 2, {"trace", "trace-graphs"}));
    if (command == "pack") return pack_command(parse_args(argc, argv, 2, {"help", "corrupt-expected"}));
  } catch (const std::exception& e) {
    std::cerr << "conformance: " << e.what() << "\n";
    return 1;
  }
  usage_error("unknown command '" + command + "'");
}
