#!/usr/bin/env bash
# README command 2 (and CI): build and run the whole test set, then the kernel suites again
# under AddressSanitizer + UndefinedBehaviorSanitizer.
#
# Environment: BUILD_DIR (default build), SANITIZE_BUILD_DIR (default build-sanitize),
# CONFORMANCE_CASES, CONFORMANCE_SEED.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
sanitize=${SANITIZE_BUILD_DIR:-$root/build-sanitize}
jobs=$(nproc)

"$root/scripts/setup_deps.sh"

echo "[test] release build: $build"
"$root/scripts/build.sh" "$build"
results="$build/test-results"
rm -rf "$results"
CONFORMANCE_RESULTS_DIR="$results" CONFORMANCE_COUNTEREXAMPLE_DIR="$build/counterexamples" \
  ctest --test-dir "$build" --parallel "$jobs" --output-on-failure --output-junit "$results/ctest-junit.xml"

echo "[test] sanitizer build (address + undefined): $sanitize"
"$root/scripts/build.sh" "$sanitize" -DCONFORMANCE_SANITIZE=ON -DCONFORMANCE_BUILD_BENCH=OFF
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
CONFORMANCE_COUNTEREXAMPLE_DIR="$sanitize/counterexamples" \
  ctest --test-dir "$sanitize" -L "kernels|unit|lowering" --parallel "$jobs" --output-on-failure
echo "[test] all passed"
