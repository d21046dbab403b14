#!/usr/bin/env bash
# The rows<offsets> and rows<masked> kernels of test/Emulator/rows-layouts.test,
# compiled for sm_90a and sm_100a and run on the emulator through
# gemm-run --device emu --check.
#   rows-matrix.sh WORKDIR INPUTS DATASEED EMUSEED...
# Tools: $GEMM_OPT (default gemm-opt on PATH), $GEMM_RUN (default gemm-run).
# Prints one line per run:
#   "<kernel> <data> emu-seed <s>: PASS <n> instructions" for good data,
#   "<kernel> overrun 7 emu-seed <s>: PASS, flags 0x1" for offsets that
#   pass the rows of A, and
#   "<kernel> <data> emu-seed <s>: exit <rc>, flags 0x<f>, <check counts>"
# for bad data, which must fail (exit 1) with the kernel's flags reported,
# no element of a group wrong or unwritten and no row of nobody written. Any
# other outcome (an emulator report, a refusal) prints the log and exits 1.
set -u
work=$1 inputs=$2 seed=$3
shift 3
opt=${GEMM_OPT:-gemm-opt}
run=${GEMM_RUN:-gemm-run}
rm -rf "$work" && mkdir -p "$work"
compile() { # compile <dir> <chip> <mlir> [pipeline options]
  local dir=$1 chip=$2 f=$3
  shift 3
  "$opt" "$f" --ggemm-pipeline="chip=$chip format=isa out-dir=$work/$dir $*" \
    -o /dev/null || { echo "compile failed: $chip $f $*"; exit 1; }
}
for chip in sm_90a sm_100a; do
  compile "$chip" "$chip" "$inputs/rows-offsets.mlir"
  compile "$chip" "$chip" "$inputs/rows-masked.mlir"
  # split-K 2 (workspace slots numbered from the row base, grid barrier)
  compile "$chip-s2" "$chip" "$inputs/rows-offsets.mlir" split-k=2
  compile "$chip-s2" "$chip" "$inputs/rows-masked.mlir" split-k=2
done

log=$work/log
# run_case <json> <emu seed> [gemm-run options]: one checked run on the
# emulator, its output in $log; returns its exit status.
run_case() {
  local j=$1 s=$2
  shift 2
  "$run" "$j" --device emu --emu-seed "$s" --seed "$seed" --check "$@" \
    > "$log" 2>&1
}
good() { # good <json> <emu seed> <label> [gemm-run options]
  local j=$1 s=$2 label=$3
  shift 3
  run_case "$j" "$s" "$@"
  local rc=$?
  if [[ $rc -ne 0 || $(grep -c '^PASS' "$log") -ne 1 ]] ||
     ! grep -q ', rows of no group overwritten 0$' "$log"; then
    cat "$log"; echo "$label emu-seed $s: FAILED"; exit 1
  fi
  echo "$label emu-seed $s: PASS $(sed -n 's/^emu: \([0-9]*\) instructions.*/\1/p' "$log") instructions"
}
overrun() { # overrun <json> <emu seed> <label> [gemm-run options]
  # gemm-run passes when the kernel raised exactly flag 0x1 and computed
  # every row that exists (the grown group's rows past its own may be
  # written: the kernel was told they are the group's).
  local j=$1 s=$2 label=$3
  shift 3
  run_case "$j" "$s" "$@"
  local rc=$?
  if [[ $rc -ne 0 || $(grep -c '^PASS' "$log") -ne 1 ]] ||
     ! grep -q '^status: kernel error flags 0x1 ' "$log"; then
    cat "$log"; echo "$label emu-seed $s: FAILED"; exit 1
  fi
  echo "$label emu-seed $s: PASS, flags 0x1"
}
bad() { # bad <json> <emu seed> <label> [gemm-run options]
  local j=$1 s=$2 label=$3
  shift 3
  run_case "$j" "$s" "$@"
  local rc=$?
  # Exit 1 is a failed check; 2 would be an emulator report or a refusal.
  if [[ $rc -ne 1 ]] || ! grep -q '^FAIL$' "$log"; then
    cat "$log"; echo "$label emu-seed $s: exit $rc, not a failed check"; exit 1
  fi
  local flags counts
  flags=$(sed -n 's/^status: kernel error flags \(0x[0-9a-f]*\).*/\1/p' "$log")
  counts=$(grep -o 'beyond 4x reassociation tolerance [0-9]*, unwritten [0-9]*, non-finite [0-9]*' "$log")
  echo "$label emu-seed $s: exit $rc, flags $flags, $counts, $(grep -o 'rows of no group overwritten [0-9]*' "$log")"
}

for s in "$@"; do
  for chip in sm_90a sm_100a; do
    k=$work/$chip
    # Empty groups first and in the middle, one row, a large group, ends no
    # multiple of 16; seeded skewed offsets; 3 spare rows of nobody.
    good "$k/offs.json" "$s" "$chip/offs 0,1,131,131,400" --group-offsets 0,1,131,131,400
    good "$k/offs.json" "$s" "$chip/offs seeded"
    good "$k/offs_many.json" "$s" "$chip/offs_many seeded"
    good "$work/$chip-s2/offs.json" "$s" "$chip-s2/offs 0,1,131,131,400" --group-offsets 0,1,131,131,400
    good "$work/$chip-s2/offs.json" "$s" "$chip-s2/offs seeded"
    # Counts: empty, one row, full, 37; seeded skewed counts.
    good "$k/masked.json" "$s" "$chip/masked 0,1,150,37" --group-counts 0,1,150,37
    good "$k/masked.json" "$s" "$chip/masked seeded"
    good "$k/masked_many.json" "$s" "$chip/masked_many seeded"
    good "$work/$chip-s2/masked.json" "$s" "$chip-s2/masked 0,1,150,37" --group-counts 0,1,150,37
    # The last group's offsets claim 7 rows past A: clamped, flag 0x1.
    overrun "$k/offs.json" "$s" "$chip/offs overrun 7" --group-offsets 0,1,131,131,400 --overrun-device-sizes 7
    # Bad data: offsets out of order, a negative one, counts outside
    # [0, max_m]: clamped, flag 0x2, and the run fails.
    bad "$k/offs.json" "$s" "$chip/offs 5,2,300,290,317" --group-offsets 5,2,300,290,317
    bad "$k/offs.json" "$s" "$chip/offs -7,3,3,140,141" --group-offsets=-7,3,3,140,141
    bad "$k/masked.json" "$s" "$chip/masked 0,151,-1,37" --group-counts=0,151,-1,37
  done
done
