// Replays fuzz inputs without libFuzzer (a g++ build): runs the target on every file named
// on the command line, folders recursively, printing each file's name before running it,
// so a crash is attributed to the last name printed.
//
//   fuzz_replay_<target> [--expect-rejected] FILE_OR_DIR...
//
// --expect-rejected: every file must be refused with a conf::GoldenError naming it (or a
// verifier problem naming a node); a file that loads cleanly fails the run. The hostile
// files under fuzz/regressions/ are replayed this way.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "fuzz_target.h"

namespace {

std::vector<std::string> files_under(const std::string& arg) {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  if (fs::is_directory(arg)) {
    for (const auto& entry : fs::recursive_directory_iterator(arg)) {
      if (entry.is_regular_file() && entry.path().filename().string().rfind('.', 0) != 0) {
        files.push_back(entry.path().string());
      }
    }
    std::sort(files.begin(), files.end());
  } else if (fs::is_regular_file(arg)) {
    files.push_back(arg);
  } else {
    std::cerr << "no such file or folder: " << arg << "\n";
    std::exit(2);
  }
  return files;
}

}  // namespace

int main(int argc, char** argv) {
  bool expect_rejected = false;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--expect-rejected") {
      expect_rejected = true;
      continue;
    }
    const auto found = files_under(arg);
    files.insert(files.end(), found.begin(), found.end());
  }
  if (files.empty()) {
    std::cerr << "usage: " << argv[0] << " [--expect-rejected] FILE_OR_DIR...  (no input files found)\n";
    return 2;
  }
  int accepted_but_hostile = 0;
  for (const std::string& file : files) {
    std::cout << file << std::flush;
    std::ifstream in(file, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
    const fuzz::Outcome outcome = fuzz::run_one(bytes, file);
    std::cout << ": " << (outcome.rejected ? "rejected: " + outcome.message : std::string("accepted")) << "\n";
    if (expect_rejected) {
      // The message must say where: the file (GoldenError) or the node (verifier problem).
      const bool located = outcome.message.find(file) != std::string::npos || outcome.message.find("node '") != std::string::npos;
      if (!outcome.rejected || !located) {
        std::cout << "  FAIL: a hostile file must be refused with an error naming the file and JSON path (or the node)\n";
        ++accepted_but_hostile;
      }
    }
  }
  std::cout << files.size() << " files, " << accepted_but_hostile << " failures\n";
  return accepted_but_hostile == 0 ? 0 : 1;
}
