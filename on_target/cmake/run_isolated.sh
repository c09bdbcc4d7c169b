#!/usr/bin/env bash
# Crash isolation for on-target runs: replays a pack with a runner image under QEMU, one QEMU
# process per batch of cases. When the image faults (status 70) or prints nothing for
# --case-timeout seconds, the case it was running (its last "@case N" marker, replay_options.h)
# is reported as failed with its replay command, and a new QEMU process goes on from case N+1.
#   run_isolated.sh --board BOARD [--case-timeout SECONDS] IMAGE PACK [image options...]
# CONFORMANCE_CASE_TIMEOUT_S sets the default time limit (30 s). The image's own lines are
# passed through; at the end "isolated: P passed, F failed (C crashed, H hung) in B QEMU runs",
# followed by ", U unsupported, I invalid: not compared" when the image marked such cases
# ("@unsupported N", "@invalid N" after a case's "@case N": the CMSIS-NN runner does).
# Exit status: 0 when nothing failed, else the failure count clamped to 1..255; 2 on misuse.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
launcher=${RUN_ISOLATED_LAUNCHER:-$here/qemu_launcher.sh}  # a stub in the driver's own test
board="" timeout=${CONFORMANCE_CASE_TIMEOUT_S:-30}
while [[ $# -gt 0 ]]; do
  case "$1" in
    --board) board=$2; shift 2 ;;
    --case-timeout) timeout=$2; shift 2 ;;
    *) break ;;
  esac
done
if [[ -z "$board" || $# -lt 2 ]]; then
  echo "usage: run_isolated.sh --board BOARD [--case-timeout SECONDS] IMAGE PACK [image options...]" >&2
  exit 2
fi
image=$1 pack=$2
shift 2
for arg in "$@"; do
  if [[ "$arg" == --from || "$arg" == --progress || "$arg" == --case ]]; then
    echo "run_isolated: $arg is the driver's to set" >&2
    exit 2
  fi
done

from=0 passed=0 failed=0 crashed=0 hung=0 runs=0 unsupported=0 invalid=0
while :; do
  runs=$((runs + 1))
  current="" summary="" timed_out=0 started=0 failed_here=0 not_compared_here=0
  coproc QEMU { exec "$launcher" --board "$board" "$image" "$pack" --from "$from" --progress "$@" 2>&1; }
  qemu_pid=$QEMU_PID
  # bash unsets QEMU when the process ends; a copy of the descriptor outlives it.
  exec {qemu_out}<&"${QEMU[0]}"
  while :; do
    if IFS= read -r -t "$timeout" line <&"$qemu_out"; then
      if [[ "$line" =~ ^@case\ ([0-9]+)$ ]]; then
        current=${BASH_REMATCH[1]}
        started=$((started + 1))
        continue
      fi
      if [[ "$line" =~ ^@(unsupported|invalid)\ [0-9]+$ ]]; then
        not_compared_here=$((not_compared_here + 1))
        if [[ ${BASH_REMATCH[1]} == unsupported ]]; then unsupported=$((unsupported + 1)); else invalid=$((invalid + 1)); fi
        continue
      fi
      printf '%s\n' "$line"
      if [[ "$line" =~ ^FAIL\ case\  ]]; then failed_here=$((failed_here + 1)); fi
      if [[ "$line" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed ]]; then summary=$line; fi
    elif [[ $? -gt 128 ]]; then
      timed_out=1
      kill "$qemu_pid" 2>/dev/null
      break
    else
      break  # end of output
    fi
  done
  wait "$qemu_pid" 2>/dev/null
  status=$?
  exec {qemu_out}<&-

  replay="$launcher --board $board $(realpath "$image") $(realpath "$pack") --case ${current:-0}"
  if [[ $timed_out -eq 1 || $status -eq 70 ]]; then
    if [[ -z "$current" ]]; then
      echo "run_isolated: the image $( [[ $timed_out -eq 1 ]] && echo "made no progress for $timeout s" || echo faulted) before its first case"
      exit 70
    fi
    if [[ $timed_out -eq 1 ]]; then
      echo "FAIL case $current: no output for $timeout s, stopped (a hang, or a case slower than --case-timeout)"
      hung=$((hung + 1))
    else
      echo "FAIL case $current: the image faulted (status 70) while running it"
      crashed=$((crashed + 1))
    fi
    echo "  target replay: $replay"
    # The batch printed no summary: the cases it finished before this one count here.
    passed=$((passed + started - 1 - failed_here - not_compared_here))
    failed=$((failed + failed_here + 1))
    from=$((current + 1))
    continue
  fi
  if [[ "$summary" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed ]]; then
    passed=$((passed + BASH_REMATCH[1]))
    failed=$((failed + BASH_REMATCH[2]))
  elif [[ $status -ne 0 ]]; then
    echo "run_isolated: the image ended with status $status and no summary line"
    failed=$((failed + 1))
  fi
  # A batch that ran no case at all (every remaining case was past the end) is fine: done.
  break
done

not_compared=""
[[ $((unsupported + invalid)) -eq 0 ]] || not_compared=", $unsupported unsupported, $invalid invalid: not compared"
echo "isolated: $passed passed, $failed failed ($crashed crashed, $hung hung) in $runs QEMU runs$not_compared"
if [[ $failed -eq 0 ]]; then exit 0; fi
if [[ $failed -gt 255 ]]; then exit 255; fi
exit "$failed"
