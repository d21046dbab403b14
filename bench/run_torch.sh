#!/usr/bin/env bash
# torch.ops.ggemm.grouped_mm_nvfp4 on the GPU machine (docs/python.md):
# correctness against torch on the dequantized operands, CUDA-graph replay
# with new offsets, sync-debug mode, torch.compile(fullgraph=True), a
# profiler check, then per-call times beside torch._grouped_mm. Needs
# out/ggemm-cache from bench/compile_torch.sh (carry it).
# Usage: bench/run_torch.sh [LOG_DIR]   (default out/logs-torch)
set -uo pipefail
cd "$(dirname "$0")/.."
logs="${1:-out/logs-torch}"
mkdir -p "$logs"
[ -f out/ggemm-cache/libggemm_runtime.so ] || { echo "no out/ggemm-cache: run bench/compile_torch.sh first"; exit 1; }
export PYTHONPATH="$PWD/python" GGEMM_RUNTIME_LIB="$PWD/out/ggemm-cache/libggemm_runtime.so"
nvidia-smi --query-gpu=name,driver_version --format=csv | tee "$logs/device.txt"
date -u +%Y-%m-%d >> "$logs/device.txt"
python3 python/tests/torch_check.py out/ggemm-cache --shapes 2:256:512,8:1024:2048,128:2048:1024 2>&1 | tee "$logs/check.log"
rc=${PIPESTATUS[0]}
python3 python/tests/torch_check.py out/ggemm-cache --shapes 8:4096:7168,128:2048:1024 --bench 2>&1 | tee "$logs/bench.log"
# Every benchmark shape of bench/problems.json, with its own group sizes.
python3 python/tests/torch_check.py out/ggemm-cache --problems bench/problems.json 2>&1 | tee "$logs/problems.log"
[ ${PIPESTATUS[0]} -eq 0 ] || rc=1
# Where the op's host time per call goes.
python3 bench/torch_overhead.py out/ggemm-cache 2>&1 | tee "$logs/overhead.log"
# The example MoE layer (router, top-k, two grouped projections, SwiGLU,
# NVFP4 quantization, combine), checked stage by stage.
for tokens in 384 1; do
  python3 python/examples/moe_layer.py out/ggemm-cache --tokens $tokens 2>&1 | tee -a "$logs/layer.log"
  [ ${PIPESTATUS[0]} -eq 0 ] || rc=1
done
exit $rc
