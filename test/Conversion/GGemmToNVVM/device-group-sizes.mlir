// Run-time group sizes read from device memory (rows<contiguous>): both GPU
// kernels assert that each size is >= 0 (a trap on the device), as the CPU
// lowering does. Unlike the CPU lowering, they do not yet check that the
// sizes add up to at most the rows of A: that check is absent here on
// purpose, and this test fails once it is added, to be updated with it.
// RUN: gemm-opt %s --ggemm-tile=chip=sm_90a --ggemm-fuse-persistent --ggemm-outline-kernel=chip=sm_90a \
// RUN:   | gemm-opt --pass-pipeline='builtin.module(gpu.module(ggemm-pipeline-loads,ggemm-warp-specialize))' \
// RUN:   | gemm-opt --convert-ggemm-to-nvvm=chip=sm_90a \
// RUN:   | FileCheck %s --implicit-check-not="exceed the rows of A"
// RUN: gemm-opt %s --ggemm-tile=chip=sm_100a --ggemm-fuse-persistent --ggemm-outline-kernel=chip=sm_100a \
// RUN:   | gemm-opt --pass-pipeline='builtin.module(gpu.module(ggemm-pipeline-loads,ggemm-warp-specialize))' \
// RUN:   | gemm-opt --convert-ggemm-to-nvvm=chip=sm_100a \
// RUN:   | FileCheck %s --implicit-check-not="exceed the rows of A"

// CHECK: gpu.func @ggemm_cont(
// CHECK: cf.assert %{{.*}}, "ggemm.grouped_matmul: negative group size"

func.func @cont(%a: memref<?x256xf4E2M1FN>, %sa: memref<?x16xf8E4M3FN>,
    %b: memref<3x128x256xf4E2M1FN>, %sb: memref<3x128x16xf8E4M3FN>,
    %c: memref<?x128xf16>, %sizes: memref<3xi32>, %alpha: memref<3xf32>) {
  ggemm.grouped_matmul rows<contiguous> scales<row_major>
      a(%a : memref<?x256xf4E2M1FN>) sfa(%sa : memref<?x16xf8E4M3FN>)
      b(%b : memref<3x128x256xf4E2M1FN>) sfb(%sb : memref<3x128x16xf8E4M3FN>)
      c(%c : memref<?x128xf16>)
      group_sizes(%sizes : memref<3xi32>) alpha(%alpha : memref<3xf32>)
  return
}
