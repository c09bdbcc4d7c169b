// conformance run / explain / rederive / adopt / list / check: golden files of both formats
// (op-level cases and model graphs), told apart by their "format" field.
#include <filesystem>
#include <iostream>
#include <sstream>

#include "cli.h"
#include "conf/golden.h"
#include "conf/golden_replay.h"
#include "conf/target_kernels.h"
#include "lower/checks.h"
#include "lower/golden_graph.h"
#include "lower/graph_json.h"
#include "lower/graph_replay.h"
#include "lower/passes.h"
#include "lower/verifier.h"

namespace cli {

namespace {

using json = nlohmann::ordered_json;

// Shell-style patterns: '*' any run of characters, '?' one character; several patterns
// separated by '|' match when any does.
bool glob_match(const char* pattern, const char* text) {
  if (*pattern == '\0') return *text == '\0';
  if (*pattern == '*') return glob_match(pattern + 1, text) || (*text != '\0' && glob_match(pattern, text + 1));
  return *text != '\0' && (*pattern == '?' || *pattern == *text) && glob_match(pattern + 1, text + 1);
}

bool name_matches(const std::string& patterns, const std::string& name) {
  std::stringstream alternatives(patterns);
  for (std::string p; std::getline(alternatives, p, '|');) {
    if (glob_match(p.c_str(), name.c_str())) return true;
  }
  return false;
}

bool is_graph(const std::string& file) { return conf::golden_format_of(file) == lower::kGraphFormat; }

std::string indented(const std::string& text) {
  std::istringstream in(text);
  std::string out;
  for (std::string line; std::getline(in, line);) out += "    " + line + "\n";
  return out;
}

std::string tag_list(const std::vector<std::string>& tags) {
  std::string s;
  for (const auto& t : tags) s += (s.empty() ? "" : ",") + t;
  return "[" + s + "]";
}

// What differs between two "expected" sections, in a few lines.
std::string expectation_difference(const json& before, const json& after) {
  std::ostringstream os;
  for (const auto& [key, value] : after.items()) {
    if (before.contains(key) && before[key] == value) continue;
    if (value.is_array() && before.contains(key) && before[key].is_array() && value.size() == before[key].size()) {
      size_t differing = 0;
      for (size_t i = 0; i < value.size(); ++i) differing += value[i] != before[key][i];
      os << "  " << key << ": " << differing << " of " << value.size() << " entries change\n";
    } else if (key == "output") {
      os << "  output: the stored values change\n";
    } else {
      os << "  " << key << ": " << (before.contains(key) ? before[key].dump() : "(absent)") << " -> " << value.dump()
         << "\n";
    }
  }
  for (const auto& [key, value] : before.items()) {
    (void)value;
    if (!after.contains(key)) os << "  " << key << ": removed\n";
  }
  return os.str();
}

// The expectation a file should carry now, from the reference (op cases) or from the
// reference semantics and the reference kernel set (graphs). Throws with the reason when
// it cannot be derived.
json derived_document(const std::string& file) {
  json doc = conf::read_json_file(file);
  if (is_graph(file)) {
    const lower::GoldenGraph g = lower::load_golden_graph(file);
    const auto reference = conf::make_reference_kernel_set(conf::target_rounding());
    const auto target = conf::make_target_kernel_set();
    const lower::LoweringVerdict verdict =
        lower::check_lowering(g.graph, g.inputs, lower::cortex_m_pipeline(), *reference, *target, g.compliance);
    if (!verdict.pass()) {
      throw std::runtime_error("the lowering checks fail, so no lowered checksum is derived:\n" + verdict.describe());
    }
    json& expected = doc["expected"];
    expected["original_output_checksums"] = lower::stored_output_checksums(g.graph, g.inputs);
    expected["lowered_output_checksums"] = lower::stored_output_checksums(verdict.lowered, g.inputs);
    return doc;
  }
  const conf::GoldenCase g = conf::parse_golden(doc, file);
  if (g.expected_status != "ok") return doc;  // a refusal has nothing to derive
  const bool inline_output = doc.contains("expected") && doc["expected"].contains("output");
  conf::add_reference_expectation(doc, file, inline_output ? size_t{1} << 24 : 0);
  return doc;
}

conf::Replay replay(const std::string& file, const conf::KernelSet& kernels) {
  if (is_graph(file)) {
    // The reference in the kernel set's own rounding: any set (xnnpack rounds in float) must
    // then agree with it bit for bit.
    const auto reference = conf::make_reference_kernel_set(kernels.rounding());
    return lower::replay_golden_graph(file, *reference, kernels);
  }
  return conf::replay_golden_case(file, kernels);
}

}  // namespace

int run(const Args& args, bool explain) {
  if (explain && args.positional.size() != 1) usage_error("explain takes one file");
  const auto kernels = kernel_set(args.get("kernels", "target"));
  const std::string kernels_option = args.has("kernels") ? " --kernels " + args.get("kernels") : "";
  int passed = 0, failed = 0, skipped = 0;
  for (const std::string& file : golden_files(args.positional)) {
    const conf::Replay r = replay(file, *kernels);
    if (args.has("filter") && !name_matches(args.get("filter"), r.name)) continue;
    if (args.has("tag") && std::find(r.tags.begin(), r.tags.end(), args.get("tag")) == r.tags.end()) continue;
    std::cout << conf::verdict_name(r.verdict) << "  " << r.name << "  " << tag_list(r.tags) << "  " << r.summary << "\n";
    if (r.verdict == conf::Replay::Verdict::fail || explain) {
      std::cout << indented(r.explanation) << "    file: " << file << "\n";
      if (r.verdict == conf::Replay::Verdict::fail) {
        std::cout << "    replay: conformance explain " << file << kernels_option << "\n";
      }
    }
    switch (r.verdict) {
      case conf::Replay::Verdict::pass: ++passed; break;
      case conf::Replay::Verdict::fail: ++failed; break;
      case conf::Replay::Verdict::skip: ++skipped; break;
    }
  }
  std::cout << passed << " passed, " << failed << " failed, " << skipped << " skipped (" << kernels->name() << ")\n";
  if (passed + failed + skipped == 0) {
    std::cerr << "conformance: no golden file matched\n";
    return 2;
  }
  return failed ? 1 : 0;
}

int rederive(const Args& args) {
  const bool accept = args.has("accept");
  int changed = 0, errors = 0;
  for (const std::string& file : golden_files(args.positional)) {
    try {
      const json before = conf::read_json_file(file);
      const json after = derived_document(file);
      const json old_expected = before.contains("expected") ? before["expected"] : json::object();
      if (after["expected"] == old_expected) {
        std::cout << "unchanged  " << file << "\n";
        continue;
      }
      ++changed;
      std::cout << (accept ? "updated    " : "differs    ") << file << "\n" << expectation_difference(old_expected, after["expected"]);
      if (accept) conf::write_json_atomically(file, after);
    } catch (const std::exception& e) {
      ++errors;
      std::cout << "error      " << file << "\n" << indented(e.what());
    }
  }
  std::cout << changed << (accept ? " files updated" : " files would change (run again with --accept to write them)")
            << ", " << errors << " errors\n";
  return errors ? 1 : (changed && !accept ? 3 : 0);
}

int adopt(const Args& args) {
  if (args.positional.size() != 1 || !args.has("out")) usage_error("adopt takes a counterexample file and --out FILE");
  const std::string from = args.positional[0], out = args.get("out");
  json doc = conf::read_json_file(from);
  std::vector<std::string> tags{"regression"};
  std::stringstream extra(args.get("tags"));
  for (std::string t; std::getline(extra, t, ',');) {
    if (!t.empty()) tags.push_back(t);
  }
  if (is_graph(from)) {
    if (args.has("name")) doc["graph"]["name"] = args.get("name");
    doc["tags"] = tags;
    doc.erase("expected");  // the lowered graph's checksums would come from the code under test
    conf::write_json_atomically(out, doc);
    const lower::GoldenGraph g = lower::load_golden_graph(out);
    doc["expected"] = json{{"original_output_checksums", lower::stored_output_checksums(g.graph, g.inputs)}};
  } else {
    if (args.has("name")) doc["name"] = args.get("name");
    doc["tags"] = tags;
    const conf::GoldenCase g = conf::parse_golden(doc, from);
    if (g.expected_status == "ok") conf::add_reference_expectation(doc, out);
  }
  std::filesystem::create_directories(std::filesystem::absolute(out).parent_path());
  conf::write_json_atomically(out, doc);
  std::cout << "wrote " << out << " (expectation from the reference); it fails until the bug is fixed:\n"
            << "  conformance run " << out << "\n";
  return 0;
}

int list(const Args& args) {
  int bad = 0;
  for (const std::string& file : golden_files(args.positional)) {
    try {
      if (is_graph(file)) {
        const lower::GoldenGraph g = lower::load_golden_graph(file);
        std::string lowered;
        for (const auto& [op, count] : g.histogram_after) {
          if (op.rfind("cortex_m.quantized_", 0) == 0) lowered += " " + std::to_string(count) + " " + op.substr(9);
        }
        std::cout << g.name << "  " << tag_list(g.tags) << "  graph, " << g.graph.size() << " nodes"
                  << (lowered.empty() ? "" : ", lowers to" + lowered) << "  " << conf::to_string(g.compliance) << "  "
                  << file << "\n";
      } else {
        const conf::GoldenCase g = conf::load_golden(file);
        const std::string path =
            g.expected_status == "ok" ? conf::target_selected_path(g.conv) : "refused: " + g.expected_status;
        std::cout << g.name << "  " << tag_list(g.tags) << "  " << path << "  " << ref::rounding_name(g.rounding) << "/"
                  << conf::to_string(g.compliance) << "  " << file << "\n";
      }
    } catch (const std::exception& e) {
      std::cout << "error " << e.what() << "\n";
      ++bad;
    }
  }
  return bad ? 1 : 0;
}

int check_files(const Args& args) {
  int bad = 0;
  for (const std::string& file : golden_files(args.positional)) {
    try {
      if (is_graph(file)) {
        const lower::GoldenGraph g = lower::load_golden_graph(file);
        lower::verify_or_throw(g.graph, "in " + file);
        std::cout << "ok    " << file << "  " << g.name << " (graph)\n";
      } else {
        std::cout << "ok    " << file << "  " << conf::load_golden(file).name << "\n";
      }
    } catch (const std::exception& e) {
      std::cout << "error " << e.what() << "\n";
      ++bad;
    }
  }
  return bad ? 1 : 0;
}

}  // namespace cli
