#!/usr/bin/env bash
# Compiles examples/aot/grouped.mlir (ggemm-pipeline{host=launch}) and
# examples/aot/stream.mlir (host=stream) ahead of time into two executables,
# and grouped.mlir once more with predecoded tokens (aot-grouped-pd: the
# host code also allocates the token workspace and launches the decode
# kernel)
# (docs/aot-host.md): ggemm-pipeline -> upstream host lowerings ->
# mlir-translate -> llc -> link with a driver, libGGemmMGPU,
# libGGemmReference and the CUDA driver. Needs a configured and built
# ggemm (gemm-opt, the two libraries) and LLVM/MLIR 22's tools; the
# executable needs neither, only libcuda.so.1 and a GPU to run.
#
#   scripts/build-aot.sh [BUILD_DIR [OUT_DIR]]
#
# BUILD_DIR defaults to build/, OUT_DIR to out-aot/. CUDA_LIB_DIR names the
# folder holding libcuda.so to link against (default: the toolkit's stubs,
# which is all a machine without a GPU has); CXX and CXXFLAGS as usual.
#
# GGEMM_AOT_DEVICE=emu builds the same programs for the PTX emulator
# instead (docs/aot-host.md, "On the emulator"): the kernels as PTX
# (format=isa, loaded by mgpuModuleLoadJIT), linked with libGGemmMGPUEmu
# and the runtime, emulator and manifest libraries instead of libGGemmMGPU
# and libcuda, as OUT/aot-grouped-emu and OUT/aot-stream-emu; they run on
# any machine, without a GPU or a driver. The default (gpu) builds what it
# always did.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="$(cd "${1:-$ROOT/build}" && pwd)"
OUT="${2:-$ROOT/out-aot}"
LLVM_BIN="${LLVM_BIN:-/usr/lib/llvm-22/bin}"
CUDA="${GGEMM_CUDA:-/usr/local/cuda}"
CUDA_LIB_DIR="${CUDA_LIB_DIR:-$CUDA/lib64/stubs}"
CXX="${CXX:-c++}"
DEVICE="${GGEMM_AOT_DEVICE:-gpu}"
# Per device: the kernels' format, what the executables link, and the
# suffix of every file written.
case "$DEVICE" in
  gpu)
    FORMAT=""
    SUFFIX=""
    DEFINES=""
    LINK=("$BUILD/lib/Runtime/libGGemmMGPU.a"
          "$BUILD/lib/Reference/libGGemmReference.a"
          -L"$CUDA_LIB_DIR" -lcuda -lpthread) ;;
  emu)
    FORMAT="format=isa"
    SUFFIX="-emu"
    # stream_driver.cpp calls the driver itself: the emulator's, here.
    DEFINES="-DGGEMM_AOT_EMULATED"
    LINK=("$BUILD/lib/Runtime/libGGemmMGPUEmu.a"
          "$BUILD/lib/Runtime/libGGemmRuntime.a"
          "$BUILD/lib/Runtime/libGGemmRuntimeManifest.a"
          "$BUILD/lib/Emulator/libGGemmEmulator.a"
          "$BUILD/lib/Reference/libGGemmReference.a"
          -ldl -lpthread) ;;
  *)
    echo "build-aot.sh: GGEMM_AOT_DEVICE is gpu or emu, not '$DEVICE'" >&2
    exit 2 ;;
esac
mkdir -p "$OUT"

# build NAME HOST DRIVER EXE [FIRST_PASSES [SCHEDULE]]: examples/aot/NAME.mlir
# -> OUT/EXE linked with examples/aot/DRIVER.cpp; SCHEDULE: more
# ggemm-pipeline options (the files are then named after EXE).
build() {
  local name=$1$SUFFIX host=$2 driver=$3 exe=$4$SUFFIX first=${5:-}
  local schedule=${6:-}
  [ -z "$schedule" ] || name=$exe
  # 1. The grouped matmuls -> sm_90a kernels (cubins, or PTX for the
  #    emulator, in gpu.binary ops) and host functions that launch them, in
  #    upstream ops.
  "$BUILD/bin/gemm-opt" "$ROOT/examples/aot/$1.mlir" \
    --ggemm-pipeline="chip=sm_90a $FORMAT host=$host $schedule" \
    -o "$OUT/$name.gpu.mlir"
  # 2. The host side, with upstream passes only, to the LLVM dialect
  #    (the launches pass device addresses as !llvm.ptr: gpu-to-llvm's
  #    default memref convention, docs/aot-host.md).
  "$BUILD/bin/gemm-opt" "$OUT/$name.gpu.mlir" --pass-pipeline="builtin.module(
    $first expand-strided-metadata,
    gpu-to-llvm, convert-cf-to-llvm,
    convert-func-to-llvm, finalize-memref-to-llvm, convert-arith-to-llvm,
    reconcile-unrealized-casts)" -o "$OUT/$name.llvm.mlir"
  # 3. LLVM IR (the gpu.binary becomes a global and a module load at
  #    start-up) and an object file.
  "$LLVM_BIN/mlir-translate" --mlir-to-llvmir "$OUT/$name.llvm.mlir" \
    -o "$OUT/$name.ll"
  "$LLVM_BIN/llc" -O2 -filetype=obj -relocation-model=pic "$OUT/$name.ll" \
    -o "$OUT/$name.o"
  # 4. The driver and the libraries: no LLVM, no MLIR.
  # shellcheck disable=SC2086
  "$CXX" -std=c++17 -O2 ${CXXFLAGS:-} $DEFINES -I"$ROOT/include" \
    -I"$CUDA/include" "$ROOT/examples/aot/$driver.cpp" "$OUT/$name.o" \
    "${LINK[@]}" -o "$OUT/$exe"
  echo "built $OUT/$exe"
}

build grouped launch driver aot-grouped
build grouped launch driver aot-grouped-pd "" "tile-m=128 predecode=1"
# The host=stream example: its entry point takes the caller's stream and
# workspace; C wrappers for the driver (upstream llvm-request-c-wrappers).
build stream stream stream_driver aot-stream "func.func(llvm-request-c-wrappers),"
