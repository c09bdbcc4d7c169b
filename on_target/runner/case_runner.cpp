#include "case_runner.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "argument_copies.h"
#include "guarded_region.h"
#include "tk/conv.h"

namespace runner {
namespace {

using pack::Field;

constexpr uint8_t kPatterns[2] = {0xA5, 0x5A};
// Output element counts beyond this are not allocated (refusal cases may claim any dims).
constexpr int64_t kMaxOutputElements = int64_t{1} << 24;

tk::Dims dims(const PackCase& c, uint32_t first) {
  return {c.field[first], c.field[first + 1], c.field[first + 2], c.field[first + 3]};
}

template <class Params>
Params common_params(const PackCase& c) {
  Params p{};
  p.input_offset = c.field[pack::input_offset];
  p.output_offset = c.field[pack::output_offset];
  p.stride = {c.field[pack::stride_h], c.field[pack::stride_w]};
  p.padding = {c.field[pack::pad_top], c.field[pack::pad_left]};
  p.dilation = {c.field[pack::dilation_h], c.field[pack::dilation_w]};
  p.activation = {c.field[pack::activation_min], c.field[pack::activation_max]};
  return p;
}

tk::ConvParams conv_params(const PackCase& c) {
  tk::ConvParams p = common_params<tk::ConvParams>(c);
  p.groups = c.field[pack::groups];
  return p;
}

tk::DepthwiseParams depthwise_params(const PackCase& c) {
  tk::DepthwiseParams p = common_params<tk::DepthwiseParams>(c);
  p.depth_multiplier = c.field[pack::depth_multiplier];
  return p;
}

// path < 0: the wrapper.
int32_t asked_scratch(const PackCase& c, int path) {
  const tk::Dims in = dims(c, pack::input_n), filter = dims(c, pack::filter_n), out = dims(c, pack::output_n);
  if (c.depthwise) {
    const tk::DepthwiseParams p = depthwise_params(c);
    return path < 0 ? tk::depthwise_s8_get_buffer_size(p, in, filter, out)
                    : tk::depthwise_s8_path_get_buffer_size(static_cast<tk::DepthwisePath>(path), p, in, filter, out);
  }
  const tk::ConvParams p = conv_params(c);
  return path < 0 ? tk::conv_s8_get_buffer_size(p, in, filter, out)
                  : tk::conv_s8_path_get_buffer_size(static_cast<tk::ConvPath>(path), p, in, filter, out);
}

tk::Status invoke(const PackCase& c, int path, const ArgumentCopies& in, GuardedRegion& scratch, int32_t scratch_bytes,
                  GuardedRegion& output) {
  const tk::Scratch s{scratch.body(), scratch_bytes};
  const tk::PerChannelRequant requant{in.multiplier, in.shift};
  const tk::Dims input = dims(c, pack::input_n), filter = dims(c, pack::filter_n), out = dims(c, pack::output_n);
  int8_t* out_data = reinterpret_cast<int8_t*>(output.body());
  if (c.depthwise) {
    const tk::DepthwiseParams p = depthwise_params(c);
    return path < 0 ? tk::depthwise_s8(s, p, requant, input, in.input, filter, in.weight, in.bias, out, out_data)
                    : tk::depthwise_s8_path(static_cast<tk::DepthwisePath>(path), s, p, requant, input, in.input,
                                            filter, in.weight, in.bias, out, out_data);
  }
  const tk::ConvParams p = conv_params(c);
  return path < 0 ? tk::conv_s8(s, p, requant, input, in.input, filter, in.weight, in.bias, out, out_data)
                  : tk::conv_s8_path(static_cast<tk::ConvPath>(path), s, p, requant, input, in.input, filter,
                                     in.weight, in.bias, out, out_data);
}

// Whether `status` is one of the '|'-separated names in `expected`.
bool status_matches(const char* status, const char* expected, uint32_t expected_bytes) {
  const size_t length = strlen(status);
  uint32_t start = 0;
  for (uint32_t i = 0; i <= expected_bytes; ++i) {
    if (i == expected_bytes || expected[i] == '|') {
      if (i - start == length && memcmp(expected + start, status, length) == 0) return true;
      start = i + 1;
    }
  }
  return false;
}

int64_t element_count(const tk::Dims& d) {
  if (d.n < 1 || d.h < 1 || d.w < 1 || d.c < 1) return 0;
  const int64_t count = int64_t{d.n} * d.h * d.w * d.c;
  return count > kMaxOutputElements ? 0 : count;
}

}  // namespace

CaseRunner::CaseRunner(const char* replay_prefix) : replay_prefix_(replay_prefix) {
  stats_[0].name = "conv_s8 (wrapper)";
  stats_[1].name = "depthwise_s8 (wrapper)";
  for (int i = 0; i < kConvPaths; ++i) stats_[2 + i].name = tk::path_name(static_cast<tk::ConvPath>(i));
  for (int i = 0; i < kDepthwisePaths; ++i) {
    stats_[2 + kConvPaths + i].name = tk::path_name(static_cast<tk::DepthwisePath>(i));
  }
}

int CaseRunner::slot(const PackCase& c, int path) const {
  if (path < 0) return c.depthwise ? 1 : 0;
  return c.depthwise ? 2 + kConvPaths + path : 2 + path;
}

void CaseRunner::fail(const PackCase& c, const char* path_name, const char* format, ...) {
  if (!case_failed_) {
    printf("FAIL case %lu: %.*s\n", static_cast<unsigned long>(c.index),
           static_cast<int>(c.description.count), c.description.data);
    case_failed_ = true;
  }
  printf("  [%s] ", path_name);
  va_list args;
  va_start(args, format);
  vprintf(format, args);
  va_end(args);
  printf("\n");
}

bool CaseRunner::run(const PackCase& c) {
  case_failed_ = false;
  bool ok = run_call(c, -1);
  const int paths = c.depthwise ? kDepthwisePaths : kConvPaths;
  for (int path = 0; path < paths; ++path) ok = run_call(c, path) && ok;
  if (!ok) printf("  target replay: %s --case %lu\n", replay_prefix_, static_cast<unsigned long>(c.index));
  return ok;
}

bool CaseRunner::run_call(const PackCase& c, int path) {
  ++calls_;
  PathStats& stats = stats_[slot(c, path)];
  const char* name = stats.name;
  const bool refusal_case =
      !(c.expected_status.count == 2 && memcmp(c.expected_status.data, "ok", 2) == 0);
  const int32_t asked = asked_scratch(c, path);
  // An invalid case or a forced path whose preconditions fail must be refused untouched.
  const bool must_refuse = refusal_case || asked < 0;
  const char* expected = refusal_case ? c.expected_status.data : asked < 0 ? "path_not_applicable" : "ok";
  const uint32_t expected_bytes = refusal_case ? c.expected_status.count : static_cast<uint32_t>(strlen(expected));
  const int32_t scratch_bytes = asked > 0 ? asked : 0;
  if (must_refuse) {
    ++stats.refusals;
  } else {
    ++stats.runs;
  }

  const tk::Dims out_dims = dims(c, pack::output_n);
  const int64_t out_elements = element_count(out_dims);
  if (!refusal_case && out_elements != static_cast<int64_t>(c.expected.count)) {
    ++stats.failures;
    fail(c, name, "damaged pack: %lu expected outputs for output dims %ldx%ldx%ldx%ld",
         static_cast<unsigned long>(c.expected.count), static_cast<long>(out_dims.n), static_cast<long>(out_dims.h),
         static_cast<long>(out_dims.w), static_cast<long>(out_dims.c));
    return false;
  }

  ArgumentCopies inputs(c);
  GuardedRegion output, scratch;
  if (!inputs.allocated(c) || !output.allocate(static_cast<size_t>(out_elements)) ||
      !scratch.allocate(static_cast<size_t>(scratch_bytes))) {
    ++stats.failures;
    fail(c, name, "out of heap (output %ld bytes, scratch %ld bytes)", static_cast<long>(out_elements),
         static_cast<long>(scratch_bytes));
    return false;
  }

  // Two fills when scratch is in play, so that every byte the call wrote differs from one
  // of them and the touched extent is exact.
  const int fills = scratch_bytes > 0 && !must_refuse ? 2 : 1;
  size_t touched = 0;
  for (int fill = 0; fill < fills; ++fill) {
    const uint8_t pattern = kPatterns[fill];
    output.fill(pattern);
    scratch.fill(pattern);
    const tk::Status status = invoke(c, path, inputs, scratch, scratch_bytes, output);
    const char* status_name = tk::status_name(status);
    bool call_ok = true;
    if (!status_matches(status_name, expected, expected_bytes)) {
      fail(c, name, "status %s (%s), expected %.*s", status_name, tk::status_message(status),
           static_cast<int>(expected_bytes), expected);
      call_ok = false;
    }
    long offset = 0;
    if (output.guard_written(pattern, offset)) {
      fail(c, name, "wrote outside the output: byte %ld of a %ld-byte output", offset, static_cast<long>(out_elements));
      call_ok = false;
    }
    if (scratch.guard_written(pattern, offset)) {
      fail(c, name, "wrote scratch byte %ld but asked for %ld bytes", offset, static_cast<long>(scratch_bytes));
      call_ok = false;
    }
    if (const char* what = inputs.modified(c)) {
      fail(c, name, "modified its %s argument", what);
      call_ok = false;
    }
    if (must_refuse) {
      if (output.touched_extent(pattern) != 0 || scratch.touched_extent(pattern) != 0) {
        fail(c, name, "refused with %s but wrote to the %s", status_name,
             output.touched_extent(pattern) != 0 ? "output" : "scratch");
        call_ok = false;
      }
    } else if (call_ok) {
      const int8_t* actual = reinterpret_cast<const int8_t*>(output.body());
      const int64_t differing = count_differences(actual, c);
      if (differing > 0) {
        fail(c, name, "%ld of %ld output elements differ from the reference (%s rounding)",
             static_cast<long>(differing), static_cast<long>(out_elements),
             tk::rounding_mode() == tk::Rounding::single_rounding ? "single" : "double");
        print_differences(actual, c, out_dims.h, out_dims.w, out_dims.c);
        call_ok = false;
      }
    }
    if (!call_ok) {
      ++stats.failures;
      return false;
    }
    const size_t extent = scratch.touched_extent(pattern);
    if (extent > touched) touched = extent;
  }

  if (path < 0 && !must_refuse) {
    const int chosen = c.depthwise
                           ? static_cast<int>(tk::depthwise_s8_select_path(depthwise_params(c), dims(c, pack::input_n),
                                                                           dims(c, pack::filter_n), out_dims))
                           : static_cast<int>(tk::conv_s8_select_path(conv_params(c), dims(c, pack::input_n),
                                                                      dims(c, pack::filter_n), out_dims));
    ++stats_[slot(c, chosen)].selected;
  }
  if (!must_refuse) {
    if (scratch_bytes > stats.max_asked) stats.max_asked = scratch_bytes;
    if (touched > stats.max_touched) stats.max_touched = static_cast<uint32_t>(touched);
    if (scratch_bytes > 0 && touched == 0) ++stats.asked_but_untouched;
    // asked/touched > ratio_asked/ratio_touched, compared without division.
    if (touched > 0 && (stats.ratio_touched == 0 || uint64_t(scratch_bytes) * stats.ratio_touched >
                                                        uint64_t(stats.ratio_asked) * touched)) {
      stats.ratio_asked = static_cast<uint32_t>(scratch_bytes);
      stats.ratio_touched = static_cast<uint32_t>(touched);
    }
  }
  return true;
}

}  // namespace runner
