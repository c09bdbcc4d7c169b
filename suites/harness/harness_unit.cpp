// The harness itself: a comparison that cannot fail, a guard that sees nothing or a loader
// that accepts garbage would make every other verdict worthless.
#include <gtest/gtest.h>

#include <fstream>
#include <functional>

#include "conf/compare.h"
#include "conf/golden.h"
#include "conf/guarded_buffer.h"
#include "conf/recipe.h"

namespace {

using nlohmann::ordered_json;

// A 1x2x2x3 conv case (NHWC) with one 1x1 filter per channel pair, for comparisons.
conf::ConvCase small_case() {
  conf::ConvCase c;
  c.batch = 1;
  c.in_channels = 2;
  c.out_channels = 3;
  c.in_h = 2;
  c.in_w = 2;
  c.input = {1, 2, 3, 4, 5, 6, 7, 8};
  c.weight = {1, 0, 0, 1, 1, 1};
  c.multiplier.assign(3, 1 << 30);
  c.shift.assign(3, 1);  // scale 1
  return c;
}

TEST(Compare, ExactFailsOnOneDifferenceAndNamesItsCoordinates) {
  const auto c = small_case();
  const auto expected = conf::reference_result(c, ref::Rounding::double_rounding);
  std::vector<int8_t> actual = expected.output.data();
  EXPECT_TRUE(conf::compare_outputs(c, actual, expected, {}).pass());
  actual[3 * 3 + 2] += 1;  // pixel (h=1, w=1), channel 2
  const auto report = conf::compare_outputs(c, actual, expected, {});
  EXPECT_FALSE(report.pass());
  ASSERT_EQ(report.first.size(), 1u);
  EXPECT_EQ(report.first[0].h, 1);
  EXPECT_EQ(report.first[0].w, 1);
  EXPECT_EQ(report.first[0].c, 2);
  EXPECT_EQ(report.first[0].accumulator, 7 + 8);
  EXPECT_NE(report.describe().find("n=0 h=1 w=1 c=2"), std::string::npos) << report.describe();
  actual.pop_back();
  EXPECT_FALSE(conf::compare_outputs(c, actual, expected, {}).pass());
}

TEST(Compare, NearTieAllowsOneOnlyAtTies) {
  auto c = small_case();
  c.shift.assign(3, 0);  // scale 1/2: odd accumulators are exact ties
  const auto expected = conf::reference_result(c, ref::Rounding::double_rounding);
  const auto near_tie = conf::parse_compliance("near_tie");
  std::vector<int8_t> actual = expected.output.data();
  actual[0] -= 1;  // accumulator 1: 0.5, a tie
  EXPECT_TRUE(conf::compare_outputs(c, actual, expected, near_tie).pass());
  EXPECT_FALSE(conf::compare_outputs(c, actual, expected, {}).pass());
  actual = expected.output.data();
  actual[2] -= 1;  // channel 2 of pixel 0: accumulator 3 -> 1.5 is a tie too
  actual[5] -= 1;  // channel 2 of pixel 1: accumulator 7 -> 3.5 tie
  EXPECT_TRUE(conf::compare_outputs(c, actual, expected, near_tie).pass());
  actual[1] -= 1;  // channel 1 of pixel 0: accumulator 2 -> 1.0, not a tie
  EXPECT_FALSE(conf::compare_outputs(c, actual, expected, near_tie).pass());
  actual[1] -= 2;
  EXPECT_TRUE(conf::compare_outputs(c, actual, expected, conf::parse_compliance("qtol:3")).pass());
  EXPECT_FALSE(conf::compare_outputs(c, actual, expected, conf::parse_compliance("qtol:2")).pass());
  EXPECT_THROW(conf::parse_compliance("qtol:x"), std::invalid_argument);
  EXPECT_THROW(conf::parse_compliance("close enough"), std::invalid_argument);
}

TEST(GuardedBuffer, SeesWritesOnEitherSideAndInTheBody) {
  conf::GuardedBuffer b(16, 3);
  EXPECT_TRUE(b.guard_violations("output").empty());
  EXPECT_TRUE(b.body_untouched());
  b.data()[15] ^= 1;
  EXPECT_FALSE(b.body_untouched());
  EXPECT_TRUE(b.guard_violations("output").empty());
  b.data()[16] ^= 1;
  b.data()[-1] ^= 1;
  const auto problems = b.guard_violations("output");
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_NE(problems[0].find("before output"), std::string::npos) << problems[0];
  EXPECT_NE(problems[1].find("after output"), std::string::npos) << problems[1];
}

TEST(Recipe, IsThePublishedSplitMix64AndFnv1a) {
  // Published test vectors: SplitMix64 from seed 0, FNV-1a 64 of "a".
  conf::SplitMix64 rng(0);
  EXPECT_EQ(rng.next(), 0xE220A8397B1DCDAFull);
  EXPECT_EQ(rng.next(), 0x6E789E6AA1B965F4ull);
  EXPECT_EQ(conf::checksum({97}), "fnv1a64:af63dc4c8601ec8c");
  const conf::Recipe r{42, "uniform", -3, 3};
  EXPECT_EQ(conf::int8_from_recipe(r, 100), conf::int8_from_recipe(r, 100));
  for (int8_t v : conf::int8_from_recipe(r, 1000)) ASSERT_TRUE(v >= -3 && v <= 3);
  for (int8_t v : conf::int8_from_recipe({1, "extremes", -128, 127}, 100)) ASSERT_TRUE(v == -128 || v == 127);
  EXPECT_THROW(conf::int8_from_recipe({1, "gaussian", -128, 127}, 1), std::invalid_argument);
  EXPECT_THROW(conf::int8_from_recipe({1, "uniform", -1000, 127}, 1), std::invalid_argument);
}

ordered_json valid_document() {
  auto c = small_case();
  c.has_bias = true;
  c.bias = {5, -5, 100};
  conf::GoldenMeta meta;
  meta.name = "small";
  meta.tags = {"unit"};
  auto doc = conf::case_document(c, meta);
  conf::add_reference_expectation(doc, "small.json");
  return doc;
}

TEST(Golden, WrittenCasesReadBackUnchanged) {
  const auto doc = valid_document();
  const auto g = conf::parse_golden(doc, "small.json");
  EXPECT_EQ(g.name, "small");
  EXPECT_EQ(g.conv.input, small_case().input);
  EXPECT_EQ(g.conv.bias, (std::vector<int32_t>{5, -5, 100}));
  EXPECT_TRUE(g.has_expected_output);
  EXPECT_EQ(g.expected_output, conf::reference_result(g.conv, g.rounding).output.data());
  EXPECT_EQ(g.expected_checksum, conf::checksum(g.expected_output));
}

TEST(Golden, NchwAndOihwLayoutsAreConverted) {
  auto doc = valid_document();
  const auto nhwc = conf::parse_golden(doc, "x");
  // NCHW of the 1x2x2x2 input: channel 0 is {1, 3, 5, 7}, channel 1 {2, 4, 6, 8}.
  doc["tensors"]["input"] = {{"layout", "NCHW"}, {"values", {1, 3, 5, 7, 2, 4, 6, 8}}};
  // OIHW of 3x2x1x1 weights equals OHWI for a 1x1 kernel.
  doc["tensors"]["weight"]["layout"] = "OIHW";
  const auto nchw = conf::parse_golden(doc, "x");
  EXPECT_EQ(nchw.conv.input, nhwc.conv.input);
  EXPECT_EQ(nchw.conv.weight, nhwc.conv.weight);
}

// Each malformed document names its file and the JSON path of the bad field.
TEST(Golden, MalformedFilesNameTheFieldAndNeverCrash) {
  struct Bad {
    const char* json_path;
    std::function<void(ordered_json&)> spoil;
  };
  const std::vector<Bad> cases{
      {"/version", [](ordered_json& d) { d["version"] = 2; }},
      {"/format", [](ordered_json& d) { d["format"] = "other"; }},
      {"/name", [](ordered_json& d) { d.erase("name"); }},
      {"/op", [](ordered_json& d) { d["op"] = "conv3d"; }},
      {"/rounding", [](ordered_json& d) { d["rounding"] = "stochastic"; }},
      {"/compliance", [](ordered_json& d) { d["compliance"] = 3; }},
      {"/geometry/batch", [](ordered_json& d) { d["geometry"]["batch"] = "one"; }},
      {"/geometry/input_hw", [](ordered_json& d) { d["geometry"]["input_hw"] = {2}; }},
      {"/geometry/in_channels", [](ordered_json& d) { d["geometry"]["in_channels"] = 1000000000; }},
      {"/geometry/kernel_hw/0", [](ordered_json& d) { d["geometry"]["kernel_hw"] = {-5, 1}; }},
      {"/quantization/shift", [](ordered_json& d) { d["quantization"]["shift"] = {1, 2}; }},
      {"/quantization/multiplier/1", [](ordered_json& d) { d["quantization"]["multiplier"][1] = 1.5; }},
      {"/tensors/input/values", [](ordered_json& d) { d["tensors"]["input"]["values"] = {1, 2, 3}; }},
      {"/tensors/input/values/0", [](ordered_json& d) { d["tensors"]["input"]["values"][0] = 300; }},
      {"/tensors/input", [](ordered_json& d) { d["tensors"]["input"]["recipe"] = {{"seed", 1}, {"distribution", "uniform"}}; }},
      {"/tensors/weight/layout", [](ordered_json& d) { d["tensors"]["weight"]["layout"] = "HWIO"; }},
      {"/tensors/weight/recipe", [](ordered_json& d) {
         d["tensors"]["weight"] = {{"layout", "OHWI"}, {"recipe", {{"seed", 1}, {"distribution", "zipf"}}}};
       }},
      {"/tensors/bias/values", [](ordered_json& d) { d["tensors"]["bias"]["values"] = {1}; }},
      {"/expected/status", [](ordered_json& d) { d["expected"].erase("status"); }},
      {"/expected", [](ordered_json& d) { d["expected"] = {{"status", "ok"}}; }},
      {"/geometry", [](ordered_json& d) { d["geometry"]["stride_hw"] = {0, 1}; }},
      {"", [](ordered_json& d) { d = ordered_json::array(); }},
      // Small tensors, an enormous amount of work: refused before the reference runs.
      {"/geometry", [](ordered_json& d) {
         d["geometry"]["input_hw"] = {2048, 2048};
         d["geometry"]["padding_tblr"] = {4000, 4000, 4000, 4000};
         d["geometry"]["kernel_hw"] = {3, 3};
         d["tensors"]["input"] = {{"layout", "NHWC"}, {"recipe", {{"seed", 1}, {"distribution", "uniform"}}}};
         d["tensors"]["weight"] = {{"layout", "OHWI"}, {"recipe", {{"seed", 2}, {"distribution", "uniform"}}}};
       }},
  };
  for (const Bad& bad : cases) {
    auto doc = valid_document();
    bad.spoil(doc);
    try {
      conf::parse_golden(doc, "bad.json");
      ADD_FAILURE() << "accepted a document spoiled at " << bad.json_path;
    } catch (const conf::GoldenError& e) {
      EXPECT_EQ(e.file(), "bad.json");
      EXPECT_EQ(e.json_path(), bad.json_path) << e.what();
    }
  }
}

TEST(Golden, UnreadableFilesAreErrorsNotCrashes) {
  EXPECT_THROW(conf::load_golden("/nonexistent/case.json"), conf::GoldenError);
  const std::string path = ::testing::TempDir() + "/truncated.json";
  {
    std::ofstream out(path);
    out << conf::format_json(valid_document()).substr(0, 200);
  }
  try {
    conf::load_golden(path);
    ADD_FAILURE() << "a truncated file was accepted";
  } catch (const conf::GoldenError& e) {
    EXPECT_NE(std::string(e.what()).find("not valid JSON"), std::string::npos) << e.what();
  }
}

}  // namespace
