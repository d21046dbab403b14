#!/usr/bin/env bash
# Compiles every kernel the GPU run needs (this machine has LLVM/MLIR; the
# GPU machine does not) into .device/kernels, and copies the shared peer
# scripts into .device/peers. Both folders are git-ignored and travel with
# the device tool's `carry`.
# Usage: bench/compile.sh [chip]
set -euo pipefail
cd "$(dirname "$0")/.."
chip="${1:-sm_90a}"
source scripts/setup.sh
ninja -C "$GGEMM_BUILD" -j "$GGEMM_JOBS" gemm-opt
rm -rf .device/kernels .device/peers
mkdir -p .device/kernels .device/peers
for f in examples/*.mlir bench/shapes/*.mlir; do
  "$GGEMM_BUILD/bin/gemm-opt" "$f" \
    --ggemm-pipeline="chip=$chip out-dir=.device/kernels" -o /dev/null
done
cp ../shared/tools/*.py ../shared/problems/*.json .device/peers/ 2>/dev/null || true
ls .device/kernels | wc -l
