#!/usr/bin/env bash
# Runs a command and passes only when it exits with exactly EXPECTED_STATUS and its output
# has a line matching REGEX (grep -E), and one matching each --and REGEX. For tests whose
# point is that something fails, and how.
#   expect_exit.sh EXPECTED_STATUS REGEX [--and REGEX]... command [args...]
set -uo pipefail
expected=$1
patterns=("$2")
shift 2
while [[ $# -ge 2 && "$1" == --and ]]; do
  patterns+=("$2")
  shift 2
done
output=$("$@" 2>&1)
status=$?
printf '%s\n' "$output" | tail -n 40
if [[ $status -ne $expected ]]; then
  echo "expect_exit: exit status $status, expected $expected: $*" >&2
  exit 1
fi
for pattern in "${patterns[@]}"; do
  if ! printf '%s\n' "$output" | grep -Eq -- "$pattern"; then
    echo "expect_exit: no output line matches '$pattern': $*" >&2
    exit 1
  fi
done
echo "expect_exit: exit status $expected and output matching ${patterns[*]}, as expected"
