#!/usr/bin/env bash
# The PTX of every shipped example for both chips, to show that a refactoring
# leaves the emitted kernels byte for byte as they were ("golden PTX").
#
#   scripts/golden-ptx.sh write [DIR]   # DIR/<chip>/<example>.ptx (default
#                                       # build/golden-ptx) + the checksums in
#                                       # test/golden/ptx.sha256
#   scripts/golden-ptx.sh check [DIR]   # writes again, compares with
#                                       # test/golden/ptx.sha256, lists the
#                                       # kernels that changed
#
# Each example is compiled by ggemm-pipeline{chip=... format=isa} with the
# schedule pinned (tile-m=128 stages=4, so that a change of the cost model's
# choice is not a change of the code), and once more with the schedule the
# cost model chooses (<chip>-auto); the split-K variants (split-k=2) of the
# test examples are included. GEMM_OPT names the
# gemm-opt to use (default build/bin/gemm-opt).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mode="${1:-}"
DIR="${2:-$ROOT/build/golden-ptx}"
GEMM_OPT="${GEMM_OPT:-$ROOT/build/bin/gemm-opt}"
SUMS="$ROOT/test/golden/ptx.sha256"
case "$mode" in write|check) ;; *) echo "usage: $0 write|check [DIR]" >&2; exit 2;; esac

rm -rf "$DIR"
for chip in sm_90a sm_100a; do
  for example in "$ROOT"/examples/*.mlir; do
    name="$(basename "$example" .mlir)"
    variants=("")
    case "$name" in test_*) variants+=("split-k=2");; esac
    for v in "${variants[@]}"; do
      out="$DIR/$chip${v:+-${v/=/}}"
      "$GEMM_OPT" "$example" -o /dev/null \
        --ggemm-pipeline="chip=$chip format=isa tile-m=128 stages=4 out-dir=$out $v"
    done
    "$GEMM_OPT" "$example" -o /dev/null \
      --ggemm-pipeline="chip=$chip format=isa out-dir=$DIR/$chip-auto"
  done
done
(cd "$DIR" && find . -name '*.ptx' | LC_ALL=C sort | xargs sha256sum) > "$DIR/ptx.sha256"
if [ "$mode" = write ]; then
  cp "$DIR/ptx.sha256" "$SUMS"
  echo "golden PTX: $(wc -l < "$SUMS") kernels in $DIR, checksums in $SUMS"
else
  if diff <(awk '{print $2, $1}' "$SUMS") <(awk '{print $2, $1}' "$DIR/ptx.sha256"); then
    echo "golden PTX: all $(wc -l < "$SUMS") kernels byte-identical"
  else
    echo "golden PTX: the kernels above changed (< golden, > now)" >&2
    exit 1
  fi
fi
