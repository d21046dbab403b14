#!/usr/bin/env bash
# The main job: set up, build, and compile a shipped example with gemm-opt to
# one persistent sm_90a kernel (PTX + manifest) that CUDA's ptxas assembles.
# Usage: scripts/build-and-run.sh [example.mlir]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

ninja -C "$GGEMM_BUILD" -j "$GGEMM_JOBS" gemm-opt
example="${1:-$GGEMM_ROOT/examples/test_00.mlir}"
out="$GGEMM_BUILD/kernels"
name="$(basename "$example" .mlir)"
echo "== gemm-opt $example --ggemm-pipeline=\"chip=sm_90a format=isa out-dir=$out\""
"$GGEMM_BUILD/bin/gemm-opt" "$example" \
  --ggemm-pipeline="chip=sm_90a format=isa out-dir=$out" -o /dev/null
PTXAS="${PTXAS:-/usr/local/cuda/bin/ptxas}"
echo "== $PTXAS -arch=sm_90a $out/$name.ptx"
"$PTXAS" -arch=sm_90a -v "$out/$name.ptx" -o "$out/$name.cubin"
echo "== kernel and manifest in $out:"
ls -l "$out/$name".*
