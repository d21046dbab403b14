#!/usr/bin/env bash
# ONE run on the GPU machine: builds the CUDA-driver runtime (no LLVM/MLIR
# there), checks ggemm's kernels against the CPU reference on fresh random
# data, runs compute-sanitizer, then times ggemm and the PyTorch/Triton peers
# on the benchmark shapes. Logs go to $OUT (the device tool brings them back);
# bench/write_results.py turns them into bench/RESULTS.md.
# Needs: .device/kernels and .device/peers from bench/compile.sh.
# Usage: bench/run_h100.sh [check|bench|all]   (default all; the halves fit
# the device tool's 10-minute limit per command)
set -uo pipefail
what="${1:-all}"
cd "$(dirname "$0")/.."
OUT="${OUT:-/tmp/ggemm-out}"
mkdir -p "$OUT"
K=.device/kernels
seed=$(( $(date +%s) % 100000 ))
log() { echo "== $*" | tee -a "$OUT/check.log"; }

nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.mem --format=csv | tee "$OUT/device.txt"
date -u +%Y-%m-%d >> "$OUT/device.txt"
cmake -S runtime -B /tmp/build-rt -DCMAKE_BUILD_TYPE=Release > "$OUT/build.log" 2>&1 &&
  cmake --build /tmp/build-rt -j 16 >> "$OUT/build.log" 2>&1 || { tail -30 "$OUT/build.log"; exit 1; }
RUN=/tmp/build-rt/bin/gemm-run
[ -x "$RUN" ] || RUN=$(find /tmp/build-rt -name gemm-run -type f | head -1)

fails=0
if [ "$what" != bench ]; then
# Correctness: every tests/benchmark shape, edge M, run-time sizes.
for m in $K/test_0*.json $K/bench_g?_n*_k????.json $K/edge_m.json; do
  log "check $(basename $m) seed $seed"
  $RUN "$m" --seed $seed --check 2>&1 | tee -a "$OUT/check.log" | tail -1 | grep -q PASS || fails=$((fails+1))
done
for m in $K/bench_*_dynamic.json; do
  sizes=$(python3 -c "import json,sys; print(','.join(str(x) for x in json.load(open('.device/peers/nvfp4_group_gemm.json'))['benchmarks'][[b['name'] for b in json.load(open('.device/peers/nvfp4_group_gemm.json'))['benchmarks']].index(sys.argv[1])]['m']))" "$(basename $m .json | sed 's/^bench_//; s/_dynamic$//')")
  log "check $(basename $m) sizes $sizes"
  $RUN "$m" --seed $seed --group-sizes "$sizes" --check 2>&1 | tee -a "$OUT/check.log" | tail -1 | grep -q PASS || fails=$((fails+1))
done
for sizes in 0,1,127,129,300 300,0,0,1,129; do
  log "check edge_m_dynamic sizes $sizes"
  $RUN $K/edge_m_dynamic.json --seed $seed --group-sizes $sizes --check 2>&1 | tee -a "$OUT/check.log" | tail -1 | grep -q PASS || fails=$((fails+1))
done
log "correctness failures: $fails"

# compute-sanitizer on two shapes (memcheck and racecheck).
for tool in memcheck racecheck; do
  for m in $K/test_03.json $K/edge_m_dynamic.json; do
    log "compute-sanitizer --tool $tool $(basename $m)"
    sizes=""
    case "$m" in *dynamic*) sizes="--group-sizes 0,1,127,129,300" ;; esac
    compute-sanitizer --tool $tool --error-exitcode 9 $RUN "$m" --seed $seed $sizes --check \
      > "$OUT/sanitizer_${tool}_$(basename $m .json).log" 2>&1
    echo "exit $?" | tee -a "$OUT/check.log"
    tail -3 "$OUT/sanitizer_${tool}_$(basename $m .json).log" | tee -a "$OUT/check.log"
  done
done

fi
if [ "$what" != check ]; then
# Timing: ggemm, then the peers, in the same run.
for m in $K/bench_g?_n*_k????.json; do
  log "bench $(basename $m)"
  $RUN "$m" --seed $seed --bench 2>&1 | tee -a "$OUT/bench.log"
done
(cd .device/peers && python3 anchors_h100.py) > "$OUT/anchors.log" 2>&1; tail -8 "$OUT/anchors.log"
(cd .device/peers && python3 triton_peer_h100.py) > "$OUT/triton.log" 2>&1; tail -8 "$OUT/triton.log"
fi
echo "correctness failures: $fails"
python3 bench/write_results.py "$OUT" "$OUT/RESULTS.md"
