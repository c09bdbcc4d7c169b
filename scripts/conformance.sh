#!/usr/bin/env bash
# README command 1: set up, build, run `ctest -L conformance`, print the summary.
#
# Environment: BUILD_DIR (default build), CONFORMANCE_CASES (cases per property),
# CONFORMANCE_SEED (seed of every property suite), CONFORMANCE_GOLDEN_DIR (golden folder).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}

"$root/scripts/setup_deps.sh"
"$root/scripts/build.sh" "$build"

results="$build/conformance-results"
rm -rf "$results"
mkdir -p "$results"
status=0
CONFORMANCE_RESULTS_DIR="$results" CONFORMANCE_COUNTEREXAMPLE_DIR="$build/counterexamples" \
  ctest --test-dir "$build" -L conformance --parallel "$(nproc)" --output-on-failure \
        --test-output-size-passed 16384 --test-output-truncation middle \
        --output-junit "$results/ctest-junit.xml" || status=$?

failed_log="$build/Testing/Temporary/LastTestsFailed.log"
[ $status -ne 0 ] || failed_log=/dev/null
# The JUnit file gives the on-target tests' case counts (they write no records of their own).
"$build/tools/conformance_summary" "$results" --ctest-failed "$failed_log" --build-dir "$build" \
  --junit "$results/ctest-junit.xml" || true
exit $status
