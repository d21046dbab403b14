#!/usr/bin/env bash
# The main job: set up, build, and run gemm-opt on a shipped example.
# Usage: scripts/build-and-run.sh [example.mlir]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

ninja -C "$GGEMM_BUILD" -j "$GGEMM_JOBS" gemm-opt
example="${1:-$GGEMM_ROOT/examples/test_00.mlir}"
echo "== gemm-opt $example"
"$GGEMM_BUILD/bin/gemm-opt" "$example"
