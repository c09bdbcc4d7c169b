#!/usr/bin/env bash
# Runs a command and passes only when it exits with exactly EXPECTED_STATUS and its output
# matches REGEX (grep -E). For tests whose point is that something fails, and how.
#   expect_exit.sh EXPECTED_STATUS REGEX command [args...]
set -uo pipefail
expected=$1 pattern=$2
shift 2
output=$("$@" 2>&1)
status=$?
printf '%s\n' "$output" | tail -n 40
if [[ $status -ne $expected ]]; then
  echo "expect_exit: exit status $status, expected $expected: $*" >&2
  exit 1
fi
if ! printf '%s\n' "$output" | grep -Eq -- "$pattern"; then
  echo "expect_exit: output does not match '$pattern': $*" >&2
  exit 1
fi
echo "expect_exit: exit status $expected and output matching '$pattern', as expected"
