#!/usr/bin/env bash
# Per-kernel report of the sm_100a path, for docs/sm100-kernel.md: every
# example (and the list-form shapes with blocked_128x4 scales) compiled by
# ggemm-pipeline{chip=sm_100a}, then per kernel the shared memory and
# Tensor Memory it asks for (manifest), the registers ptxas gives it, and
# the opcode mix of one iteration of the MMA warp's, the producer warp's and
# the scale warp's main loops (scripts/ptx-loop-mix.py; the scale warp's
# loop is the one around its bar.warp.sync, and kernels with blocked_128x4
# scales have none). The loop is the innermost PTX loop
# around the anchor instruction: usually one K tile, but where LLVM unrolled
# a K loop of constant trip count, or removed a one-trip K loop, it is the
# persistent tile loop; the "K tiles" figure says how many K tiles the
# counted iteration holds (8 tcgen05.cp per K tile; 2 TMA loads per K tile,
# 4 where the manifest has "sfa"/"sfb" maps for TMA of row-major scales).
# The epilogue's loop is the one around its tcgen05.ld. The list-form
# benchmark shapes are also compiled with split_k = 2 (rows "..._split2":
# the epilogue stores f32 partials into the workspace instead of bulk
# copies of C; the reduction after the grid barrier is not in the table).
# Needs a build and CUDA's ptxas.
#   scripts/sm100-report.sh [build-dir]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build}"
ptxas="${GGEMM_PTXAS:-/usr/local/cuda/bin/ptxas}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/blocked"
python3 "$root/examples/gen_examples.py" --blocked-variants "$work/blocked" >/dev/null
for f in "$root"/examples/*.mlir "$work"/blocked/*.mlir; do
  "$build/bin/gemm-opt" "$f" --ggemm-pipeline="chip=sm_100a format=isa out-dir=$work/out" -o /dev/null
done
mkdir -p "$work/split"
for f in "$root"/examples/bench_*.mlir; do
  case "$f" in *_dynamic.mlir) continue ;; esac
  "$build/bin/gemm-opt" "$f" --ggemm-pipeline="chip=sm_100a format=isa split-k=2 out-dir=$work/split" -o /dev/null
  name="$(basename "$f" .mlir)"
  mv "$work/split/$name.ptx" "$work/out/${name}_split2.ptx"
  mv "$work/split/$name.json" "$work/out/${name}_split2.json"
done
count() { # count <mix file> <section> <opcode prefix>
  awk -v s="loop $2:" -v p="$3" '
    index($0, "loop ") == 1 { on = (index($0, s) == 1) ; next }
    on && index($2, p) == 1 { n += $1 } END { print n + 0 }' "$1"
}
total() { grep "^loop $2:" "$1" | awk '{ print $(NF-1) }'; }
echo "| kernel | smem (B) | TMEM cols | regs | MMA loop: K tiles / insts / waits / tcgen05.cp / tcgen05.mma / commit | producer loop: K tiles / insts / waits / TMA / bulk / ld.global / st.shared | scale warp loop: insts / waits / ld.global / ld.shared / st.shared | epilogue loop: insts / tcgen05.ld / st.shared / bulk stores / st.global |"
echo "|---|---|---|---|---|---|---|---|"
for ptx in "$work"/out/*.ptx; do
  name="$(basename "$ptx" .ptx)"
  json="${ptx%.ptx}.json"
  smem="$(grep '"dynamic_shared_memory"' "$json" | tr -dc 0-9)"
  tmem="$(grep '"tensor_memory_columns"' "$json" | tr -dc 0-9)"
  regs="$("$ptxas" -arch=sm_100a -v "$ptx" -o /dev/null 2>&1 | sed -n 's/.*Used \([0-9]*\) registers.*/\1/p')"
  python3 "$root/scripts/ptx-loop-mix.py" "$ptx" --anchor tcgen05.mma --anchor cp.async.bulk.tensor > "$work/mix"
  python3 "$root/scripts/ptx-loop-mix.py" "$ptx" --anchor bar.warp.sync >> "$work/mix" || true
  python3 "$root/scripts/ptx-loop-mix.py" "$ptx" --anchor tcgen05.ld >> "$work/mix"
  wait=mbarrier.try_wait
  mma="$(( $(count "$work/mix" tcgen05.mma tcgen05.cp) / 8 )) / $(total "$work/mix" tcgen05.mma) / $(count "$work/mix" tcgen05.mma $wait) / $(count "$work/mix" tcgen05.mma tcgen05.cp) / $(count "$work/mix" tcgen05.mma tcgen05.mma) / $(count "$work/mix" tcgen05.mma tcgen05.commit)"
  loads=2
  grep -q '"operand": "sfa"' "$json" && loads=4
  prod="$(( $(count "$work/mix" cp.async.bulk.tensor cp.async.bulk.tensor) / loads )) / $(total "$work/mix" cp.async.bulk.tensor) / $(count "$work/mix" cp.async.bulk.tensor $wait) / $(count "$work/mix" cp.async.bulk.tensor cp.async.bulk.tensor) / $(count "$work/mix" cp.async.bulk.tensor cp.async.bulk.shared) / $(count "$work/mix" cp.async.bulk.tensor ld.global) / $(count "$work/mix" cp.async.bulk.tensor st.shared)"
  sync=bar.warp.sync
  if grep -q "^loop $sync: not found" "$work/mix"; then
    scales="-"
  else
    scales="$(total "$work/mix" $sync) / $(count "$work/mix" $sync $wait) / $(count "$work/mix" $sync ld.global) / $(count "$work/mix" $sync ld.shared) / $(count "$work/mix" $sync st.shared)"
  fi
  ld=tcgen05.ld
  epilogue="$(total "$work/mix" $ld) / $(count "$work/mix" $ld $ld) / $(count "$work/mix" $ld st.shared) / $(count "$work/mix" $ld cp.async.bulk.global) / $(count "$work/mix" $ld st.global)"
  echo "| $name | $smem | $tmem | $regs | $mma | $prod | $scales | $epilogue |"
done
