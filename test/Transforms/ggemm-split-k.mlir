// RUN: gemm-opt %s -split-input-file --ggemm-tile=chip=sm_100a --ggemm-split-k | FileCheck %s
// RUN: gemm-opt %s -split-input-file --ggemm-tile=chip=sm_100a --ggemm-split-k=split=5 | FileCheck %s --check-prefix=FORCED
// The 256-token sm_90a kernel takes no split: the rule keeps 1 for it where it
// would split the 128-token tile.
// RUN: gemm-opt %s -split-input-file --ggemm-tile="tile-m=128 stages=2" --ggemm-split-k | FileCheck %s --check-prefix=SM90-128
// RUN: gemm-opt %s -split-input-file --ggemm-tile="tile-m=256 stages=2" --ggemm-split-k | FileCheck %s --check-prefix=SM90-256

// 2 output tiles on 148 CTAs with 32 K tiles each: the cost rule splits K
// 8 ways: 1 * (4 + 0.5) + 1 * 8 * 0.5 = 8.5, against 32 unsplit and
// 1 * (2 + 0.5) + 1 * 16 * 0.5 = 10.5 for 16 (the reduction grows with S).
// CHECK-LABEL: func.func @few_tiles_long_k
// CHECK: schedule <target = sm_100a, tile = [128, 128, 256], raster = along_m, split_k = 8, grid = 148, stages = 4>
// FORCED-LABEL: func.func @few_tiles_long_k
// FORCED: split_k = 5
// SM90-128-LABEL: func.func @few_tiles_long_k
// SM90-128: tile = [128, 128, 256], raster = along_m, split_k = 8,
// SM90-256-LABEL: func.func @few_tiles_long_k
// SM90-256: tile = [256, 128, 256], raster = along_m, split_k = 1,
func.func @few_tiles_long_k(%a: memref<128x8192xf4E2M1FN>, %sa: memref<128x512xf8E4M3FN>,
    %b: memref<256x8192xf4E2M1FN>, %sb: memref<256x512xf8E4M3FN>, %c: memref<128x256xf16>) {
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a : memref<128x8192xf4E2M1FN>) sfa(%sa : memref<128x512xf8E4M3FN>)
      b(%b : memref<256x8192xf4E2M1FN>) sfb(%sb : memref<256x512xf8E4M3FN>)
      c(%c : memref<128x256xf16>)
  return
}

// -----

// One K tile: nothing to split.
// CHECK-LABEL: func.func @short_k
// CHECK: split_k = 1
func.func @short_k(%a: memref<128x256xf4E2M1FN>, %sa: memref<128x16xf8E4M3FN>,
    %b: memref<128x256xf4E2M1FN>, %sb: memref<128x16xf8E4M3FN>, %c: memref<128x128xf16>) {
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a : memref<128x256xf4E2M1FN>) sfa(%sa : memref<128x16xf8E4M3FN>)
      b(%b : memref<128x256xf4E2M1FN>) sfb(%sb : memref<128x16xf8E4M3FN>)
      c(%c : memref<128x128xf16>)
  return
}

// -----

// Run-time group sizes: the tile count is unknown, the rule keeps 1.
// CHECK-LABEL: func.func @contiguous
// CHECK: split_k = 1
// FORCED-LABEL: func.func @contiguous
// FORCED: split_k = 5
func.func @contiguous(%a: memref<?x4096xf4E2M1FN>, %sa: memref<?x256xf8E4M3FN>,
    %b: memref<1x128x4096xf4E2M1FN>, %sb: memref<1x128x256xf8E4M3FN>,
    %c: memref<?x128xf16>, %s: memref<1xi32>) {
  ggemm.grouped_matmul rows<contiguous> scales<row_major>
      a(%a : memref<?x4096xf4E2M1FN>) sfa(%sa : memref<?x256xf8E4M3FN>)
      b(%b : memref<1x128x4096xf4E2M1FN>) sfb(%sb : memref<1x128x256xf8E4M3FN>)
      c(%c : memref<?x128xf16>) group_sizes(%s : memref<1xi32>)
  return
}
