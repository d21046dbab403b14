#!/usr/bin/env bash
# Installs what ggemm needs when it is missing and configures build/.
# Sourced by build-and-run.sh, test.sh and test-sanitized.sh (which sets
# GGEMM_BUILD and GGEMM_CMAKE_ARGS first); safe to run again.
set -euo pipefail

GGEMM_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
GGEMM_BUILD="${GGEMM_BUILD:-$GGEMM_ROOT/build}"
# GGEMM_LLVM_PREFIX: where LLVM/MLIR 22 are installed (Debian's packages put
# them in /usr/lib/llvm-22).
LLVM_PREFIX="${GGEMM_LLVM_PREFIX:-/usr/lib/llvm-22}"

# Debian packages: LLVM/MLIR 22 (libraries, TableGen, FileCheck, lit) and the
# build tools.
PACKAGES=(llvm-22-dev libmlir-22-dev mlir-22-tools llvm-22-tools llvm-22
          cmake ninja-build g++ python3 libgtest-dev)
"$GGEMM_ROOT/scripts/install-packages.sh" "${PACKAGES[@]}"

if [ ! -f "$GGEMM_BUILD/build.ninja" ]; then
  cmake -G Ninja -S "$GGEMM_ROOT" -B "$GGEMM_BUILD" \
    -DCMAKE_BUILD_TYPE=Release \
    -DMLIR_DIR="$LLVM_PREFIX/lib/cmake/mlir" \
    ${GGEMM_CMAKE_ARGS[@]+"${GGEMM_CMAKE_ARGS[@]}"}
fi
# Two cores: keep parallelism at the core count.
GGEMM_JOBS="${GGEMM_JOBS:-$(nproc)}"
