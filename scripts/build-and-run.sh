#!/usr/bin/env bash
# The main job: set up, build, and compile a shipped example with gemm-opt to
# one persistent kernel (PTX + manifest) per target chip: the tcgen05 kernel
# for Blackwell (sm_100a; assembled, never run here: no Blackwell GPU) and
# the Hopper kernel (sm_90a; the one that runs on the project's Hopper GPU,
# see bench/). CUDA's ptxas assembles both.
# Usage: scripts/build-and-run.sh [example.mlir]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

ninja -C "$GGEMM_BUILD" -j "$GGEMM_JOBS" gemm-opt
example="${1:-$GGEMM_ROOT/examples/test_00.mlir}"
name="$(basename "$example" .mlir)"
PTXAS="${PTXAS:-/usr/local/cuda/bin/ptxas}"
for chip in sm_100a sm_90a; do
  out="$GGEMM_BUILD/kernels/$chip"
  echo "== gemm-opt $example --ggemm-pipeline=\"chip=$chip format=isa out-dir=$out\""
  "$GGEMM_BUILD/bin/gemm-opt" "$example" \
    --ggemm-pipeline="chip=$chip format=isa out-dir=$out" -o /dev/null
  echo "== $PTXAS -arch=$chip $out/$name.ptx"
  "$PTXAS" -arch=$chip -v "$out/$name.ptx" -o "$out/$name.cubin"
  echo "== kernel and manifest in $out:"
  ls -l "$out/$name".*
done
