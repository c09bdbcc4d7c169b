#!/usr/bin/env bash
# Instruction counts of the target kernels on both cores, as Markdown for a summary page:
#   on_target/bench/icount_report.sh [BUILD_DIR]
# BUILD_DIR is a host build (default: build) whose on-target images were built
# (`cmake --build BUILD_DIR`, which cross-builds on_target/ for both boards). For each board,
# runs the bench image under QEMU -icount 7, wrapper paths only, against the CMSIS-NN figures,
# and prints its table; for images built with a CMSIS-NN library, also the table against
# CMSIS-NN measured in the same image. Exit status: 0 when every shape meets its figure (or the floor of an
# accepted open gap) on both cores, 1 when one does not, 2 when an image is missing.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build}
launcher=$here/../cmake/qemu_launcher.sh
status=0
echo "## Executed instructions per kernel call (QEMU -icount 7, wrapper's path)"
for board in mps2-an386 mps3-an547; do
  image=$build/on_target/host/$board/bench/conv_bench_icount.elf
  echo
  echo "### $board"
  echo
  if [[ ! -f "$image" ]]; then
    echo "no image $image (build the host project with the arm-none-eabi toolchain and qemu-system-arm installed)"
    status=2
    continue
  fi
  echo '```'
  "$launcher" --board "$board" --icount 7 "$image" --wrapper-only --figures "$here/cmsis_nn_figures.txt" | grep -v '^BENCH '
  rc=${PIPESTATUS[0]}
  echo '```'
  if [[ $rc -ne 0 && $status -eq 0 ]]; then status=1; fi
  # Images built with a CMSIS-NN library for this core also measure it (--vs-cmsis-nn).
  measured=$("$launcher" --board "$board" --icount 7 "$image" --vs-cmsis-nn 2>&1)
  rc=$?
  if ! grep -q -- "--vs-cmsis-nn needs an image built with" <<<"$measured"; then
    echo
    echo "Against CMSIS-NN measured in the same image:"
    echo
    echo '```'
    grep -v '^BENCH_VS ' <<<"$measured"
    echo '```'
    if [[ $rc -ne 0 && $status -eq 0 ]]; then status=1; fi
  fi
done
exit $status
