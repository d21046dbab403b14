// The persistent level on the CPU: one CTA loop per phase, the scheduler as
// index arithmetic, tiles as clipped loop nests.
// RUN: gemm-opt %s -split-input-file --ggemm-fuse-persistent --convert-ggemm-to-loops | FileCheck %s --implicit-check-not=ggemm.persistent --implicit-check-not=ggemm.mma_tile --implicit-check-not=ggemm.tile_coords --implicit-check-not=ggemm.num_tiles

// CHECK-LABEL: func.func @list(
// CHECK-SAME: %[[A0:[^ ,)]*]]: memref<80x128xi8>, %[[A1:[^ ,)]*]]: memref<256x256xi8>
// The grid as an outer loop over 148 CTAs.
// CHECK: %[[GRID:[^ ,)]*]] = arith.constant 148 : index
// CHECK: scf.for %[[CTA:[^ ,)]*]] = %{{.*}} to %[[GRID]] step
// num_tiles: 1*3*1 + 2*2*1 work items.
// CHECK: scf.for %[[T:[^ ,)]*]] = %[[CTA]] to %{{.*}} step %[[GRID]]
// tile_coords: the group whose work range holds %t (prefix sums 0, 3, 7).
// CHECK: arith.cmpi uge, %[[T]]
// CHECK: arith.cmpi ult, %[[T]]
// CHECK: arith.andi
// CHECK: arith.cmpi uge, %[[T]]
// CHECK: arith.cmpi ult, %[[T]]
// CHECK: %[[IN1:[^ ,)]*]] = arith.andi
// CHECK: %[[G:[^ ,)]*]] = arith.select %[[IN1]]
// mma_tile: one case per group, each with its own static buffers.
// CHECK: scf.index_switch %[[G]]
// CHECK: case 0 {
// CHECK: arith.minui
// CHECK: memref.load %[[A0]]
// CHECK: memref.store %{{.*}} : memref<80x384xf16>
// CHECK: case 1 {
// CHECK: memref.load %[[A1]]
// CHECK: memref.store %{{.*}} : memref<256x256xf16>
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
      schedule #ggemm.schedule<target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 148, stages = 4>
  return
}

// -----

// Split-K: two CTA loops (the grid barrier between the phases), partials
// into the workspace, then a reduction adding the splits in order.
// CHECK-LABEL: func.func @split(
// CHECK: %[[WS:[^ ,)]*]] = memref.alloc(%{{.*}}) : memref<?x128x128xf32>
// CHECK: scf.for %[[CTA1:[^ ,)]*]] =
// CHECK: memref.store %{{.*}}, %[[WS]][%{{.*}}, %{{.*}}, %{{.*}}] : memref<?x128x128xf32>
// CHECK: scf.for %[[CTA2:[^ ,)]*]] =
// CHECK: %[[P0:[^ ,)]*]] = memref.load %[[WS]]
// CHECK: %[[P1:[^ ,)]*]] = memref.load %[[WS]]
// CHECK: %[[S01:[^ ,)]*]] = arith.addf %[[P0]], %[[P1]] : f32
// CHECK: arith.truncf %[[S01]] : f32 to f16
// CHECK: memref.dealloc %[[WS]]
func.func @split(%a: memref<128x512xf4E2M1FN>, %sa: memref<128x32xf8E4M3FN>,
    %b: memref<128x512xf4E2M1FN>, %sb: memref<128x32xf8E4M3FN>, %c: memref<128x128xf16>) {
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a : memref<128x512xf4E2M1FN>) sfa(%sa : memref<128x32xf8E4M3FN>)
      b(%b : memref<128x512xf4E2M1FN>) sfb(%sb : memref<128x32xf8E4M3FN>)
      c(%c : memref<128x128xf16>)
      schedule #ggemm.schedule<target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 2, grid = 4, stages = 4>
  return
}
