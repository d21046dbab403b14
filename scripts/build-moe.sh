#!/usr/bin/env bash
# Builds examples/moe/moe_block.mlir, a two-layer MoE block written as a
# frontend writes it, into an executable that runs it twice and compares
# (docs/whole-program.md): once raised by ggemm-raise and lowered by ggemm,
# once as written and lowered by upstream passes only.
#
#   scripts/build-moe.sh MODE [BUILD_DIR [OUT_DIR]]
#
# MODE says how the raised program runs:
#   cpu  convert-ggemm-to-loops (the CPU lowering) and upstream host passes;
#   gpu  ggemm-pipeline{host=launch} (sm_90a cubins, host code launching
#        them), linked with libGGemmMGPU and the CUDA driver;
#   emu  the same with PTX kernels, linked with libGGemmMGPUEmu: the kernels
#        run on ggemm's PTX emulator, no GPU needed.
#   stream  the whole block on the GPU on the caller's stream: upstream maps
#        the program's elementwise linalg to GPU kernels
#        (convert-linalg-to-parallel-loops, gpu-map-parallel-loops,
#        convert-parallel-loops-to-gpu, gpu-kernel-outlining), then
#        ggemm-pipeline{host=stream} lowers them beside ggemm's (sm_90a
#        cubins) and puts every launch and buffer on the stream argument;
#        the driver captures a call into a CUDA graph and replays it;
#   record  the stream build's host code linked with a recording stand-in
#        of the mgpu* entry points (test/AOT/Inputs/record-moe.cpp): no GPU
#        needed, it prints what each call enqueues on which stream.
# BUILD_DIR defaults to build/, OUT_DIR to out-moe/. Writes OUT_DIR/moe-block-MODE.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MODE="${1:?usage: build-moe.sh cpu|gpu|emu|stream|record [BUILD_DIR [OUT_DIR]]}"
BUILD="$(cd "${2:-$ROOT/build}" && pwd)"
OUT="${3:-$ROOT/out-moe}"
LLVM_BIN="${LLVM_BIN:-/usr/lib/llvm-22/bin}"
CUDA="${GGEMM_CUDA:-/usr/local/cuda}"
CUDA_LIB_DIR="${CUDA_LIB_DIR:-$CUDA/lib64/stubs}"
CXX="${CXX:-c++}"
OPT="$BUILD/bin/gemm-opt"
SRC="$ROOT/examples/moe/moe_block.mlir"
mkdir -p "$OUT"

BUFFERIZE='--one-shot-bufferize=bufferize-function-boundaries function-boundary-type-conversion=identity-layout-map'
# Bufferization's temporaries freed where they die (upstream's ownership-
# based deallocation, lowered to memref.dealloc), as a compiler that runs
# the program many times needs.
DEALLOC=(--ownership-based-buffer-deallocation --canonicalize
  --buffer-deallocation-simplification --bufferization-lower-deallocations
  --convert-bufferization-to-memref --canonicalize)
# What is left of either program after its matmuls are lowered: loops,
# e2m1/e4m3 conversions expanded into integer arithmetic (the LLVM dialect
# has neither type), then upstream's lowering to the LLVM dialect.
LOWER=(--convert-linalg-to-loops --ggemm-expand-e4m3-extf
  --arith-expand=include-f4e2m1 --convert-scf-to-cf --expand-strided-metadata
  --lower-affine --convert-math-to-llvm)
TO_LLVM=(--finalize-memref-to-llvm --convert-arith-to-llvm
  --convert-index-to-llvm --convert-cf-to-llvm --convert-func-to-llvm
  --reconcile-unrealized-casts)

object() { # NAME: OUT/NAME.llvm.mlir -> OUT/NAME.o
  "$LLVM_BIN/mlir-translate" --mlir-to-llvmir "$OUT/$1.llvm.mlir" -o "$OUT/$1.ll"
  "$LLVM_BIN/llc" -O2 -filetype=obj -relocation-model=pic "$OUT/$1.ll" -o "$OUT/$1.o"
}

# The program as written, renamed, with upstream passes only.
sed 's/@moe_block(/@moe_block_ref(/' "$SRC" |
  "$OPT" --convert-elementwise-to-linalg "$BUFFERIZE" "${DEALLOC[@]}" "${LOWER[@]}" \
    "${TO_LLVM[@]}" -o "$OUT/moe_ref.llvm.mlir"
object moe_ref

LIBS=()
DEFS=()
case "$MODE" in
cpu)
  "$OPT" "$SRC" --ggemm-raise --canonicalize "$BUFFERIZE" "${DEALLOC[@]}" \
    --convert-linalg-to-loops --convert-ggemm-to-loops "${LOWER[@]}" \
    "${TO_LLVM[@]}" -o "$OUT/moe_$MODE.llvm.mlir"
  ;;
gpu | emu)
  FORMAT=bin
  [ "$MODE" = emu ] && FORMAT=isa
  "$OPT" "$SRC" --ggemm-raise --canonicalize "$BUFFERIZE" "${DEALLOC[@]}" \
    --ggemm-pipeline="chip=sm_90a format=$FORMAT host=launch" \
    -o "$OUT/moe_$MODE.gpu.mlir"
  # The host side: its own loops onto ggemm's packed e2m1 storage
  # (ggemm-pack-nvfp4-memrefs), then upstream's GPU host lowering.
  "$OPT" "$OUT/moe_$MODE.gpu.mlir" --convert-linalg-to-loops \
    --ggemm-pack-nvfp4-memrefs "${LOWER[@]}" \
    --gpu-to-llvm "${TO_LLVM[@]}" \
    -o "$OUT/moe_$MODE.llvm.mlir"
  DEFS=(-DGGEMM_MOE_GPU -I"$ROOT/include" -I"$CUDA/include")
  if [ "$MODE" = gpu ]; then
    LIBS=("$BUILD/lib/Runtime/libGGemmMGPU.a" -L"$CUDA_LIB_DIR" -lcuda)
  else
    LIBS=("$BUILD/lib/Runtime/libGGemmMGPUEmu.a"
      "$BUILD/lib/Runtime/libGGemmRuntime.a"
      "$BUILD/lib/Runtime/libGGemmRuntimeManifest.a"
      "$BUILD/lib/Emulator/libGGemmEmulator.a" -ldl)
  fi
  ;;
stream | record)
  # The elementwise work as upstream's GPU kernels (one thread a block: the
  # mapping upstream makes of untiled parallel loops), then ggemm's.
  "$OPT" "$SRC" --ggemm-raise --canonicalize "$BUFFERIZE" "${DEALLOC[@]}" \
    --convert-linalg-to-parallel-loops --gpu-map-parallel-loops \
    --convert-parallel-loops-to-gpu --gpu-kernel-outlining \
    --ggemm-pipeline="chip=sm_90a format=bin host=stream" \
    -o "$OUT/moe_$MODE.gpu.mlir"
  "$OPT" "$OUT/moe_$MODE.gpu.mlir" --ggemm-pack-nvfp4-memrefs "${LOWER[@]}" \
    --gpu-to-llvm "${TO_LLVM[@]}" -o "$OUT/moe_$MODE.llvm.mlir"
  DEFS=(-DGGEMM_MOE_GPU -DGGEMM_MOE_STREAM -I"$ROOT/include" -I"$CUDA/include")
  if [ "$MODE" = stream ]; then
    LIBS=("$BUILD/lib/Runtime/libGGemmMGPU.a" -L"$CUDA_LIB_DIR" -lcuda)
  else
    object "moe_$MODE"
    # shellcheck disable=SC2086
    "$CXX" -std=c++17 -O2 ${CXXFLAGS:-} "$ROOT/test/AOT/Inputs/record-moe.cpp" \
      "$OUT/moe_$MODE.o" -o "$OUT/moe-block-$MODE"
    echo "built $OUT/moe-block-$MODE"
    exit 0
  fi
  ;;
*)
  echo "build-moe.sh: MODE is cpu, gpu, emu, stream or record, not '$MODE'" >&2
  exit 2
  ;;
esac
object "moe_$MODE"
# shellcheck disable=SC2086
"$CXX" -std=c++17 -O2 ${CXXFLAGS:-} "${DEFS[@]}" "$ROOT/examples/moe/driver.cpp" \
  "$OUT/moe_$MODE.o" "$OUT/moe_ref.o" "${LIBS[@]}" -lm -lpthread \
  -o "$OUT/moe-block-$MODE"
echo "built $OUT/moe-block-$MODE"
