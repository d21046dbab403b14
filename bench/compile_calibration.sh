#!/usr/bin/env bash
# Compiles the calibration kernels (docs/cost-model.md, "What a calibration
# on synthetic shapes says") where LLVM/MLIR are: one group of exactly one
# token tile (M = tile M), N = 132 x 128 x T so that every CTA of the grid
# takes T output tiles: T = 4 at K = 512, 2048 and 8192, and T = 1 at K =
# 512 and 2048 (shapes calib_m<M>_k<K>_t1); the plain and the predecoded
# sm_90a kernel at 16, 32, 64, 128 and 256 tokens (4 stages; the plain
# 256-token kernel takes 2, the most its shared memory holds), and the
# plain kernel with prefetch-distance=1 (the next tile's first K tile and
# its scales into L2: what it takes off a tile's cost). These shapes
# are in no problem list: a step's cost is the slope of the time in K, a
# tile's the slope in T, the launches and the pipeline's fill the rest
# (bench/fit_calibration.py). bench/run_calibration.sh times them on the GPU
# machine (carry out/calibration).
# Usage: bench/compile_calibration.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
ninja -C "$GGEMM_BUILD" -j "$GGEMM_JOBS" gemm-opt
out=out/calibration
rm -rf "$out"
mkdir -p "$out"
python3 - "$out/problems.json" <<'PY'
import json, sys
tiles = {4: (512, 2048, 8192), 1: (512, 2048)}
shapes = [{"name": "calib_m%d_k%d%s" % (m, k, "" if t == 4 else "_t%d" % t),
           "m": [m], "n": 132 * 128 * t, "k": k}
          for m in (16, 32, 64, 128, 256) for t, ks in tiles.items() for k in ks]
json.dump({"about": "synthetic calibration shapes (bench/compile_calibration.sh)",
           "tests": [], "benchmarks": shapes}, open(sys.argv[1], "w"), indent=1)
PY
python3 examples/gen_examples.py "$out/problems.json" --out-dir "$out/src" > /dev/null
for f in "$out"/src/bench_calib_m*_k*.mlir; do
  case "$f" in *_dynamic.mlir) continue ;; esac
  m=$(basename "$f" .mlir | sed 's/^bench_calib_m\([0-9]*\)_k.*/\1/')
  plain_stages=4
  [ "$m" = 256 ] && plain_stages=2
  "$GGEMM_BUILD/bin/gemm-opt" "$f" -o /dev/null \
    --ggemm-pipeline="chip=sm_90a tile-m=$m stages=4 predecode=1 out-dir=$out/predecoded"
  "$GGEMM_BUILD/bin/gemm-opt" "$f" -o /dev/null \
    --ggemm-pipeline="chip=sm_90a tile-m=$m stages=$plain_stages out-dir=$out/plain"
  "$GGEMM_BUILD/bin/gemm-opt" "$f" -o /dev/null \
    --ggemm-pipeline="chip=sm_90a tile-m=$m stages=$plain_stages prefetch-distance=1 out-dir=$out/prefetch"
done
echo "$(ls "$out"/*/bench_calib_*.json | wc -l) kernels in $out"
