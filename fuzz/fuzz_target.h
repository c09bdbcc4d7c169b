// What the two fuzz targets share with the replay program (see the section "Fuzzing and
// hostile files" of the top-level README).
//
// A target reads one input as a whole file would be read and sorts the outcome into
// accepted or rejected (a conf::GoldenError, or a verifier problem). Any other exception
// is a bug of the loaders: the target prints it and aborts, so libFuzzer keeps the input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace fuzz {

struct Outcome {
  bool rejected = false;
  std::string message;  // the GoldenError or the verifier's first problem; "" when accepted
};

// Runs the target's loaders on `text` as if it were the file `name`.
Outcome run_one(const std::string& text, const std::string& name);

// Prints "unexpected <type>: <what>" for the exception in flight and aborts.
[[noreturn]] void abort_on_unexpected(const std::string& name);

}  // namespace fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
