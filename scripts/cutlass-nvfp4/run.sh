#!/usr/bin/env bash
# The independent calibration of the emulator's tcgen05 semantics against
# CUTLASS (docs/emulator.md, "Independent calibration"): CUTLASS's sm_100
# block-scaled tutorial kernel, instantiated for NVFP4, compiled by nvcc to
# PTX, run on the emulator; D must match a host reference whose operand
# layouts come from CUTLASS's cute layouts.
#   run.sh CUTLASS_ROOT GGEMM_BUILD_RT OUTDIR [N...]   (N: 128 256)
# CUTLASS_ROOT must hold include/ and
# examples/cute/tutorial/blackwell/mxfp8/01_mma_sm100_mxfp8.cu; nvcc 12.8+.
set -euo pipefail
cutlass=$1 build=$2 out=$3
shift 3
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
nvcc=${NVCC:-/usr/local/cuda/bin/nvcc}
mkdir -p "$out"
cp "$here"/kernel.cu "$here"/problem.inc "$here"/harness.cu "$out"/
python3 "$here/make_body.py" \
  "$cutlass/examples/cute/tutorial/blackwell/mxfp8/01_mma_sm100_mxfp8.cu" \
  "$out/kernel_body.inc"
flags=(-arch=sm_100a -std=c++17 --expt-relaxed-constexpr -DKK=512
       -I"$cutlass/include" -I"$cutlass/tools/util/include")
status=0
for n in "${@:-128 256}"; do
  "$nvcc" "${flags[@]}" -DKN="$n" --ptx "$out/kernel.cu" -o "$out/k$n.ptx"
  "$nvcc" "${flags[@]}" -DKN="$n" -I"$root/include" "$out/harness.cu" \
    -o "$out/harness$n" "$build/lib/Emulator/libGGemmEmulator.a"
  # emulator seeds that place dynamic shared memory 1024-byte aligned: the
  # tutorial assumes it (the ISA guarantees 16 bytes; other seeds break
  # its 128B swizzle)
  for s in 2 4 5 8; do
    "$out/harness$n" "$out/k$n.ptx" "$s" || status=1
  done
done
exit $status
