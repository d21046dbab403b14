#!/usr/bin/env bash
# The exhaustive sweep on the GPU machine: every schedule that bench/sweep.sh
# compiled, timed on every benchmark shape (gemm-run --bench: median of 50
# graph replays (SWEEP_ITERS) after 5 warm-up, rotating input sets), written as one TSV
# line per (shape, schedule); first the correctness kernels of each token
# tile checked against the CPU reference (fresh random data, run-time sizes
# for the contiguous edge shape) and one under compute-sanitizer memcheck.
# Usage: bench/run_sweep.sh [OUT_DIR] [PROBLEMS_JSON]   (default out/logs-sweep)
set -uo pipefail
cd "$(dirname "$0")/.."
logs="${1:-out/logs-sweep}"
PROBLEMS="${2:-bench/problems.json}"
mkdir -p "$logs"
source bench/common.sh
build_runtime
{ nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.mem --format=csv,noheader; date -u; } > "$logs/device.txt"
: > "$logs/check.log"
fails=0
# SWEEP_NO_CHECK=1: time only (the checks ran in an earlier call).
if [ -z "${SWEEP_NO_CHECK:-}" ]; then
for dir in out/sweep-check/*/; do
  for m in $dir*.json; do
    extra=""
    case "$m" in *edge_m_dynamic.json) extra="--group-sizes 0,1,127,129,300" ;; esac
    $RUN $m --seed $seed --check $extra 2>&1 | tail -1 | sed "s|^|$m: |" >> "$logs/check.log"
  done
done
fails=$(grep -vc ': PASS$' "$logs/check.log")
echo "sweep correctness: $(grep -c ': PASS$' "$logs/check.log") passed, $fails failed"
m16=$(ls out/sweep-check/m16_*/edge_m_dynamic.json | head -1)
compute-sanitizer --tool memcheck --error-exitcode 9 $RUN $m16 --seed $seed --check \
  --group-sizes 300,0,0,1,129 > "$logs/memcheck-m16.log" 2>&1
memcheck=$?
echo "memcheck (tile-m 16, edge_m_dynamic): exit $memcheck"
[ $memcheck -eq 0 ] || fails=$((fails + 1))
fi
out="$logs/sweep.tsv"
printf 'shape\tschedule\tmedian_us\n' > "$out"
# SWEEP_DIR: where the schedules are (default out/sweep).
# SWEEP_SECONDS: stop starting new shapes after this long (the rest can be
# run in a later call with SWEEP_SKIP="shape ...").
deadline=$((SECONDS + ${SWEEP_SECONDS:-100000}))
names=$(python3 -c 'import json, sys
print(" ".join(b["name"] for b in json.load(open(sys.argv[1]))["benchmarks"]))' "$PROBLEMS")
for shape in $names; do
  case " ${SWEEP_SKIP:-} " in *" $shape "*) continue ;; esac
  [ $SECONDS -ge $deadline ] && { echo "sweep: stopped before $shape (deadline)"; break; }
  for m in ${SWEEP_DIR:-out/sweep}/*/bench_${shape}.json ${SWEEP_DIR:-out/sweep}/*/bench_${shape}_dynamic.json; do
    [ -f "$m" ] || continue
    schedule=$(basename $(dirname $m))
    # SWEEP_SCHEDULES: only these schedules (default: all).
    case " ${SWEEP_SCHEDULES:-$schedule} " in *" $schedule "*) ;; *) continue ;; esac
    kernel=$(basename $m .json)
    extra=""
    [ "$kernel" != "${kernel%_dynamic}" ] && extra="--group-sizes $(sizes_of $shape)"
    us=$(timeout 60 $RUN $m --seed $seed --bench --iters ${SWEEP_ITERS:-50} --warmup 5 $extra 2>&1 |
         sed -n 's/^bench: median \([0-9.]*\) us.*/\1/p')
    printf '%s\t%s\t%s\n' "$shape" "$schedule" "${us:-failed}" | tee -a "$out"
  done
done
echo "sweep: $(($(wc -l < "$out") - 1)) timings in $out"
# A failed check or sanitizer run fails the script (the timings stand).
[ "$fails" -eq 0 ]
