// ggemm-outline-kernel refuses, from the persistent level, a loop that
// reads a value of the host function: a kernel cannot see it.
// RUN: gemm-opt %s --ggemm-outline-kernel -verify-diagnostics

func.func @captured(%arg0: memref<128x256xf4E2M1FN>, %arg1: memref<128x16xf8E4M3FN>, %arg2: memref<128x256xf4E2M1FN>, %arg3: memref<128x16xf8E4M3FN>, %arg4: memref<128x128xf16>, %n: index) {
  ggemm.persistent schedule <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4> {
  ^bb0(%cta: index, %num: index):
    // expected-error @+1 {{'scf.for' op uses a value defined outside the persistent loop; a kernel cannot read the host function's values}}
    scf.for %t = %cta to %n step %num {
      %group, %row_base, %m0, %n0, %split = ggemm.tile_coords %t tiles_m [1] tiles_n [1] schedule <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>
      ggemm.mma_tile group %group row_base %row_base tile %m0, %n0 split %split work %t rows<list> scales<row_major> a(%arg0 : memref<128x256xf4E2M1FN>) sfa(%arg1 : memref<128x16xf8E4M3FN>) b(%arg2 : memref<128x256xf4E2M1FN>) sfb(%arg3 : memref<128x16xf8E4M3FN>) c(%arg4 : memref<128x128xf16>) schedule <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>
    }
  }
  return
}
