// The conformance command-line tool: shared pieces of its commands.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "conf/kernel_set.h"

namespace cli {

// "--key value" options (and the flags that take no value) after the command's positional
// arguments; a usage error exits with status 2.
struct Args {
  std::vector<std::string> positional;
  std::map<std::string, std::string> options;
  bool has(const std::string& key) const { return options.count(key) != 0; }
  std::string get(const std::string& key, const std::string& fallback = "") const;
};
Args parse_args(int argc, char** argv, int first, const std::vector<std::string>& flags);

[[noreturn]] void usage_error(const std::string& message);

// --kernels target (the dispatching wrappers, default) | target:<path> | reference.
std::unique_ptr<conf::KernelSet> kernel_set(const std::string& choice);

// The golden files under the targets (files, or folders searched recursively); no targets:
// the golden folder.
std::vector<std::string> golden_files(const std::vector<std::string>& targets);

// Commands. Each returns the process's exit status.
int write_case(const Args& args);            // a new op-level case from parameters
int adopt(const Args& args);                 // a counterexample file made a golden case
int run(const Args& args, bool explain);     // replay golden files, explain failures
int rederive(const Args& args);              // recompute expectations, show the difference
int list(const Args& args);                  // name, tags, dispatch path / lowered ops
int check_files(const Args& args);           // parse only
int graph_command(const Args& args);         // print | lower | check | write-models
int pack_command(const Args& args);          // cases for the on-target runner (on_target/)

}  // namespace cli
