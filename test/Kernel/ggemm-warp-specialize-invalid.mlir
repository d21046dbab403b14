// What ggemm-warp-specialize refuses: a ring that is not at the top of
// the kernel (its barriers must be set up before any role starts).
// RUN: gemm-opt %s --pass-pipeline='builtin.module(gpu.module(ggemm-warp-specialize))' -verify-diagnostics

module attributes {gpu.container_module} {
  gpu.module @ggemm_k {
    gpu.func @ggemm_k(%maps: memref<2x128xi8, 1>, %c: memref<1xi64, 1>, %s: memref<2xi64, 1>, %sizes: memref<1xi32, 1>, %alpha: memref<1xf32, 1>, %status: memref<2xi32, 1>) kernel attributes {ggemm.problem = #ggemm.kernel_problem<rows = list, scales = row_major, alpha = false, groups = [128, 128, 256], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>, ggemm.plan = #ggemm.kernel_plan<threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>} {
      %true = arith.constant true
      scf.if %true {
        // expected-error @+1 {{'ggemm.ring' op must be in the kernel's entry block}}
        %r = ggemm.ring : !ggemm.ring<4>
      }
      gpu.return
    }
  }
}
