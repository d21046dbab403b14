// What ggemm-pipeline-loads refuses on an outlined kernel: a ring that
// does not fit the chip (66560 + 12 x 32768 bytes: the ring's offset past
// the barriers and decode buffers, then 12 stages of 128 x 128 x 256).
// RUN: gemm-opt %s --pass-pipeline='builtin.module(gpu.module(ggemm-pipeline-loads{stages=12}))' -verify-diagnostics

module attributes {gpu.container_module} {
  gpu.module @ggemm_k {
    // expected-error @+1 {{'gpu.func' op cannot take a ring of 12 stages: 12 stages of tile K 256 need 460800 bytes of shared memory; sm_90a has 232448}}
    gpu.func @ggemm_k(%maps: memref<2x128xi8, 1>, %c: memref<1xi64, 1>, %s: memref<2xi64, 1>, %sizes: memref<1xi32, 1>, %alpha: memref<1xf32, 1>, %status: memref<2xi32, 1>) kernel attributes {ggemm.problem = #ggemm.kernel_problem<chip = "sm_90a", rows = list, scales = row_major, alpha = false, groups = [128, 128, 256], schedule = <tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>} {
      %i = arith.constant 0 : index
      ggemm.tile group(%i) row_base(%i) at(%i, %i)
      gpu.return
    }
  }
}
