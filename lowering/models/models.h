// The golden model graphs, built in code: quantized, structurally faithful versions of
// Wav2Letter, Silero VAD and a YOLO-style detector, with smaller channel counts for the PR
// budget. Each comes with the op histograms its structure promises before and after the
// Cortex-M pipeline, stated here from the model's architecture (never read off the passes).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "lower/builder.h"
#include "lower/ir.h"

namespace lower::models {

enum class Size { small, full };

struct Model {
  Graph graph;
  std::string description;
  std::vector<std::string> tags;
  std::map<std::string, int64_t> histogram_before, histogram_after;
  std::vector<std::string> unchanged_by;  // passes that must not touch it
  // End to end, the lowered graph against the float simulation at every quantization point.
  // Near-tie flips of one layer move the next layers' inputs, so deep models compound them
  // into a few LSB at small sizes (measured: Wav2Letter 7, Silero 1, YOLO 1) and more with a
  // large fan-in (full-size Wav2Letter: 34). Per node, the check stays exact.
  std::string compliance = "qtol:16";
};

Model wav2letter_like(Size size);
Model silero_vad_like(Size size);
Model yolo_like(Size size);

// All of them, by file stem ("wav2letter_like", ...).
std::map<std::string, Model> all_models(Size size);

}  // namespace lower::models
