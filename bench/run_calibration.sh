#!/usr/bin/env bash
# Times the calibration kernels of bench/compile_calibration.sh on the GPU
# machine (gemm-run --bench: median of 20 graph replays after 3 warm-up,
# the decode kernel included for predecoded ones) and fits a step's and a
# tile's cost per kernel (bench/fit_calibration.py).
# Usage: bench/run_calibration.sh [LOG_DIR]   (default out/logs-calibration)
set -uo pipefail
cd "$(dirname "$0")/.."
logs="${1:-out/logs-calibration}"
mkdir -p "$logs"
[ -d out/calibration ] || { echo "no out/calibration: run bench/compile_calibration.sh first"; exit 1; }
source bench/common.sh
build_runtime
{ nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.mem --format=csv,noheader; date -u; } | tee "$logs/device.txt"
out="$logs/calibration.tsv"
printf 'kernel\tshape\tmedian_us\n' > "$out"
for m in out/calibration/*/bench_calib_*.json; do
  us=$(timeout 60 $RUN "$m" --seed $seed --bench --iters 20 --warmup 3 2>&1 |
       sed -n 's/^bench: median \([0-9.]*\) us.*/\1/p')
  printf '%s\t%s\t%s\n' "$(basename "$(dirname "$m")")" "$(basename "$m" .json)" "${us:-failed}" | tee -a "$out"
done
python3 bench/fit_calibration.py "$out" | tee "$logs/fit.md"
