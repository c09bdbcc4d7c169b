#!/usr/bin/env bash
# nightly.sh [OUT_DIR]: the nightly regression run and its report (default OUT_DIR:
# build-nightly/report).
#
# Builds release (build-nightly) and ASan + UBSan (build-nightly-sanitize) configurations,
# runs every ctest test of the release build with a large budget and a fresh seed, the
# kernel / unit / lowering tests of the sanitizer build, both benchmarks, the comparison with
# bench/baseline.json, and writes OUT_DIR/summary.md and OUT_DIR/summary.html. Exits 1 when
# a build or a test failed or a benchmark ratio is worse than the baseline by more than the
# threshold; the report is written in every case once the release build exists.
#
# Environment:
#   NIGHTLY_CASES              cases per property in the release run (default 5000)
#   NIGHTLY_SANITIZE_CASES     cases per property in the sanitizer run (default: the suites' PR budgets)
#   NIGHTLY_SEED               seed of every property suite (default: fresh random, printed)
#   NIGHTLY_JOBS               parallel tests of the release run (default 1; see below)
#   NIGHTLY_GTEST_XML          1 (default): one gtest XML per test under junit/gtest/; 0: none
#   NIGHTLY_BENCH              1 (default): run the benchmarks and compare; 0: skip
#   NIGHTLY_BENCH_THRESHOLD    percent a ratio may be worse than the baseline (default 25)
#   NIGHTLY_BUILD_DIR, NIGHTLY_SANITIZE_BUILD_DIR   build folders
#   NIGHTLY_SANITIZE_CXX_FLAGS extra CMAKE_CXX_FLAGS of the sanitizer build (default none)
#   NIGHTLY_FUZZ_SECONDS       seconds per fuzz target (default 30; 0 skips the fuzz run)
#   NIGHTLY_CMAKE_ARGS         extra configure arguments of both builds, split at spaces (e.g. the
#                              CMSIS-NN libraries: adapters/cmsis_nn/README.md)
#
# ctest keeps the start and the end of a passed test's output (--test-output-truncation
# middle) so that the on-target tests' last "N passed, N failed" line reaches the report.
#
# gtest's GTEST_OUTPUT=xml:DIR/ names each file after the executable and picks a free name
# when the program starts, so two tests of one executable running at the same time (ctest
# runs every discovered test as its own process) write the same file. The release run is
# therefore serial while gtest XML is on; NIGHTLY_JOBS=N with NIGHTLY_GTEST_XML=0 runs it in
# parallel (the ctest JUnit file has every test's output either way).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/build-nightly/report}
mkdir -p "$out"
out=$(cd "$out" && pwd)
release=${NIGHTLY_BUILD_DIR:-$root/build-nightly}
sanitize=${NIGHTLY_SANITIZE_BUILD_DIR:-$root/build-nightly-sanitize}
cases=${NIGHTLY_CASES:-5000}
seed=${NIGHTLY_SEED:-$(od -An -N8 -tu8 /dev/urandom | tr -d ' ')}
gtest_xml=${NIGHTLY_GTEST_XML:-1}
jobs=${NIGHTLY_JOBS:-1}
[ "$gtest_xml" = 1 ] || jobs=${NIGHTLY_JOBS:-$(nproc)}
threshold=${NIGHTLY_BENCH_THRESHOLD:-25}
baseline=$root/bench/baseline.json
started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
t0=$(date +%s)

log() { echo "[nightly $(date +%H:%M:%S)] $*"; }
problems=()

# Only the folders this script writes are cleared (OUT_DIR may hold other things).
for d in records records-sanitize counterexamples counterexamples-sanitize junit bench logs; do rm -rf "${out:?}/$d"; done
rm -f "$out/summary.md" "$out/summary.html"
mkdir -p "$out"/{records,records-sanitize,counterexamples,counterexamples-sanitize,junit/gtest,bench,logs}

log "output: $out"
log "seed: $seed (replay any suite with CONFORMANCE_SEED=$seed), $cases cases per property"
"$root/scripts/setup_deps.sh" || { log "installing the dependencies failed"; exit 1; }

log "release build: $release"
# shellcheck disable=SC2206  # split on purpose: a list of -D arguments
extra_cmake=(${NIGHTLY_CMAKE_ARGS:-})
[ ${#extra_cmake[@]} -eq 0 ] || log "extra configure arguments: ${extra_cmake[*]}"
if ! "$root/scripts/build.sh" "$release" "${extra_cmake[@]}" >"$out/logs/build-release.log" 2>&1; then
  tail -n 30 "$out/logs/build-release.log"
  log "release build failed (log: $out/logs/build-release.log); no report without it"
  exit 1
fi
sanitize_built=1
log "sanitizer build (address + undefined): $sanitize"
sanitize_flags=${NIGHTLY_SANITIZE_CXX_FLAGS:-}
if ! "$root/scripts/build.sh" "$sanitize" "${extra_cmake[@]}" -DCONFORMANCE_SANITIZE=ON -DCONFORMANCE_BUILD_BENCH=OFF \
    "-DCMAKE_CXX_FLAGS=$sanitize_flags" >"$out/logs/build-sanitize.log" 2>&1; then
  tail -n 30 "$out/logs/build-sanitize.log"
  problems+=("sanitizer build failed (log: $out/logs/build-sanitize.log)")
  sanitize_built=0
fi

# 1. Every test of the release build.
log "release tests: ctest --parallel $jobs, gtest XML $([ "$gtest_xml" = 1 ] && echo on || echo off)"
gtest_env=()
[ "$gtest_xml" = 1 ] && gtest_env=(GTEST_OUTPUT="xml:$out/junit/gtest/")
release_failed=/dev/null
if ! env CONFORMANCE_CASES="$cases" CONFORMANCE_SEED="$seed" CONFORMANCE_RESULTS_DIR="$out/records" \
    CONFORMANCE_COUNTEREXAMPLE_DIR="$out/counterexamples" "${gtest_env[@]}" \
    ctest --test-dir "$release" --parallel "$jobs" --output-on-failure \
          --test-output-size-passed 16384 --test-output-truncation middle \
          --output-junit "$out/junit/ctest-release.xml" >"$out/logs/ctest-release.log" 2>&1; then
  cp "$release/Testing/Temporary/LastTestsFailed.log" "$out/logs/ctest-release-failed.log" 2>/dev/null || true
  release_failed=$out/logs/ctest-release-failed.log
  problems+=("release tests failed: $(grep -c . "$release_failed" 2>/dev/null || echo '?') (log: $out/logs/ctest-release.log)")
fi
grep -E "tests passed|Total Test time" "$out/logs/ctest-release.log" | sed 's/^/  /'

# 2. Kernel, unit and lowering tests under the sanitizers.
sanitize_failed=/dev/null
if [ $sanitize_built = 1 ]; then
  log "sanitizer tests: ctest -L \"kernels|unit|lowering\""
  sanitize_cases=()
  [ -n "${NIGHTLY_SANITIZE_CASES:-}" ] && sanitize_cases=(CONFORMANCE_CASES="$NIGHTLY_SANITIZE_CASES")
  if ! env ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}" \
      UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}" \
      CONFORMANCE_SEED="$seed" CONFORMANCE_RESULTS_DIR="$out/records-sanitize" \
      CONFORMANCE_COUNTEREXAMPLE_DIR="$out/counterexamples-sanitize" "${sanitize_cases[@]}" \
      ctest --test-dir "$sanitize" -L "kernels|unit|lowering" --parallel "$(nproc)" --output-on-failure \
            --test-output-size-passed 16384 --test-output-truncation middle \
            --output-junit "$out/junit/ctest-sanitize.xml" >"$out/logs/ctest-sanitize.log" 2>&1; then
    cp "$sanitize/Testing/Temporary/LastTestsFailed.log" "$out/logs/ctest-sanitize-failed.log" 2>/dev/null || true
    sanitize_failed=$out/logs/ctest-sanitize-failed.log
    problems+=("sanitizer tests failed: $(grep -c . "$sanitize_failed" 2>/dev/null || echo '?') (log: $out/logs/ctest-sanitize.log)")
  fi
  grep -E "tests passed|Total Test time" "$out/logs/ctest-sanitize.log" | sed 's/^/  /'
fi

# 3. Benchmarks and the comparison with the baseline (ratios, not absolute times).
bench_args=()
if [ "${NIGHTLY_BENCH:-1}" = 1 ]; then
  for b in conv_bench lowering_bench; do
    log "benchmark: $b"
    if "$release/bench/$b" --benchmark_min_time=0.2 --benchmark_color=false --benchmark_out="$out/bench/$b.json" \
        --benchmark_out_format=json >"$out/logs/$b.log" 2>&1; then
      bench_args+=(--bench "$out/bench/$b.json")
    else
      problems+=("benchmark $b failed (log: $out/logs/$b.log)")
    fi
  done
  if [ ${#bench_args[@]} -gt 0 ]; then
    log "benchmark comparison with $baseline (threshold $threshold%)"
    files=()
    for ((i = 1; i < ${#bench_args[@]}; i += 2)); do files+=("${bench_args[$i]}"); done
    "$release/tools/conformance_summary" bench-compare --baseline "$baseline" --threshold "$threshold" "${files[@]}" \
      >"$out/bench/compare.txt" 2>&1
    bench_status=$?
    sed 's/^/  /' "$out/bench/compare.txt"
    [ $bench_status -eq 0 ] || problems+=("benchmark comparison: $(tail -n 1 "$out/bench/compare.txt")")
    bench_args+=(--baseline "$baseline" --threshold "$threshold")
  fi
fi

# A short fuzz run of the golden readers (clang + libFuzzer; scripts/fuzz.sh installs them).
fuzz_seconds=${NIGHTLY_FUZZ_SECONDS:-30}
if [ "$fuzz_seconds" != 0 ]; then
  log "fuzzing the golden readers: $fuzz_seconds s per target"
  if ! FUZZ_BUILD_DIR=${NIGHTLY_FUZZ_BUILD_DIR:-$root/build-nightly-fuzz} "$root/scripts/fuzz.sh" "$fuzz_seconds" \
      >"$out/logs/fuzz.log" 2>&1; then
    tail -n 20 "$out/logs/fuzz.log"
    problems+=("the fuzz run failed or found a crash (log: $out/logs/fuzz.log)")
  fi
fi

# Executed-instruction counts on the emulated cores (exact and repeatable, unlike host time).
if [ -f "$release/on_target/host/mps3-an547/bench/conv_bench_icount.elf" ]; then
  log "instruction counts on Cortex-M4 and Cortex-M55 (QEMU -icount 7)"
  if ! "$root/on_target/bench/icount_report.sh" "$release" >"$out/bench/icount.md" 2>&1; then
    problems+=("instruction counts below the CMSIS-NN figures or their floors (see $out/bench/icount.md)")
  fi
fi

# 4. The report.
elapsed=$(( $(date +%s) - t0 ))
problem_notes=()
for p in "${problems[@]}"; do problem_notes+=(--note "problem=$p"); done
revision=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(git -C "$root" status --porcelain 2>/dev/null | grep -c . || true)
"$release/tools/conformance_summary" "$out/records" --ctest-failed "$release_failed" --build-dir "$release" \
    --junit "$out/junit/ctest-release.xml" \
    --run sanitize "$out/records-sanitize" --ctest-failed "$sanitize_failed" --build-dir "$sanitize" \
    --junit "$out/junit/ctest-sanitize.xml" \
    --title "Conformance nightly report" \
    --note "started=$started" --note "seed=$seed (CONFORMANCE_SEED)" \
    --note "cases per property=$cases (release), ${NIGHTLY_SANITIZE_CASES:-suite defaults} (sanitizer)" \
    --note "revision=$revision ($dirty files changed in the tree)" \
    --note "host=$(hostname), $(nproc) cores" --note "duration before the report=${elapsed} s" \
    "${problem_notes[@]}" "${bench_args[@]}" --markdown "$out/summary.md" --html "$out/summary.html" >"$out/logs/summary.log" 2>&1
cat "$out/logs/summary.log"
if [ -f "$out/bench/icount.md" ]; then
  { echo; cat "$out/bench/icount.md"; } >>"$out/summary.md"
fi

elapsed=$(( $(date +%s) - t0 ))
log "report: $out/summary.md, $out/summary.html (${elapsed} s in all)"
if [ ${#problems[@]} -gt 0 ]; then
  for p in "${problems[@]}"; do log "FAILED: $p"; done
  exit 1
fi
log "all passed"
