// conformance pack: the cases the on-target runner replays, in the binary format of
// on_target/pack/pack_format.h. Every golden op case plus N cases drawn from the property
// generators, each with the reference's expected output in the pack's rounding (never the
// kernels' output: this tool links them, but nothing here calls them).
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <sstream>

#include <rapidcheck.h>

#include "cli.h"
#include "conf/golden.h"
#include "gens/conv_gen.h"
#include "pack_format.h"
#include "ref/quant.h"

namespace cli {

namespace {

const char* kPackUsage = R"(usage:
  conformance pack --out FILE [--rounding double|single] [--cases N] [--seed S]
                   [--golden DIR|none] [--max-macs M]
      every golden op case under DIR (default: the golden folder) and N generated cases
      (default $CONFORMANCE_CASES, else 300; seed default $CONFORMANCE_SEED, else random)
  conformance pack --seed S --index I --write-case FILE [--rounding R] [--max-macs M]
      generated case I of seed S alone, as a golden JSON file the host suites replay
      (conformance explain FILE [--kernels target:PATH])
  --corrupt-expected: a self-test of the runner, one expected value of every case changed
      (every case must then fail)
Generated case I uses family I mod 11 and rapidcheck size I mod 101, with a random engine
keyed by (S, I): any one case is reproducible without the others.
)";

[[noreturn]] void pack_usage_error(const std::string& message) {
  std::cerr << "conformance pack: " << message << "\n" << kPackUsage;
  std::exit(2);
}

constexpr gens::Family kFamilies[] = {
    gens::Family::conv_1x1,          gens::Family::conv_1x1_strided,
    gens::Family::conv_1xn,          gens::Family::conv_nx1,
    gens::Family::conv_generic,      gens::Family::conv_any,
    gens::Family::depthwise_3x3,     gens::Family::depthwise_mult1,
    gens::Family::depthwise_generic, gens::Family::depthwise_single_channel,
    gens::Family::depthwise_any,
};
constexpr uint64_t kFamilyCount = sizeof kFamilies / sizeof kFamilies[0];
constexpr int64_t kDefaultMaxMacs = 250000;

uint64_t unsigned_option(const Args& args, const std::string& key, const char* env, uint64_t fallback) {
  std::string text = args.get(key);
  if (text.empty() && env != nullptr && std::getenv(env) != nullptr) text = std::getenv(env);
  if (text.empty()) return fallback;
  char* end = nullptr;
  const unsigned long long value = std::strtoull(text.c_str(), &end, 10);
  if (*end != '\0' || text[0] == '-') pack_usage_error("--" + key + " expects a non-negative integer, got '" + text + "'");
  return value;
}

struct Generated {
  conf::ConvCase c;
  gens::Family family;
  int size;
};

Generated generate(uint64_t seed, uint64_t index, int64_t max_macs) {
  gens::Budget budget;
  budget.max_macs = max_macs;
  budget.max_input_elements = std::min<int64_t>(budget.max_input_elements, std::max<int64_t>(max_macs / 4, 64));
  const gens::Family family = kFamilies[index % kFamilyCount];
  const int size = static_cast<int>(index % 101);
  const rc::Random random(rc::Random::Key{seed, index, 0x7061636bu, 0});
  return {gens::conv_case(family, budget)(random, size).value(), family, size};
}

std::string self_path() {
  std::error_code error;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", error);
  return error ? std::string("conformance") : exe.string();
}

// The host command that writes generated case `index` alone as a golden file and replays it.
std::string host_replay(uint64_t seed, uint64_t index, ref::Rounding rounding, int64_t max_macs) {
  std::ostringstream os;
  const std::string exe = self_path();
  os << exe << " pack --seed " << seed << " --index " << index << " --rounding " << ref::rounding_name(rounding);
  if (max_macs != kDefaultMaxMacs) os << " --max-macs " << max_macs;
  os << " --write-case case.json && " << exe << " explain case.json";
  return os.str();
}

class PackWriter {
 public:
  void add(const conf::ConvCase& c, const std::string& description, const std::string& status,
           const std::vector<int8_t>& expected) {
    std::string record;
    auto u32 = [&record](uint32_t v) { record.append(reinterpret_cast<const char*>(&v), 4); };
    auto i32 = [&u32](int32_t v) { u32(static_cast<uint32_t>(v)); };
    auto bytes = [&record](const void* data, size_t n) {
      record.append(static_cast<const char*>(data), n);
      record.append(pack::padded(static_cast<uint32_t>(n)) - n, '\0');
    };
    u32(0);  // record size, patched below
    u32(c.kind == conf::ConvKind::conv ? 0 : 1);
    // Dims as the host adapter (harness/target/target_kernels.cpp) passes them.
    const bool conv = c.kind == conf::ConvKind::conv;
    const int32_t fields[pack::kFieldCount] = {
        c.batch, c.in_h, c.in_w, c.in_channels,
        conv ? c.out_channels : 1, c.kernel_h, c.kernel_w, conv ? c.weight_in_channels() : c.out_channels,
        c.batch, c.out_h(), c.out_w(), c.out_channels,
        c.stride_h, c.stride_w, c.pad_top, c.pad_left, c.dilation_h, c.dilation_w,
        c.groups, c.depth_multiplier, c.input_offset, c.output_offset, c.activation_min, c.activation_max};
    for (int32_t f : fields) i32(f);
    const std::vector<int32_t> no_bias;
    const std::vector<int32_t>& bias = c.has_bias ? c.bias : no_bias;
    const uint32_t counts[pack::kCountCount] = {
        static_cast<uint32_t>(description.size()), static_cast<uint32_t>(status.size()),
        static_cast<uint32_t>(c.multiplier.size()), static_cast<uint32_t>(c.shift.size()),
        static_cast<uint32_t>(bias.size()),         static_cast<uint32_t>(c.input.size()),
        static_cast<uint32_t>(c.weight.size()),     static_cast<uint32_t>(expected.size())};
    for (uint32_t n : counts) u32(n);
    bytes(description.data(), description.size());
    bytes(status.data(), status.size());
    bytes(c.multiplier.data(), 4 * c.multiplier.size());
    bytes(c.shift.data(), 4 * c.shift.size());
    bytes(bias.data(), 4 * bias.size());
    bytes(c.input.data(), c.input.size());
    bytes(c.weight.data(), c.weight.size());
    bytes(expected.data(), expected.size());
    const uint32_t size = static_cast<uint32_t>(record.size());
    record.replace(0, 4, reinterpret_cast<const char*>(&size), 4);
    body_ += record;
    ++count_;
  }

  void write(const std::string& file, ref::Rounding rounding, uint64_t seed) const {
    std::string header(pack::kMagic, sizeof pack::kMagic);
    auto u32 = [&header](uint32_t v) { header.append(reinterpret_cast<const char*>(&v), 4); };
    u32(pack::kVersion);
    u32(rounding == ref::Rounding::single_rounding ? 1 : 0);
    u32(count_);
    u32(static_cast<uint32_t>(seed));
    u32(static_cast<uint32_t>(seed >> 32));
    u32(0);
    const auto parent = std::filesystem::absolute(file).parent_path();
    std::filesystem::create_directories(parent);
    const std::string temporary = file + ".partial";
    {
      std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
      out.write(header.data(), static_cast<std::streamsize>(header.size()));
      out.write(body_.data(), static_cast<std::streamsize>(body_.size()));
      if (!out) throw std::runtime_error("cannot write " + temporary);
    }
    std::filesystem::rename(temporary, file);
  }

  uint32_t count() const { return count_; }
  size_t bytes() const { return pack::kHeaderBytes + body_.size(); }

 private:
  std::string body_;
  uint32_t count_ = 0;
};

ref::Rounding pack_rounding(const Args& args) {
  const std::string name = args.get("rounding", "double");
  if (name != "double" && name != "single") pack_usage_error("--rounding is double or single, not '" + name + "'");
  return ref::parse_rounding(name);
}

// The reference's output in NHWC for a valid case.
std::vector<int8_t> reference_output(const conf::ConvCase& c, ref::Rounding rounding) {
  const ref::QuantizedConvResult result = conf::reference_result(c, rounding);
  if (!result.domain.ok()) {
    // Outside the kernels' int32 domain the expected output is not defined: not a test.
    throw std::runtime_error("case outside the kernels' domain (" + result.domain.describe() + "): " +
                             conf::describe(c));
  }
  return std::vector<int8_t>(result.output.data().begin(), result.output.data().end());
}

int write_one_case(const Args& args, ref::Rounding rounding, int64_t max_macs) {
  if (!args.has("seed") || !args.has("index")) pack_usage_error("--write-case needs --seed and --index");
  const uint64_t seed = unsigned_option(args, "seed", nullptr, 0);
  const uint64_t index = unsigned_option(args, "index", nullptr, 0);
  const Generated g = generate(seed, index, max_macs);
  conf::GoldenMeta meta;
  meta.name = "pack_seed" + std::to_string(seed) + "_case" + std::to_string(index);
  meta.description = std::string("generated by conformance pack (family ") + gens::family_name(g.family) +
                     ", size " + std::to_string(g.size) + ")";
  meta.tags = {"on-target", gens::family_name(g.family)};
  meta.rounding = rounding;
  const std::string out = args.get("write-case");
  auto doc = conf::case_document(g.c, meta);
  conf::add_reference_expectation(doc, out);
  conf::write_json_atomically(out, doc);
  std::cout << "wrote " << out << ": " << conf::describe(g.c) << "\n  replay: " << self_path() << " explain "
            << out << "\n";
  return 0;
}

}  // namespace

int pack_command(const Args& args) {
  if (args.has("help")) {
    std::cout << kPackUsage;
    return 0;
  }
  const ref::Rounding rounding = pack_rounding(args);
  const int64_t max_macs = static_cast<int64_t>(unsigned_option(args, "max-macs", nullptr, kDefaultMaxMacs));
  if (max_macs < 1) pack_usage_error("--max-macs must be at least 1");
  if (args.has("write-case")) return write_one_case(args, rounding, max_macs);
  if (!args.has("out")) pack_usage_error("--out FILE is required");

  const uint64_t seed = unsigned_option(args, "seed", "CONFORMANCE_SEED", std::random_device{}() * 4294967296ull + std::random_device{}());
  const uint64_t cases = unsigned_option(args, "cases", "CONFORMANCE_CASES", 300);
  PackWriter writer;
  std::map<std::string, int> per_source;
  const bool corrupt = args.has("corrupt-expected");
  auto expectation = [&](const conf::ConvCase& c) {
    std::vector<int8_t> expected = reference_output(c, rounding);
    if (corrupt && !expected.empty()) {
      int8_t& victim = expected[expected.size() / 2];
      victim = static_cast<int8_t>(victim == 127 ? 126 : victim + 1);
    }
    return expected;
  };

  const std::string golden = args.get("golden", conf::golden_dir());
  if (golden != "none") {
    const std::string exe = self_path();
    for (const std::string& file : golden_files({golden})) {
      if (conf::golden_format_of(file) != conf::kGoldenFormat) continue;  // model graphs
      const conf::GoldenCase g = conf::load_golden(file);
      if (g.compliance.mode != conf::Compliance::Mode::exact) {
        // The runner compares bit for bit; a case that allows differences stays on the host.
        std::cout << "pack: skipped " << file << " (compliance " << conf::to_string(g.compliance) << ")\n";
        ++per_source["golden skipped (not exact)"];
        continue;
      }
      const std::string description = "golden " + g.name + ": " + conf::describe(g.conv) + " | host: " + exe +
                                      " explain " + std::filesystem::absolute(file).string();
      const bool refusal = g.expected_status != "ok";
      // Re-derived in the pack's rounding, so every golden case runs in both roundings.
      writer.add(g.conv, description, g.expected_status,
                 refusal ? std::vector<int8_t>{} : expectation(g.conv));
      ++per_source[refusal ? "golden (refusals)" : "golden"];
    }
  }

  for (uint64_t index = 0; index < cases; ++index) {
    const Generated g = generate(seed, index, max_macs);
    conf::check_consistent(g.c);
    const std::string description = "generated seed=" + std::to_string(seed) + " index=" + std::to_string(index) +
                                    " family=" + gens::family_name(g.family) + ": " + conf::describe(g.c) +
                                    " | host: " + host_replay(seed, index, rounding, max_macs);
    writer.add(g.c, description, "ok", expectation(g.c));
    ++per_source[std::string("generated ") + gens::family_name(g.family)];
  }

  const std::string out = args.get("out");
  writer.write(out, rounding, seed);
  std::cout << "pack: wrote " << writer.count() << " cases (" << writer.bytes() << " bytes, rounding "
            << ref::rounding_name(rounding) << ", seed " << seed << ") to " << out << "\n";
  for (const auto& [source, count] : per_source) std::cout << "  " << source << ": " << count << "\n";
  return 0;
}

}  // namespace cli
