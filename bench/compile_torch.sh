#!/usr/bin/env bash
# Fills the kernel cache the torch op reads (python/ggemm; docs/python.md)
# for bench/run_torch.sh, where LLVM/MLIR are: out/ggemm-cache holds one
# kernel per G:N:K (rows offsets, sm_90a cubins) and libggemm_runtime.so.
# Usage: bench/compile_torch.sh [G:N:K ...]  (default: the shapes
# bench/run_torch.sh checks, and the two layers of
# python/examples/moe_layer.py)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
ninja -C "$GGEMM_BUILD" -j "$GGEMM_JOBS" gemm-opt GGemmRuntimeC
shapes=("$@")
[ ${#shapes[@]} -gt 0 ] || shapes=(2:256:512 8:1024:2048 8:4096:7168 128:2048:1024 8:1024:1024 8:1024:512)
args=()
for s in "${shapes[@]}"; do args+=(--shape "$s"); done
PYTHONPATH=python python3 -m ggemm fill --root out/ggemm-cache \
  --chip sm_90a --gemm-opt "$GGEMM_BUILD/bin/gemm-opt" "${args[@]}"
# Every benchmark shape of bench/problems.json (run_torch.sh checks the op
# on each, with its own group sizes).
mapfile -t problems < <(python3 -c '
import json
for s in json.load(open("bench/problems.json"))["benchmarks"]:
    print("--shape"); print("%d:%d:%d" % (len(s["m"]), s["n"], s["k"]))')
PYTHONPATH=python python3 -m ggemm fill --root out/ggemm-cache \
  --chip sm_90a --gemm-opt "$GGEMM_BUILD/bin/gemm-opt" "${problems[@]}"
# The gathered kernel of the example layer's gate/up projection
# (python/examples/moe_layer.py) and of torch_check.py's gathered check.
PYTHONPATH=python python3 -m ggemm fill --root out/ggemm-cache \
  --chip sm_90a --gemm-opt "$GGEMM_BUILD/bin/gemm-opt" --rows gathered \
  --shape 8:1024:1024 --shape 8:1024:2048
cp "$GGEMM_BUILD/lib/Runtime/libggemm_runtime.so" out/ggemm-cache/
echo "carry out/ggemm-cache to the GPU machine; run bench/run_torch.sh there"
