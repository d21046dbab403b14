#!/usr/bin/env bash
# Compiles the kernels bench/run_layouts.sh runs on the GPU: every MoE
# benchmark shape ("time_dynamic" in bench/problems.json) in rows<contiguous>
# (examples/bench_*_dynamic.mlir), rows<offsets> and rows<masked>
# (bench/layout_examples.py), with the cost model's schedule for the shape's
# mean rows per group (rows-hint) as bench/compile.sh does, into
# out/kernels-layouts; and the small edge kernels of the three forms
# (test/Emulator/Inputs) for the skewed and bad-data checks.
# Usage: bench/compile_layouts.sh [chip]   (default sm_90a)
set -euo pipefail
cd "$(dirname "$0")/.."
chip="${1:-sm_90a}"
source scripts/setup.sh
ninja -C "$GGEMM_BUILD" -j "$GGEMM_JOBS" gemm-opt
OUT=out/kernels-layouts
rm -rf "$OUT" out/examples-layouts
mkdir -p "$OUT"
python3 bench/layout_examples.py out/examples-layouts
cp out/examples-layouts/layouts.txt "$OUT/"
while read -r name offsets sizes max_m; do
  hint=$(python3 -c 'import sys; s = [int(x) for x in sys.argv[1].split(",")]
print(max(1, round(sum(s) / len(s))))' "$sizes")
  for f in examples/bench_${name}_dynamic.mlir \
           out/examples-layouts/bench_${name}_offsets.mlir \
           out/examples-layouts/bench_${name}_gathered.mlir \
           out/examples-layouts/bench_${name}_masked.mlir; do
    "$GGEMM_BUILD/bin/gemm-opt" "$f" \
      --ggemm-pipeline="chip=$chip rows-hint=$hint out-dir=$OUT" -o /dev/null
  done
done < "$OUT/layouts.txt"
# The edge shapes of the four forms (bench/shapes), and their split-K 2
# kernels (split-K slots numbered from the rows of the one A buffer).
for f in bench/shapes/edge_m_dynamic.mlir bench/shapes/edge_m_offsets.mlir \
         bench/shapes/edge_m_masked.mlir bench/shapes/edge_m_gathered.mlir; do
  "$GGEMM_BUILD/bin/gemm-opt" "$f" \
    --ggemm-pipeline="chip=$chip out-dir=$OUT" -o /dev/null
  "$GGEMM_BUILD/bin/gemm-opt" "$f" \
    --ggemm-pipeline="chip=$chip split-k=2 out-dir=$OUT/split2" -o /dev/null
done
echo "$(ls $OUT/*.json $OUT/split2/*.json | wc -l) kernels in $OUT"
