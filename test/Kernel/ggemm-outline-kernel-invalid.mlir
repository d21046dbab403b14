// What ggemm-outline-kernel refuses, each with a located diagnostic: IR of
// an earlier level, split-K, operands the kernel cannot be given, and
// problems the target's kernel cannot take (the schedules are written out
// so that each case tests one rule).
// RUN: gemm-opt %s -split-input-file --ggemm-fuse-persistent --ggemm-outline-kernel -verify-diagnostics
// Without ggemm-fuse-persistent every op is still at the problem level:
// RUN: not gemm-opt %s -split-input-file --ggemm-outline-kernel 2>&1 | FileCheck %s --check-prefix=UNFUSED
// UNFUSED: error: 'ggemm.grouped_matmul' op was not fused into a persistent loop; run ggemm-tile and ggemm-fuse-persistent first (ggemm-pipeline does)

func.func @narrow_tile(%a: memref<128x512xf4E2M1FN>, %sa: memref<128x32xf8E4M3FN>,
    %b: memref<128x512xf4E2M1FN>, %sb: memref<128x32xf8E4M3FN>, %c: memref<128x128xf16>) {
  // expected-error @+1 {{cannot be lowered for sm_90a: the sm_90a kernel takes tile N in {128}; got 64}}
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a : memref<128x512xf4E2M1FN>) sfa(%sa : memref<128x32xf8E4M3FN>)
      b(%b : memref<128x512xf4E2M1FN>) sfb(%sb : memref<128x32xf8E4M3FN>)
      c(%c : memref<128x128xf16>)
      schedule <target = sm_90a, tile = [128, 64, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>
  return
}

// -----

func.func @blocked(%a: memref<128x512xf4E2M1FN>, %sa: memref<1x8x32x16xf8E4M3FN>,
    %b: memref<128x512xf4E2M1FN>, %sb: memref<1x8x32x16xf8E4M3FN>, %c: memref<128x128xf16>) {
  // expected-error @+1 {{cannot be lowered for sm_90a: the sm_90a kernel takes row-major scales (it reads them with plain loads); blocked_128x4 is for tcgen05}}
  ggemm.grouped_matmul rows<list> scales<blocked_128x4>
      a(%a : memref<128x512xf4E2M1FN>) sfa(%sa : memref<1x8x32x16xf8E4M3FN>)
      b(%b : memref<128x512xf4E2M1FN>) sfb(%sb : memref<1x8x32x16xf8E4M3FN>)
      c(%c : memref<128x128xf16>)
      schedule <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>
  return
}

// -----

// A K tile the mma.sync kernel took: the wgmma kernel reads one 128-byte
// swizzled row of packed e2m1 (K = 256) per stage.
func.func @short_k(%a: memref<128x512xf4E2M1FN>, %sa: memref<128x32xf8E4M3FN>,
    %b: memref<128x512xf4E2M1FN>, %sb: memref<128x32xf8E4M3FN>, %c: memref<128x128xf16>) {
  // expected-error @+1 {{cannot be lowered for sm_90a: the sm_90a kernel takes tile K in {256}; got 128}}
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a : memref<128x512xf4E2M1FN>) sfa(%sa : memref<128x32xf8E4M3FN>)
      b(%b : memref<128x512xf4E2M1FN>) sfb(%sb : memref<128x32xf8E4M3FN>)
      c(%c : memref<128x128xf16>)
      schedule <target = sm_90a, tile = [128, 128, 128], raster = along_m, split_k = 1, grid = 132, stages = 4>
  return
}

// -----

// 6 stages, the fewest that do not fit: the ring starts at 66560 (barriers,
// two f16 decode buffers), each stage (128 + 128) * 256 / 2 = 32768 bytes.
func.func @shared_memory(%a: memref<128x512xf4E2M1FN>, %sa: memref<128x32xf8E4M3FN>,
    %b: memref<128x512xf4E2M1FN>, %sb: memref<128x32xf8E4M3FN>, %c: memref<128x128xf16>) {
  // expected-error @+1 {{cannot be lowered for sm_90a: 6 stages of tile K 256 need 264192 bytes of shared memory; sm_90a has 232432}}
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a : memref<128x512xf4E2M1FN>) sfa(%sa : memref<128x32xf8E4M3FN>)
      b(%b : memref<128x512xf4E2M1FN>) sfb(%sb : memref<128x32xf8E4M3FN>)
      c(%c : memref<128x128xf16>)
      schedule <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 6>
  return
}

// -----

// A split-K kernel's CTAs wait for each other at its grid barrier: all of
// them must be resident, one per SM.
func.func @split_grid(%a: memref<128x512xf4E2M1FN>, %sa: memref<128x32xf8E4M3FN>,
    %b: memref<128x512xf4E2M1FN>, %sb: memref<128x32xf8E4M3FN>, %c: memref<128x128xf16>) {
  // expected-error @+1 {{cannot be lowered for sm_90a: split_k = 2 makes the CTAs wait for each other at a grid barrier, so all of them must be resident: grid = 133 must be at most the 132 SMs of sm_90a}}
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a : memref<128x512xf4E2M1FN>) sfa(%sa : memref<128x32xf8E4M3FN>)
      b(%b : memref<128x512xf4E2M1FN>) sfb(%sb : memref<128x32xf8E4M3FN>)
      c(%c : memref<128x128xf16>)
      schedule <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 2, grid = 133, stages = 4>
  return
}

// -----

// The kernel's operands are addresses the host passes: a buffer the
// function allocates itself is not one of them.
func.func @local_buffer(%a: memref<128x512xf4E2M1FN>, %sa: memref<128x32xf8E4M3FN>,
    %b: memref<128x512xf4E2M1FN>, %sb: memref<128x32xf8E4M3FN>) {
  %c = memref.alloc() : memref<128x128xf16>
  // expected-error @+1 {{'ggemm.grouped_matmul' op: C of group 0 is not an argument of @local_buffer but the result of memref.alloc; with the manifest's host (host=manifest) ggemm's runtime launches the kernel on buffers it is given for the function's arguments. Pass it in as an argument of @local_buffer, or use ggemm-pipeline{host=launch}, which launches the kernel in place, on any operand}}
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a : memref<128x512xf4E2M1FN>) sfa(%sa : memref<128x32xf8E4M3FN>)
      b(%b : memref<128x512xf4E2M1FN>) sfb(%sb : memref<128x32xf8E4M3FN>)
      c(%c : memref<128x128xf16>)
      schedule <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>
  return
}

// -----

// Memrefs in another memory space are not what the runtime passes.
func.func @memory_space(%a: memref<128x512xf4E2M1FN, 3>, %sa: memref<128x32xf8E4M3FN>,
    %b: memref<128x512xf4E2M1FN>, %sb: memref<128x32xf8E4M3FN>, %c: memref<128x128xf16>) {
  // expected-error @+1 {{A of group 0 is in memory space 3 : i64; the kernel takes memrefs in the default (host-visible global) memory space}}
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a : memref<128x512xf4E2M1FN, 3>) sfa(%sa : memref<128x32xf8E4M3FN>)
      b(%b : memref<128x512xf4E2M1FN>) sfb(%sb : memref<128x32xf8E4M3FN>)
      c(%c : memref<128x128xf16>)
      schedule <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>
  return
}
