// Fuzz target: an op-level golden case (conf::parse_golden) from arbitrary bytes. The only
// acceptable outcomes are a parsed case or a conf::GoldenError.
#include "conf/golden.h"
#include "fuzz_target.h"

namespace fuzz {

Outcome run_one(const std::string& text, const std::string& name) {
  try {
    // The same reading as conf::load_golden: size and nesting limits, then nlohmann.
    const nlohmann::ordered_json document = conf::parse_json_text(text, name);
    const conf::GoldenCase c = conf::parse_golden(document, name);
    // What a replay touches next: sizes derived from the parsed geometry.
    (void)conf::describe(c.conv);
    return {};
  } catch (const conf::GoldenError& e) {
    return {true, e.what()};
  } catch (...) {
    abort_on_unexpected(name);
  }
}

}  // namespace fuzz
