#!/usr/bin/env bash
# One benchmark run on the GPU machine (Hopper, sm_90a). Builds the
# CUDA-driver runtime and gemm-run (no LLVM/MLIR needed), checks every ggemm
# kernel against the CPU reference on fresh random data, runs
# compute-sanitizer, then times ggemm and the peers of bench/peers/ (PyTorch
# and Triton) on the benchmark shapes of bench/problems.json (list form; the
# shapes marked "time_dynamic" (MoE layers, whose group sizes a router makes
# on the device) in their contiguous form as well).
# Logs go to LOG_DIR; bench/write_results.py then writes LOG_DIR/RESULTS.md:
# this run on top of the earlier runs of bench/RESULTS.md, ready to replace it.
# Needs: out/kernels from bench/compile.sh (run where LLVM/MLIR are); here the
# CUDA toolkit, cmake, compute-sanitizer and python3 with torch and triton.
# Usage: bench/run_gpu.sh [check|bench|all] [LOG_DIR]
#   Defaults: all, out/logs. The check half takes several minutes; the two
#   halves may run one after the other into the same LOG_DIR.
#   PROBLEMS=bench/heldout.json bench/run_gpu.sh all out/logs-heldout runs
#   another problem list instead: its kernels from out/kernels-heldout
#   (PROBLEMS=bench/heldout.json bench/compile.sh), only its benchmark
#   shapes (no test, edge or sanitizer runs), its own RESULTS.md heading.
set -uo pipefail
what="${1:-all}"
cd "$(dirname "$0")/.."
logs="${2:-out/logs}"
mkdir -p "$logs"
PROBLEMS="${PROBLEMS:-bench/problems.json}"
if [ "$PROBLEMS" = bench/problems.json ]; then
  K=out/kernels; main_list=1
else
  K=out/kernels-$(basename "$PROBLEMS" .json); main_list=0
fi
if ! ls $K/*.json > /dev/null 2>&1; then
  echo "no kernels in $K: run PROBLEMS=$PROBLEMS bench/compile.sh first"; exit 1
fi
source bench/common.sh

# The list-form benchmark kernels: every bench_*.json but the _dynamic ones
# (rows<contiguous>, run-time group sizes), whatever the group count.
bench_list=()
for m in $K/bench_*.json; do
  case "$m" in *_dynamic.json) ;; *) [ -f "$m" ] && bench_list+=("$m") ;; esac
done
# The MoE shapes ("time_dynamic": true), also timed in their contiguous form
# with the group sizes of the list (their own rows in RESULTS.md: ..._dynamic).
dynamic_timed=$(python3 -c 'import json, sys
print(" ".join(b["name"] for b in json.load(open(sys.argv[1]))["benchmarks"]
               if b.get("time_dynamic")))' "$PROBLEMS")

nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.mem --format=csv | tee "$logs/device.txt"
date -u +%Y-%m-%d >> "$logs/device.txt"
build_runtime always
[ -x "$RUN" ] || RUN=$(find $BUILD -name gemm-run -type f | head -1)

fails=0
if [ "$what" != bench ]; then
: > "$logs/check.log"
# Correctness: every test and benchmark shape, edge M, run-time sizes.
for m in $K/test_0*.json "${bench_list[@]}" $K/edge_m.json; do
  [ -f "$m" ] || continue  # another list (PROBLEMS) has no test or edge kernels
  log "check $(basename $m) seed $seed"
  $RUN "$m" --seed $seed --check 2>&1 | tee -a "$logs/check.log" | tail -1 | grep -q PASS || fails=$((fails+1))
done
for m in $K/bench_*_dynamic.json; do
  sizes=$(sizes_of "$(basename $m .json | sed 's/^bench_//; s/_dynamic$//')")
  log "check $(basename $m) sizes $sizes"
  $RUN "$m" --seed $seed --group-sizes "$sizes" --check 2>&1 | tee -a "$logs/check.log" | tail -1 | grep -q PASS || fails=$((fails+1))
done
if [ "$main_list" = 1 ]; then
for sizes in 0,1,127,129,300 300,0,0,1,129; do
  log "check edge_m_dynamic sizes $sizes"
  $RUN $K/edge_m_dynamic.json --seed $seed --group-sizes $sizes --check 2>&1 | tee -a "$logs/check.log" | tail -1 | grep -q PASS || fails=$((fails+1))
done
# Device group sizes that pass the rows of A (a router's bad counts): the
# kernel must clamp them, flag them and compute the rows that exist; under
# memcheck it must not touch memory past the buffers.
log "check edge_m_dynamic sizes 0,1,127,129,300, the last claiming 1000 rows past A on the device"
$RUN $K/edge_m_dynamic.json --seed $seed --group-sizes 0,1,127,129,300 --overrun-device-sizes 1000 --check 2>&1 | tee -a "$logs/check.log" | tail -1 | grep -q PASS || fails=$((fails+1))
log "correctness failures: $fails"

# compute-sanitizer on two shapes (memcheck, racecheck, synccheck).
for tool in memcheck racecheck synccheck; do
  for m in $K/test_03.json $K/edge_m_dynamic.json; do
    log "compute-sanitizer --tool $tool $(basename $m)"
    sizes=""
    case "$m" in *dynamic*) sizes="--group-sizes 0,1,127,129,300" ;; esac
    compute-sanitizer --tool $tool --error-exitcode 9 $RUN "$m" --seed $seed $sizes --check \
      > "$logs/sanitizer_${tool}_$(basename $m .json).log" 2>&1
    echo "exit $?" | tee -a "$logs/check.log"
    tail -3 "$logs/sanitizer_${tool}_$(basename $m .json).log" | tee -a "$logs/check.log"
  done
done
log "compute-sanitizer --tool memcheck edge_m_dynamic.json, group sizes overrunning A on the device"
compute-sanitizer --tool memcheck --error-exitcode 9 $RUN $K/edge_m_dynamic.json --seed $seed \
  --group-sizes 0,1,127,129,300 --overrun-device-sizes 1000 --check \
  > "$logs/sanitizer_memcheck_overrun.log" 2>&1
echo "exit $?" | tee -a "$logs/check.log"
tail -3 "$logs/sanitizer_memcheck_overrun.log" | tee -a "$logs/check.log"
else
log "correctness failures: $fails"
fi
fi

if [ "$what" != check ]; then
# Timing: ggemm, then the peers, in the same run.
: > "$logs/bench.log"
for m in "${bench_list[@]}"; do
  echo "== bench $(basename $m)" | tee -a "$logs/bench.log"
  $RUN "$m" --seed $seed --bench 2>&1 | tee -a "$logs/bench.log"
done
for shape in $dynamic_timed; do
  m=$K/bench_${shape}_dynamic.json
  if [ -f "$m" ]; then
    echo "== bench $(basename $m) sizes of $shape" | tee -a "$logs/bench.log"
    $RUN "$m" --seed $seed --group-sizes "$(sizes_of $shape)" --bench 2>&1 | tee -a "$logs/bench.log"
  else
    echo "== no $m: not timed" | tee -a "$logs/bench.log"
  fi
done
python3 bench/peers/torch_peers.py --problems "$PROBLEMS" > "$logs/torch_peers.log" 2>&1; tail -20 "$logs/torch_peers.log"
# SKIP_TRITON=1: leave the Triton peer out (its column reads n/a).
[ -n "${SKIP_TRITON:-}" ] ||
  { python3 bench/peers/triton_nvfp4.py --problems "$PROBLEMS" > "$logs/triton.log" 2>&1; tail -20 "$logs/triton.log"; }
fi
echo "correctness failures: $fails"
python3 bench/write_results.py "$logs" "$logs/RESULTS.md" --problems "$PROBLEMS"
[ "$fails" -eq 0 ]
