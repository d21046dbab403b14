#!/usr/bin/env bash
# The ahead-of-time host path on the GPU machine (docs/aot-host.md):
# out-aot/aot-grouped (host=launch) and out-aot/aot-stream (host=stream: the
# caller's stream, one CUDA graph replayed after the token counts change,
# counts past the rows of A flagged, host time per call), both also under
# compute-sanitizer memcheck. The executables are built where LLVM/MLIR
# are (scripts/build-aot.sh build out-aot; carry out-aot) and need only
# libcuda here. Usage: bench/run_aot.sh [LOG_DIR]   (default out/logs-aot)
set -uo pipefail
cd "$(dirname "$0")/.."
logs="${1:-out/logs-aot}"
mkdir -p "$logs"
[ -x out-aot/aot-stream ] || { echo "no out-aot/aot-stream: run scripts/build-aot.sh build out-aot first"; exit 1; }
nvidia-smi --query-gpu=name,driver_version --format=csv | tee "$logs/device.txt"
date -u +%Y-%m-%d >> "$logs/device.txt"
seed=${SEED:-$(date +%s)}
fails=0
run() {
  local name=$1
  shift
  echo "== $name: $*" | tee -a "$logs/aot.log"
  "$@" > "$logs/$name.log" 2>&1
  local rc=$?
  tail -4 "$logs/$name.log" | tee -a "$logs/aot.log"
  [ $rc -eq 0 ] || { fails=$((fails+1)); echo "FAILED (rc $rc)" | tee -a "$logs/aot.log"; }
}
memcheck() {
  local name=$1
  shift
  echo "== memcheck $name: $*" | tee -a "$logs/aot.log"
  compute-sanitizer --tool memcheck --error-exitcode 9 "$@" > "$logs/memcheck_$name.log" 2>&1
  local rc=$?
  tail -2 "$logs/memcheck_$name.log" | tee -a "$logs/aot.log"
  [ $rc -eq 0 ] && grep -q "ERROR SUMMARY: 0 errors" "$logs/memcheck_$name.log" ||
    { fails=$((fails+1)); echo "memcheck FAILED (rc $rc)" | tee -a "$logs/aot.log"; }
}
run grouped out-aot/aot-grouped --seeds 4 --seed "$seed"
run stream out-aot/aot-stream --seeds 3 --seed "$seed" --replays 8 --calls 2000 --max-host-us 10
memcheck grouped out-aot/aot-grouped --seeds 1 --seed "$seed"
memcheck stream out-aot/aot-stream --seeds 1 --seed "$seed" --replays 4 --calls 4
echo "failures: $fails" | tee -a "$logs/aot.log"
[ "$fails" -eq 0 ]
