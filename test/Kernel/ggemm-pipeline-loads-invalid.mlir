// What ggemm-pipeline-loads refuses on an outlined kernel: a kernel whose
// plan is not the one its chip makes for its problem (edited by hand), each
// with the reason.
// RUN: gemm-opt %s -split-input-file --pass-pipeline='builtin.module(gpu.module(ggemm-pipeline-loads))' -verify-diagnostics

// 12 stages do not fit: 66560 + 12 x 32768 bytes (the ring's offset past
// the barriers and decode buffers, then 12 stages of 128 x 128 x 256), with
// 1024 to align the base.
module attributes {gpu.container_module} {
  gpu.module @ggemm_k {
    // expected-error @+1 {{'gpu.func' op has a plan that is not its chip's: its problem has no plan on sm_90a: 12 stages of tile K 256 need 460800 bytes of shared memory; sm_90a has 232432}}
    gpu.func @ggemm_k(%maps: memref<2x128xi8, 1>, %c: memref<1xi64, 1>, %s: memref<2xi64, 1>, %sizes: memref<1xi32, 1>, %alpha: memref<1xf32, 1>, %status: memref<2xi32, 1>) kernel attributes {ggemm.problem = #ggemm.kernel_problem<rows = list, scales = row_major, alpha = false, groups = [128, 128, 256], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 12>>, ggemm.plan = #ggemm.kernel_plan<threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>} {
      %i = arith.constant 0 : index
      ggemm.tile group(%i) row_base(%i) at(%i, %i)
      gpu.return
    }
  }
}

// -----

// The plan's shared memory, edited.
module attributes {gpu.container_module} {
  gpu.module @ggemm_k {
    // expected-error @+1 {{'gpu.func' op has a plan that is not its chip's: its plan has shared_memory = 100000; the sm_90a kernel of its problem has 198656}}
    gpu.func @ggemm_k(%maps: memref<2x128xi8, 1>, %c: memref<1xi64, 1>, %s: memref<2xi64, 1>, %sizes: memref<1xi32, 1>, %alpha: memref<1xf32, 1>, %status: memref<2xi32, 1>) kernel attributes {ggemm.problem = #ggemm.kernel_problem<rows = list, scales = row_major, alpha = false, groups = [128, 128, 256], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>, ggemm.plan = #ggemm.kernel_plan<threads = 288, shared_memory = 100000, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>} {
      %i = arith.constant 0 : index
      ggemm.tile group(%i) row_base(%i) at(%i, %i)
      gpu.return
    }
  }
}

// -----

// The plan's alignment, edited (the manifest would let the runtime accept
// operands the kernel's 8-byte scale loads cannot read).
module attributes {gpu.container_module} {
  gpu.module @ggemm_k {
    // expected-error @+1 {{'gpu.func' op has a plan that is not its chip's: its plan has alignment = [16, 16, 1, 1, 16]; the sm_90a kernel of its problem has [16, 16, 8, 8, 16]}}
    gpu.func @ggemm_k(%maps: memref<2x128xi8, 1>, %c: memref<1xi64, 1>, %s: memref<2xi64, 1>, %sizes: memref<1xi32, 1>, %alpha: memref<1xf32, 1>, %status: memref<2xi32, 1>) kernel attributes {ggemm.problem = #ggemm.kernel_problem<rows = list, scales = row_major, alpha = false, groups = [128, 128, 256], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>, ggemm.plan = #ggemm.kernel_plan<threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 1, 1, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>} {
      %i = arith.constant 0 : index
      ggemm.tile group(%i) row_base(%i) at(%i, %i)
      gpu.return
    }
  }
}

// -----

// The plan's roles, edited.
module attributes {gpu.container_module} {
  gpu.module @ggemm_k {
    // expected-error @+1 {{'gpu.func' op has a plan that is not its chip's: its plan has roles = [#ggemm.role<scales, first_warp = 8, num_warps = 1, max_registers = 0>, #ggemm.role<consumer, first_warp = 0, num_warps = 8, max_registers = 0>]; the sm_90a kernel of its problem has [#ggemm.role<producer}}
    gpu.func @ggemm_k(%maps: memref<2x128xi8, 1>, %c: memref<1xi64, 1>, %s: memref<2xi64, 1>, %sizes: memref<1xi32, 1>, %alpha: memref<1xf32, 1>, %status: memref<2xi32, 1>) kernel attributes {ggemm.problem = #ggemm.kernel_problem<rows = list, scales = row_major, alpha = false, groups = [128, 128, 256], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>, ggemm.plan = #ggemm.kernel_plan<threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<scales, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>} {
      %i = arith.constant 0 : index
      ggemm.tile group(%i) row_base(%i) at(%i, %i)
      gpu.return
    }
  }
}

// -----

// No plan at all (a kernel written by hand): the diagnostic gives it.
module attributes {gpu.container_module} {
  gpu.module @ggemm_k {
    // expected-error @+1 {{'gpu.func' op needs 'ggemm.plan' (#ggemm.kernel_plan), which ggemm-outline-kernel sets; its problem has no plan on sm_90a: 12 stages}}
    gpu.func @ggemm_k(%maps: memref<2x128xi8, 1>, %c: memref<1xi64, 1>, %s: memref<2xi64, 1>, %sizes: memref<1xi32, 1>, %alpha: memref<1xf32, 1>, %status: memref<2xi32, 1>) kernel attributes {ggemm.problem = #ggemm.kernel_problem<rows = list, scales = row_major, alpha = false, groups = [128, 128, 256], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 12>>, ggemm.unused = #ggemm.kernel_plan<threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>} {
      %i = arith.constant 0 : index
      ggemm.tile group(%i) row_base(%i) at(%i, %i)
      gpu.return
    }
  }
}
