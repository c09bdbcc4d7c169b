// conformance_summary RESULTS_DIR [--ctest-failed FILE] [--build-dir DIR]
//
// Reads the per-test records the suites write (CONFORMANCE_RESULTS_DIR) and prints the
// summary of a conformance run: tests per result, cases per family, dispatch paths
// covered, and every failure with the command that replays it. Exit status 1 when a
// failure was recorded or ctest reported one, 0 otherwise.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: conformance_summary RESULTS_DIR [--ctest-failed FILE] [--build-dir DIR]\n";
    return 2;
  }
  const std::string dir = argv[1];
  std::string ctest_failed, build_dir = ".";
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string key = argv[i];
    if (key == "--ctest-failed") ctest_failed = argv[i + 1];
    if (key == "--build-dir") build_dir = argv[i + 1];
  }

  std::map<std::string, int> results, skipped_by_suite;
  std::map<std::string, int64_t> families, paths;
  std::set<std::string> expected_paths, recorded_tests, recorded_suites;
  std::map<std::string, uint64_t> seeds;
  std::vector<nlohmann::json> failures;
  if (std::filesystem::is_directory(dir)) {
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
      if (entry.path().extension() != ".jsonl") continue;
      std::ifstream in(entry.path());
      for (std::string line; std::getline(in, line);) {
        nlohmann::json r = nlohmann::json::parse(line, nullptr, false);
        if (r.is_discarded()) continue;
        ++results[r.value("result", "?")];
        const std::string suite = r.value("suite", "?");
        if (r.value("result", "") == "skipped") ++skipped_by_suite[suite];
        seeds[suite] = r.value("seed", uint64_t{0});
        recorded_tests.insert(suite + ":" + r.value("test", "?"));
        recorded_suites.insert(suite);
        for (const auto& [family, count] : r["families"].items()) families[family] += count.get<int64_t>();
        const bool dispatch = r["families"].contains("dispatch");
        for (const auto& [path, count] : r["paths"].items()) {
          if (dispatch) {
            expected_paths.insert(path);
          } else {
            paths[path] += count.get<int64_t>();
          }
        }
        if (r.value("result", "") == "failed") failures.push_back(r);
      }
    }
  }

  std::cout << "\n==== conformance summary ====\n";
  std::cout << "tests: " << results["passed"] << " passed, " << results["failed"] << " failed, " << results["skipped"]
            << " skipped\n";
  for (const auto& [suite, count] : skipped_by_suite) {
    std::cout << "  skipped in " << suite << ": " << count
              << (suite.rfind("golden_replay", 0) == 0 ? " (golden cases recorded for the other rounding build)" : "")
              << "\n";
  }
  std::cout << "seeds:";
  for (const auto& [suite, seed] : seeds) std::cout << " " << suite << "=" << seed;
  std::cout << "\ncases run per family (property evaluations, shrinking included):\n";
  for (const auto& [family, count] : families) {
    if (family != "dispatch") std::cout << "  " << family << ": " << count << "\n";
  }
  std::cout << "dispatch paths covered:\n";
  for (const auto& [path, count] : paths) {
    if (path.empty()) continue;
    std::cout << "  " << path << ": " << count << " cases\n";
  }
  std::vector<std::string> missing;
  for (const auto& p : expected_paths) {
    if (!paths.count(p)) missing.push_back(p);
  }
  if (!missing.empty()) {
    std::cout << "  NOT EXERCISED:";
    for (const auto& p : missing) std::cout << " " << p;
    std::cout << "\n";
  }

  int ctest_failures = 0;
  if (!ctest_failed.empty()) {
    std::ifstream in(ctest_failed);
    for (std::string line; std::getline(in, line);) {
      const auto colon = line.find(':');
      const std::string name = colon == std::string::npos ? line : line.substr(colon + 1);
      if (name.empty()) continue;
      ++ctest_failures;
      if (!recorded_tests.count(name) && !recorded_suites.count(name)) {
        // No record: the test crashed or timed out before it could write one.
        nlohmann::json r;
        r["suite"] = "ctest";
        r["test"] = name;
        r["message"] = "no record written (crash, timeout or a failure outside gtest)";
        r["replay"] = "ctest --test-dir " + build_dir + " -R '^" + name + "$' --output-on-failure";
        failures.push_back(r);
      }
    }
  }
  if (failures.empty() && ctest_failures == 0) {
    std::cout << "failures: none\n";
    return 0;
  }
  std::cout << "failures:\n";
  for (const auto& f : failures) {
    std::cout << "  " << f.value("suite", "?") << " " << f.value("test", "?") << "\n";
    if (f.contains("counterexample")) std::cout << "    counterexample: " << f["counterexample"].get<std::string>() << "\n";
    std::cout << "    replay: " << f.value("replay", "?") << "\n";
  }
  return 1;
}
