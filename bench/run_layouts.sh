#!/usr/bin/env bash
# The run-time row layouts on the GPU machine (sm_90a): correctness of
# rows<offsets> and rows<masked> on skewed and bad device arrays (also under
# compute-sanitizer memcheck), one CUDA graph replayed after the arrays
# change, and each MoE benchmark shape timed in the four forms of the same
# problem (contiguous sizes, offsets, masked counts, gathered rows with
# gemm-run's default T = R/2 token rows; bench/run_gathered_permute.py times
# the permuted copy that gathering saves).
# Needs out/kernels-layouts from bench/compile_layouts.sh (run where
# LLVM/MLIR are). Usage: bench/run_layouts.sh [check|bench|all] [LOG_DIR]
# (defaults: all, out/logs-layouts)
set -uo pipefail
cd "$(dirname "$0")/.."
what="${1:-all}"
logs="${2:-out/logs-layouts}"
mkdir -p "$logs"
K=out/kernels-layouts
[ -f $K/layouts.txt ] || { echo "no $K: run bench/compile_layouts.sh first"; exit 1; }
source bench/common.sh
[ "$what" = bench ] || : > "$logs/check.log"
nvidia-smi --query-gpu=name,driver_version --format=csv | tee "$logs/device.txt"
date -u +%Y-%m-%d >> "$logs/device.txt"
build_runtime $([ "$what" = bench ] || echo always)
seed=${SEED:-$(date +%s)}
echo "seed $seed" | tee -a "$logs/check.log"
fails=0
# expect PASS|FLAG <log name> <gemm-run args>: PASS needs a passing check;
# FLAG needs the run to fail on the kernel's error flags and nothing else.
expect() {
  local want=$1 name=$2
  shift 2
  log "$want $name: $*"
  local out rc
  out=$("$@" 2>&1); rc=$?
  echo "$out" >> "$logs/check.log"
  echo "$out" | tail -2
  if [ "$want" = PASS ]; then
    [ $rc -eq 0 ] && echo "$out" | tail -1 | grep -q PASS || { fails=$((fails+1)); echo "FAILED"; }
  else
    # Exit 1 (a failed check) for the flag alone: every owned row right,
    # nothing written outside the groups.
    [ $rc -eq 1 ] && echo "$out" | grep -q "^status: kernel error flags 0x[1-7]" &&
      echo "$out" | grep -q "beyond 4x reassociation tolerance 0, unwritten 0, non-finite 0" &&
      echo "$out" | grep -q "rows of no group overwritten 0" ||
      { fails=$((fails+1)); echo "FAILED (rc $rc: not the flag alone)"; }
  fi
}
if [ "$what" != bench ]; then
for dir in $K $K/split2; do
  # Skewed: empty groups, one row, tiles crossing group ends at rows that
  # are not multiples of the tile, one huge group.
  expect PASS "contiguous" $RUN $dir/edge_m_dynamic.json --seed $seed --group-sizes 0,1,127,129,300 --check
  expect PASS "offsets" $RUN $dir/edge_m_offsets.json --seed $seed --group-offsets 0,1,128,257,557 --check
  expect PASS "offsets huge" $RUN $dir/edge_m_offsets.json --seed $seed --group-offsets 0,0,700,701,701 --check
  expect PASS "masked" $RUN $dir/edge_m_masked.json --seed $seed --group-counts 0,1,127,320,129 --check
  expect PASS "masked all empty" $RUN $dir/edge_m_masked.json --seed $seed --group-counts 0,0,0,0,0 --check
  # Bad device data: clamped, flagged, never past a buffer.
  expect FLAG "offsets out of order" $RUN $dir/edge_m_offsets.json --seed $seed --group-offsets 5,300,100,-4,400 --check
  expect FLAG "counts outside [0, max_m]" $RUN $dir/edge_m_masked.json --seed $seed --group-counts -3,1,321,5000,2 --check
  # Gathered: skewed offsets over the routed rows, repeated tokens (T < R),
  # bad indices in owned rows (flag 0x4), offsets past R (flag 0x1).
  expect PASS "gathered" $RUN $dir/edge_m_gathered.json --seed $seed --group-offsets 0,1,128,257,557 --check
  expect PASS "gathered few tokens" $RUN $dir/edge_m_gathered.json --seed $seed --group-offsets 0,0,700,701,701 --token-rows 7 --check
  expect FLAG "gathered bad indices" $RUN $dir/edge_m_gathered.json --seed $seed --group-offsets 2,2,4,6,6 --token-rows 5 --row-indices 4,-1,0,5,2147483647,-2147483648 --check
done
expect PASS "gathered graph replays" $RUN $K/edge_m_gathered.json --seed $seed --group-offsets 4,9,300,301,400 --graph-replays 6 --check
for args in "--group-offsets 0,1,128,257,557" "--group-offsets 2,2,4,6,6 --token-rows 5 --row-indices 4,-1,0,5,2147483647,-2147483648"; do
  log "compute-sanitizer memcheck edge_m_gathered $args"
  compute-sanitizer --tool memcheck --error-exitcode 9 $RUN $K/edge_m_gathered.json --seed $seed $args --check \
    > "$logs/memcheck_gathered.log" 2>&1
  rc=$?
  tail -2 "$logs/memcheck_gathered.log" | tee -a "$logs/check.log"
  grep -q "ERROR SUMMARY: 0 errors" "$logs/memcheck_gathered.log" && [ $rc -ne 9 ] ||
    { fails=$((fails+1)); echo "memcheck FAILED"; }
done
for args in "edge_m_offsets.json --group-offsets 5,300,100,-4,400" \
            "edge_m_masked.json --group-counts -3,1,321,5000,2" \
            "edge_m_offsets.json --group-offsets 0,1,128,257,557" \
            "edge_m_masked.json --group-counts 0,1,127,320,129"; do
  set -- $args
  m=$1; shift
  log "compute-sanitizer memcheck $m $*"
  compute-sanitizer --tool memcheck --error-exitcode 9 $RUN $K/$m --seed $seed "$@" --check \
    > "$logs/memcheck_$(basename $m .json)_$2.log" 2>&1
  rc=$?
  tail -2 "$logs/memcheck_$(basename $m .json)_$2.log" | tee -a "$logs/check.log"
  grep -q "ERROR SUMMARY: 0 errors" "$logs/memcheck_$(basename $m .json)_$2.log" && [ $rc -ne 9 ] ||
    { fails=$((fails+1)); echo "memcheck FAILED"; }
done
# One graph, captured once, replayed after the arrays change on the device.
for m in edge_m_offsets edge_m_masked; do
  expect PASS "$m graph replays" $RUN $K/$m.json --seed $seed --graph-replays 6 --check
  log "compute-sanitizer memcheck $m graph replays"
  compute-sanitizer --tool memcheck --error-exitcode 9 $RUN $K/$m.json --seed $seed --graph-replays 3 --check \
    > "$logs/memcheck_${m}_graph.log" 2>&1
  rc=$?
  tail -2 "$logs/memcheck_${m}_graph.log" | tee -a "$logs/check.log"
  [ $rc -eq 0 ] && grep -q "ERROR SUMMARY: 0 errors" "$logs/memcheck_${m}_graph.log" ||
    { fails=$((fails+1)); echo "memcheck FAILED"; }
done
# The MoE shapes, checked in the three forms.
while read -r name offsets sizes max_m; do
  expect PASS "$name contiguous" $RUN $K/bench_${name}_dynamic.json --seed $seed --group-sizes $sizes --check
  expect PASS "$name offsets" $RUN $K/bench_${name}_offsets.json --seed $seed --group-offsets $offsets --check
  expect PASS "$name masked" $RUN $K/bench_${name}_masked.json --seed $seed --group-counts $sizes --check
  expect PASS "$name gathered" $RUN $K/bench_${name}_gathered.json --seed $seed --group-offsets $offsets --check
done < $K/layouts.txt
fi
# ... and timed in the three forms, two rounds.
[ "$what" = check ] || : > "$logs/bench.log"
[ "$what" = check ] || while read -r name offsets sizes max_m; do
  for round in 1 2; do
    for form in dynamic offsets masked gathered; do
      case $form in
        dynamic) arr="--group-sizes $sizes" ;;
        offsets) arr="--group-offsets $offsets" ;;
        gathered) arr="--group-offsets $offsets" ;;
        masked) arr="--group-counts $sizes" ;;
      esac
      echo "== bench $name $form round $round" | tee -a "$logs/bench.log"
      $RUN $K/bench_${name}_${form}.json --seed $seed $arr --bench 2>&1 | tee -a "$logs/bench.log" | tail -2
    done
  done
done < $K/layouts.txt
[ "$what" = check ] || python3 bench/run_gathered_permute.py $K/layouts.txt 2>&1 | tee -a "$logs/bench.log"
echo "correctness failures: $fails" | tee -a "$logs/check.log"
[ "$fails" -eq 0 ]
