#!/usr/bin/env bash
# Compiles every kernel the GPU benchmark needs (examples/*.mlir and
# bench/shapes/*.mlir) to a cubin and a manifest each, in out/kernels.
# The GPU machine has no LLVM/MLIR: compile here, copy the repository with
# its out/ folder (git-ignored) there, and run bench/run_gpu.sh on it.
# Usage: bench/compile.sh [chip]   (default sm_90a)
#   PROBLEMS=bench/heldout.json bench/compile.sh compiles another problem
#   list's benchmark shapes instead, and only those: examples generated into
#   out/examples-heldout (not examples/: held-out shapes stay out of the
#   checked-in examples and the tests), kernels into out/kernels-heldout,
#   which PROBLEMS=bench/heldout.json bench/run_gpu.sh runs.
set -euo pipefail
cd "$(dirname "$0")/.."
chip="${1:-sm_90a}"
PROBLEMS="${PROBLEMS:-bench/problems.json}"
source scripts/setup.sh
ninja -C "$GGEMM_BUILD" -j "$GGEMM_JOBS" gemm-opt
# The schedule is the cost model's (ggemm-pipeline's default). Where M is
# known only at run time (the _dynamic examples) the model is told the
# shape's mean rows per group (rows-hint), as a framework would from its
# batch size and top-k.
rows_hint() {
  python3 -c 'import json, sys
b = {b["name"]: b["m"] for b in json.load(open(sys.argv[1]))["benchmarks"]}
m = b.get(sys.argv[2])
print(max(1, round(sum(m) / len(m))) if m else 0)' "$1" "$2"
}
# compile_kernel FILE OUT_DIR: FILE through ggemm-pipeline into OUT_DIR, with
# the shape's rows-hint where FILE is a _dynamic benchmark example.
compile_kernel() {
  local hint=0 shape
  case "$1" in
    *bench_*_dynamic.mlir)
      shape=$(basename "$1" .mlir); shape=${shape#bench_}
      hint=$(rows_hint "$PROBLEMS" "${shape%_dynamic}") ;;
  esac
  "$GGEMM_BUILD/bin/gemm-opt" "$1" \
    --ggemm-pipeline="chip=$chip rows-hint=$hint out-dir=$2" -o /dev/null
}
if [ "$PROBLEMS" != bench/problems.json ]; then
  list=$(basename "$PROBLEMS" .json)
  rm -rf "out/examples-$list" "out/kernels-$list"
  mkdir -p "out/kernels-$list"
  python3 examples/gen_examples.py "$PROBLEMS" --out-dir "out/examples-$list"
  for f in out/examples-$list/bench_*.mlir; do
    compile_kernel "$f" "out/kernels-$list"
  done
  echo "$(ls out/kernels-$list/*.json | wc -l) kernels in out/kernels-$list ($PROBLEMS)"
  exit 0
fi
rm -rf out/kernels
mkdir -p out/kernels
for f in examples/*.mlir bench/shapes/*.mlir; do
  compile_kernel "$f" out/kernels
done
echo "$(ls out/kernels/*.json | wc -l) kernels in out/kernels"
# The TMA-prefetch ablation (bench/run_prefetch_ablation.sh): four benchmark
# shapes with prefetch at distances 1, 2 and 4 (out/kernels has none). The
# shapes are named, not globbed (bench_g?_n*_k???? would pick up or drop
# shapes as bench/problems.json grows); run_prefetch_ablation.sh times the
# same list.
ablation_shapes="g8_n4096_k7168 g8_n7168_k2048 g2_n3072_k4096 g2_n4096_k1536"
for d in 1 2 4; do
  rm -rf out/kernels-pf$d && mkdir -p out/kernels-pf$d
  for shape in $ablation_shapes; do
    "$GGEMM_BUILD/bin/gemm-opt" "examples/bench_$shape.mlir" \
      --ggemm-pipeline="chip=$chip prefetch-distance=$d out-dir=out/kernels-pf$d" \
      -o /dev/null
  done
done
# Split-K kernels (bench/run_splitk.sh checks and times them): the
# benchmark shapes, list and contiguous, and the edge shapes, at S = 2 and 4.
for s in 2 4; do
  rm -rf out/kernels-s$s && mkdir -p out/kernels-s$s
  for f in examples/bench_*.mlir bench/shapes/*.mlir; do
    "$GGEMM_BUILD/bin/gemm-opt" "$f" \
      --ggemm-pipeline="chip=$chip split-k=$s out-dir=out/kernels-s$s" -o /dev/null
  done
  echo "$(ls out/kernels-s$s/*.json | wc -l) split_k = $s kernels in out/kernels-s$s"
done
# The emulator calibration (bench/run_emu_calibration.sh): the test examples
# and the edge shapes as PTX (format=isa), which both the H200 (the driver
# JIT-compiles it) and the emulator run from one manifest; and the same at
# split_k = 2 (grid barrier, cooperative launch).
rm -rf out/emu-kernels out/emu-kernels-s2
mkdir -p out/emu-kernels out/emu-kernels-s2
for f in examples/test_*.mlir bench/shapes/*.mlir; do
  "$GGEMM_BUILD/bin/gemm-opt" "$f" \
    --ggemm-pipeline="chip=$chip format=isa out-dir=out/emu-kernels" -o /dev/null
  "$GGEMM_BUILD/bin/gemm-opt" "$f" \
    --ggemm-pipeline="chip=$chip format=isa split-k=2 out-dir=out/emu-kernels-s2" -o /dev/null
done
echo "$(ls out/emu-kernels/*.json | wc -l) + $(ls out/emu-kernels-s2/*.json | wc -l) PTX kernels in out/emu-kernels(-s2)"
