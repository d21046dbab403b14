// RUN: gemm-opt %s -split-input-file --ggemm-tile=chip=sm_100a --ggemm-fuse-persistent | FileCheck %s
// RUN: gemm-opt %s -split-input-file --ggemm-tile=chip=sm_100a --ggemm-split-k=split=2 --ggemm-fuse-persistent=grid=16 | FileCheck %s --check-prefix=SPLIT
// The persistent form round-trips.
// RUN: gemm-opt %s -split-input-file --ggemm-tile=chip=sm_100a --ggemm-split-k=split=2 --ggemm-fuse-persistent | gemm-opt -split-input-file | FileCheck %s --check-prefix=SPLIT-ROUND

// Two groups of different shapes: one tile space of 1*3 + 2*2 = 7 tiles,
// walked CTA-strided; the group of a tile comes from tile_coords.
// CHECK-LABEL: func.func @list(
// CHECK-SAME: %[[A0:[^ ,)]*]]: memref<80x256xf4E2M1FN>, %[[A1:[^ ,)]*]]: memref<256x512xf4E2M1FN>
// CHECK-NOT: ggemm.grouped_matmul
// CHECK: ggemm.persistent schedule <target = sm_100a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 148, stages = 4> {
// CHECK-NEXT: ^bb0(%[[CTA:[^ ,)]*]]: index, %[[NCTAS:[^ ,)]*]]: index):
// CHECK-NEXT: %[[N:[^ ,)]*]] = ggemm.num_tiles tiles_m [1, 2] tiles_n [3, 2] schedule
// CHECK-NEXT: scf.for %[[T:[^ ,)]*]] = %[[CTA]] to %[[N]] step %[[NCTAS]] {
// CHECK-NEXT: %[[G:[^ ,)]*]], %[[RB:[^ ,)]*]], %[[M0:[^ ,)]*]], %[[N0:[^ ,)]*]], %[[KS:[^ ,)]*]] = ggemm.tile_coords %[[T]] tiles_m [1, 2] tiles_n [3, 2] schedule
// CHECK-NEXT: ggemm.mma_tile group %[[G]] row_base %[[RB]] tile %[[M0]], %[[N0]] split %[[KS]] work %[[T]] rows<list> scales<row_major> a(%[[A0]], %[[A1]] : memref<80x256xf4E2M1FN>, memref<256x512xf4E2M1FN>)
// CHECK-NOT: workspace
// CHECK-NEXT: }
// CHECK-NEXT: }
// CHECK-NEXT: return

// With split-K: an f32 workspace of one tile per work item, the partial
// products, a grid barrier, then each output tile reduced once.
// SPLIT-LABEL: func.func @list(
// SPLIT: %[[W:[^ ,)]*]] = ggemm.num_tiles tiles_m [1, 2] tiles_n [3, 2] schedule <target = sm_100a, tile = [128, 128, 256], raster = along_m, split_k = 2, grid = 16, stages = 4>
// SPLIT-NEXT: %[[WS:[^ ,)]*]] = memref.alloc(%[[W]]) : memref<?x128x128xf32>
// SPLIT-NEXT: ggemm.persistent schedule <target = sm_100a, tile = [128, 128, 256], raster = along_m, split_k = 2, grid = 16, stages = 4> {
// SPLIT: scf.for %[[T:[^ ,)]*]] =
// SPLIT: ggemm.mma_tile {{.*}} work %[[T]] {{.*}} workspace(%[[WS]] : memref<?x128x128xf32>)
// SPLIT: ggemm.grid_barrier
// SPLIT: %[[S:[^ ,)]*]] = arith.constant 2 : index
// SPLIT: %[[N2:[^ ,)]*]] = ggemm.num_tiles
// SPLIT: %[[OUT:[^ ,)]*]] = arith.divui %[[N2]], %[[S]] : index
// SPLIT: scf.for %[[O:[^ ,)]*]] = %{{.*}} to %[[OUT]] step
// SPLIT: %[[W0:[^ ,)]*]] = arith.muli %[[O]], %[[S]] : index
// SPLIT: ggemm.tile_coords %[[W0]]
// SPLIT: ggemm.reduce_tile {{.*}} work %[[W0]] {{.*}} workspace(%[[WS]] : memref<?x128x128xf32>)
// SPLIT: memref.dealloc %[[WS]]
// SPLIT-ROUND: ggemm.reduce_tile
func.func @list(%a0: memref<80x256xf4E2M1FN>, %a1: memref<256x512xf4E2M1FN>,
    %sa0: memref<80x16xf8E4M3FN>, %sa1: memref<256x32xf8E4M3FN>,
    %b0: memref<384x256xf4E2M1FN>, %b1: memref<256x512xf4E2M1FN>,
    %sb0: memref<384x16xf8E4M3FN>, %sb1: memref<256x32xf8E4M3FN>,
    %c0: memref<80x384xf16>, %c1: memref<256x256xf16>) {
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a0, %a1 : memref<80x256xf4E2M1FN>, memref<256x512xf4E2M1FN>)
      sfa(%sa0, %sa1 : memref<80x16xf8E4M3FN>, memref<256x32xf8E4M3FN>)
      b(%b0, %b1 : memref<384x256xf4E2M1FN>, memref<256x512xf4E2M1FN>)
      sfb(%sb0, %sb1 : memref<384x16xf8E4M3FN>, memref<256x32xf8E4M3FN>)
      c(%c0, %c1 : memref<80x384xf16>, memref<256x256xf16>)
  return
}

// -----

// Run-time group sizes: the tile counts come from group_sizes (empty tiles_m).
// CHECK-LABEL: func.func @contiguous(
// CHECK-SAME: %[[S:[^ ,)]*]]: memref<2xi32>)
// CHECK: ggemm.num_tiles tiles_m [] tiles_n [1, 1] group_sizes(%[[S]] : memref<2xi32>)
// CHECK: ggemm.tile_coords %{{.*}} tiles_m [] tiles_n [1, 1] group_sizes(%[[S]] : memref<2xi32>)
// CHECK: ggemm.mma_tile {{.*}} rows<contiguous> {{.*}} group_sizes(%[[S]] : memref<2xi32>)
func.func @contiguous(%a: memref<?x256xf4E2M1FN>, %sa: memref<?x16xf8E4M3FN>,
    %b: memref<2x128x256xf4E2M1FN>, %sb: memref<2x128x16xf8E4M3FN>,
    %c: memref<?x128xf16>, %s: memref<2xi32>) {
  ggemm.grouped_matmul rows<contiguous> scales<row_major>
      a(%a : memref<?x256xf4E2M1FN>) sfa(%sa : memref<?x16xf8E4M3FN>)
      b(%b : memref<2x128x256xf4E2M1FN>) sfb(%sb : memref<2x128x16xf8E4M3FN>)
      c(%c : memref<?x128xf16>) group_sizes(%s : memref<2xi32>)
  return
}
