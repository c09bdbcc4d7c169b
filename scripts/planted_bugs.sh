#!/usr/bin/env bash
# planted_bugs.sh [BUILD_DIR]: proves the checks can fail. Each entry plants one bug in a
# copy of the sources (a sed expression on one file), rebuilds, runs the suites named for
# it with a small budget, and reports which tests caught the bug. A bug no test catches
# ("SURVIVED") means a check that cannot fail: fix the suite, not this list.
#
# The copy lives in BUILD_DIR (default: a temporary folder); the working tree is untouched.
# PLANTED_FILTER (a grep -E regex on the file or description) plants only some of them.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$(mktemp -d)}
src=$work/src
build=$work/build
export CONFORMANCE_CASES=${CONFORMANCE_CASES:-300}

# file | sed expression | ctest regex of the suites expected to notice (may hold '|') | description
mutations=(
  "target_kernels/src/requantize.h|s/  t.round = UINT32_C(1) << 30;/  t.round = 0;/|kernel_differential_double|double rounding without the 2^30 rounding term"
  "target_kernels/src/requant_block.h|s/requant_terms(st.multiplier\[first + c\], st.shift\[first + c\])/requant_terms(st.multiplier[0], st.shift[first + c])/|kernel_differential_double|channel 0's multiplier for every channel"
  "target_kernels/src/conv_im2col_gemm.cpp|s/const int32_t ih0 = oh \* s.stride.h - s.padding.h;/const int32_t ih0 = oh * s.stride.w - s.padding.h;/|kernel_differential_double|generic conv: stride w used for h"
  "target_kernels/src/conv_1x1.cpp|s/for (int32_t ow = 0; ow < s.output.w; ++ow)/for (int32_t ow = 0; ow < s.output.w - 1; ++ow)/|kernel_differential_double|1x1 conv: last output column never written"
  "target_kernels/src/depthwise_3x3.cpp|s/iw >= 0 \&\& iw + 2 < s.input.w/iw >= 0 \&\& iw + 2 <= s.input.w/|kernel_differential_double|depthwise 3x3: interior test off by one (reads past the row)"
  "target_kernels/src/job.h|s/return static_cast<int8_t>(-input_offset);/return static_cast<int8_t>(input_offset \& 0);/|kernel_differential_double|padding filled with 0 instead of the zero point"
  "target_kernels/src/depthwise_generic.cpp|s/spread\[c\] = static_cast<int16_t>(x\[ic\] + job.input_offset);/spread[c] = static_cast<int16_t>(x[m] + job.input_offset);/|kernel_differential_double|depthwise generic: input channel from the multiplier index"
  "target_kernels/src/validate.cpp|s/if (!in_range(input_offset, -127, 128))/if (!in_range(input_offset, -100000, 100000))/|kernel_negative|input_offset no longer validated"
  "target_kernels/src/requantize.h|s/  const uint32_t threshold = half;/  const uint32_t threshold = half - y_negative;/|kernel_differential_single|single rounding rounds negative ties away from zero"
  # The same bugs again, each against one suite alone: the metamorphic relations and the
  # golden cases must be able to fail without the differential suite's help.
  "target_kernels/src/conv_1x1.cpp|s/for (int32_t ow = 0; ow < s.output.w; ++ow)/for (int32_t ow = 0; ow < s.output.w - 1; ++ow)/|kernel_metamorphic|metamorphic only: 1x1 conv skips the last column"
  "target_kernels/src/depthwise_generic.cpp|s/spread\[c\] = static_cast<int16_t>(x\[ic\] + job.input_offset);/spread[c] = static_cast<int16_t>(x[m] + job.input_offset);/|kernel_metamorphic|metamorphic only: depthwise generic reads the wrong channel"
  "target_kernels/src/job.h|s/return static_cast<int8_t>(-input_offset);/return static_cast<int8_t>(input_offset \\& 0);/|kernel_metamorphic|metamorphic only: padding filled with 0"
  "target_kernels/src/requant_block.h|s/requant_terms(st.multiplier\[first + c\], st.shift\[first + c\])/requant_terms(st.multiplier[0], st.shift[first + c])/|golden_replay_double|golden only: channel 0's multiplier for every channel"
  "target_kernels/src/conv_im2col_gemm.cpp|s/const int32_t ih0 = oh \* s.stride.h - s.padding.h;/const int32_t ih0 = oh * s.stride.w - s.padding.h;/|golden_replay_double|golden only: generic conv uses stride w for h"
  "reference/src/quant.cpp|s/const int128 rounded = (magnitude + pow2(right - 1)) >> right;/const int128 rounded = magnitude >> right;/|reference_unit|reference: double rounding truncates the second step"
  "reference/src/conv.cpp|s/const int64_t ih = oh \* g.stride_h - g.pad_top + i \* g.dilation_h;/const int64_t ih = oh * g.stride_w - g.pad_top + i * g.dilation_h;/|reference_unit|reference: stride w used for h"
  "harness/src/compare.cpp|s/case Compliance::Mode::exact: allowed = false; break;/case Compliance::Mode::exact: allowed = true; break;/|harness_unit|comparison that lets every difference pass"
  # The lowering loop: bugs in the passes and in the executor's ops, caught by the random
  # graph property and by the golden model graphs.
  "lowering/src/passes/lower_conv.cpp|s/requant_multiplier(in_scale \* ws \/ out_scale)/requant_multiplier(in_scale * (ws * 0 + w_scales[0]) \/ out_scale)/|lowering_property|lowering_golden_graphs|pass: channel 0's weight scale for every multiplier"
  "lowering/src/passes/lower_conv.cpp|s/((o \* kh + h) \* kw + w) \* in + i/((o * kw + w) * kh + h) * in + i/|lowering_property|lowering_golden_graphs|pass: OHWI weights with h and w swapped"
  "lowering/src/passes/lower_conv.cpp|s/  if (!same_bytes(x4.shape, x4.dim_order, kChannelsLast)) {/  if (same_bytes(x4.shape, x4.dim_order, kChannelsLast)) {/|lowering_property|lowering_golden_graphs|pass: channels-last clone skipped when it is needed"
  "lowering/src/passes/fuse_activations.cpp|s/if (quantize_value(bounds->first, oq) != oq.qmin/if (quantize_value(bounds->first, oq) < -1000/|lowering_property|pass: activation fused when its lower bound does not saturate"
  "lowering/src/passes/fuse_activations.cpp|s/if (std::fabs(half_inverse - k) > 1e-6 \* std::fabs(half_inverse)) return std::nullopt;//|lowering_property|pass: hardsigmoid fused with a rounded zero point (as ExecuTorch)"
  "lowering/src/ops_cortex_m.cpp|s/c.pad_left = c.pad_right = static_cast<int32_t>(p.padding\[1\]);/c.pad_left = c.pad_right = static_cast<int32_t>(p.padding[0]);/|lowering_property|lowering_golden_graphs|cortex_m op: padding h used for w"
  "lowering/src/value.cpp|s/return ref::to_dim_order(t, order);/return std::decay_t<decltype(t)>(t.shape(), order, t.data());/|lowering_ops_unit|lowering_property|executor: _clone_dim_order relabels without moving bytes"
  # The golden model graphs alone must catch pass bugs too.
  "lowering/src/passes/lower_conv.cpp|s/requant_multiplier(in_scale \* ws \/ out_scale)/requant_multiplier(in_scale * (ws * 0 + w_scales[0]) \/ out_scale)/|lowering_golden_graphs|golden graphs only: channel 0's weight scale for every multiplier"
  "lowering/src/passes/lower_conv.cpp|s/((o \* kh + h) \* kw + w) \* in + i/((o * kw + w) * kh + h) * in + i/|lowering_golden_graphs|golden graphs only: OHWI weights with h and w swapped"
)

# A fresh copy and a fresh build: objects left from an earlier run could hide a mutant.
rm -rf "$src" "$build" && mkdir -p "$src"
tar -C "$root" --exclude='./build*' --exclude=./.git --exclude=./counterexamples -cf - . | tar -C "$src" -xf -
cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCONFORMANCE_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" --parallel "$(nproc)" >"$work/build.log" 2>&1 || { echo "the unmodified tree does not build"; exit 1; }

survived=0
printf '%-62s %s\n' "planted bug" "result"
for entry in "${mutations[@]}"; do
  if [ -n "${PLANTED_FILTER:-}" ] && ! grep -qE "$PLANTED_FILTER" <<<"$entry"; then continue; fi
  # file | expr | suite regex (may itself hold '|') | description
  file=${entry%%|*}; rest=${entry#*|}
  expr=${rest%%|*}; rest=${rest#*|}
  what=${rest##*|}; suites=${rest%|*}
  cp "$root/$file" "$src/$file"
  cp "$src/$file" "$src/$file.orig"
  sed -i "$expr" "$src/$file"
  if cmp -s "$src/$file" "$src/$file.orig"; then
    printf '%-62s %s\n' "$what" "NOT PLANTED (the sed no longer matches $file)"
    survived=$((survived + 1))
    mv "$src/$file.orig" "$src/$file"
    touch "$src/$file"
    continue
  fi
  if ! cmake --build "$build" --parallel "$(nproc)" >"$work/build.log" 2>&1; then
    printf '%-62s %s\n' "$what" "caught by the compiler"
  else
    rm -rf "$work/results"
    ctest --test-dir "$build" -R "$suites" --parallel "$(nproc)" --timeout 300 >"$work/ctest.log" 2>&1
    failed=$(grep -cE '\(Failed\)|\(SEGFAULT\)|\(Subprocess aborted\)|\(Timeout\)' "$work/ctest.log")
    if [ "$failed" -gt 0 ]; then
      first=$(grep -E '\(Failed\)|\(SEGFAULT\)|\(Subprocess aborted\)' "$work/ctest.log" | head -1 | sed 's/^.* - //; s/ (.*//')
      printf '%-62s %s\n' "$what" "caught: $failed tests failed (e.g. $first)"
    else
      printf '%-62s %s\n' "$what" "SURVIVED"
      survived=$((survived + 1))
    fi
  fi
  mv "$src/$file.orig" "$src/$file"
  touch "$src/$file"  # newer than the mutant's objects, so the next build restores it
done
cmake --build "$build" --parallel "$(nproc)" >/dev/null 2>&1
echo "$survived planted bugs survived"
[ "$survived" -eq 0 ]
