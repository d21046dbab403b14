#!/usr/bin/env bash
# Compiles examples/aot/grouped.mlir (ggemm-pipeline{host=launch}) and
# examples/aot/stream.mlir (host=stream) ahead of time into two executables
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
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="$(cd "${1:-$ROOT/build}" && pwd)"
OUT="${2:-$ROOT/out-aot}"
LLVM_BIN="${LLVM_BIN:-/usr/lib/llvm-22/bin}"
CUDA="${GGEMM_CUDA:-/usr/local/cuda}"
CUDA_LIB_DIR="${CUDA_LIB_DIR:-$CUDA/lib64/stubs}"
CXX="${CXX:-c++}"
mkdir -p "$OUT"

# 1. The grouped matmuls -> sm_90a kernels (cubins in gpu.binary ops) and
#    host functions that launch them, in upstream ops.
"$BUILD/bin/gemm-opt" "$ROOT/examples/aot/grouped.mlir" \
  --ggemm-pipeline="chip=sm_90a host=launch" -o "$OUT/grouped.gpu.mlir"
# 2. The host side, with upstream passes only, to the LLVM dialect. The
#    kernels take bare pointers (docs/kernel-abi.md).
"$BUILD/bin/gemm-opt" "$OUT/grouped.gpu.mlir" --pass-pipeline='builtin.module(
  expand-strided-metadata, convert-nvgpu-to-nvvm,
  gpu-to-llvm{use-bare-pointers-for-kernels=1}, convert-cf-to-llvm,
  convert-func-to-llvm, finalize-memref-to-llvm, convert-arith-to-llvm,
  reconcile-unrealized-casts)' -o "$OUT/grouped.llvm.mlir"
# 3. LLVM IR (the gpu.binary becomes a global and a module load at start-up)
#    and an object file.
"$LLVM_BIN/mlir-translate" --mlir-to-llvmir "$OUT/grouped.llvm.mlir" \
  -o "$OUT/grouped.ll"
"$LLVM_BIN/llc" -O2 -filetype=obj -relocation-model=pic "$OUT/grouped.ll" \
  -o "$OUT/grouped.o"
# 4. The driver and the libraries: no LLVM, no MLIR.
# shellcheck disable=SC2086
"$CXX" -std=c++17 -O2 ${CXXFLAGS:-} -I"$ROOT/include" \
  "$ROOT/examples/aot/driver.cpp" "$OUT/grouped.o" \
  "$BUILD/lib/Runtime/libGGemmMGPU.a" "$BUILD/lib/Reference/libGGemmReference.a" \
  -L"$CUDA_LIB_DIR" -lcuda -lpthread -o "$OUT/aot-grouped"
echo "built $OUT/aot-grouped"

# The same for the host=stream example: its entry point takes the caller's
# stream and workspace; C wrappers for the driver (upstream
# llvm-request-c-wrappers).
"$BUILD/bin/gemm-opt" "$ROOT/examples/aot/stream.mlir" \
  --ggemm-pipeline="chip=sm_90a host=stream" -o "$OUT/stream.gpu.mlir"
"$BUILD/bin/gemm-opt" "$OUT/stream.gpu.mlir" --pass-pipeline='builtin.module(
  func.func(llvm-request-c-wrappers), expand-strided-metadata,
  gpu-to-llvm{use-bare-pointers-for-kernels=1}, convert-cf-to-llvm,
  convert-func-to-llvm, finalize-memref-to-llvm, convert-arith-to-llvm,
  reconcile-unrealized-casts)' -o "$OUT/stream.llvm.mlir"
"$LLVM_BIN/mlir-translate" --mlir-to-llvmir "$OUT/stream.llvm.mlir" \
  -o "$OUT/stream.ll"
"$LLVM_BIN/llc" -O2 -filetype=obj -relocation-model=pic "$OUT/stream.ll" \
  -o "$OUT/stream.o"
# shellcheck disable=SC2086
"$CXX" -std=c++17 -O2 ${CXXFLAGS:-} -I"$ROOT/include" -I"$CUDA/include" \
  "$ROOT/examples/aot/stream_driver.cpp" "$OUT/stream.o" \
  "$BUILD/lib/Runtime/libGGemmMGPU.a" "$BUILD/lib/Reference/libGGemmReference.a" \
  -L"$CUDA_LIB_DIR" -lcuda -lpthread -o "$OUT/aot-stream"
echo "built $OUT/aot-stream"
