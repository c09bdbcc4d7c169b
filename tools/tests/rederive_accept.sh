#!/usr/bin/env bash
# rederive_accept.sh TOOL DATA_DIR: a stale golden file is found by `rederive`, left alone
# without --accept, fixed with it, and then replays; a counterexample adopted as a golden
# case replays too (its expectation comes from the reference).
set -euo pipefail
tool=$1
data=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$data/stale_expectation.json" "$work/case.json"

status=0
"$tool" rederive "$work/case.json" >"$work/out.txt" || status=$?
grep -q "differs" "$work/out.txt" || { echo "rederive did not report the stale file"; cat "$work/out.txt"; exit 1; }
[ "$status" -eq 3 ] || { echo "rederive without --accept should exit 3, got $status"; exit 1; }
cmp -s "$data/stale_expectation.json" "$work/case.json" || { echo "rederive changed a file without --accept"; exit 1; }
if "$tool" run "$work/case.json" >/dev/null; then echo "the stale file should fail to replay"; exit 1; fi

"$tool" rederive --accept "$work/case.json"
"$tool" run "$work/case.json"
ls "$work" | grep -v -E '^(case.json|out.txt)$' && { echo "a temporary file was left behind"; exit 1; }

"$tool" adopt "$data/stale_expectation.json" --out "$work/adopted/regression.json" --name adopted_case
"$tool" run "$work/adopted/regression.json"
grep -q '"regression"' "$work/adopted/regression.json"
echo "rederive and adopt: ok"
