#!/usr/bin/env bash
# Calibrates the PTX emulator (lib/Emulator, gemm-run --device emu) against
# the GPU, on the GPU machine (CUDA, cmake, python3 with numpy; no LLVM):
#
#   (i)   every kernel of out/emu-kernels and out/emu-kernels-s2 (written by
#         bench/compile.sh: ggemm-pipeline format=isa, a manifest and a .ptx
#         each) at seeds 1..3: gemm-run --check --save
#         on the GPU (the driver JIT-compiles the same PTX) and on the
#         emulator; the saved outputs c<g>.npy compared bit for bit;
#   (ii)  every probe of test/Emulator/probes/probes.txt with ggemm-probe on
#         the GPU and on the emulator (emulator seeds 1 and 2), the buffer
#         dumps diffed;
#   (iii) ggemm-probe --tensormap-rules on both devices, diffed.
#
# Prints a table and writes it to $OUT/calibration.md when OUT is set, with
# $OUT/emu-calibration.tgz (logs, probe dumps, diffs); everything goes to
# $WORK first (default out/emu-calibration). Exits nonzero
# on any mismatch or failed run.
#
# Usage: bench/run_emu_calibration.sh
#   Environment: KERNELS (folders of manifests, default "out/emu-kernels
#   out/emu-kernels-s2"), BUILD (build-rt),
#   SEEDS ("1 2 3"), EMU_SEEDS ("1 2"), EMU_TIMEOUT (seconds per emulated
#   gemm-run, default 900).
set -uo pipefail
cd "$(dirname "$0")/.."
KERNELS="${KERNELS:-out/emu-kernels out/emu-kernels-s2}"
BUILD="${BUILD:-build-rt}"
SEEDS="${SEEDS:-1 2 3}"
EMU_SEEDS="${EMU_SEEDS:-1 2}"
EMU_TIMEOUT="${EMU_TIMEOUT:-900}"
WORK="${WORK:-out/emu-calibration}"
PROBES=test/Emulator/probes

rm -rf "$WORK" && mkdir -p "$WORK"
echo "== building $BUILD (runtime/)"
cmake -S runtime -B "$BUILD" -DCMAKE_BUILD_TYPE=Release > "$WORK/build.log" 2>&1 &&
  cmake --build "$BUILD" -j "$(nproc)" >> "$WORK/build.log" 2>&1 ||
  { tail -30 "$WORK/build.log"; exit 1; }
RUN="$BUILD/bin/gemm-run"
PROBE="$BUILD/bin/ggemm-probe"

# Compares two folders' c*.npy: "identical", or differing elements and the
# largest absolute difference (NaN against a number counts as inf).
compare_npy() {
  python3 - "$1" "$2" <<'EOF'
import glob, os, sys
a_dir, b_dir = sys.argv[1], sys.argv[2]
names = sorted(os.path.basename(p) for p in glob.glob(os.path.join(a_dir, "c*.npy")))
other = sorted(os.path.basename(p) for p in glob.glob(os.path.join(b_dir, "c*.npy")))
if not names or names != other:
    print("outputs missing (%d vs %d files)" % (len(names), len(other)))
    sys.exit(1)
try:
    import numpy as np
except ImportError:
    same = all(open(os.path.join(a_dir, n), "rb").read() ==
               open(os.path.join(b_dir, n), "rb").read() for n in names)
    print("identical" if same else "differ (no numpy for details)")
    sys.exit(0 if same else 1)
differ, total, worst = 0, 0, 0.0
for n in names:
    a = np.load(os.path.join(a_dir, n))
    b = np.load(os.path.join(b_dir, n))
    if a.shape != b.shape:
        print("%s: shapes %s vs %s" % (n, a.shape, b.shape))
        sys.exit(1)
    bits = a.view(np.uint16) != b.view(np.uint16)
    total += a.size
    differ += int(bits.sum())
    if bits.any():
        x = a[bits].astype(np.float64)
        y = b[bits].astype(np.float64)
        d = np.abs(x - y)
        d[np.isnan(d)] = np.inf
        worst = max(worst, float(d.max()))
if differ == 0:
    print("identical (%d elements)" % total)
    sys.exit(0)
print("%d of %d elements differ, max abs diff %.6g" % (differ, total, worst))
sys.exit(1)
EOF
}

rows=()
fails=0
row() { rows+=("| $1 | $2 | $3 |"); }

#--- (i) kernels --------------------------------------------------------------#
manifests=()
for k in $KERNELS; do
  for m in "$k"/*.json; do [ -f "$m" ] && manifests+=("$m"); done
done
if [ ${#manifests[@]} -gt 0 ]; then
  for m in "${manifests[@]}"; do
    name=$(basename "$(dirname "$m")")/$(basename "$m" .json)
    for s in $SEEDS; do
      dir="$WORK/kernels/$name/seed$s"
      mkdir -p "$dir"
      echo "== $name seed $s"
      timeout 600 $RUN "$m" --device gpu --check --seed "$s" --save "$dir/gpu" > "$dir/gpu.log" 2>&1
      gpu=$?
      timeout "$EMU_TIMEOUT" $RUN "$m" --device emu --check --seed "$s" --save "$dir/emu" > "$dir/emu.log" 2>&1
      emu=$?
      stats=$(grep -m1 '^emu: [0-9]* instructions' "$dir/emu.log" | sed 's/^emu: //')
      if [ $gpu -ne 0 ] || [ $emu -ne 0 ]; then
        what="gpu exit $gpu, emu exit $emu"
        [ $emu -eq 124 ] && what="gpu exit $gpu, emu timed out after ${EMU_TIMEOUT}s"
        why=$(cat "$dir/gpu.log" "$dir/emu.log" | grep -m1 -e '^gemm-run:' -e '^FAIL' | cut -c1-200)
        row "kernel $name seed $s" "FAIL" "$what${why:+: $why}"
        fails=$((fails + 1))
        continue
      fi
      if result=$(compare_npy "$dir/gpu" "$dir/emu"); then
        row "kernel $name seed $s" "same" "$result; emu $stats"
      else
        row "kernel $name seed $s" "DIFF" "$result"
        fails=$((fails + 1))
      fi
    done
  done
else
  echo "no kernels in $KERNELS (bench/compile.sh writes them)"
  row "kernels" "FAIL" "none in $KERNELS"
  fails=$((fails + 1))
fi

#--- (ii) probes --------------------------------------------------------------#
mkdir -p "$WORK/probes"
while read -r name file kernel args; do
  case "$name" in ''|'#'*) continue ;; esac
  echo "== probe $name"
  base="$WORK/probes/$name"
  # shellcheck disable=SC2086 # the launch options are words
  if ! timeout 120 $PROBE "$PROBES/$file" --kernel "$kernel" --device gpu $args --out "$base.gpu.txt" > "$base.gpu.log" 2>&1; then
    row "probe $name" "FAIL" "gpu: $(tail -1 "$base.gpu.log" | cut -c1-200)"
    fails=$((fails + 1))
    continue
  fi
  for s in $EMU_SEEDS; do
    # shellcheck disable=SC2086
    if ! timeout 600 $PROBE "$PROBES/$file" --kernel "$kernel" --device emu --emu-seed "$s" $args --out "$base.emu$s.txt" > "$base.emu$s.log" 2>&1; then
      row "probe $name emu seed $s" "FAIL" "emu: $(grep -m1 'ggemm-probe:' "$base.emu$s.log" | cut -c1-200)"
      fails=$((fails + 1))
      continue
    fi
    if diff "$base.gpu.txt" "$base.emu$s.txt" > "$base.emu$s.diff"; then
      row "probe $name emu seed $s" "same" "$(grep -m1 '^probe:' "$base.emu$s.log" | sed 's/.*(\([0-9]* bytes\)).*/\1/')"
    else
      lines=$(grep -c '^<' "$base.emu$s.diff")
      first=$(grep -m1 '^<' "$base.emu$s.diff" | cut -c3-60)
      row "probe $name emu seed $s" "DIFF" "$lines dump lines differ, first at '$first...' (see $base.emu$s.diff)"
      fails=$((fails + 1))
    fi
  done
done < "$PROBES/probes.txt"

#--- (iii) tensor-map rules ---------------------------------------------------#
echo "== tensor-map rules"
t="$WORK/tensormap"
$PROBE --tensormap-rules --device gpu --out "$t.gpu.txt" > "$t.gpu.log" 2>&1
gpu=$?
$PROBE --tensormap-rules --device emu --out "$t.emu.txt" > "$t.emu.log" 2>&1
emu=$?
if [ $gpu -eq 0 ] && [ $emu -eq 0 ]; then
  if diff "$t.gpu.txt" "$t.emu.txt" > "$t.diff"; then
    row "tensor-map rules" "same" "$(wc -l < "$t.gpu.txt") cases"
  else
    cases=$(paste -d' ' "$t.gpu.txt" "$t.emu.txt" |
            awk '$2 != $4 { sub(":", "", $1); printf "%s%s (gpu %s, emu %s)", sep, $1, $2, $4; sep = ", " }')
    row "tensor-map rules" "DIFF" "$cases"
    fails=$((fails + 1))
  fi
else
  row "tensor-map rules" "FAIL" "$(cat "$t.gpu.log" "$t.emu.log" | grep -m2 'ggemm-probe:' | tr '\n' ' ' | cut -c1-300)"
  fails=$((fails + 1))
fi

#--- table --------------------------------------------------------------------#
device=$(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null | head -1)
table=$(
  echo "# Emulator calibration, $(date -u +%Y-%m-%d)"
  echo
  echo "GPU: ${device:-unknown}. Kernels: $KERNELS, seeds $SEEDS; probe emulator seeds $EMU_SEEDS."
  echo
  echo "| what | result | details |"
  echo "| --- | --- | --- |"
  printf '%s\n' "${rows[@]}"
  echo
  echo "$fails mismatch(es) or failure(s)."
)
echo
echo "$table"
if [ -n "${OUT:-}" ]; then
  mkdir -p "$OUT"
  echo "$table" > "$OUT/calibration.md"
  # The logs, dumps and diffs (not the saved arrays), in one archive.
  (cd "$WORK" && find . -name '*.log' -o -name '*.txt' -o -name '*.diff' |
    tar czf "$OUT/emu-calibration.tgz" -T -)
fi
[ "$fails" -eq 0 ]
