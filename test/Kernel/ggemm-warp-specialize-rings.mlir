// Rings ggemm-warp-specialize cannot build roles around (found by
// ggemm-fuzz, scripts/fuzz.sh): a second ring in one kernel (the first
// kernel's roles took the ops after it, the second ring among them: a
// use after free), and a ring in a function that is not a gpu.func
// (a null kernel). Each is a diagnostic at the ring.
// RUN: gemm-opt %s -split-input-file --ggemm-warp-specialize -verify-diagnostics

module attributes {gpu.container_module} {
  gpu.module @ggemm_k {
    gpu.func @ggemm_k(%maps: memref<2x128xi8, 1>, %c: memref<1xi64, 1>, %s: memref<2xi64, 1>, %sizes: memref<1xi32, 1>, %alpha: memref<1xf32, 1>) kernel attributes {ggemm.problem = #ggemm.kernel_problem<rows = list, scales = row_major, alpha = false, groups = [128, 128, 256], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>, ggemm.plan = #ggemm.kernel_plan<threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>} {
      %r = ggemm.ring : !ggemm.ring<4>
      // expected-error @+1 {{'ggemm.ring' op is the second ggemm.ring of @ggemm_k; a kernel takes one ring}}
      %r2 = ggemm.ring : !ggemm.ring<4>
      gpu.return
    }
  }
}

// -----

module attributes {gpu.container_module} {
  gpu.module @ggemm_k {
    func.func @f() attributes {ggemm.problem = #ggemm.kernel_problem<rows = list, scales = row_major, alpha = false, groups = [128, 128, 256], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>} {
      // expected-error @+1 {{'ggemm.ring' op must be in an outlined kernel: a gpu.func with a 'ggemm.problem' attribute (run ggemm-outline-kernel)}}
      %r = ggemm.ring : !ggemm.ring<4>
      return
    }
  }
}
