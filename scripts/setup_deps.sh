#!/usr/bin/env bash
# Installs the Debian packages the suite builds with, when any is missing, plus any package
# named on the command line (scripts/fuzz.sh adds clang, the nightly run chromium). Needs
# root for the install; does nothing (and needs nothing) when everything is present.
#
# Besides the build itself, the list holds what the optional suites run on: the Arm toolchain
# and QEMU (on-target), XNNPACK (an independent kernel set) and PyTorch (exported models).
# CMake finds each one or reports its tests as skipped with the package names.
#
#   scripts/setup_deps.sh [EXTRA_PACKAGE...]
set -euo pipefail

packages=(cmake ninja-build g++ binutils googletest libgtest-dev libgmock-dev librapidcheck-dev
          nlohmann-json3-dev libbenchmark-dev
          gcc-arm-none-eabi libnewlib-arm-none-eabi libstdc++-arm-none-eabi-newlib qemu-system-arm
          libxnnpack-dev libpthreadpool-dev libcpuinfo-dev
          python3 python3-torch python3-torchaudio python3-torchvision "$@")

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "[setup] all packages present"
  exit 0
fi
echo "[setup] installing: ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "[setup] not root: run  sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
