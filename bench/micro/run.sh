#!/usr/bin/env bash
# Builds and runs the sm_90a cost-model microbenchmarks (bench/micro/micro.cu)
# on the GPU machine, then fits the model's constants.
#
# Usage (from the repository root): bash bench/micro/run.sh [out.json]
#   out.json            raw measurements (default out/micro.json)
#   <dir of out.json>/micro_constants.json   the eight constants (fit.py)
# Environment: NVCC (default nvcc, else /usr/local/cuda/bin/nvcc),
#   MICRO_BUILD_DIR (default out/micro-build), MICRO_TIMEOUT_S (default 300).
# Exits nonzero if the build, the SASS check, the run or the fit fails.
# Takes about half a minute on an H200 (build ~10 s, run ~10 s).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out_json="${1:-$root/out/micro.json}"
build="${MICRO_BUILD_DIR:-$root/out/micro-build}"
export PATH="$PATH:/usr/local/cuda/bin"
nvcc="${NVCC:-nvcc}"

mkdir -p "$build" "$(dirname "$out_json")"
out_dir="$(cd "$(dirname "$out_json")" && pwd)"
out_json="$out_dir/$(basename "$out_json")"

echo "== build ($nvcc)" >&2
# compute_90a/sm_90a only: wgmma is an arch-specific (sm_90a) feature.
"$nvcc" -O3 -gencode arch=compute_90a,code=sm_90a -lineinfo -Xptxas -v \
  -o "$build/micro" "$here/micro.cu" 2>"$build/ptxas.log" || {
  cat "$build/ptxas.log" >&2
  echo "run.sh: build failed" >&2
  exit 1
}
if grep -qi "serializ\|spill stores, [1-9]" "$build/ptxas.log"; then
  echo "run.sh: warning: ptxas reports wgmma serialization or spills:" >&2
  grep -i "serializ\|spill stores, [1-9]" "$build/ptxas.log" >&2 || true
fi

# The wgmmas must be in the SASS (HGMMA); checked where cuobjdump exists.
if command -v cuobjdump >/dev/null 2>&1; then
  cuobjdump -sass "$build/micro" >"$build/micro.sass"
  n_hgmma=$(grep -c HGMMA "$build/micro.sass" || true)
  echo "== SASS: $n_hgmma HGMMA instructions" >&2
  if [ "$n_hgmma" -eq 0 ]; then
    echo "run.sh: no HGMMA in the SASS" >&2
    exit 1
  fi
else
  echo "== SASS: cuobjdump not found, HGMMA count not checked" >&2
fi

echo "== run" >&2
tmp="$out_json.tmp"
timeout "${MICRO_TIMEOUT_S:-300}" "$build/micro" >"$tmp" || {
  rc=$?
  echo "run.sh: micro failed (exit $rc)" >&2
  rm -f "$tmp"
  exit 1
}
python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$tmp" || {
  echo "run.sh: micro printed invalid JSON (kept in $tmp)" >&2
  exit 1
}
mv "$tmp" "$out_json"
echo "== wrote $out_json" >&2

echo "== fit" >&2
python3 "$here/fit.py" "$out_json" "$out_dir/micro_constants.json"
