#!/usr/bin/env bash
# A stand-in for qemu_launcher.sh in tests of run_isolated.sh (RUN_ISOLATED_LAUNCHER): plays
# an image over a pack of 10 cases without QEMU. Cases 2 and 5 are unsupported, case 7 faults
# (exit 70) when its batch reaches it, the rest pass; it speaks the runners' progress protocol.
#   stub_launcher.sh --board BOARD IMAGE PACK --from N --progress
from=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --from) from=$2; shift 2 ;;
    *) shift ;;
  esac
done
passed=0 unsupported=0
for ((i = from; i < 10; ++i)); do
  echo "@case $i"
  if [[ $i -eq 7 ]]; then exit 70; fi
  if [[ $i -eq 2 || $i -eq 5 ]]; then
    echo "@unsupported $i"
    unsupported=$((unsupported + 1))
  else
    passed=$((passed + 1))
  fi
done
echo "$passed passed, 0 failed ($unsupported unsupported by the stub, 0 invalid cases not run)"
