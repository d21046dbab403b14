// The kernel-level attributes and ops print and parse back unchanged.
// RUN: gemm-opt %s | gemm-opt | FileCheck %s

// CHECK-LABEL: func.func @launch()
// CHECK-SAME: ggemm.launch = #ggemm.launch<kernel = @ggemm_k::@ggemm_k, grid = [132, 1, 1], cluster = [1, 1, 1], plan = <threads = 128, shared_memory = 133120, tensor_memory_columns = 0, swizzle = "none", scale_maps = false, alignment = [16, 16, 1, 1, 2], roles = [<producer, first_warp = 3, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 3, max_registers = 0>]>, problem = <rows = contiguous, scales = row_major, alpha = true, groups = [-1, 128, 256, -1, 128, 256], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>, tensor_maps = [<group = 0, operand = "a", dims = [128, -1], strides = [128], box = [128, 128], swizzle = "none">, <group = 0, operand = "b", dims = [128, 256], strides = [128], box = [128, 128], swizzle = "none">]>
func.func @launch() attributes {ggemm.launch = #ggemm.launch<kernel = @ggemm_k::@ggemm_k, grid = [132, 1, 1], cluster = [1, 1, 1], plan = <threads = 128, shared_memory = 133120, tensor_memory_columns = 0, swizzle = "none", scale_maps = false, alignment = [16, 16, 1, 1, 2], roles = [<producer, first_warp = 3, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 3, max_registers = 0>]>, problem = <rows = contiguous, scales = row_major, alpha = true, groups = [-1, 128, 256, -1, 128, 256], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>, tensor_maps = [<group = 0, operand = "a", dims = [128, -1], strides = [128], box = [128, 128], swizzle = "none">, <group = 0, operand = "b", dims = [128, 256], strides = [128], box = [128, 128], swizzle = "none">]>} {
  return
}

// CHECK-LABEL: func.func @ops(
// CHECK: ggemm.tile group(%{{.*}}) row_base(%{{.*}}) at(%{{.*}}, %{{.*}})
// CHECK: ggemm.prefetch_tile group(%{{.*}}) row_base(%{{.*}}) at(%{{.*}}, %{{.*}}) current_group(%{{.*}}) k_tiles 2
func.func @ops(%g: index, %rb: index, %m: index, %n: index) attributes {ggemm.problem = #ggemm.kernel_problem<rows = list, scales = blocked_128x4, alpha = false, groups = [0, 128, 256], schedule = <target = sm_100a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 148, stages = 4>>} {
  ggemm.tile group(%g) row_base(%rb) at(%m, %n)
  ggemm.prefetch_tile group(%g) row_base(%rb) at(%m, %n) current_group(%g) k_tiles 2
  return
}

// CHECK-LABEL: func.func @roles(
// CHECK: %[[RING:.*]] = ggemm.ring : <2>
// CHECK: ggemm.warp_specialize [#ggemm.role<producer, first_warp = 4, num_warps = 4, max_registers = 40>, #ggemm.role<consumer, first_warp = 0, num_warps = 4, max_registers = 232>] {
// CHECK: ggemm.load_tile %[[RING]] group
// CHECK: ggemm.drain_ring %[[RING]] : <2>
// CHECK: ggemm.yield
// CHECK: }, {
// CHECK: ggemm.compute_tile %[[RING]] group
func.func @roles(%g: index) attributes {ggemm.problem = #ggemm.kernel_problem<rows = list, scales = row_major, alpha = false, groups = [128, 128, 256], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 2>>} {
  %ring = ggemm.ring : !ggemm.ring<2>
  ggemm.warp_specialize [#ggemm.role<producer, first_warp = 4, num_warps = 4, max_registers = 40>, #ggemm.role<consumer, first_warp = 0, num_warps = 4, max_registers = 232>] {
    ggemm.load_tile %ring group(%g) row_base(%g) at(%g, %g) : !ggemm.ring<2>
    ggemm.drain_ring %ring : !ggemm.ring<2>
    ggemm.yield
  }, {
    ggemm.compute_tile %ring group(%g) row_base(%g) at(%g, %g) : !ggemm.ring<2>
    ggemm.yield
  }
  return
}

// A split-K kernel: tiles with their split and work item, the grid barrier
// and the reduction in the kernel body.
// CHECK-LABEL: func.func @split(
// CHECK: ggemm.tile group(%{{.*}}) row_base(%{{.*}}) at(%{{.*}}, %{{.*}}) split(%{{.*}}) work(%{{.*}})
// CHECK: ggemm.load_tile %{{.*}} group(%{{.*}}) row_base(%{{.*}}) at(%{{.*}}, %{{.*}}) split(%{{.*}}) work(%{{.*}}) : <2>
// CHECK: ggemm.compute_tile %{{.*}} group(%{{.*}}) row_base(%{{.*}}) at(%{{.*}}, %{{.*}}) split(%{{.*}}) work(%{{.*}}) : <2>
// CHECK: ggemm.grid_barrier
// CHECK: ggemm.reduce_partials group(%{{.*}}) row_base(%{{.*}}) at(%{{.*}}, %{{.*}}) work(%{{.*}})
func.func @split(%g: index) attributes {ggemm.problem = #ggemm.kernel_problem<rows = list, scales = row_major, alpha = false, groups = [128, 128, 1024], schedule = <target = sm_100a, tile = [128, 128, 256], raster = along_m, split_k = 2, grid = 148, stages = 2>>} {
  ggemm.tile group(%g) row_base(%g) at(%g, %g) split(%g) work(%g)
  %ring = ggemm.ring : !ggemm.ring<2>
  ggemm.load_tile %ring group(%g) row_base(%g) at(%g, %g) split(%g) work(%g) : !ggemm.ring<2>
  ggemm.compute_tile %ring group(%g) row_base(%g) at(%g, %g) split(%g) work(%g) : !ggemm.ring<2>
  ggemm.grid_barrier
  ggemm.reduce_partials group(%g) row_base(%g) at(%g, %g) work(%g)
  return
}

// The decode kernel of predecoded tokens, and a schedule that asks for it.
// CHECK-LABEL: func.func @decode_tokens(
// CHECK-SAME: schedule = #ggemm.schedule<target = sm_90a, tile = [256, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 3, predecode = true>
// CHECK: ggemm.decode_tokens %arg0, %arg1, %arg2, %arg3, %arg4 {tile_k = 256 : i64}
func.func @decode_tokens(%dst: i64, %a: i64, %sfa: i64, %rows: i32, %k: i32)
    attributes {schedule = #ggemm.schedule<target = sm_90a, tile = [256, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 3, predecode = true>} {
  ggemm.decode_tokens %dst, %a, %sfa, %rows, %k {tile_k = 256}
  return
}
