// What convert-ggemm-to-nvvm refuses: IR of an earlier level (never a
// silent rc 0), kernels not yet pipelined and warp-specialized, a kernel
// without a plan or with one that is not its chip's, a kernel whose block
// size is not its plan's, and a kernel whose parameters are not the ABI's.
// RUN: gemm-opt %s -split-input-file --convert-ggemm-to-nvvm -verify-diagnostics

func.func @unfused(%a: memref<128x256xf4E2M1FN>, %sa: memref<128x16xf8E4M3FN>,
    %b: memref<128x256xf4E2M1FN>, %sb: memref<128x16xf8E4M3FN>, %c: memref<128x128xf16>) {
  // expected-error @+1 {{'ggemm.grouped_matmul' op is not lowered by convert-ggemm-to-nvvm; run ggemm-tile, ggemm-fuse-persistent and ggemm-outline-kernel first (ggemm-pipeline does)}}
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a : memref<128x256xf4E2M1FN>) sfa(%sa : memref<128x16xf8E4M3FN>)
      b(%b : memref<128x256xf4E2M1FN>) sfb(%sb : memref<128x16xf8E4M3FN>)
      c(%c : memref<128x128xf16>)
  return
}

// -----

func.func @not_outlined(%a: memref<128x256xf4E2M1FN>, %sa: memref<128x16xf8E4M3FN>,
    %b: memref<128x256xf4E2M1FN>, %sb: memref<128x16xf8E4M3FN>, %c: memref<128x128xf16>) {
  // expected-error @+1 {{'ggemm.persistent' op is not lowered by convert-ggemm-to-nvvm; run ggemm-tile, ggemm-fuse-persistent and ggemm-outline-kernel first (ggemm-pipeline does)}}
  ggemm.persistent schedule <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4> {
  ^bb0(%cta: index, %num: index):
    ggemm.yield
  }
  return
}

// -----

module attributes {gpu.container_module} {
  gpu.module @ggemm_k {
    // expected-error @+1 {{its problem has no plan on sm_90a: the sm_90a kernel takes tile N in {128}; got 64}}
    gpu.func @ggemm_k(%maps: memref<2x128xi8, 1>, %c: memref<1xi64, 1>, %s: memref<2xi64, 1>, %sizes: memref<1xi32, 1>, %alpha: memref<1xf32, 1>, %status: memref<2xi32, 1>) kernel attributes {ggemm.problem = #ggemm.kernel_problem<rows = list, scales = row_major, alpha = false, groups = [128, 128, 256], schedule = <target = sm_90a, tile = [128, 64, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>} {
      gpu.return
    }
  }
}

// -----

// An outlined kernel that was not pipelined yet.
module attributes {gpu.container_module} {
  gpu.module @ggemm_k {
    gpu.func @ggemm_k(%maps: memref<2x128xi8, 1>, %c: memref<1xi64, 1>, %s: memref<2xi64, 1>, %sizes: memref<1xi32, 1>, %alpha: memref<1xf32, 1>, %status: memref<2xi32, 1>) kernel attributes {ggemm.problem = #ggemm.kernel_problem<rows = list, scales = row_major, alpha = false, groups = [128, 128, 256], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>, ggemm.plan = #ggemm.kernel_plan<threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>} {
      %i = arith.constant 0 : index
      // expected-error @+1 {{'ggemm.tile' op is not lowered by convert-ggemm-to-nvvm; run ggemm-pipeline-loads and ggemm-warp-specialize first}}
      ggemm.tile group(%i) row_base(%i) at(%i, %i)
      gpu.return
    }
  }
}

// -----

// A ring without roles.
module attributes {gpu.container_module} {
  gpu.module @ggemm_k {
    // expected-error @+1 {{has 1 ggemm.ring and 0 ggemm.warp_specialize ops at its top level; the lowering takes one of each (ggemm-pipeline-loads, ggemm-warp-specialize)}}
    gpu.func @ggemm_k(%maps: memref<2x128xi8, 1>, %c: memref<1xi64, 1>, %s: memref<2xi64, 1>, %sizes: memref<1xi32, 1>, %alpha: memref<1xf32, 1>, %status: memref<2xi32, 1>) kernel attributes {ggemm.problem = #ggemm.kernel_problem<rows = list, scales = row_major, alpha = false, groups = [128, 128, 256], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>, ggemm.plan = #ggemm.kernel_plan<threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>} {
      %r = ggemm.ring : !ggemm.ring<4>
      gpu.return
    }
  }
}

// -----

// A kernel whose parameters are not the ABI's for its problem (found by
// ggemm-fuzz, scripts/fuzz.sh: the lowering read parameter 1 of a kernel
// without any and failed an assertion). The signature is checked first.
module attributes {gpu.container_module} {
  gpu.module @ggemm_k {
    // expected-error @+1 {{'gpu.func' op has parameters (memref<2x128xi8, 1>); the kernel of its ggemm.problem takes (memref<2x128xi8, 1>, memref<1xi64, 1>, memref<2xi64, 1>, memref<1xi32, 1>, memref<1xf32, 1>, memref<2xi32, 1>) (docs/kernel-abi.md; ggemm-outline-kernel makes them)}}
    gpu.func @ggemm_k(%maps: memref<2x128xi8, 1>) kernel attributes {ggemm.problem = #ggemm.kernel_problem<rows = list, scales = row_major, alpha = false, groups = [128, 128, 256], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>, ggemm.plan = #ggemm.kernel_plan<threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>} {
      %r = ggemm.ring : !ggemm.ring<4>
      ggemm.warp_specialize [#ggemm.role<producer, first_warp = 8, num_warps = 1, max_registers = 0>, #ggemm.role<consumer, first_warp = 0, num_warps = 8, max_registers = 0>] {
        %i = arith.constant 0 : index
        ggemm.load_tile %r group(%i) row_base(%i) at(%i, %i) : <4>
        ggemm.drain_ring %r : <4>
        ggemm.yield
      }, {
        %i = arith.constant 0 : index
        ggemm.compute_tile %r group(%i) row_base(%i) at(%i, %i) : <4>
        ggemm.yield
      }
      gpu.return
    }
  }
}

// -----

// A block size edited apart from the plan: the roles would miss warps.
module attributes {gpu.container_module} {
  gpu.module @ggemm_k {
    // expected-error @+1 {{'gpu.func' op has known_block_size = [256, 1, 1]; its plan (ggemm.plan) has 288 threads: [288, 1, 1]}}
    gpu.func @ggemm_k(%maps: memref<2x128xi8, 1>, %c: memref<1xi64, 1>, %s: memref<2xi64, 1>, %sizes: memref<1xi32, 1>, %alpha: memref<1xf32, 1>, %status: memref<2xi32, 1>) kernel attributes {ggemm.problem = #ggemm.kernel_problem<rows = list, scales = row_major, alpha = false, groups = [128, 128, 256], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>, ggemm.plan = #ggemm.kernel_plan<threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>, known_block_size = array<i32: 256, 1, 1>} {
      gpu.return
    }
  }
}
