#!/usr/bin/env bash
# Runs a cross-compiled image under qemu-system-arm, the way a host program would run:
#   qemu_launcher.sh --board mps3-an547|mps2-an386 [--icount SHIFT] image.elf [args...]
# CMake uses it as CMAKE_CROSSCOMPILING_EMULATOR, so ctest puts the program and its
# arguments last; QEMU wants the arguments in -append, and semihosting opens files relative
# to QEMU's working directory, so arguments naming existing files are made absolute.
# The image's exit status (semihosting SYS_EXIT) is this script's exit status.
# CONFORMANCE_QEMU_ICOUNT=SHIFT in the environment does the same as --icount SHIFT
# (virtual time advances 2^SHIFT ns per executed instruction: exact instruction counts).
set -euo pipefail

board=""
icount=${CONFORMANCE_QEMU_ICOUNT:-}
while [[ $# -gt 0 ]]; do
  case "$1" in
    --board) board=$2; shift 2 ;;
    --icount) icount=$2; shift 2 ;;
    --) shift; break ;;
    -*) echo "qemu_launcher: unknown option $1" >&2; exit 2 ;;
    *) break ;;
  esac
done
if [[ -z "$board" || $# -lt 1 ]]; then
  echo "usage: qemu_launcher.sh --board mps3-an547|mps2-an386 [--icount SHIFT] image.elf [args...]" >&2
  exit 2
fi
case "$board" in
  mps3-an547|mps2-an386) ;;
  *) echo "qemu_launcher: unknown board '$board' (mps3-an547 or mps2-an386)" >&2; exit 2 ;;
esac
if ! command -v qemu-system-arm >/dev/null; then
  echo "qemu_launcher: qemu-system-arm not found: apt-get install qemu-system-arm" >&2
  exit 2
fi
image=$1; shift
if [[ ! -f "$image" ]]; then
  echo "qemu_launcher: no image '$image'" >&2
  exit 2
fi

args=()
for arg in "$@"; do
  if [[ "$arg" =~ [[:space:]] ]]; then
    # The target splits its command line on spaces; such an argument cannot arrive intact.
    echo "qemu_launcher: argument '$arg' contains white space, which the target cannot receive" >&2
    exit 2
  fi
  if [[ -e "$arg" ]]; then arg=$(realpath "$arg"); fi
  args+=("$arg")
done

qemu=(qemu-system-arm -M "$board" -nographic -monitor none -serial none
      -semihosting-config enable=on,target=native -kernel "$(realpath "$image")")
if [[ -n "$icount" ]]; then qemu+=(-icount "shift=$icount"); fi
if [[ ${#args[@]} -gt 0 ]]; then qemu+=(-append "${args[*]}"); fi
exec "${qemu[@]}"
