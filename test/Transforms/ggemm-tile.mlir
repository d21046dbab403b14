// RUN: gemm-opt %s -split-input-file --ggemm-tile | FileCheck %s
// RUN: gemm-opt %s -split-input-file --ggemm-tile="chip=sm_90a tile-k=256 raster=along_n stages=5" | FileCheck %s --check-prefix=HOPPER
// RUN: gemm-opt %s -split-input-file --ggemm-tile="chip=sm_100a tile-n=64" | FileCheck %s --check-prefix=B200
// RUN: gemm-opt %s -split-input-file --ggemm-tile="grid=7" | FileCheck %s --check-prefix=GRID

// Defaults: the default chip (sm_90a): a 128 x 128 x 256 tile, one CTA
// per H100/H200 SM. M = 80 (a tail) and K = 192 (not a multiple of 256)
// are masked, not refused.
// CHECK-LABEL: func.func @tail
// CHECK: ggemm.grouped_matmul rows<list> scales<row_major>
// CHECK-SAME: schedule <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>
// HOPPER-LABEL: func.func @tail
// sm_90a takes only tile K 256; 5 stages are the most that fit its shared
// memory (66560 + 5 * 32768 = 230400 bytes of 232432).
// HOPPER: schedule <target = sm_90a, tile = [128, 128, 256], raster = along_n, split_k = 1, grid = 132, stages = 5>
// B200-LABEL: func.func @tail
// B200: schedule <target = sm_100a, tile = [128, 64, 256], raster = along_m, split_k = 1, grid = 148, stages = 4>
// GRID: schedule <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 7, stages = 4>
func.func @tail(%a: memref<80x192xf4E2M1FN>, %sa: memref<80x12xf8E4M3FN>,
    %b: memref<144x192xf4E2M1FN>, %sb: memref<144x12xf8E4M3FN>, %c: memref<80x144xf16>) {
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a : memref<80x192xf4E2M1FN>) sfa(%sa : memref<80x12xf8E4M3FN>)
      b(%b : memref<144x192xf4E2M1FN>) sfb(%sb : memref<144x12xf8E4M3FN>)
      c(%c : memref<80x144xf16>)
  return
}

// -----

// An existing schedule is kept.
// CHECK-LABEL: func.func @scheduled
// CHECK: schedule <target = sm_90a, tile = [64, 64, 128], raster = along_n, split_k = 2, grid = 10, stages = 2>
func.func @scheduled(%a: memref<0x64xf4E2M1FN>, %sa: memref<0x4xf8E4M3FN>,
    %b: memref<8x64xf4E2M1FN>, %sb: memref<8x4xf8E4M3FN>, %c: memref<0x8xf16>) {
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a : memref<0x64xf4E2M1FN>) sfa(%sa : memref<0x4xf8E4M3FN>)
      b(%b : memref<8x64xf4E2M1FN>) sfb(%sb : memref<8x4xf8E4M3FN>)
      c(%c : memref<0x8xf16>)
      schedule #ggemm.schedule<target = sm_90a, tile = [64, 64, 128], raster = along_n, split_k = 2, grid = 10, stages = 2>
  return
}

// -----

// Run-time group sizes are tiled the same way.
// CHECK-LABEL: func.func @contiguous
// CHECK: group_sizes(%{{.*}} : memref<2xi32>) schedule <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>
func.func @contiguous(%a: memref<?x256xf4E2M1FN>, %sa: memref<?x16xf8E4M3FN>,
    %b: memref<2x128x256xf4E2M1FN>, %sb: memref<2x128x16xf8E4M3FN>,
    %c: memref<?x128xf16>, %s: memref<2xi32>) {
  ggemm.grouped_matmul rows<contiguous> scales<row_major>
      a(%a : memref<?x256xf4E2M1FN>) sfa(%sa : memref<?x16xf8E4M3FN>)
      b(%b : memref<2x128x256xf4E2M1FN>) sfb(%sb : memref<2x128x16xf8E4M3FN>)
      c(%c : memref<?x128xf16>) group_sizes(%s : memref<2xi32>)
  return
}
