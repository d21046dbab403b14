#!/usr/bin/env bash
# The TMA-prefetch ablation on the GPU machine: times four benchmark shapes
# (ablation_shapes below) compiled with ggemm-insert-tma-prefetch at distance
# 0 (off: the default pipeline, out/kernels), 1, 2 and 4, in one run, then
# profiles one shape with and without prefetch (ncu: duration, DRAM bytes, L2
# hit rate, stall reasons).
# Needs: out/kernels* from bench/compile.sh and the runtime that
# bench/run_gpu.sh builds (out/build-runtime/bin/gemm-run).
# Usage: bench/run_prefetch_ablation.sh [LOG_DIR]   (default out/logs)
set -uo pipefail
cd "$(dirname "$0")/.."
logs="${1:-out/logs}"
mkdir -p "$logs"
RUN=out/build-runtime/bin/gemm-run
[ -x "$RUN" ] || { echo "no $RUN: run bench/run_gpu.sh first"; exit 1; }
seed=$(( $(date +%s) % 100000 ))
# The four shapes of the TMA-prefetch ablation, named (a glob such as
# bench_g?_n*_k???? would pick up or drop shapes as bench/problems.json
# grows); bench/compile.sh compiles the same list.
ablation_shapes="g8_n4096_k7168 g8_n7168_k2048 g2_n3072_k4096 g2_n4096_k1536"
: > "$logs/prefetch.log"
# ABLATION_TIMING=0 skips the timing rounds (profiles only).
for round in $([ "${ABLATION_TIMING:-1}" = 1 ] && echo 1 2); do
  for d in 0 1 2 4; do
    dir=out/kernels-pf$d
    [ $d = 0 ] && dir=out/kernels
    for shape in $ablation_shapes; do
      m=$dir/bench_$shape.json
      [ -f "$m" ] || { echo "no $m: run bench/compile.sh" >&2; continue; }
      t=$($RUN "$m" --seed $seed --bench 2>&1 | grep -o 'median [0-9.]* us' | head -1)
      echo "round $round distance $d $(basename $m .json) $t" | tee -a "$logs/prefetch.log"
    done
  done
done
# Profiles of the ggemm kernel itself (-k: not the input generator's):
# time, DRAM and L2 traffic, and where warps wait.
what="--section SpeedOfLight --section MemoryWorkloadAnalysis --section WarpStateStats"
[ "${ABLATION_TIMING:-1}" = 1 ] || : > "$logs/prefetch.log"
for d in 0 2; do
  dir=out/kernels-pf$d
  [ $d = 0 ] && dir=out/kernels
  for shape in bench_g8_n7168_k2048 bench_g2_n4096_k1536; do
    echo "== ncu distance $d $shape" | tee -a "$logs/prefetch.log"
    ncu --clock-control none -k regex:ggemm_ --launch-skip 2 --launch-count 1 \
      $what $RUN $dir/$shape.json --seed $seed --bench --iters 1 --warmup 3 \
      > "$logs/ncu_pf${d}_$shape.log" 2>&1
    grep -E "Duration|DRAM Throughput|Memory Throughput|L2 Hit Rate|L1/TEX Hit|Compute \(SM\) Throughput|Warp Cycles Per Issued|Stall|stall" \
      "$logs/ncu_pf${d}_$shape.log" | head -20 | tee -a "$logs/prefetch.log"
  done
done
