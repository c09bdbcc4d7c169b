// conformance_summary RESULTS_DIR [--ctest-failed FILE] [--build-dir DIR] [--junit FILE]
//                     [--run LABEL RESULTS_DIR [--ctest-failed FILE] [--build-dir DIR] [--junit FILE]]...
//                     [--markdown FILE] [--html FILE] [--title TEXT] [--note KEY=VALUE]...
//                     [--bench FILE]... [--baseline FILE] [--threshold PERCENT]
// conformance_summary bench-compare --baseline FILE [--threshold PERCENT] BENCH.json...
// conformance_summary bench-baseline --out FILE BENCH.json...
//
// Reads the per-test records the suites write (CONFORMANCE_RESULTS_DIR) and prints the
// summary of a conformance run: tests per result, cases per family, dispatch paths
// covered, and every failure with the command that replays it. Exit status 1 when a
// failure was recorded or ctest reported one, 0 otherwise.
//
// --run adds another ctest run (e.g. the sanitizer build) under a label; --ctest-failed,
// --build-dir and --junit apply to the run named last (the first run is the positional one).
// --junit is that run's `ctest --output-junit` file: pass / fail per executable then counts
// every ctest test, including the ones that write no record.
//
// --markdown / --html write the report of the run: pass / fail per suite (executable), every
// failure with its replay command, counterexample file and message, the coverage matrix
// (dispatch path x the values of each case dimension, from the records' "coverage"), the
// seeds, and the benchmark ratios of google-benchmark JSON files given with --bench
// (conv_bench: target speed-up over the reference per shape; lowering_bench: pipeline time
// per node and execute speed-ups), compared with --baseline when given. The HTML is one
// self-contained file: inline CSS and SVG, no scripts, no external resources.
//
// bench-compare prints the benchmark metrics next to the baseline's and exits 1 when any is
// worse than the baseline by more than the threshold (default: the baseline's
// "threshold_percent", else 25). bench-baseline writes a baseline from benchmark files.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace {

using nlohmann::json;

// ---------------------------------------------------------------------------------------
// Text helpers

std::string html_escape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += ch;
    }
  }
  return out;
}

// A table cell of Markdown: no line breaks, pipes escaped, inline code when asked.
std::string md_cell(const std::string& s, bool code = false) {
  std::string flat;
  for (char ch : s) {
    if (ch == '\n' || ch == '\r') {
      flat += ' ';
    } else if (ch == '|') {
      flat += "\\|";
    } else if (code && ch == '`') {
      flat += '\'';
    } else {
      flat += ch;
    }
  }
  return code ? "`" + flat + "`" : flat;
}

// A fenced block that the text cannot close early.
std::string md_fence(const std::string& text) {
  std::string fence = "```";
  while (text.find(fence) != std::string::npos) fence += '`';
  return fence + "text\n" + text + (text.empty() || text.back() == '\n' ? "" : "\n") + fence + "\n";
}

std::string fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string xml_unescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out += s[i];
      continue;
    }
    const size_t semi = s.find(';', i);
    if (semi == std::string::npos) {
      out += s[i];
      continue;
    }
    const std::string entity = s.substr(i + 1, semi - i - 1);
    if (entity == "amp") out += '&';
    else if (entity == "lt") out += '<';
    else if (entity == "gt") out += '>';
    else if (entity == "quot") out += '"';
    else if (entity == "apos") out += '\'';
    else out += "&" + entity + ";";
    i = semi;
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Test records

struct CtestCounts {
  int passed = 0, failed = 0, not_run = 0;
};

// A ctest test on the emulated cores ("on_target:..."): its case counts live only in its output.
struct OnTargetRun {
  std::string test, status;  // status as in the JUnit file: run / fail / notrun / disabled
  std::string counts;        // the output's last counts line ("N passed, N failed ...")
};

struct Run {
  std::string label;  // "" for the positional run
  std::string dir, ctest_failed, build_dir = ".", junit;
  bool junit_read = false;
  std::map<std::string, CtestCounts> ctest_by_exe;  // from the JUnit file
};

struct SuiteRow {
  int passed = 0, failed = 0, skipped = 0;
  std::string seed;
  CtestCounts ctest;
  bool has_ctest = false;
};

// The executable a ctest name belongs to: discovered tests are "exe:Suite.Test".
std::string executable_of(const std::string& ctest_name) {
  const auto colon = ctest_name.find(':');
  return colon == std::string::npos ? ctest_name : ctest_name.substr(0, colon);
}

std::string display_suite(const std::string& suite, const std::string& label) {
  return label.empty() ? suite : suite + " [" + label + "]";
}

// The last line of a test's output that says how many cases passed and failed (a runner's or the
// isolation driver's summary, a nested ctest's total) or why it was skipped.
std::string last_counts_line(const std::string& output) {
  std::string found;
  std::istringstream lines(output);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto passed = line.find(" passed, ");
    const bool counts = passed != std::string::npos && line.find(" failed", passed) != std::string::npos;
    if (counts || line.rfind("SKIPPED", 0) == 0) found = line;
  }
  return found;
}

// The testcases of a `ctest --output-junit` file: name and status (run / fail / notrun / disabled).
// For the on-target tests also the counts line of their output: the nightly runs ctest with
// --test-output-truncation middle, so a passed test's output keeps its end.
bool read_ctest_junit(const std::string& file, std::map<std::string, CtestCounts>& by_exe,
                      std::vector<OnTargetRun>& on_target) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return false;
  std::stringstream buf;
  buf << in.rdbuf();
  const std::string xml = buf.str();
  const auto attribute = [](const std::string& tag, const std::string& name) {
    const std::string key = " " + name + "=\"";
    const auto at = tag.find(key);
    if (at == std::string::npos) return std::string();
    const auto end = tag.find('"', at + key.size());
    return xml_unescape(tag.substr(at + key.size(), end - at - key.size()));
  };
  for (size_t pos = xml.find("<testcase "); pos != std::string::npos; pos = xml.find("<testcase ", pos + 1)) {
    const auto end = xml.find('>', pos);
    if (end == std::string::npos) break;
    const std::string tag = xml.substr(pos, end - pos);
    const std::string status = attribute(tag, "status");
    const std::string name = attribute(tag, "name");
    if (name.rfind("on_target:", 0) == 0) {
      const auto close = xml.find("</testcase>", end);
      const auto out = xml.find("<system-out>", end);
      std::string output;
      if (out != std::string::npos && out < close) {
        const auto body = out + std::string("<system-out>").size();
        const auto stop = xml.find("</system-out>", body);
        if (stop != std::string::npos) output = xml_unescape(xml.substr(body, stop - body));
      }
      on_target.push_back({name, status, last_counts_line(output)});
    }
    CtestCounts& c = by_exe[executable_of(name)];
    if (status == "fail") {
      ++c.failed;
    } else if (status == "run") {
      ++c.passed;
    } else {
      ++c.not_run;
    }
  }
  return true;
}

// ---------------------------------------------------------------------------------------
// Coverage

const std::vector<std::string>& dimensions() {
  static const std::vector<std::string> d{"stride", "padding", "dilation", "groups", "multiplier", "activation", "batch"};
  return d;
}

// The matrix in two tables that fit a page: the geometry, then the rest.
std::vector<std::vector<std::string>> coverage_parts() {
  return {{"stride", "padding", "dilation", "groups"}, {"multiplier", "activation", "batch"}};
}

std::vector<std::string> known_values(const std::string& dim) {
  if (dim == "stride") return {"1x1", "1x2", "2x1", "2x2", ">2"};
  if (dim == "padding") return {"none", "symmetric", "asymmetric"};
  if (dim == "dilation") return {"1", ">1"};
  if (dim == "groups") return {"dense", "grouped", "depthwise"};
  if (dim == "multiplier") return {"1", ">1"};
  if (dim == "activation") return {"none", "relu", "relu6", "hardtanh", "hardsigmoid", "clamp"};
  if (dim == "batch") return {"1", ">1"};
  return {};
}

// Whether a dimension value is admitted by a dispatch path's preconditions
// (target_kernels/README.md); unknown paths admit everything.
bool valid_for_path(const std::string& path, const std::string& dim, const std::string& value) {
  const bool depthwise_path = path.rfind("depthwise", 0) == 0;
  const bool conv_path = path.rfind("conv", 0) == 0;
  if (dim == "groups") {
    if (depthwise_path) return value == "depthwise";
    if (path == "conv_generic") return value != "depthwise";
    if (conv_path) return value == "dense";
  }
  if (dim == "multiplier") {
    if (conv_path) return value == "n/a";
    if (path == "depthwise_3x3" || path == "depthwise_mult1") return value == "1";
    if (depthwise_path) return value != "n/a";
  }
  if (dim == "stride" && path == "conv_1x1") return value == "1x1";
  if (dim == "dilation" && path == "depthwise_3x3") return value == "1";
  return true;
}

// key "path=P|stride=S|..." -> dimension -> value
std::map<std::string, std::string> parse_coverage_key(const std::string& key) {
  std::map<std::string, std::string> out;
  std::stringstream parts(key);
  for (std::string part; std::getline(parts, part, '|');) {
    const auto eq = part.find('=');
    if (eq != std::string::npos) out[part.substr(0, eq)] = part.substr(eq + 1);
  }
  return out;
}

struct Coverage {
  // path -> dimension -> value -> cases
  std::map<std::string, std::map<std::string, std::map<std::string, int64_t>>> counts;
  std::map<std::string, int64_t> total;
  std::map<std::string, std::set<std::string>> combinations;  // distinct keys per path
  std::map<std::string, std::vector<std::string>> values;     // per dimension, display order

  void add(const std::string& key, int64_t n) {
    auto dims = parse_coverage_key(key);
    const std::string path = dims["path"];
    total[path] += n;
    combinations[path].insert(key);
    for (const auto& dim : dimensions()) {
      const std::string v = dims.count(dim) ? dims[dim] : "?";
      counts[path][dim][v] += n;
    }
  }
  void finish() {
    for (const auto& dim : dimensions()) {
      std::vector<std::string> vals = known_values(dim);
      for (const auto& [path, per_dim] : counts) {
        const auto it = per_dim.find(dim);
        if (it == per_dim.end()) continue;
        for (const auto& [v, n] : it->second) {
          if (v != "n/a" && std::find(vals.begin(), vals.end(), v) == vals.end()) vals.push_back(v);
        }
      }
      values[dim] = vals;
    }
  }
  int64_t count(const std::string& path, const std::string& dim, const std::string& v) const {
    const auto p = counts.find(path);
    if (p == counts.end()) return 0;
    const auto d = p->second.find(dim);
    if (d == p->second.end()) return 0;
    const auto c = d->second.find(v);
    return c == d->second.end() ? 0 : c->second;
  }
  // Dimension values the path admits that no case exercised.
  std::vector<std::string> never(const std::string& path) const {
    std::vector<std::string> out;
    for (const auto& dim : dimensions()) {
      for (const auto& v : values.at(dim)) {
        if (valid_for_path(path, dim, v) && count(path, dim, v) == 0) out.push_back(dim + "=" + v);
      }
    }
    return out;
  }
};

// ---------------------------------------------------------------------------------------
// Benchmarks

struct BenchEntry {
  double seconds = 0;  // CPU time per iteration (steadier than real time on a shared machine)
  std::map<std::string, double> counters;
  std::string label;
};

struct Metric {
  std::string key;    // conv/S1, pipeline/chain/1000, execute/yolo_like
  std::string group;  // conv_bench speed-up, pipeline per node, execute speed-up
  std::string what;
  double value = 0;
  std::string unit;  // "x" or "us/node"
  bool higher_is_better = true;
};

double unit_seconds(const std::string& unit) {
  if (unit == "ns") return 1e-9;
  if (unit == "us") return 1e-6;
  if (unit == "ms") return 1e-3;
  return 1.0;
}

// A benchmark's name without the options google-benchmark appends ("/min_time:0.200",
// "/repeats:3", "/threads:1", "/real_time").
std::string base_name(const std::string& name) {
  std::string out;
  std::stringstream parts(name);
  for (std::string part; std::getline(parts, part, '/');) {
    if (part.find(':') != std::string::npos || part == "real_time" || part == "manual_time" || part == "process_time") {
      continue;
    }
    out += (out.empty() ? "" : "/") + part;
  }
  return out;
}

// name -> entry, timed by CPU time (single-threaded benchmarks: the time the work took, without
// the waits another process on the machine causes); a "median" (else "mean") aggregate wins over single iterations.
std::map<std::string, BenchEntry> read_bench(const std::string& file, std::string& error) {
  std::map<std::string, BenchEntry> out;
  std::ifstream in(file);
  if (!in) {
    error = "cannot read " + file;
    return out;
  }
  json doc = json::parse(in, nullptr, false);
  if (doc.is_discarded() || !doc.contains("benchmarks") || !doc["benchmarks"].is_array()) {
    error = file + " is not google-benchmark JSON";
    return out;
  }
  std::map<std::string, int> rank;  // 1 iteration, 2 mean, 3 median
  std::map<std::string, int> iterations;
  for (const auto& b : doc["benchmarks"]) {
    if (!b.is_object() || !b.contains("cpu_time")) continue;
    const std::string run_name = base_name(b.value("run_name", b.value("name", std::string())));
    const std::string type = b.value("run_type", std::string("iteration"));
    const std::string agg = b.value("aggregate_name", std::string());
    int r = 1;
    if (type == "aggregate") {
      if (agg == "median") r = 3;
      else if (agg == "mean") r = 2;
      else continue;
    }
    if (rank[run_name] > r) continue;
    BenchEntry e;
    e.seconds = b["cpu_time"].get<double>() * unit_seconds(b.value("time_unit", std::string("ns")));
    e.label = b.value("label", std::string());
    for (const auto& [k, v] : b.items()) {
      if (v.is_number() && k != "real_time" && k != "cpu_time" && k != "iterations") e.counters[k] = v.get<double>();
    }
    if (r == 1 && rank[run_name] == 1) {
      // Several plain repetitions: average them.
      BenchEntry& prev = out[run_name];
      const int n = ++iterations[run_name];
      prev.seconds += (e.seconds - prev.seconds) / n;
      continue;
    }
    rank[run_name] = r;
    iterations[run_name] = 1;
    out[run_name] = e;
  }
  return out;
}

// The ratios of conv_bench and lowering_bench files (other benchmarks are ignored).
std::vector<Metric> bench_metrics(const std::vector<std::string>& files, std::vector<std::string>& errors,
                                  std::map<std::string, std::string>& labels) {
  std::map<std::string, BenchEntry> all;
  for (const auto& f : files) {
    std::string error;
    auto entries = read_bench(f, error);
    if (!error.empty()) errors.push_back(error);
    for (auto& [k, v] : entries) all[k] = v;
  }
  std::vector<Metric> out;
  // Conv shapes in the order of the file is lost in a map; keep S1..S9 in natural order.
  std::vector<std::string> shapes;
  for (const auto& [name, e] : all) {
    if (name.rfind("target/", 0) == 0 && all.count("reference/" + name.substr(7))) shapes.push_back(name.substr(7));
  }
  const auto natural = [](const std::string& a, const std::string& b) {
    const auto num = [](const std::string& s) {
      size_t i = 0;
      while (i < s.size() && !std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
      return std::make_pair(s.substr(0, i), std::atoi(s.c_str() + i));
    };
    const auto na = num(a), nb = num(b);
    return na != nb ? na < nb : a < b;
  };
  std::sort(shapes.begin(), shapes.end(), natural);
  for (const auto& s : shapes) {
    const BenchEntry& t = all["target/" + s];
    const BenchEntry& r = all["reference/" + s];
    if (t.seconds <= 0) continue;
    out.push_back({"conv/" + s, "conv_bench: target speed-up over the reference", s, r.seconds / t.seconds, "x", true});
    labels["conv/" + s] = t.label;
  }
  for (const auto& [name, e] : all) {
    if (name.rfind("pipeline/", 0) != 0) continue;
    const auto n = e.counters.find("nodes");
    if (n == e.counters.end() || n->second <= 0) continue;
    const std::string what = name.substr(9);
    out.push_back({"pipeline/" + what, "lowering_bench: pass pipeline, microseconds per node",
                   what + " (" + fixed(n->second, 0) + " nodes)", e.seconds * 1e6 / n->second, "us/node", false});
  }
  for (const auto& [name, e] : all) {
    const std::string suffix = "/target";
    if (name.rfind("execute/", 0) != 0 || name.size() < suffix.size() ||
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0) {
      continue;
    }
    const std::string model = name.substr(8, name.size() - 8 - suffix.size());
    const auto r = all.find("execute/" + model + "/reference");
    if (r == all.end() || e.seconds <= 0) continue;
    out.push_back({"execute/" + model, "lowering_bench: execute, target speed-up over the reference kernels", model,
                   r->second.seconds / e.seconds, "x", true});
  }
  return out;
}

struct Comparison {
  Metric m;
  bool has_baseline = false;
  double baseline = 0;
  double change = 0;  // fraction, signed so that negative is worse
  bool flagged = false;
};

// Loads a baseline file; threshold_percent < 0 means "the file's, else 25".
std::vector<Comparison> compare(const std::vector<Metric>& metrics, const std::string& baseline_file,
                                double& threshold_percent, std::string& error) {
  std::vector<Comparison> out;
  json base;
  if (!baseline_file.empty()) {
    std::ifstream in(baseline_file);
    base = in ? json::parse(in, nullptr, false) : json();
    if (!in || base.is_discarded() || !base.contains("metrics") || !base["metrics"].is_object()) {
      error = "cannot read the baseline " + baseline_file;
      base = json();
    }
  }
  if (threshold_percent < 0) threshold_percent = base.is_object() ? base.value("threshold_percent", 25.0) : 25.0;
  const double t = threshold_percent / 100.0;
  for (const Metric& m : metrics) {
    Comparison c{m};
    if (base.is_object() && base["metrics"].contains(m.key)) {
      const json& b = base["metrics"][m.key];
      c.baseline = b.is_object() ? b.value("value", 0.0) : b.is_number() ? b.get<double>() : 0.0;
      c.has_baseline = c.baseline > 0;
    }
    if (c.has_baseline) {
      c.change = m.higher_is_better ? m.value / c.baseline - 1.0 : c.baseline / m.value - 1.0;
      c.flagged = m.higher_is_better ? m.value < c.baseline * (1.0 - t) : m.value > c.baseline * (1.0 + t);
    }
    out.push_back(c);
  }
  return out;
}

std::string metric_value(double v, const std::string& unit) {
  return unit == "x" ? fixed(v, v < 10 ? 2 : 1) + "x" : fixed(v, 2) + " " + unit;
}

std::string change_text(const Comparison& c) {
  if (!c.has_baseline) return "no baseline";
  const double percent = std::round(c.change * 1000) / 10;
  return (percent >= 0 ? "+" : "") + fixed(percent == 0 ? 0.0 : percent, 1) + "%";
}

void print_comparison(std::ostream& os, const std::vector<Comparison>& rows, double threshold) {
  char line[256];
  std::snprintf(line, sizeof line, "%-26s %14s %14s %10s  %s\n", "metric", "current", "baseline", "change", "");
  os << line;
  for (const auto& c : rows) {
    std::snprintf(line, sizeof line, "%-26s %14s %14s %10s  %s\n", c.m.key.c_str(),
                  metric_value(c.m.value, c.m.unit).c_str(),
                  c.has_baseline ? metric_value(c.baseline, c.m.unit).c_str() : "-", change_text(c).c_str(),
                  c.flagged ? "WORSE than the baseline by more than the threshold" : "");
    os << line;
  }
  os << "(change: positive is better; threshold " << fixed(threshold, 0) << "%)\n";
}

// ---------------------------------------------------------------------------------------
// The SVG bar chart of the conv speed-ups (log scale), baseline as a tick.

std::string speedup_chart(const std::vector<Comparison>& rows, const std::map<std::string, std::string>& labels) {
  std::vector<const Comparison*> conv;
  for (const auto& c : rows) {
    if (c.m.key.rfind("conv/", 0) == 0) conv.push_back(&c);
  }
  if (conv.empty()) return "";
  double top = 10;
  for (const auto* c : conv) top = std::max({top, c->m.value, c->baseline});
  const double decades = std::ceil(std::log10(top) + 1e-9);
  const int left = 190, width = 620, row = 28, header = 30;
  const int height = header + row * static_cast<int>(conv.size()) + 40;
  const auto x = [&](double v) { return left + width * std::log10(std::max(1.0, v)) / decades; };
  std::ostringstream s;
  s << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << left + width + 120 << "\" height=\"" << height
    << "\" role=\"img\" aria-label=\"target speed-up over the reference per shape\" font-family=\"sans-serif\" "
       "font-size=\"12\">\n";
  s << "<text x=\"" << left << "\" y=\"16\" font-weight=\"bold\">target speed-up over the reference (log scale)"
    << "</text>\n";
  for (int d = 0; d <= decades; ++d) {
    const double gx = x(std::pow(10.0, d));
    s << "<line x1=\"" << fixed(gx, 1) << "\" y1=\"" << header - 6 << "\" x2=\"" << fixed(gx, 1) << "\" y2=\""
      << height - 28 << "\" stroke=\"#ccc\"/>\n";
    s << "<text x=\"" << fixed(gx, 1) << "\" y=\"" << height - 12 << "\" text-anchor=\"middle\" fill=\"#555\">"
      << static_cast<long long>(std::llround(std::pow(10.0, d))) << "x</text>\n";
  }
  // The requirement: target >= 10x the reference on every shape.
  s << "<line x1=\"" << fixed(x(10), 1) << "\" y1=\"" << header - 6 << "\" x2=\"" << fixed(x(10), 1) << "\" y2=\""
    << height - 28 << "\" stroke=\"#c0392b\" stroke-dasharray=\"4 3\"/>\n";
  int i = 0;
  for (const auto* c : conv) {
    const int y = header + row * i++;
    const std::string shape = c->m.key.substr(5);
    const auto label = labels.find(c->m.key);
    const std::string name = shape + (label != labels.end() && !label->second.empty() ? " " + label->second : "");
    s << "<text x=\"" << left - 8 << "\" y=\"" << y + 16 << "\" text-anchor=\"end\">" << html_escape(name)
      << "</text>\n";
    const double w = std::max(1.0, x(c->m.value) - left);
    s << "<rect x=\"" << left << "\" y=\"" << y + 4 << "\" width=\"" << fixed(w, 1) << "\" height=\"" << row - 10
      << "\" fill=\"" << (c->flagged ? "#e67e22" : c->m.value < 10 ? "#c0392b" : "#2e86c1") << "\"/>\n";
    const double label_x = std::max(left + w, c->has_baseline ? x(c->baseline) : 0.0) + 6;
    s << "<text x=\"" << fixed(label_x, 1) << "\" y=\"" << y + 16 << "\">" << metric_value(c->m.value, "x")
      << "</text>\n";
    if (c->has_baseline) {
      const double bx = x(c->baseline);
      s << "<line x1=\"" << fixed(bx, 1) << "\" y1=\"" << y + 1 << "\" x2=\"" << fixed(bx, 1) << "\" y2=\""
        << y + row - 3 << "\" stroke=\"#111\" stroke-width=\"2\"><title>baseline "
        << metric_value(c->baseline, "x") << "</title></line>\n";
    }
  }
  s << "</svg>\n";
  return s.str();
}

// ---------------------------------------------------------------------------------------

struct Report {
  std::string title = "Conformance nightly report";
  std::vector<std::string> labels;  // run labels in order, "" (release) first
  std::vector<std::pair<std::string, std::string>> notes;
  std::map<std::string, int> results;
  std::map<std::string, SuiteRow> suites;
  std::map<std::string, std::string> seeds;
  std::vector<json> failures;
  std::vector<std::pair<std::string, OnTargetRun>> on_target;  // run label, test
  Coverage coverage;
  std::vector<Comparison> bench;
  std::map<std::string, std::string> bench_labels;
  std::vector<std::string> bench_errors;
  double threshold = 25;
  bool has_baseline = false;
  bool bench_given = false;
  int ctest_failures = 0;

  bool failed() const { return !failures.empty() || ctest_failures > 0; }
  int regressions() const {
    int n = 0;
    for (const auto& c : bench) n += c.flagged;
    return n;
  }
};

// seed -> the suites that ran with it (a nightly run gives every suite the same seed).
std::map<std::string, std::vector<std::string>> seed_groups(const Report& rep) {
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& [suite, seed] : rep.seeds) out[seed].push_back(suite);
  return out;
}

std::string suite_status(const SuiteRow& r) {
  return r.failed > 0 || r.ctest.failed > 0 ? "FAIL" : "pass";
}

std::string run_name(const std::string& label) { return label.empty() ? "release" : label; }

std::string on_target_status(const OnTargetRun& t) {
  if (t.status == "run") return "pass";
  if (t.status == "fail") return "FAIL";
  return t.counts.rfind("SKIPPED", 0) == 0 ? "skipped" : "not run";
}

// One run of one executable in a few words; with_status adds "pass" / "FAIL" in front.
std::string run_cell(const SuiteRow& r, bool with_status) {
  std::string out = with_status ? suite_status(r) + " " : "";
  if (r.has_ctest) {
    const int total = r.ctest.passed + r.ctest.failed + r.ctest.not_run;
    out += "ctest " + std::to_string(r.ctest.passed) + "/" + std::to_string(total);
    if (r.ctest.not_run) out += " (" + std::to_string(r.ctest.not_run) + " not run)";
  }
  if (r.passed + r.failed + r.skipped > 0) {
    out += std::string(r.has_ctest ? "; " : "") + "gtest " + std::to_string(r.passed) + " passed";
    if (r.failed) out += ", " + std::to_string(r.failed) + " failed";
    if (r.skipped) out += ", " + std::to_string(r.skipped) + " skipped";
  } else if (!r.has_ctest) {
    out += r.ctest.failed ? "failed (ctest log)" : "no record";
  }
  return out;
}

// executable -> run label -> its row ("exe [label]" keys split back).
std::map<std::string, std::map<std::string, SuiteRow>> suite_groups(const Report& rep) {
  std::map<std::string, std::map<std::string, SuiteRow>> out;
  for (const auto& [name, row] : rep.suites) {
    const auto bracket = name.find(" [");
    if (bracket == std::string::npos || name.back() != ']') {
      out[name][""] = row;
    } else {
      out[name.substr(0, bracket)][name.substr(bracket + 2, name.size() - bracket - 3)] = row;
    }
  }
  return out;
}

void write_markdown(const Report& rep, const std::string& file) {
  std::ostringstream o;
  o << "# " << rep.title << "\n\n";
  o << "**" << (rep.failed() ? "FAILED" : "PASSED") << "**: " << rep.results.at("passed") << " passed, "
    << rep.results.at("failed") << " failed, " << rep.results.at("skipped") << " skipped (gtest records of all runs)";
  if (rep.ctest_failures > 0) o << "; ctest reported " << rep.ctest_failures << " failing test(s)";
  if (rep.bench_given) {
    o << "; benchmarks: " << rep.regressions() << " worse than the baseline by more than "
      << fixed(rep.threshold, 0) << "%";
  }
  o << "\n\n";
  for (const auto& [k, v] : rep.notes) o << "- " << md_cell(k) << ": " << md_cell(v) << "\n";
  if (!rep.notes.empty()) o << "\n";

  const auto groups = suite_groups(rep);
  o << "## Suites\n\n| executable |";
  std::string suite_sep = "|---|";
  for (const auto& label : rep.labels) {
    o << " " << md_cell(run_name(label)) << " |";
    suite_sep += "---|";
  }
  o << " seed |\n" << suite_sep << "---|\n";
  for (const auto& [exe, per_run] : groups) {
    o << "| " << md_cell(exe, true) << " |";
    std::string seed;
    for (const auto& label : rep.labels) {
      const auto it = per_run.find(label);
      o << " " << (it == per_run.end() ? std::string("-") : run_cell(it->second, true)) << " |";
      if (it != per_run.end() && seed.empty()) seed = it->second.seed;
    }
    o << " " << md_cell(seed) << " |\n";
  }
  if (!rep.on_target.empty()) {
    o << "\n## On the emulated cores\n\nThe on-target tests' case counts, from the last counts line of each "
         "test's output in the JUnit file (-: the test prints none).\n\n| test | run | status | counts |\n|---|---|---|---|\n";
    for (const auto& [label, t] : rep.on_target) {
      o << "| " << md_cell(t.test, true) << " | " << md_cell(run_name(label)) << " | " << on_target_status(t)
        << " | " << md_cell(t.counts.empty() ? "-" : t.counts) << " |\n";
    }
  }
  o << "\n## Failures\n\n";
  if (rep.failures.empty() && rep.ctest_failures == 0) o << "none\n";
  for (const auto& f : rep.failures) {
    o << "### " << md_cell(f.value("suite", "?")) << " " << md_cell(f.value("test", "?")) << "\n\n";
    if (f.contains("counterexample")) o << "- counterexample: " << md_cell(f.value("counterexample", ""), true) << "\n";
    o << "- replay: " << md_cell(f.value("replay", "?"), true) << "\n";
    if (f.contains("seed")) o << "- seed: " << f["seed"].dump() << "\n";
    o << "\n" << md_fence(f.value("message", "")) << "\n";
  }

  o << "\n## Coverage matrix\n\nCases evaluated by the differential suites per dispatch path and value of each "
       "dimension (shrinking included). `-`: the path does not admit the value.\n\n";
  if (rep.coverage.total.empty()) {
    o << "no coverage recorded\n";
  } else {
    for (const auto& part : coverage_parts()) {
      o << "| path |" << (part.front() == dimensions().front() ? " cases | combinations |" : "");
      std::string sep = part.front() == dimensions().front() ? "|---|---:|---:|" : "|---|";
      for (const auto& dim : part) {
        for (const auto& v : rep.coverage.values.at(dim)) {
          o << " " << md_cell(dim + " " + v) << " |";
          sep += "---:|";
        }
      }
      o << "\n" << sep << "\n";
      for (const auto& [path, total] : rep.coverage.total) {
        o << "| " << md_cell(path, true) << " |";
        if (part.front() == dimensions().front()) {
          o << " " << total << " | " << rep.coverage.combinations.at(path).size() << " |";
        }
        for (const auto& dim : part) {
          for (const auto& v : rep.coverage.values.at(dim)) {
            const int64_t n = rep.coverage.count(path, dim, v);
            o << " " << (!valid_for_path(path, dim, v) && n == 0 ? "-" : n == 0 ? "**0**" : std::to_string(n)) << " |";
          }
        }
        o << "\n";
      }
      o << "\n";
    }
    o << "\nNever exercised although the path admits them:\n\n";
    bool any = false;
    for (const auto& [path, total] : rep.coverage.total) {
      const auto missing = rep.coverage.never(path);
      if (missing.empty()) continue;
      any = true;
      o << "- " << md_cell(path, true) << ":";
      for (const auto& m : missing) o << " " << md_cell(m, true);
      o << "\n";
    }
    if (!any) o << "- nothing: every admitted value of every dimension was exercised on every path\n";
  }


  o << "\n## Benchmarks\n\n";
  for (const auto& e : rep.bench_errors) o << "- error: " << md_cell(e) << "\n";
  if (rep.bench.empty()) {
    o << "no benchmark results given\n";
  } else {
    std::string group;
    for (const auto& c : rep.bench) {
      if (c.m.group != group) {
        group = c.m.group;
        o << "\n" << md_cell(group) << "\n\n| metric | current | baseline | change | |\n|---|---:|---:|---:|---|\n";
      }
      const auto label = rep.bench_labels.find(c.m.key);
      const std::string what =
          c.m.what + (label != rep.bench_labels.end() && !label->second.empty() ? " (" + label->second + ")" : "");
      o << "| " << md_cell(what) << " | " << metric_value(c.m.value, c.m.unit) << " | "
        << (c.has_baseline ? metric_value(c.baseline, c.m.unit) : "-") << " | " << change_text(c) << " | "
        << (c.flagged ? "**WORSE**" : "") << " |\n";
    }
    o << "\nchange: positive is better; a metric is flagged when it is worse than the baseline by more than "
      << fixed(rep.threshold, 0) << "%" << (rep.has_baseline ? "" : " (no baseline given)") << ".\n";
  }
  o << "\n## Seeds\n\n";
  for (const auto& [seed, suites] : seed_groups(rep)) {
    o << "- " << md_cell(seed, true) << ":";
    for (const auto& suite : suites) o << " " << md_cell(suite);
    o << "\n";
  }
  o << "\nReplay one suite with `CONFORMANCE_SEED=<seed>` (or the replay command of a failure).\n";
  std::ofstream(file) << o.str();
}

const char* kCss = R"css(
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 24px; color: #222; max-width: 1240px; }
h1 { margin: 0 0 8px 0; font-size: 24px; }
h2 { margin-top: 28px; border-bottom: 2px solid #ddd; padding-bottom: 4px; font-size: 19px; }
h3 { font-size: 15px; margin: 16px 0 4px 0; }
.badge { display: inline-block; padding: 4px 12px; border-radius: 4px; color: #fff; font-weight: bold; }
.ok { background: #1e8449; } .bad { background: #c0392b; } .warn { background: #d68910; }
table { border-collapse: collapse; margin: 8px 0; font-size: 13px; }
th, td { border: 1px solid #ccc; padding: 3px 7px; text-align: left; vertical-align: top; }
th { background: #f0f3f5; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
td.zero { background: #fadbd8; color: #922b21; font-weight: bold; text-align: right; }
td.na { color: #aaa; text-align: center; background: #fafafa; }
tr.fail td { background: #fdedec; }
td.fail { color: #c0392b; font-weight: bold; } td.pass { color: #1e8449; }
table.cov { font-size: 11.5px; } table.cov th, table.cov td { padding: 2px 4px; }
table.cov th.dim { text-align: center; background: #e5e8ec; }
table.cov td:first-child code, table.ot td:first-child code { white-space: nowrap; word-break: normal; }
pre { background: #f6f8fa; border: 1px solid #ddd; padding: 8px; font-size: 12px; overflow-x: auto; white-space: pre-wrap; word-break: break-all; }
code { background: #f3f3f3; padding: 1px 3px; font-size: 12px; word-break: break-all; }
ul.notes { list-style: none; padding: 0; margin: 8px 0; } ul.notes li { margin: 2px 0; }
.muted { color: #666; font-size: 13px; }
)css";

void write_html(const Report& rep, const std::string& file) {
  std::ostringstream o;
  o << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>" << html_escape(rep.title)
    << "</title>\n<style>" << kCss << "</style></head><body>\n";
  o << "<h1>" << html_escape(rep.title) << "</h1>\n<p><span class=\"badge " << (rep.failed() ? "bad" : "ok") << "\">"
    << (rep.failed() ? "FAILED" : "PASSED") << "</span> " << rep.results.at("passed") << " passed, "
    << rep.results.at("failed") << " failed, " << rep.results.at("skipped") << " skipped (gtest records of all runs)";
  if (rep.ctest_failures > 0) o << "; ctest reported " << rep.ctest_failures << " failing test(s)";
  if (rep.bench_given) {
    const int r = rep.regressions();
    o << " &nbsp; <span class=\"badge " << (r ? "warn" : "ok") << "\">benchmarks: " << r
      << " worse than the baseline</span>";
  }
  o << "</p>\n";
  if (!rep.notes.empty()) {
    o << "<ul class=\"notes\">\n";
    for (const auto& [k, v] : rep.notes) o << "<li><b>" << html_escape(k) << ":</b> " << html_escape(v) << "</li>\n";
    o << "</ul>\n";
  }

  const auto groups = suite_groups(rep);
  o << "<h2>Suites</h2>\n<table><tr><th>executable</th>";
  for (const auto& label : rep.labels) o << "<th>" << html_escape(run_name(label)) << "</th>";
  o << "<th>seed</th></tr>\n";
  for (const auto& [exe, per_run] : groups) {
    bool bad = false;
    for (const auto& [label, r] : per_run) bad = bad || suite_status(r) == "FAIL";
    o << "<tr" << (bad ? " class=\"fail\"" : "") << "><td><code>" << html_escape(exe) << "</code></td>";
    std::string seed;
    for (const auto& label : rep.labels) {
      const auto it = per_run.find(label);
      if (it == per_run.end()) {
        o << "<td class=\"na\">not run</td>";
        continue;
      }
      const bool fail = suite_status(it->second) == "FAIL";
      o << "<td><span class=\"" << (fail ? "fail" : "pass") << "\">" << suite_status(it->second) << "</span> "
        << html_escape(run_cell(it->second, false)) << "</td>";
      if (seed.empty()) seed = it->second.seed;
    }
    o << "<td>" << html_escape(seed) << "</td></tr>\n";
  }
  o << "</table>\n<p class=\"muted\">ctest: tests passed / ctest tests of the executable (from the JUnit file); "
       "gtest: results of the tests' own records (skipped: golden cases of the other rounding build).</p>\n";

  if (!rep.on_target.empty()) {
    o << "<h2>On the emulated cores</h2>\n<table class=\"ot\"><tr><th>test</th><th>run</th><th>status</th><th>counts</th></tr>\n";
    for (const auto& [label, t] : rep.on_target) {
      const std::string status = on_target_status(t);
      o << "<tr" << (status == "FAIL" ? " class=\"fail\"" : "") << "><td><code>" << html_escape(t.test)
        << "</code></td><td>" << html_escape(run_name(label)) << "</td><td class=\""
        << (status == "FAIL" ? "fail" : "pass") << "\">" << status << "</td><td>"
        << html_escape(t.counts.empty() ? "-" : t.counts) << "</td></tr>\n";
    }
    o << "</table>\n<p class=\"muted\">The last counts line of each on-target test's output (JUnit file); "
         "-: the test prints none.</p>\n";
  }

  o << "<h2>Failures</h2>\n";
  if (rep.failures.empty() && rep.ctest_failures == 0) o << "<p>none</p>\n";
  for (const auto& f : rep.failures) {
    o << "<h3>" << html_escape(f.value("suite", "?")) << " &mdash; " << html_escape(f.value("test", "?")) << "</h3>\n";
    o << "<table>";
    if (f.contains("counterexample")) {
      o << "<tr><th>counterexample</th><td><code>" << html_escape(f.value("counterexample", "")) << "</code></td></tr>";
    }
    o << "<tr><th>replay</th><td><code>" << html_escape(f.value("replay", "?")) << "</code></td></tr>";
    if (f.contains("seed")) o << "<tr><th>seed</th><td>" << html_escape(f["seed"].dump()) << "</td></tr>";
    o << "</table>\n<pre>" << html_escape(f.value("message", "")) << "</pre>\n";
  }

  o << "<h2>Coverage matrix</h2>\n<p class=\"muted\">Cases evaluated by the differential suites (shrinking "
       "included) per dispatch path and value of each dimension; a red 0 is a value the path admits that no case "
       "exercised, &ndash; a value the path does not admit. <i>combinations</i>: distinct keys of all seven "
       "dimensions seen on the path.</p>\n";
  if (rep.coverage.total.empty()) {
    o << "<p>no coverage recorded</p>\n";
  } else {
    for (const auto& part : coverage_parts()) {
      const bool first = part.front() == dimensions().front();
      o << "<table class=\"cov\"><tr><th rowspan=\"2\">path</th>";
      if (first) o << "<th rowspan=\"2\">cases</th><th rowspan=\"2\">combi&shy;nations</th>";
      for (const auto& dim : part) {
        o << "<th class=\"dim\" colspan=\"" << rep.coverage.values.at(dim).size() << "\">" << html_escape(dim)
          << "</th>";
      }
      o << "</tr>\n<tr>";
      for (const auto& dim : part) {
        for (const auto& v : rep.coverage.values.at(dim)) o << "<th>" << html_escape(v) << "</th>";
      }
      o << "</tr>\n";
      for (const auto& [path, total] : rep.coverage.total) {
        o << "<tr><td><code>" << html_escape(path) << "</code></td>";
        if (first) {
          o << "<td class=\"n\">" << total << "</td><td class=\"n\">" << rep.coverage.combinations.at(path).size()
            << "</td>";
        }
        for (const auto& dim : part) {
          for (const auto& v : rep.coverage.values.at(dim)) {
            const int64_t n = rep.coverage.count(path, dim, v);
            if (n == 0 && !valid_for_path(path, dim, v)) {
              o << "<td class=\"na\">&ndash;</td>";
            } else if (n == 0) {
              o << "<td class=\"zero\">0</td>";
            } else {
              o << "<td class=\"n\">" << n << "</td>";
            }
          }
        }
        o << "</tr>\n";
      }
      o << "</table>\n";
    }
    o << "<h3>Never exercised although the path admits them</h3>\n<ul>\n";
    bool any = false;
    for (const auto& [path, total] : rep.coverage.total) {
      const auto missing = rep.coverage.never(path);
      if (missing.empty()) continue;
      any = true;
      o << "<li><code>" << html_escape(path) << "</code>:";
      for (const auto& m : missing) o << " <code>" << html_escape(m) << "</code>";
      o << "</li>\n";
    }
    if (!any) o << "<li>nothing: every admitted value of every dimension was exercised on every path</li>\n";
    o << "</ul>\n";
  }


  o << "<h2>Benchmarks</h2>\n";
  for (const auto& e : rep.bench_errors) o << "<p class=\"fail\">" << html_escape(e) << "</p>\n";
  if (rep.bench.empty()) {
    o << "<p>no benchmark results given</p>\n";
  } else {
    o << speedup_chart(rep.bench, rep.bench_labels);
    o << "<p class=\"muted\">Bars: this run; black ticks: the baseline; dashed red line: the 10x requirement. "
         "Change: positive is better; flagged when worse than the baseline by more than "
      << fixed(rep.threshold, 0) << "%" << (rep.has_baseline ? "" : " (no baseline given)") << ".</p>\n";
    std::string group;
    for (const auto& c : rep.bench) {
      if (c.m.group != group) {
        if (!group.empty()) o << "</table>\n";
        group = c.m.group;
        o << "<h3>" << html_escape(group) << "</h3>\n<table><tr><th>metric</th><th>current</th><th>baseline</th>"
             "<th>change</th><th></th></tr>\n";
      }
      const auto label = rep.bench_labels.find(c.m.key);
      const std::string what =
          c.m.what + (label != rep.bench_labels.end() && !label->second.empty() ? " (" + label->second + ")" : "");
      o << "<tr" << (c.flagged ? " class=\"fail\"" : "") << "><td>" << html_escape(what) << "</td><td class=\"n\">"
        << html_escape(metric_value(c.m.value, c.m.unit)) << "</td><td class=\"n\">"
        << (c.has_baseline ? html_escape(metric_value(c.baseline, c.m.unit)) : "&ndash;") << "</td><td class=\"n\">"
        << html_escape(change_text(c)) << "</td><td class=\"fail\">" << (c.flagged ? "WORSE" : "") << "</td></tr>\n";
    }
    o << "</table>\n";
  }
  o << "<h2>Seeds</h2>\n<table><tr><th>seed</th><th>suites</th></tr>\n";
  for (const auto& [seed, suites] : seed_groups(rep)) {
    o << "<tr><td><code>" << html_escape(seed) << "</code></td><td>";
    for (size_t i = 0; i < suites.size(); ++i) o << (i ? ", " : "") << html_escape(suites[i]);
    o << "</td></tr>\n";
  }
  o << "</table>\n<p class=\"muted\">Replay a suite with <code>CONFORMANCE_SEED=&lt;seed&gt;</code> (or the replay "
       "command of a failure).</p>\n";
  o << "</body></html>\n";
  std::ofstream(file) << o.str();
}

int bench_compare_main(int argc, char** argv) {
  std::string baseline;
  double threshold = -1;
  std::vector<std::string> files;
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--baseline" && i + 1 < argc) {
      baseline = argv[++i];
    } else if (a == "--threshold" && i + 1 < argc) {
      threshold = std::stod(argv[++i]);
    } else {
      files.push_back(a);
    }
  }
  if (baseline.empty() || files.empty()) {
    std::cerr << "usage: conformance_summary bench-compare --baseline FILE [--threshold PERCENT] BENCH.json...\n";
    return 2;
  }
  std::vector<std::string> errors;
  std::map<std::string, std::string> labels;
  const auto metrics = bench_metrics(files, errors, labels);
  std::string error;
  auto rows = compare(metrics, baseline, threshold, error);
  for (const auto& e : errors) std::cerr << "bench-compare: " << e << "\n";
  if (!error.empty()) {
    std::cerr << "bench-compare: " << error << "\n";
    return 2;
  }
  std::vector<Comparison> compared;
  for (const auto& r : rows) {
    if (r.has_baseline) compared.push_back(r);
  }
  print_comparison(std::cout, compared, threshold);
  int flagged = 0;
  for (const auto& r : compared) flagged += r.flagged;
  if (compared.empty()) {
    std::cerr << "bench-compare: no metric of the baseline found in the benchmark files\n";
    return 2;
  }
  std::cout << (flagged ? std::to_string(flagged) + " metric(s) worse than the baseline\n"
                        : std::string("no metric worse than the baseline\n"));
  return flagged ? 1 : 0;
}

int bench_baseline_main(int argc, char** argv) {
  std::string out_file;
  std::vector<std::string> files;
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--out" && i + 1 < argc) {
      out_file = argv[++i];
    } else {
      files.push_back(a);
    }
  }
  if (out_file.empty() || files.empty()) {
    std::cerr << "usage: conformance_summary bench-baseline --out FILE BENCH.json...\n";
    return 2;
  }
  std::vector<std::string> errors;
  std::map<std::string, std::string> labels;
  const auto metrics = bench_metrics(files, errors, labels);
  for (const auto& e : errors) std::cerr << "bench-baseline: " << e << "\n";
  json doc;
  doc["comment"] =
      "Benchmark baseline of scripts/nightly.sh: ratios (target speed-up over the reference per conv_bench shape, "
      "lowering_bench execute speed-ups) and the pass pipeline's microseconds per node at 1000 nodes. Rewrite with "
      "conformance_summary bench-baseline --out bench/baseline.json conv_bench.json lowering_bench.json";
  doc["threshold_percent"] = 25;
  json m = json::object();
  for (const auto& metric : metrics) {
    if (metric.key.rfind("pipeline/", 0) == 0 && metric.key != "pipeline/chain/1000") continue;
    json e;
    e["value"] = std::round(metric.value * 100) / 100;
    e["unit"] = metric.unit;
    e["better"] = metric.higher_is_better ? "higher" : "lower";
    e["what"] = metric.group + ": " + metric.what;
    m[metric.key] = e;
  }
  doc["metrics"] = m;
  std::ofstream(out_file) << doc.dump(2) << "\n";
  std::cout << "wrote " << m.size() << " metrics to " << out_file << "\n";
  return m.empty() ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && std::string(argv[1]) == "bench-compare") return bench_compare_main(argc, argv);
  if (argc >= 2 && std::string(argv[1]) == "bench-baseline") return bench_baseline_main(argc, argv);
  if (argc < 2) {
    std::cerr << "usage: conformance_summary RESULTS_DIR [--ctest-failed FILE] [--build-dir DIR] [--junit FILE]\n"
                 "         [--run LABEL RESULTS_DIR [--ctest-failed FILE] [--build-dir DIR] [--junit FILE]]...\n"
                 "         [--markdown FILE] [--html FILE] [--title TEXT] [--note KEY=VALUE]...\n"
                 "         [--bench FILE]... [--baseline FILE] [--threshold PERCENT]\n"
                 "       conformance_summary bench-compare --baseline FILE [--threshold PERCENT] BENCH.json...\n"
                 "       conformance_summary bench-baseline --out FILE BENCH.json...\n";
    return 2;
  }
  std::vector<Run> runs(1);
  runs[0].dir = argv[1];
  std::string markdown_file, html_file, baseline_file;
  std::vector<std::string> bench_files;
  double threshold = -1;
  Report rep;
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string key = argv[i];
    const std::string value = argv[i + 1];
    if (key == "--ctest-failed") runs.back().ctest_failed = value;
    if (key == "--build-dir") runs.back().build_dir = value;
    if (key == "--junit") runs.back().junit = value;
    if (key == "--run" && i + 2 < argc) {
      Run r;
      r.label = value;
      r.dir = argv[i + 2];
      runs.push_back(r);
      ++i;
    }
    if (key == "--markdown") markdown_file = value;
    if (key == "--html") html_file = value;
    if (key == "--title") rep.title = value;
    if (key == "--bench") bench_files.push_back(value);
    if (key == "--baseline") baseline_file = value;
    if (key == "--threshold") threshold = std::stod(value);
    if (key == "--note") {
      const auto eq = value.find('=');
      rep.notes.emplace_back(value.substr(0, eq), eq == std::string::npos ? "" : value.substr(eq + 1));
    }
  }

  std::map<std::string, int>& results = rep.results;
  results["passed"] += 0;
  results["failed"] += 0;
  results["skipped"] += 0;
  std::map<std::string, int> skipped_by_suite;
  std::map<std::string, int64_t> families, paths;
  std::set<std::string> expected_paths;
  std::map<std::string, uint64_t> seeds;
  std::vector<json>& failures = rep.failures;
  for (Run& run : runs) {
    rep.labels.push_back(run.label);
    std::set<std::string> recorded_tests, recorded_suites;
    const bool primary = run.label.empty();
    if (std::filesystem::is_directory(run.dir)) {
      std::vector<std::filesystem::path> files;
      for (const auto& entry : std::filesystem::directory_iterator(run.dir)) {
        if (entry.path().extension() == ".jsonl") files.push_back(entry.path());
      }
      std::sort(files.begin(), files.end());
      for (const auto& file : files) {
        std::ifstream in(file);
        for (std::string line; std::getline(in, line);) {
          json r = json::parse(line, nullptr, false);
          if (r.is_discarded() || !r.is_object()) continue;
          const std::string result = r.value("result", "?");
          ++results[result];
          const std::string suite = r.value("suite", "?");
          const std::string shown = display_suite(suite, run.label);
          SuiteRow& row = rep.suites[shown];
          if (result == "passed") ++row.passed;
          if (result == "failed") ++row.failed;
          if (result == "skipped") {
            ++row.skipped;
            ++skipped_by_suite[shown];
          }
          row.seed = std::to_string(r.value("seed", uint64_t{0}));
          rep.seeds[shown] = row.seed;
          if (primary) seeds[suite] = r.value("seed", uint64_t{0});
          recorded_tests.insert(suite + ":" + r.value("test", "?"));
          recorded_suites.insert(suite);
          if (primary) {
            if (r.contains("families") && r["families"].is_object()) {
              for (const auto& [family, count] : r["families"].items()) families[family] += count.get<int64_t>();
            }
            const bool dispatch = r.contains("families") && r["families"].contains("dispatch");
            if (r.contains("paths") && r["paths"].is_object()) {
              for (const auto& [path, count] : r["paths"].items()) {
                if (dispatch) {
                  expected_paths.insert(path);
                } else {
                  paths[path] += count.get<int64_t>();
                }
              }
            }
            if (r.contains("coverage") && r["coverage"].is_object()) {
              for (const auto& [key, count] : r["coverage"].items()) rep.coverage.add(key, count.get<int64_t>());
            }
          }
          if (result == "failed") {
            r["suite"] = shown;
            failures.push_back(r);
          }
        }
      }
    }
    if (!run.junit.empty()) {
      std::vector<OnTargetRun> on_target;
      run.junit_read = read_ctest_junit(run.junit, run.ctest_by_exe, on_target);
      for (const auto& t : on_target) rep.on_target.emplace_back(run.label, t);
      for (const auto& [exe, counts] : run.ctest_by_exe) {
        SuiteRow& row = rep.suites[display_suite(exe, run.label)];
        row.ctest = counts;
        row.has_ctest = true;
      }
    }
    if (!run.ctest_failed.empty()) {
      std::ifstream in(run.ctest_failed);
      for (std::string line; std::getline(in, line);) {
        const auto colon = line.find(':');
        const std::string name = colon == std::string::npos ? line : line.substr(colon + 1);
        if (name.empty()) continue;
        ++rep.ctest_failures;
        if (!recorded_tests.count(name) && !recorded_suites.count(name)) {
          // No record: the test crashed or timed out before it could write one.
          json r;
          r["suite"] = display_suite("ctest", run.label);
          r["test"] = name;
          r["message"] = "no record written (crash, timeout or a failure outside gtest)";
          r["replay"] = "ctest --test-dir " + run.build_dir + " -R '^" + name + "$' --output-on-failure";
          failures.push_back(r);
          SuiteRow& row = rep.suites[display_suite(executable_of(name), run.label)];
          if (!row.has_ctest) row.ctest.failed += 1;  // counted from the log when no JUnit file says so
        }
      }
    }
  }
  rep.coverage.finish();

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

  if (!rep.on_target.empty()) {
    std::cout << "on the emulated cores (last counts line of each on-target test):\n";
    for (const auto& [label, t] : rep.on_target) {
      if (t.counts.empty() && t.status == "run") continue;  // a pack writer, a smoke test
      std::cout << "  " << t.test << (label.empty() ? "" : " [" + label + "]") << ": " << on_target_status(t)
                << (t.counts.empty() ? "" : ", " + t.counts) << "\n";
    }
  }

  if (!bench_files.empty()) {
    rep.bench_given = true;
    const auto metrics = bench_metrics(bench_files, rep.bench_errors, rep.bench_labels);
    std::string error;
    rep.bench = compare(metrics, baseline_file, threshold, error);
    if (!error.empty()) rep.bench_errors.push_back(error);
    rep.threshold = threshold;
    rep.has_baseline = !baseline_file.empty() && error.empty();
  }
  if (!markdown_file.empty()) write_markdown(rep, markdown_file);
  if (!html_file.empty()) write_html(rep, html_file);

  if (failures.empty() && rep.ctest_failures == 0) {
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
