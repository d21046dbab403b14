#!/usr/bin/env bash
# Compiles the sm_90a schedule family for every benchmark shape (the
# exhaustive sweep that bench/run_sweep.sh times on the GPU machine): token
# tile (tile-m) 16, 32, 64, 128, ring depth 4, 6 and the most that fits, and
# split-K 2 for the two smallest token tiles, and two CTAs per SM (grid 264)
# for 16, 32 and 64 tokens; 256 tokens at 2 stages (all that fit); and
# predecoded tokens (predecode=1) at 16 and 32 tokens with 4 stages, at 64
# and 128 with 2 and 4 and at 256 with 2, 3 and 4. One folder per schedule under out/sweep/,
# named m<tile-m>_s<stages>_k<split-k>[_c2][_pd]; a schedule the kernel
# refuses (shared memory, or predecoded tokens on a gathered shape) is
# skipped with its reason in out/sweep/refused.txt.
# The list form is compiled where the example exists, else the rows<contiguous>
# form (run with the shape's group sizes).
# Usage: bench/sweep.sh [PROBLEMS_JSON]   (default bench/problems.json)
set -euo pipefail
cd "$(dirname "$0")/.."
problems="${1:-bench/problems.json}"
source scripts/setup.sh
ninja -C "$GGEMM_BUILD" -j "$GGEMM_JOBS" gemm-opt
rm -rf out/sweep && mkdir -p out/sweep
names=$(python3 -c 'import json, sys
print(" ".join(b["name"] for b in json.load(open(sys.argv[1]))["benchmarks"]))' "$problems")
# The most stages of each token tile that fit sm_90a's shared memory
# (lib/Target/SM90/Plan.cpp; a schedule that does not fit is refused anyway).
declare -A most=([16]=12 [32]=10 [64]=7 [128]=5)
# compile DIR LABEL OPTIONS: $src with the pipeline's OPTIONS into DIR
# (skipped when already there); a refusal is recorded under LABEL.
compile() {
  local dir=$1 label=$2 options=$3
  mkdir -p $dir
  [ -f $dir/$(basename $src .mlir).json ] && return 0
  "$GGEMM_BUILD/bin/gemm-opt" "$src" -o /dev/null \
    --ggemm-pipeline="chip=sm_90a $options out-dir=$dir" \
    2> out/sweep/err.txt || echo "$name $label: $(grep -m1 error out/sweep/err.txt)" >> out/sweep/refused.txt
}
for name in $names; do
  src=examples/bench_$name.mlir
  [ -f "$src" ] || src=examples/bench_${name}_dynamic.mlir
  for m in 16 32 64 128; do
    for s in 4 6 ${most[$m]}; do
      splits=1
      [ $m -le 32 ] && [ $s = 4 ] && splits="1 2"
      for k in $splits; do
        compile out/sweep/m${m}_s${s}_k${k} "m$m s$s k$k" "tile-m=$m stages=$s split-k=$k"
      done
    done
  done
  # Two CTAs per SM (grid = 2 x 132) for the token tiles whose rings fit
  # twice in an SM's shared memory at these depths.
  for ms in 16:4 32:3 64:2; do
    m=${ms%:*}; s=${ms#*:}
    compile out/sweep/m${m}_s${s}_k1_c2 "m$m s$s c2" "tile-m=$m stages=$s grid=264"
  done
  compile out/sweep/m256_s2_k1 "m256 s2 k1" "tile-m=256 stages=2"
  # Predecoded tokens (docs/sm90-kernel.md, "Predecoded tokens").
  for ms in 16:4 32:4 64:2 64:4 128:2 128:4 256:2 256:3 256:4; do
    m=${ms%:*}; s=${ms#*:}
    compile out/sweep/m${m}_s${s}_k1_pd "m$m s$s pd" "tile-m=$m stages=$s predecode=1"
  done
done
rm -f out/sweep/err.txt
echo "$(ls out/sweep/*/*.json | wc -l) kernels in $(ls -d out/sweep/*/ | wc -l) schedules"
# Correctness kernels of each token tile at its deepest ring, of the
# predecoded 16- and 32-token kernels at 4 stages, and of the predecoded
# 256-token kernel at 2 and 4 stages (5 and 4 token slots), which
# run_sweep.sh checks on fresh data: the test examples and the edge shapes.
checks="m16_s${most[16]}:tile-m=16_stages=${most[16]}"
checks+=" m32_s${most[32]}:tile-m=32_stages=${most[32]}"
checks+=" m64_s${most[64]}:tile-m=64_stages=${most[64]}"
checks+=" m16_s4_pd:tile-m=16_stages=4_predecode=1"
checks+=" m32_s4_pd:tile-m=32_stages=4_predecode=1"
checks+=" m256_s2_pd:tile-m=256_stages=2_predecode=1"
checks+=" m256_s4_pd:tile-m=256_stages=4_predecode=1"
for c in $checks; do
  dir=out/sweep-check/${c%%:*}
  options=$(echo "${c#*:}" | tr _ ' ')
  rm -rf $dir && mkdir -p $dir
  for f in examples/test_*.mlir bench/shapes/edge_m.mlir bench/shapes/edge_m_dynamic.mlir; do
    "$GGEMM_BUILD/bin/gemm-opt" "$f" -o /dev/null \
      --ggemm-pipeline="chip=sm_90a $options out-dir=$dir"
  done
done
