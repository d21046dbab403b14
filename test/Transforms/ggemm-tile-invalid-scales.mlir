// blocked_128x4 scales are for tcgen05: ggemm-tile refuses them for sm_90a
// (the lowering would), and takes them for sm_100a.
// RUN: gemm-opt %s --ggemm-tile -verify-diagnostics
// With the schedule left to the cost model, the same reason:
// RUN: gemm-opt %s --ggemm-tile="tile-m=0 stages=0" -verify-diagnostics
// RUN: gemm-opt %s --ggemm-tile=chip=sm_100a | FileCheck %s

// CHECK: schedule <target = sm_100a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 148, stages = 4>
func.func @blocked(%a: memref<128x256xf4E2M1FN>, %sa: memref<1x4x32x16xf8E4M3FN>,
    %b: memref<128x256xf4E2M1FN>, %sb: memref<1x4x32x16xf8E4M3FN>,
    %c: memref<128x128xf16>) {
  // expected-error @+1 {{'ggemm.grouped_matmul' op cannot be tiled for sm_90a: the sm_90a kernel takes row-major scales (it reads them with plain loads); blocked_128x4 is for tcgen05}}
  ggemm.grouped_matmul rows<list> scales<blocked_128x4>
      a(%a : memref<128x256xf4E2M1FN>) sfa(%sa : memref<1x4x32x16xf8E4M3FN>)
      b(%b : memref<128x256xf4E2M1FN>) sfb(%sb : memref<1x4x32x16xf8E4M3FN>)
      c(%c : memref<128x128xf16>)
  return
}
