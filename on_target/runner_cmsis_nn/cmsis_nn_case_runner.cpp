#include "cmsis_nn_case_runner.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "argument_copies.h"
#include "cmsis_nn_call.h"
#include "guarded_region.h"

namespace runner {

namespace {

constexpr uint8_t kPattern = 0xA5;

cmsis_nn_call::Geometry geometry(const PackCase& c) {
  using namespace pack;
  cmsis_nn_call::Geometry g;
  g.kind = c.depthwise ? cmsis_nn_call::Kind::depthwise : cmsis_nn_call::Kind::conv;
  g.batch = c.field[input_n];
  g.in_h = c.field[input_h];
  g.in_w = c.field[input_w];
  g.in_channels = c.field[input_c];
  g.out_h = c.field[output_h];
  g.out_w = c.field[output_w];
  g.out_channels = c.field[output_c];
  g.kernel_h = c.field[filter_h];
  g.kernel_w = c.field[filter_w];
  g.filter_in_channels = c.depthwise ? 1 : c.field[filter_c];
  g.stride_h = c.field[stride_h];
  g.stride_w = c.field[stride_w];
  g.pad_top = c.field[pad_top];
  g.pad_left = c.field[pad_left];
  g.dilation_h = c.field[dilation_h];
  g.dilation_w = c.field[dilation_w];
  g.depth_multiplier = c.depthwise ? c.field[depth_multiplier] : 1;
  g.input_offset = c.field[input_offset];
  g.output_offset = c.field[output_offset];
  g.activation_min = c.field[activation_min];
  g.activation_max = c.field[activation_max];
  return g;
}

}  // namespace

void CmsisNnCaseRunner::fail(const PackCase& c, const char* format, ...) {
  if (!case_failed_) {
    printf("FAIL case %lu: %.*s\n", static_cast<unsigned long>(c.index), static_cast<int>(c.description.count),
           c.description.data);
    case_failed_ = true;
  }
  printf("  [cmsis-nn] ");
  va_list args;
  va_start(args, format);
  vprintf(format, args);
  va_end(args);
  printf("\n");
}

void CmsisNnCaseRunner::count_path(const char* path, bool failed) {
  for (int i = 0; i < kMaxPaths; ++i) {
    if (path_names_[i] == nullptr) path_names_[i] = path;
    if (strcmp(path_names_[i], path) == 0) {
      ++path_runs_[i];
      path_failures_[i] += failed ? 1 : 0;
      return;
    }
  }
}

CaseResult CmsisNnCaseRunner::run(const PackCase& c) {
  case_failed_ = false;
  if (!(c.expected_status.count == 2 && memcmp(c.expected_status.data, "ok", 2) == 0)) return CaseResult::invalid;
  const cmsis_nn_call::Geometry g = geometry(c);
  const cmsis_nn_call::Unsupported why = cmsis_nn_call::unsupported(g);
  if (why != cmsis_nn_call::Unsupported::none) {
    ++unsupported_[static_cast<int>(why)];
    return CaseResult::unsupported;
  }
  const char* path = cmsis_nn_call::documented_path(g);

  bool ok = true;
  const int32_t scratch_bytes = cmsis_nn_call::scratch_bytes(g);
  ArgumentCopies inputs(c);
  GuardedRegion output, scratch;
  if (scratch_bytes < 0) {
    fail(c, "the wrapper's get_buffer_size returned %ld", static_cast<long>(scratch_bytes));
    ok = false;
  } else if (!inputs.allocated(c) || !output.allocate(c.expected.count) ||
             !scratch.allocate(static_cast<size_t>(scratch_bytes))) {
    fail(c, "out of heap (output %lu bytes, scratch %ld bytes)", static_cast<unsigned long>(c.expected.count),
         static_cast<long>(scratch_bytes));
    ok = false;
  } else {
    if (scratch_bytes > max_scratch_) max_scratch_ = scratch_bytes;
    output.fill(kPattern);
    scratch.fill(kPattern);
    cmsis_nn_call::Operands o;
    o.input = inputs.input;
    o.filter = inputs.weight;
    o.bias = inputs.bias;
    o.multiplier = inputs.multiplier;
    o.shift = inputs.shift;
    o.output = reinterpret_cast<int8_t*>(output.body());
    // Never NULL, even for 0 bytes: some kernels refuse a NULL buffer they would not use.
    o.scratch = scratch.body();
    o.scratch_bytes = scratch_bytes;
    const int32_t status = cmsis_nn_call::run(g, o);
    if (status != 0) {
      fail(c, "%s refused a case the API can carry: %s", path, cmsis_nn_call::status_name(status));
      ok = false;
    }
    long offset = 0;
    if (output.guard_written(kPattern, offset)) {
      fail(c, "%s wrote outside the output: byte %ld of %lu", path, offset,
           static_cast<unsigned long>(c.expected.count));
      ok = false;
    }
    if (scratch.guard_written(kPattern, offset)) {
      fail(c, "%s wrote scratch byte %ld but asked for %ld bytes", path, offset, static_cast<long>(scratch_bytes));
      ok = false;
    }
    if (const char* what = inputs.modified(c)) {
      fail(c, "%s modified its %s argument", path, what);
      ok = false;
    }
    if (status == 0) {
      const int8_t* actual = reinterpret_cast<const int8_t*>(output.body());
      const int64_t differing = count_differences(actual, c);
      if (differing > 0) {
        fail(c, "%s: %ld of %lu output elements differ from the reference (%s rounding)", path,
             static_cast<long>(differing), static_cast<unsigned long>(c.expected.count), CMSIS_NN_RUNNER_ROUNDING);
        print_differences(actual, c, g.out_h, g.out_w, g.out_channels);
        ok = false;
      }
    }
  }
  count_path(path, !ok);
  if (!ok) printf("  target replay: %s --case %lu\n", replay_prefix_, static_cast<unsigned long>(c.index));
  return ok ? CaseResult::passed : CaseResult::failed;
}

void CmsisNnCaseRunner::print_stats() const {
  printf("%-28s %6s %8s\n", "documented path", "runs", "failures");
  for (int i = 0; i < kMaxPaths && path_names_[i] != nullptr; ++i) {
    printf("%-28s %6lu %8lu\n", path_names_[i], static_cast<unsigned long>(path_runs_[i]),
           static_cast<unsigned long>(path_failures_[i]));
  }
  printf("largest scratch asked: %ld bytes\n", static_cast<long>(max_scratch_));
  for (int i = 1; i < kReasons; ++i) {
    if (unsupported_[i] == 0) continue;
    printf("unsupported, %lu cases: %s\n", static_cast<unsigned long>(unsupported_[i]),
           cmsis_nn_call::unsupported_text(static_cast<cmsis_nn_call::Unsupported>(i)));
  }
}

}  // namespace runner
