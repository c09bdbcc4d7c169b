#!/usr/bin/env bash
# nightly_selftest.sh [OUT_DIR]: checks what scripts/nightly.sh produced (default OUT_DIR:
# build-nightly/report; when it holds no report, runs nightly.sh first with
# NIGHTLY_CASES=${NIGHTLY_CASES:-300}).
#
#   1. renders summary.html in headless chromium (installs the Debian package when missing)
#      into OUT_DIR/summary.png and checks the PNG is real and not trivially small;
#   2. parses every JUnit XML file under OUT_DIR/junit with python3's xml.etree and prints
#      its test cases and failures;
#   3. merges the release and sanitizer JUnit files with scripts/merge_junit.py and checks
#      the merged counts are the sums;
#   4. plants a failure (golden_replay_double on tools/tests/stale_expectation.json) in a
#      scratch ctest run and checks its JUnit file carries the seed and the replay command;
#   5. checks the HTML is self-contained (no scripts, no external resources) and that the
#      report's Markdown and HTML exist.
# Exit status 1 when a check fails.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/build-nightly/report}
release=${NIGHTLY_BUILD_DIR:-$root/build-nightly}
python=${PYTHON:-python3}
failed=0
log() { echo "[selftest] $*"; }
fail() { echo "[selftest] FAIL: $*"; failed=1; }

if [ ! -f "$out/summary.html" ]; then
  log "no report in $out: running scripts/nightly.sh first"
  NIGHTLY_CASES=${NIGHTLY_CASES:-300} "$root/scripts/nightly.sh" "$out" || log "(nightly.sh exited non-zero; checking its report anyway)"
fi
out=$(cd "$out" && pwd)
mkdir -p "$out/selftest"

# 1. Screenshot.
if ! command -v chromium >/dev/null; then
  log "installing chromium"
  "$root/scripts/setup_deps.sh" chromium fonts-dejavu-core >"$out/selftest/chromium-install.log" 2>&1 ||
    fail "chromium install failed ($out/selftest/chromium-install.log)"
fi
if command -v chromium >/dev/null; then
  rm -f "$out/summary.png"
  timeout 120 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --screenshot="$out/summary.png" \
    --window-size=1280,2000 "file://$out/summary.html" >"$out/selftest/chromium.log" 2>&1 || true
  "$python" - "$out/summary.png" <<'EOF' || fail "screenshot $out/summary.png missing or trivial ($out/selftest/chromium.log)"
import struct, sys, zlib
path = sys.argv[1]
data = open(path, "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
width, height = struct.unpack(">II", data[16:24])
# Decompressed pixel data of a blank page is tiny; a rendered report is not.
idat, pos = b"", 8
while pos + 8 <= len(data):
    length, kind = struct.unpack(">I4s", data[pos:pos + 8])
    if kind == b"IDAT":
        idat += data[pos + 8:pos + 8 + length]
    pos += 12 + length
distinct = len(set(zlib.decompress(idat)[:2_000_000:7]))
print(f"[selftest] screenshot {path}: {width}x{height}, {len(data)} bytes, {distinct} distinct byte values sampled")
assert width >= 1000 and height >= 1000 and len(data) > 30_000 and distinct > 50, "trivial image"
EOF
fi

# 2. Every JUnit file parses; counts.
"$python" - "$out/junit" <<'EOF' || fail "a JUnit file does not parse"
import pathlib, sys, xml.etree.ElementTree as ET
files = sorted(pathlib.Path(sys.argv[1]).rglob("*.xml"))
bad = 0
total = failures = 0
for f in files:
    try:
        root = ET.parse(f).getroot()
    except ET.ParseError as e:
        print(f"[selftest]   {f}: PARSE ERROR {e}")
        bad += 1
        continue
    cases = list(root.iter("testcase"))
    fails = sum(1 for c in cases if c.find("failure") is not None or c.find("error") is not None)
    total += len(cases)
    failures += fails
    if "gtest" not in f.parts or fails:
        print(f"[selftest]   {f.relative_to(sys.argv[1])}: {len(cases)} testcases, {fails} failures")
gtest = [f for f in files if "gtest" in f.parts]
print(f"[selftest] JUnit: {len(files)} files parsed ({len(gtest)} gtest XML), {bad} unparsable, "
      f"{total} testcases, {failures} failures")
sys.exit(1 if bad or not files else 0)
EOF

# 3. Merge release + sanitizer.
inputs=()
for f in "$out/junit/ctest-release.xml" "$out/junit/ctest-sanitize.xml"; do [ -f "$f" ] && inputs+=("$f"); done
if [ ${#inputs[@]} -eq 0 ]; then
  fail "no ctest JUnit files to merge"
else
  "$python" "$root/scripts/merge_junit.py" -o "$out/junit/merged.xml" --name nightly "${inputs[@]}" || fail "merge_junit.py"
  "$python" - "$out/junit/merged.xml" "${inputs[@]}" <<'EOF' || fail "merged JUnit counts"
import sys, xml.etree.ElementTree as ET
merged = ET.parse(sys.argv[1]).getroot()
assert merged.tag == "testsuites", merged.tag
want = sum(len(list(ET.parse(f).getroot().iter("testcase"))) for f in sys.argv[2:])
got = len(list(merged.iter("testcase")))
assert got == want == int(merged.get("tests")), (got, want, merged.get("tests"))
fails = sum(1 for c in merged.iter("testcase") if c.find("failure") is not None)
assert fails == int(merged.get("failures")), (fails, merged.get("failures"))
print(f"[selftest] merged JUnit: {got} testcases, {fails} failures, {len(merged.findall('testsuite'))} suites")
EOF
fi

# 4. A planted failure lands in the JUnit file with its seed and replay command.
if [ -x "$release/suites/golden/golden_replay_double" ]; then
  planted=$out/selftest/planted
  rm -rf "$planted" && mkdir -p "$planted"
  CONFORMANCE_GOLDEN_DIR="$root/tools/tests/stale_expectation.json" CONFORMANCE_SEED=12345 \
    CONFORMANCE_RESULTS_DIR="$planted/records" CONFORMANCE_COUNTEREXAMPLE_DIR="$planted/counterexamples" \
    ctest --test-dir "$release" -R '^golden_replay_double$' --output-junit "$planted/junit.xml" \
    >"$planted/ctest.log" 2>&1 && fail "the planted failure passed"
  "$python" "$root/scripts/merge_junit.py" -o "$planted/merged.xml" "$planted/junit.xml" >/dev/null
  "$python" - "$planted/junit.xml" "$planted/merged.xml" <<'EOF' || fail "the planted failure's JUnit lacks the seed or the replay command"
import sys, xml.etree.ElementTree as ET
case = next(c for c in ET.parse(sys.argv[1]).getroot().iter("testcase") if c.get("name") == "golden_replay_double")
assert case.get("status") == "fail" and case.find("failure") is not None, "not marked failed"
output = "".join(n.text or "" for n in case.iter("system-out"))
assert "seed 12345" in output and "replay: " in output and "RC_PARAMS=\"seed=12345" in output, output[:2000]
message = next(ET.parse(sys.argv[2]).getroot().iter("failure")).get("message", "")
assert "replay: " in message and "seed" in message, message
print("[selftest] planted failure: ctest JUnit output has the seed and the replay command; merged failure message:")
print("  " + message.replace("\n", "\n  "))
EOF
  # The summary reports it with its replay command, escaped in the HTML.
  "$release/tools/conformance_summary" "$planted/records" --ctest-failed "$release/Testing/Temporary/LastTestsFailed.log" \
    --build-dir "$release" --junit "$planted/junit.xml" --markdown "$planted/summary.md" --html "$planted/summary.html" \
    >"$planted/summary.log" 2>&1 && fail "the summary of the planted failure exited 0"
  grep -q "replay: .*CONFORMANCE_GOLDEN_DIR" "$planted/summary.md" || fail "planted summary.md lacks the replay command"
  grep -q "&#39;/" "$planted/summary.html" || fail "planted summary.html does not escape the replay command's quotes"
else
  fail "no release build at $release (golden_replay_double missing)"
fi

# 5. Report files, HTML self-contained.
for f in summary.md summary.html; do [ -s "$out/$f" ] || fail "$out/$f missing"; done
if grep -Eiq '<script|<link|src="(https?:)?//|href="https?:|@import|url\(' "$out/summary.html"; then
  fail "summary.html refers to an external resource or has a script"
fi
# The chart is drawn from the benchmarks: a nightly run with NIGHTLY_BENCH=0 has none.
if compgen -G "$out/bench/*.json" >/dev/null; then
  grep -q "<svg" "$out/summary.html" || fail "summary.html has no SVG chart although $out/bench has benchmark results"
else
  log "no benchmark results in $out/bench (NIGHTLY_BENCH=0?): no chart to check"
fi

if [ $failed -eq 0 ]; then
  log "all checks passed; screenshot: $out/summary.png"
else
  log "some checks failed"
fi
exit $failed
