#!/usr/bin/env bash
# Split-K on the GPU machine (Hopper, sm_90a): every split-K kernel of
# bench/compile.sh (out/kernels-s2, out/kernels-s4) against the CPU
# reference on fresh random data, run-time group sizes (also sizes that pass
# the rows of A), compute-sanitizer, then the timing of split_k = 1, 2, 4
# side by side. Needs out/build-runtime from bench/run_gpu.sh (or builds it).
# Usage: bench/run_splitk.sh [LOG_DIR]   (default out/logs-splitk)
set -uo pipefail
cd "$(dirname "$0")/.."
logs="${1:-out/logs-splitk}"
mkdir -p "$logs"
source bench/common.sh
build_runtime
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader | tee "$logs/device.txt"
date -u +%Y-%m-%d >> "$logs/device.txt"
: > "$logs/check.log"
fails=0
check() { # check MANIFEST [gemm-run options]
  log "check $* seed $seed"
  $RUN "$@" --seed $seed --check 2>&1 | tee -a "$logs/check.log" | tail -1 | grep -q PASS || fails=$((fails+1))
}
for s in 2 4; do
  K=out/kernels-s$s
  for m in $K/*.json; do
    case "$m" in
      *_dynamic.json)
        shape=$(basename $m .json | sed 's/^bench_//; s/_dynamic$//')
        if [ "$shape" = edge_m ]; then
          check $m --group-sizes 0,1,127,129,300
          check $m --group-sizes 300,0,0,1,129
          check $m --group-sizes 0,1,127,129,300 --overrun-device-sizes 1000
        else
          check $m --group-sizes "$(sizes_of $shape)"
        fi ;;
      *) check $m ;;
    esac
  done
done
log "correctness failures: $fails"
for tool in memcheck racecheck synccheck; do
  for m in out/kernels-s2/edge_m.json out/kernels-s4/bench_g2_n3072_k4096.json; do
    log "compute-sanitizer --tool $tool $m"
    compute-sanitizer --tool $tool --error-exitcode 9 $RUN $m --seed $seed --check \
      > "$logs/sanitizer_${tool}_$(basename $(dirname $m))_$(basename $m .json).log" 2>&1
    echo "exit $?" | tee -a "$logs/check.log"
  done
done
log "compute-sanitizer --tool memcheck edge_m_dynamic split_k 2, sizes overrunning A on the device"
compute-sanitizer --tool memcheck --error-exitcode 9 $RUN out/kernels-s2/edge_m_dynamic.json \
  --seed $seed --group-sizes 0,1,127,129,300 --overrun-device-sizes 1000 --check \
  > "$logs/sanitizer_memcheck_overrun.log" 2>&1
echo "exit $?" | tee -a "$logs/check.log"
# Timing: split_k = 1 (out/kernels), 2, 4 of each list-form benchmark shape.
: > "$logs/bench.log"
for m in out/kernels-s2/bench_*.json; do
  case "$m" in *_dynamic.json) continue ;; esac
  for K in out/kernels out/kernels-s2 out/kernels-s4; do
    [ -f $K/$(basename $m) ] || continue
    echo "== bench $K/$(basename $m)" | tee -a "$logs/bench.log"
    $RUN $K/$(basename $m) --seed $seed --bench 2>&1 | tee -a "$logs/bench.log" | tail -2
  done
done
echo "correctness failures: $fails"
[ "$fails" -eq 0 ]
