#!/usr/bin/env bash
# The sm_100a kernels of test/Emulator/sm100-kernels.test, compiled and run
# on the emulator through gemm-run --device emu --check.
#   sm100-matrix.sh WORKDIR SRCROOT DATASEED EMUSEED...
# Tools: $GEMM_OPT (default gemm-opt on PATH), $GEMM_RUN (default gemm-run).
# Prints one line per run: "<kernel> [<run-time sizes>] emu-seed <s>: PASS
# <n> instructions". Any other outcome prints the log and exits 1.
set -u
work=$1 src=$2 seed=$3
shift 3
opt=${GEMM_OPT:-gemm-opt}
run=${GEMM_RUN:-gemm-run}
rm -rf "$work" && mkdir -p "$work/blocked-src"
compile() { # compile <dir> <mlir> [pipeline options]
  local dir=$1 f=$2
  shift 2
  "$opt" "$f" --ggemm-pipeline="chip=sm_100a format=isa out-dir=$work/$dir $*" \
    -o /dev/null || { echo "compile failed: $f $*"; exit 1; }
}
python3 "$src/examples/gen_examples.py" --blocked-variants "$work/blocked-src" \
  > /dev/null || exit 1
shapes=$src/bench/shapes
for f in "$src"/examples/test_0?.mlir "$shapes/edge_m.mlir" \
         "$shapes/edge_m_dynamic.mlir"; do
  compile k "$f"
done
# both scale layouts: blocked_128x4 (bulk copies of atoms, no scale warp)
for t in test_03 test_08; do compile blocked "$work/blocked-src/${t}_blocked.mlir"; done
# tile N 64 and 192 (192: 3 stages fit in shared memory, 2 TMEM scale slots)
for f in "$src/examples/test_05.mlir" "$shapes/edge_m.mlir"; do compile n64 "$f" tile-n=64; done
for f in "$src/examples/test_06.mlir" "$shapes/edge_m_dynamic.mlir"; do
  compile n192 "$f" tile-n=192 stages=3
done
# split-K 2 and 4 (grid barrier, cooperative launch of 148 CTAs)
for f in "$src/examples/test_05.mlir" "$shapes/edge_m.mlir"; do compile s2 "$f" split-k=2; done
for f in "$src/examples/test_09.mlir" "$shapes/edge_m_dynamic.mlir"; do compile s4 "$f" split-k=4; done

one() { # one <json> <emu seed> <label> [gemm-run options]
  local j=$1 s=$2 label=$3
  shift 3
  local log
  log=$("$run" "$j" --device emu --emu-seed "$s" --seed "$seed" --check "$@" 2>&1)
  local rc=$?
  if [[ $rc -ne 0 || $(grep -c '^PASS' <<< "$log") -ne 1 ]]; then
    echo "$log"; echo "$label emu-seed $s: FAILED"; exit 1
  fi
  echo "$label emu-seed $s: PASS $(sed -n 's/^emu: \([0-9]*\) instructions.*/\1/p' <<< "$log") instructions"
}
for s in "$@"; do
  for j in "$work"/{k,blocked,n64,n192,s2,s4}/*.json; do
    d=$(basename "$(dirname "$j")")
    one "$j" "$s" "$d/$(basename "$j" .json)"
  done
  # run-time sizes of the contiguous-row kernel: empty groups, all empty,
  # and sizes that claim 7 rows past A (the kernel clamps and flags it)
  j=$work/k/edge_m_dynamic.json
  one "$j" "$s" "k/edge_m_dynamic sizes 0,1,127,129,300" --group-sizes 0,1,127,129,300
  one "$j" "$s" "k/edge_m_dynamic sizes 0,0,0,0,0" --group-sizes 0,0,0,0,0
  one "$j" "$s" "k/edge_m_dynamic overrun 7" --overrun-device-sizes 7
done
