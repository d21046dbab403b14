#!/usr/bin/env bash
# Compile time of every shipped example, .mlir -> PTX through
# ggemm-pipeline{chip=... format=isa}, for both chips: the median of N runs
# (default 5) of each, for one gemm-opt or side by side for two (to show
# that a change leaves compile time as it was).
#
#   scripts/compile-time.sh [GEMM_OPT_BEFORE] GEMM_OPT [RUNS]
#
# Prints one line per example and chip (milliseconds) and the total of the
# medians.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ $# -ge 2 ] && [ -x "$2" ]; then before="$1"; after="$2"; runs="${3:-5}"
else before=""; after="${1:-$ROOT/build/bin/gemm-opt}"; runs="${2:-5}"; fi

median_ms() { # gemm-opt example chip
  local times=()
  for _ in $(seq "$runs"); do
    local t0 t1
    t0=$(date +%s%N)
    "$1" "$2" --ggemm-pipeline="chip=$3 format=isa" -o /dev/null
    t1=$(date +%s%N)
    times+=($(( (t1 - t0) / 1000000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p"
}

total_b=0; total_a=0
printf '%-40s %-8s %10s %10s\n' example chip "${before:+before_ms}" after_ms
for chip in sm_90a sm_100a; do
  for example in "$ROOT"/examples/*.mlir; do
    name="$(basename "$example" .mlir)"
    a=$(median_ms "$after" "$example" "$chip"); total_a=$((total_a + a))
    if [ -n "$before" ]; then
      b=$(median_ms "$before" "$example" "$chip"); total_b=$((total_b + b))
    else b=""; fi
    printf '%-40s %-8s %10s %10s\n' "$name" "$chip" "$b" "$a"
  done
done
printf '%-40s %-8s %10s %10s\n' total "" "${before:+$total_b}" "$total_a"
