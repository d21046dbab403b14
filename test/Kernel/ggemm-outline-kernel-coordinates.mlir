// TMA coordinates are 32-bit: B of the contiguous form (G x N rows) must
// have fewer than 2^31 rows.
// RUN: gemm-opt %s --ggemm-fuse-persistent --ggemm-outline-kernel -verify-diagnostics

func.func @wide(%a: memref<?x64xf4E2M1FN>, %sa: memref<?x4xf8E4M3FN>,
    %b: memref<2x1073741824x64xf4E2M1FN>, %sb: memref<2x1073741824x4xf8E4M3FN>,
    %c: memref<?x1073741824xf16>, %s: memref<2xi32>) {
  // expected-error @+1 {{cannot be lowered for sm_90a: B has 2147483648 rows (G x N); TMA coordinates must stay below 2^31}}
  ggemm.grouped_matmul rows<contiguous> scales<row_major>
      a(%a : memref<?x64xf4E2M1FN>) sfa(%sa : memref<?x4xf8E4M3FN>)
      b(%b : memref<2x1073741824x64xf4E2M1FN>) sfb(%sb : memref<2x1073741824x4xf8E4M3FN>)
      c(%c : memref<?x1073741824xf16>) group_sizes(%s : memref<2xi32>)
      schedule <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>
  return
}
