// The case pack: conformance cases with their expected outputs, written on the host
// (`conformance pack`, expected outputs from the reference) and replayed on the target by
// the runner image. Layout only, no behaviour: the writer and the reader are separate code.
//
// Little-endian (host x86-64 and Cortex-M both are), every field 4-byte aligned:
//   header   char magic[8] "CONFPACK", then u32: version, rounding (0 double, 1 single),
//            case count, seed low, seed high, reserved (0)
//   case     u32 record bytes (this field included, a multiple of 4), u32 kind (0 conv,
//            1 depthwise), i32 fields[kFieldCount] (see Field: the tk:: call's arguments,
//            the dims exactly as passed, so the reader derives nothing), u32 counts[kCountCount]
//            (see Count), then the bytes of each counted item in Count order, each padded
//            with zeros to a multiple of 4: description (text, no terminator), expected
//            status (a tk::status_name), multiplier, shift, bias (i32; count 0 = NULL bias),
//            input (i8 NHWC), weight (i8 OHWI or IHWO), expected output (i8 NHWC; count 0
//            when the expected status is not "ok").
#pragma once

#include <stdint.h>

namespace pack {

constexpr char kMagic[8] = {'C', 'O', 'N', 'F', 'P', 'A', 'C', 'K'};
constexpr uint32_t kVersion = 1;
constexpr uint32_t kHeaderBytes = 32;

enum Field : uint32_t {
  input_n, input_h, input_w, input_c,      // tk::Dims input
  filter_n, filter_h, filter_w, filter_c,  // OHWI {out, kh, kw, in/groups}; IHWO {1, kh, kw, out}
  output_n, output_h, output_w, output_c,  // may be < 1 in a refusal case
  stride_h, stride_w, pad_top, pad_left, dilation_h, dilation_w,
  groups, depth_multiplier,  // groups for conv, depth_multiplier for depthwise
  input_offset, output_offset, activation_min, activation_max,
  kFieldCount
};

enum Count : uint32_t {
  description_bytes, status_bytes, multiplier_count, shift_count, bias_count, input_count,
  weight_count, expected_count,
  kCountCount
};

// Bytes of the fixed part of a case record: size, kind, fields, counts.
constexpr uint32_t kCaseFixedBytes = 4 * (2 + kFieldCount + kCountCount);

constexpr uint32_t padded(uint32_t bytes) { return (bytes + 3u) & ~3u; }

}  // namespace pack
