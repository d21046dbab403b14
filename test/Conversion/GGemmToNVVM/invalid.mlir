// What convert-ggemm-to-nvvm refuses, each with a located diagnostic.
// RUN: gemm-opt %s -split-input-file --ggemm-tile="chip=sm_90a tile-n=64" --ggemm-fuse-persistent --convert-ggemm-to-nvvm -verify-diagnostics
// RUN: not gemm-opt %s -split-input-file --ggemm-tile=chip=sm_90a --ggemm-split-k=split=2 --ggemm-fuse-persistent --convert-ggemm-to-nvvm 2>&1 | FileCheck %s --check-prefix=SPLIT
// RUN: not gemm-opt %s -split-input-file --ggemm-tile="chip=sm_90a stages=8" --ggemm-fuse-persistent --convert-ggemm-to-nvvm 2>&1 | FileCheck %s --check-prefix=SMEM
// RUN: not gemm-opt %s -split-input-file --ggemm-tile --ggemm-fuse-persistent --convert-ggemm-to-nvvm=chip=sm_80 2>&1 | FileCheck %s --check-prefix=CHIP

// SPLIT: error: 'ggemm.persistent' op cannot be lowered for sm_90a: split-K is not lowered for sm_90a yet; schedule split_k = 1
// SMEM: error: 'ggemm.persistent' op cannot be lowered for sm_90a: 8 stages of tile K 256 need 264192 bytes of shared memory; sm_90a has 232448
// CHIP: error: 'ggemm.persistent' op cannot be lowered for chip 'sm_80': convert-ggemm-to-nvvm supports sm_100a and sm_90a

func.func @narrow_tile(%a: memref<128x512xf4E2M1FN>, %sa: memref<128x32xf8E4M3FN>,
    %b: memref<128x512xf4E2M1FN>, %sb: memref<128x32xf8E4M3FN>, %c: memref<128x128xf16>) {
  // expected-error @+1 {{cannot be lowered for sm_90a: the sm_90a lowering takes 128 x 128 tiles (4 warps of 64 x 64); the schedule has 128 x 64}}
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a : memref<128x512xf4E2M1FN>) sfa(%sa : memref<128x32xf8E4M3FN>)
      b(%b : memref<128x512xf4E2M1FN>) sfb(%sb : memref<128x32xf8E4M3FN>)
      c(%c : memref<128x128xf16>)
  return
}

// -----

func.func @blocked(%a: memref<128x512xf4E2M1FN>, %sa: memref<1x8x32x16xf8E4M3FN>,
    %b: memref<128x512xf4E2M1FN>, %sb: memref<1x8x32x16xf8E4M3FN>, %c: memref<128x128xf16>) {
  // expected-error @+1 {{takes row-major scales on sm_90a (the kernel reads them with plain loads); blocked_128x4 is for tcgen05}}
  ggemm.grouped_matmul rows<list> scales<blocked_128x4>
      a(%a : memref<128x512xf4E2M1FN>) sfa(%sa : memref<1x8x32x16xf8E4M3FN>)
      b(%b : memref<128x512xf4E2M1FN>) sfb(%sb : memref<1x8x32x16xf8E4M3FN>)
      c(%c : memref<128x128xf16>)
  return
}
