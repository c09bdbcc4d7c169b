// Op-level golden cases: one versioned JSON file per case (format in golden/README.md).
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "conf/compare.h"
#include "conf/conv_case.h"
#include "conf/recipe.h"
#include "ref/quant.h"

namespace conf {

constexpr const char* kGoldenFormat = "conv-conformance-case";
constexpr int kGoldenVersion = 1;

// A malformed file: what() reads "<file>: <json path>: <problem>".
class GoldenError : public std::runtime_error {
 public:
  GoldenError(const std::string& file, const std::string& json_path, const std::string& problem)
      : std::runtime_error(file + ": " + json_path + ": " + problem), file_(file), json_path_(json_path) {}
  const std::string& file() const { return file_; }
  const std::string& json_path() const { return json_path_; }

 private:
  std::string file_, json_path_;
};

struct GoldenCase {
  std::string file;
  std::string name;
  std::string description;
  std::vector<std::string> tags;
  ref::Rounding rounding = ref::Rounding::double_rounding;
  Compliance compliance;
  ConvCase conv;                      // tensors expanded, in NHWC / OHWI / IHWO
  std::string expected_status = "ok"; // a kernel status name for negative cases
  bool has_expected_output = false;
  std::vector<int8_t> expected_output;  // NHWC
  std::string expected_checksum;        // "" when absent
  nlohmann::ordered_json document;              // the file as read
};

// Parses one case. Throws GoldenError for unreadable files, bad JSON, and every field that
// is missing, of the wrong type, out of range, or inconsistent with the others. Sizes are
// bounded so a hostile file cannot ask for a huge allocation.
GoldenCase parse_golden(const nlohmann::ordered_json& document, const std::string& file);
GoldenCase load_golden(const std::string& file);

// Limits every JSON reader of golden files applies before looking at a document: deeper
// nesting would make copying, comparing or printing it recurse without bound.
constexpr size_t kMaxJsonDepth = 100;
constexpr size_t kMaxJsonBytes = size_t{256} << 20;

// The whole text of a file as one JSON document. Throws GoldenError(file, "", problem) for
// text that is not JSON, nests deeper than kMaxJsonDepth or is larger than kMaxJsonBytes.
nlohmann::ordered_json parse_json_text(const std::string& text, const std::string& file);
// The same for a file's contents (also when the file cannot be read).
nlohmann::ordered_json read_json_file(const std::string& file);
// Throws GoldenError(file, path of the first too deep value, ...) when a document nests
// deeper than kMaxJsonDepth (for documents built in memory; parse_json_text checks text).
void check_json_depth(const nlohmann::ordered_json& document, const std::string& file);

// Every *.json under dir, recursively, sorted. Throws std::runtime_error when dir is missing.
std::vector<std::string> list_golden_files(const std::string& dir);

// The "format" field of a golden file, or "" when the file is not readable JSON with one.
// Op cases and model graphs share golden/; each replay takes the files of its format.
std::string golden_format_of(const std::string& file);

// The folder of golden cases: $CONFORMANCE_GOLDEN_DIR if set, else the source tree's golden/.
std::string golden_dir();

// Two-space indented JSON with arrays of numbers kept on one line.
std::string format_json(const nlohmann::ordered_json& document);

// Writes through a temporary file and a rename, so an interrupted write never leaves half a case.
void write_json_atomically(const std::string& file, const nlohmann::ordered_json& document);

}  // namespace conf

namespace conf {

struct GoldenMeta {
  std::string name;
  std::string description;
  std::vector<std::string> tags;
  ref::Rounding rounding = ref::Rounding::double_rounding;
  Compliance compliance;
};

// How each tensor is stored: inline values (no recipe) or the recipe that regenerates it.
struct TensorRecipes {
  const Recipe* input = nullptr;
  const Recipe* weight = nullptr;
  const Recipe* bias = nullptr;
};

// A golden document for a case, without the "expected" section.
nlohmann::ordered_json case_document(const ConvCase& c, const GoldenMeta& meta, const TensorRecipes& recipes = {});

// Fills "expected" from the reference in the document's own rounding mode (never from the
// code under test): status ok, the output values when at most max_inline elements, and
// always the checksum. Throws GoldenError when the case is invalid or outside the kernels'
// int32 domain.
void add_reference_expectation(nlohmann::ordered_json& document, const std::string& file, size_t max_inline = 65536);

// An "expected" section for a case the kernels must refuse with `status`.
void add_refusal_expectation(nlohmann::ordered_json& document, const std::string& status);

}  // namespace conf
