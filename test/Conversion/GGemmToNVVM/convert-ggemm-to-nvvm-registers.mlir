// Register rebalancing: a role made of whole warpgroups with a
// `max_registers` budget sets it with setmaxnreg first thing in its branch
// (here a warpgroup-wide producer at 40 registers and the consumer
// warpgroup at 232; the sm_90a kernel of 256 tokens gives 24 and 240), and
// the kernel carries .minnctapersm, without which ptxas does not compile
// each role to its budget.
// RUN: gemm-opt %s --convert-ggemm-to-nvvm | FileCheck %s

// CHECK-LABEL: gpu.func @ggemm_two_groups(
// CHECK-SAME: nvvm.minctasm = 1 : i32
// CHECK: arith.cmpi uge, %[[WARP:.*]], %c4
// CHECK: arith.cmpi ult, %[[WARP]], %c8
// CHECK: scf.if
// CHECK-NEXT: nvvm.setmaxregister  decrease 40
// CHECK: arith.cmpi uge, %[[WARP]], %c0
// CHECK: arith.cmpi ult, %[[WARP]], %c4
// CHECK: scf.if
// CHECK-NEXT: nvvm.setmaxregister  increase 232

module attributes {gpu.container_module} {
  func.func @two_groups(%arg0: memref<80x256xf4E2M1FN>, %arg1: memref<256x512xf4E2M1FN>, %arg2: memref<80x16xf8E4M3FN>, %arg3: memref<256x32xf8E4M3FN>, %arg4: memref<384x256xf4E2M1FN>, %arg5: memref<256x512xf4E2M1FN>, %arg6: memref<384x16xf8E4M3FN>, %arg7: memref<256x32xf8E4M3FN>, %arg8: memref<80x384xf16>, %arg9: memref<256x256xf16>) attributes {ggemm.launch = #ggemm.launch<kernel = @ggemm_two_groups::@ggemm_two_groups, grid = [132, 1, 1], cluster = [1, 1, 1], plan = <threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>, problem = <rows = list, scales = row_major, alpha = false, groups = [80, 384, 256, 256, 256, 512], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>, tensor_maps = [<group = 0, operand = "a", dims = [128, 80], strides = [128], box = [128, 128], swizzle = "none">, <group = 0, operand = "b", dims = [128, 384], strides = [128], box = [128, 128], swizzle = "none">, <group = 1, operand = "a", dims = [256, 256], strides = [256], box = [128, 128], swizzle = "none">, <group = 1, operand = "b", dims = [256, 256], strides = [256], box = [128, 128], swizzle = "none">]>} {
    return
  }
  gpu.module @ggemm_two_groups {
    gpu.func @ggemm_two_groups(%arg0: memref<4x128xi8, 1>, %arg1: memref<2xi64, 1>, %arg2: memref<4xi64, 1>, %arg3: memref<2xi32, 1>, %arg4: memref<2xf32, 1>, %status: memref<2xi32, 1>) kernel attributes {ggemm.problem = #ggemm.kernel_problem<rows = list, scales = row_major, alpha = false, groups = [80, 384, 256, 256, 256, 512], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>, ggemm.plan = #ggemm.kernel_plan<threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>, known_block_size = array<i32: 288, 1, 1>} {
      %0 = ggemm.ring : <4>
      ggemm.warp_specialize [#ggemm.role<producer, first_warp = 4, num_warps = 4, max_registers = 40>, #ggemm.role<consumer, first_warp = 0, num_warps = 4, max_registers = 232>] {
        %block_id_x = gpu.block_id  x
        %grid_dim_x = gpu.grid_dim  x
        %1 = ggemm.num_tiles tiles_m [1, 2] tiles_n [3, 2] schedule <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>
        scf.for %arg5 = %block_id_x to %1 step %grid_dim_x {
          %group, %row_base, %m0, %n0, %split = ggemm.tile_coords %arg5 tiles_m [1, 2] tiles_n [3, 2] schedule <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>
          %2 = arith.addi %arg5, %grid_dim_x : index
          %3 = arith.cmpi ult, %2, %1 : index
          scf.if %3 {
            %group_0, %row_base_1, %m0_2, %n0_3, %split_4 = ggemm.tile_coords %2 tiles_m [1, 2] tiles_n [3, 2] schedule <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>
            ggemm.prefetch_tile group(%group_0) row_base(%row_base_1) at(%m0_2, %n0_3) current_group(%group) k_tiles 2
          }
          ggemm.load_tile %0 group(%group) row_base(%row_base) at(%m0, %n0) : <4>
        }
        ggemm.drain_ring %0 : <4>
        ggemm.yield
      }, {
        %block_id_x = gpu.block_id  x
        %grid_dim_x = gpu.grid_dim  x
        %1 = ggemm.num_tiles tiles_m [1, 2] tiles_n [3, 2] schedule <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>
        scf.for %arg5 = %block_id_x to %1 step %grid_dim_x {
          %group, %row_base, %m0, %n0, %split = ggemm.tile_coords %arg5 tiles_m [1, 2] tiles_n [3, 2] schedule <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>
          ggemm.compute_tile %0 group(%group) row_base(%row_base) at(%m0, %n0) : <4>
        }
        ggemm.yield
      }
      gpu.return
    }
  }
}

