#!/usr/bin/env bash
# Runs the libFuzzer targets of fuzz/ (clang, AddressSanitizer + UndefinedBehaviorSanitizer)
# for SECONDS each (default 60):
#
#   scripts/fuzz.sh [SECONDS]
#
# The committed seeds (fuzz/corpus/<target>/ and the small files of fuzz/regressions/<target>/)
# are copied to a scratch folder, so the committed corpus never grows. Crashes land in
# build-fuzz/artifacts/<target>/; for each one the script prints the command that keeps it as
# a regression (replayed by ctest, fuzz_replay_<target>:regressions). Exits non-zero when a
# fuzzer found a crash.
#
# Environment: FUZZ_BUILD_DIR (default build-fuzz), extra libFuzzer flags in FUZZ_FLAGS.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-60}
build=${FUZZ_BUILD_DIR:-$root/build-fuzz}
targets=(golden_case graph)

"$root/scripts/setup_deps.sh" clang libclang-rt-14-dev

# The whole tree is instrumented for coverage (fuzzer-no-link) and sanitized, so the
# loaders in the harness and lowering libraries are what the fuzzer explores.
echo "[fuzz] configure: $build"
CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCONFORMANCE_BUILD_FUZZ=ON -DCONFORMANCE_BUILD_BENCH=OFF -DCONFORMANCE_SANITIZE=ON \
  -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link" >/dev/null
ninja -C "$build" "${targets[@]/#/fuzz_}"

scratch=$(mktemp -d "${TMPDIR:-/tmp}/conformance-fuzz.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

found=0
for target in "${targets[@]}"; do
  corpus="$scratch/$target"
  artifacts="$build/artifacts/$target"
  mkdir -p "$corpus" "$artifacts"
  cp "$root/fuzz/corpus/$target/"* "$corpus/"
  # Small hostile files are good seeds; the large ones only slow every mutation down.
  find "$root/fuzz/regressions/$target" -type f -size -4k -exec cp {} "$corpus/" \;
  find "$artifacts" -type f | sort >"$scratch/$target.before"
  echo "[fuzz] $target: ${seconds}s, artifacts in $artifacts"
  set +e
  # shellcheck disable=SC2086
  "$build/fuzz/fuzz_$target" "$corpus" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
    -max_len=65536 -dict="$root/fuzz/$target.dict" -print_final_stats=1 \
    -artifact_prefix="$artifacts/" ${FUZZ_FLAGS:-} 2>&1 | tee "$build/fuzz-$target.log" | \
    grep -E "^#[0-9]+ *(DONE|INITED)|stat::|ERROR|SUMMARY|unexpected|Test unit written|^[^ ]*: unexpected" || true
  set -e
  find "$artifacts" -type f | sort >"$scratch/$target.after"
  new=$(comm -13 "$scratch/$target.before" "$scratch/$target.after")
  if [ -n "$new" ]; then
    found=1
    echo "[fuzz] $target found $(echo "$new" | wc -l) crash(es); after fixing, keep each as a regression:"
    for artifact in $new; do
      echo "  cp $artifact fuzz/regressions/$target/"
    done
    echo "  (large ones: $build/fuzz/fuzz_$target -minimize_crash=1 -runs=10000 ARTIFACT)"
  fi
done
if [ "$found" -ne 0 ]; then
  echo "[fuzz] crashes found" >&2
  exit 1
fi
echo "[fuzz] no crash"
