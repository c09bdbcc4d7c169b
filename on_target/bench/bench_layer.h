// One bench layer on the target: its buffers filled with seeded data, and one kernel call
// (the wrapper's choice or a forced path) counted in executed instructions.
#pragma once

#include <stdint.h>

#include "bench_shapes.h"

namespace bench {

// A dispatch path of the layer's kind, or the wrapper (which picks one itself).
struct PathChoice {
  bool forced;
  int32_t path;  // tk::ConvPath or tk::DepthwisePath, by the layer's kind
};

// The wrapper first, then every forced path whose preconditions the layer meets.
// Returns how many were written (at most capacity).
int32_t applicable_paths(const LayerShape& shape, PathChoice* choices, int32_t capacity);

// The path a choice runs (the wrapper's selection when not forced).
const char* path_name(const LayerShape& shape, const PathChoice& choice);

struct Measurement {
  bool ok;                // the kernel returned tk::Status::ok
  const char* status;     // its status name
  uint64_t instructions;  // executed between the call and its return
  uint32_t checksum;      // of the output bytes, so paths and runs can be compared
};

// Owns the layer's buffers (heap, in the board's large memory region).
class BenchLayer {
 public:
  explicit BenchLayer(const LayerShape& shape, uint32_t seed);
  ~BenchLayer();
  BenchLayer(const BenchLayer&) = delete;
  BenchLayer& operator=(const BenchLayer&) = delete;

  bool allocated() const { return allocated_; }
  Measurement run(const PathChoice& choice);
#if BENCH_WITH_CMSIS_NN
  // The same layer (same buffers and parameters) through the CMSIS-NN library this image
  // links (adapters/cmsis_nn/call): its wrapper, its buffer size, counted the same way.
  // path: the wrapper's documented host/DSP dispatch (Helium builds may dispatch otherwise).
  Measurement run_cmsis_nn(const char** path);
#endif

 private:
  const LayerShape& shape_;
  bool allocated_ = false;
  int8_t* input_ = nullptr;
  int8_t* filter_ = nullptr;
  int32_t* bias_ = nullptr;
  int32_t* multiplier_ = nullptr;
  int32_t* shift_ = nullptr;
  int8_t* output_ = nullptr;
  void* scratch_ = nullptr;
};

}  // namespace bench
