// ggemm-insert-tma-prefetch refuses split-K kernels: it would fetch the
// first K tiles of the next work item, whose split starts inside K.
// RUN: gemm-opt %s --ggemm-fuse-persistent --ggemm-outline-kernel --ggemm-insert-tma-prefetch=distance=2 -verify-diagnostics

func.func @split(%a: memref<200x1024xf4E2M1FN>, %sa: memref<200x64xf8E4M3FN>,
    %b: memref<256x1024xf4E2M1FN>, %sb: memref<256x64xf8E4M3FN>, %c: memref<200x256xf16>) {
  // expected-error @+1 {{'gpu.func' op has split_k = 2; ggemm-insert-tma-prefetch prefetches the first K tiles of the next work item, but a K split starts inside K (use prefetch distance 0)}}
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a : memref<200x1024xf4E2M1FN>) sfa(%sa : memref<200x64xf8E4M3FN>)
      b(%b : memref<256x1024xf4E2M1FN>) sfb(%sb : memref<256x64xf8E4M3FN>)
      c(%c : memref<200x256xf16>)
      schedule <target = sm_100a, tile = [128, 128, 256], raster = along_m, split_k = 2, grid = 148, stages = 4>
  return
}
