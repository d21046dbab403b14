// The sm_100a kernel from an outlined, pipelined, warp-specialized kernel:
// prologue (ggemm.ring), the four warp roles each walking the same
// persistent tile loop, teardown.
// RUN: gemm-opt %s -split-input-file --convert-ggemm-to-nvvm | FileCheck %s --implicit-check-not=ggemm.tile --implicit-check-not=ggemm.tile_coords --implicit-check-not=ggemm.num_tiles
// RUN: gemm-opt %s -split-input-file --convert-ggemm-to-nvvm | FileCheck %s --implicit-check-not=ggemm.tile

// Two groups, blocked_128x4 scales (copied by TMA), alpha; group 1 has
// K = 128, half a K tile, so MMAs 2-4 of a K tile are guarded.
// CHECK-LABEL: func.func @blocked(
// CHECK-SAME: ggemm.launch = #ggemm.launch<kernel = @ggemm_blocked::@ggemm_blocked
// CHECK: gpu.module @ggemm_blocked {
// CHECK: gpu.func @ggemm_blocked(%{{.*}}: memref<4x128xi8, 1>, %{{.*}}: memref<2xi64, 1>, %{{.*}}: memref<4xi64, 1>, %{{.*}}: memref<2xi32, 1>, %{{.*}}: memref<2xf32, 1>, %{{[^ ,)]*}}: memref<2xi32, 1>) kernel attributes {known_block_size = array<i32: 224, 1, 1>}
// Prologue: 4 full + 4 empty + 2 accumulator-full + 2 accumulator-empty
// barriers; full expects 1 arrival (TMA bytes), accumulator-empty 128.
// CHECK: %[[TID:.*]] = gpu.thread_id  x
// CHECK: %[[WARP:.*]] = arith.divui %[[TID]], %c32
// CHECK: gpu.dynamic_shared_memory
// CHECK: nvvm.mbarrier.init %{{.*}}, %c1_i32
// CHECK-COUNT-9: nvvm.mbarrier.init
// CHECK: nvvm.mbarrier.init %{{.*}}, %c128_i32
// CHECK-NOT: nvvm.mbarrier.init
// CHECK: nvvm.fence.mbarrier.init
// Lane 0 of each warp acquires the 4 tensor maps for TMA.
// CHECK: scf.for %{{.*}} = %c0{{.*}} to %c4 step %c1{{[_0-9]*}} {
// CHECK: nvvm.fence.proxy.acquire <gpu> %{{.*}}, %c128_i32{{$}}
// Warp 1 allocates 512 TMEM columns (256 accumulator + 4 x 32 scale).
// CHECK: %[[IS_MMA:.*]] = arith.cmpi eq, %[[WARP]], %c1
// CHECK: scf.if %[[IS_MMA]] {
// CHECK: nvvm.tcgen05.alloc %[[SLOT:.*]], %c512_i32 : !llvm.ptr<3>, i32
// CHECK-NEXT: nvvm.tcgen05.relinquish_alloc_permit
// CHECK: nvvm.tcgen05.fence <before>
// CHECK-NEXT: gpu.barrier
// CHECK-NEXT: nvvm.tcgen05.fence <after>
// CHECK-NEXT: %[[TMEM:.*]] = llvm.load %[[SLOT]] : !llvm.ptr<3> -> i32
//
// Producer (warp 0): per K tile, wait for the stage to be free, then A and
// B by TMA and one bulk copy of scale atoms each for SFA and SFB.
// CHECK: %[[RWARP:.*]] = arith.divui %{{.*}}, %c32{{.*}} : index
// CHECK: arith.cmpi uge, %[[RWARP]], %c0
// CHECK: arith.cmpi ult, %[[RWARP]], %c1
// CHECK: scf.if %{{.*}} {
// CHECK: scf.for %{{.*}} = %block_id_x to %{{.*}} step %grid_dim_x {
// CHECK: scf.for
// CHECK: nvvm.mbarrier.try_wait.parity
// CHECK: nvvm.mbarrier.arrive.expect_tx
// CHECK: nvvm.cp.async.bulk.tensor.shared.cluster.global
// CHECK: nvvm.cp.async.bulk.tensor.shared.cluster.global
// CHECK: nvvm.cp.async.bulk.shared.cluster.global
// CHECK: nvvm.cp.async.bulk.shared.cluster.global
// CHECK-NOT: nvvm.mbarrier.arrive
// CHECK-NOT: llvm.store
// After its last tile the producer waits until the MMAs released each of
// the 4 stages, so no commit arrives on the barriers of an exited CTA.
// CHECK-COUNT-4: nvvm.mbarrier.try_wait.parity
// CHECK-NOT: nvvm.
// CHECK: arith.cmpi uge, %[[RWARP]], %c1
// CHECK: arith.cmpi ult, %[[RWARP]], %c2
//
// MMA (warp 1): wait for a drained accumulator; per K tile wait for the
// stage, copy 4 SFA + 4 SFB atoms into TMEM, 4 block-scaled MMAs (the
// first accumulates only after K tile 0), commit the stage; at the end,
// commit the accumulator.
// CHECK: scf.if %{{.*}} {
// CHECK: scf.for %{{.*}} = %block_id_x to %{{.*}} step %grid_dim_x {
// CHECK: nvvm.mbarrier.try_wait.parity
// CHECK-NEXT: nvvm.tcgen05.fence <after>
// CHECK: scf.for %[[KT:.*]] = %c0{{.*}} to
// CHECK: nvvm.mbarrier.try_wait.parity
// CHECK-NEXT: nvvm.tcgen05.fence <after>
// CHECK: %[[ELECTED:.*]] = nvvm.elect.sync -> i1
// CHECK: scf.if %[[ELECTED]] {
// CHECK-COUNT-8: nvvm.tcgen05.cp %{{.*}}, %{{.*}} {multicast = #nvvm.tcgen05_cp_multicast<warpx4>, shape = #nvvm.tcgen05_cp_shape<shape_32x128b>}
// CHECK: %[[FIRST:.*]] = arith.cmpi ne, %[[KT]], %c0
// CHECK: nvvm.tcgen05.mma.block_scale %[[ACC:.*]], %{{.*}}, %{{.*}}, %c136316032_i32, %[[FIRST]], %{{.*}}, %{{.*}} {blockScale = #nvvm.tcgen05_mma_block_scale<block16>, ctaGroup = #nvvm.cta_group<cta_1>, kind = #nvvm.block_scale_kind<mxf4nvf4>}
// CHECK: scf.if
// CHECK: nvvm.tcgen05.mma.block_scale %[[ACC]], %{{.*}}, %{{.*}}, %c136316032_i32, %true
// CHECK: scf.if
// CHECK: nvvm.tcgen05.mma.block_scale %[[ACC]], %{{.*}}, %{{.*}}, %c136316032_i32, %true
// CHECK: scf.if
// CHECK: nvvm.tcgen05.mma.block_scale %[[ACC]], %{{.*}}, %{{.*}}, %c136316032_i32, %true
// CHECK-NOT: nvvm.tcgen05.mma.block_scale
// CHECK: nvvm.tcgen05.commit %{{.*}} : !llvm.ptr<3>
// CHECK: nvvm.elect.sync
// CHECK: nvvm.tcgen05.commit %{{.*}} : !llvm.ptr<3>
//
// Epilogue (warps 2-5): wait for the accumulator, one 128-column TMEM row
// per thread, release the accumulator; once the previous tile's bulk copy
// read the thread's row of the epilogue area: alpha, f16, 16-byte shared
// stores into it, a proxy fence, and one bulk copy of the row into C (rows
// inside the group).
// CHECK: arith.cmpi uge, %[[RWARP]], %c2
// CHECK: arith.cmpi ult, %[[RWARP]], %c6
// CHECK: scf.if %{{.*}} {
// CHECK: scf.for %{{.*}} = %block_id_x to %{{.*}} step %grid_dim_x {
// CHECK: nvvm.mbarrier.try_wait.parity
// CHECK-NEXT: nvvm.tcgen05.fence <after>
// CHECK: nvvm.tcgen05.ld %{{.*}} {shape = #nvvm.tcgen05_ldst_shape<shape_32x32b>} : vector<128xi32>
// CHECK-NEXT: nvvm.tcgen05.wait <load>
// The loaded registers, redefined after the wait (an empty asm with side
// effects, tied operands), so that no use of them precedes it.
// CHECK: llvm.inline_asm has_side_effects "", "=r,=r,{{.*}},0,1,{{.*}},127"
// CHECK: vector.from_elements
// CHECK-NEXT: nvvm.tcgen05.fence <before>
// CHECK: nvvm.mbarrier.arrive
// CHECK: scf.if
// CHECK-NEXT: nvvm.cp.async.bulk.wait_group 0 {read}
// CHECK: arith.mulf %{{.*}} : vector<8xf32>
// CHECK: arith.truncf %{{.*}} : vector<8xf32> to vector<8xf16>
// CHECK: llvm.store %{{.*}} {alignment = 16 : i64} : vector<8xf16>, !llvm.ptr<3>
// CHECK-NOT: !llvm.ptr<1>
// CHECK: nvvm.fence.proxy {kind = #nvvm.proxy_kind<async.shared>, space = #nvvm.shared_space<cta>}
// CHECK: nvvm.cp.async.bulk.global.shared.cta %{{.*}}, %{{.*}}, %{{.*}} : <1>, <3>
// CHECK-NEXT: nvvm.cp.async.bulk.commit.group
// Teardown: the last bulk copies complete first.
// CHECK: nvvm.cp.async.bulk.wait_group 0
// CHECK-NEXT: nvvm.tcgen05.fence <before>
// CHECK-NEXT: gpu.barrier
// CHECK-NEXT: nvvm.tcgen05.fence <after>
// CHECK: scf.if %{{.*}} {
// CHECK: nvvm.tcgen05.dealloc %{{.*}}, %c512_i32 : !llvm.ptr<6>, i32
// CHECK: gpu.return

module attributes {gpu.container_module} {
  func.func @blocked(%arg0: memref<80x256xf4E2M1FN>, %arg1: memref<200x128xf4E2M1FN>, %arg2: memref<1x4x32x16xf8E4M3FN>, %arg3: memref<2x2x32x16xf8E4M3FN>, %arg4: memref<384x256xf4E2M1FN>, %arg5: memref<128x128xf4E2M1FN>, %arg6: memref<3x4x32x16xf8E4M3FN>, %arg7: memref<1x2x32x16xf8E4M3FN>, %arg8: memref<80x384xf16>, %arg9: memref<200x128xf16>, %arg10: memref<2xf32>) attributes {ggemm.launch = #ggemm.launch<kernel = @ggemm_blocked::@ggemm_blocked, grid = [148, 1, 1], cluster = [1, 1, 1], plan = <threads = 224, shared_memory = 183408, tensor_memory_columns = 512, swizzle = "128B", scale_maps = false, alignment = [16, 16, 16, 16, 16], roles = [<producer, first_warp = 0, num_warps = 1, max_registers = 0>, <mma, first_warp = 1, num_warps = 1, max_registers = 0>, <epilogue, first_warp = 2, num_warps = 4, max_registers = 0>, <scales, first_warp = 6, num_warps = 1, max_registers = 0>]>, problem = <rows = list, scales = blocked_128x4, alpha = true, groups = [80, 384, 256, 200, 128, 128], schedule = <target = sm_100a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 148, stages = 4>>, tensor_maps = [<group = 0, operand = "a", dims = [128, 80], strides = [128], box = [128, 128], swizzle = "128B">, <group = 0, operand = "b", dims = [128, 384], strides = [128], box = [128, 128], swizzle = "128B">, <group = 1, operand = "a", dims = [64, 200], strides = [64], box = [128, 128], swizzle = "128B">, <group = 1, operand = "b", dims = [64, 128], strides = [64], box = [128, 128], swizzle = "128B">]>} {
    return
  }
  gpu.module @ggemm_blocked {
    gpu.func @ggemm_blocked(%arg0: memref<4x128xi8, 1>, %arg1: memref<2xi64, 1>, %arg2: memref<4xi64, 1>, %arg3: memref<2xi32, 1>, %arg4: memref<2xf32, 1>, %status: memref<2xi32, 1>) kernel attributes {ggemm.problem = #ggemm.kernel_problem<rows = list, scales = blocked_128x4, alpha = true, groups = [80, 384, 256, 200, 128, 128], schedule = <target = sm_100a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 148, stages = 4>>, ggemm.plan = #ggemm.kernel_plan<threads = 224, shared_memory = 183408, tensor_memory_columns = 512, swizzle = "128B", scale_maps = false, alignment = [16, 16, 16, 16, 16], roles = [<producer, first_warp = 0, num_warps = 1, max_registers = 0>, <mma, first_warp = 1, num_warps = 1, max_registers = 0>, <epilogue, first_warp = 2, num_warps = 4, max_registers = 0>, <scales, first_warp = 6, num_warps = 1, max_registers = 0>]>, known_block_size = array<i32: 224, 1, 1>} {
      %0 = ggemm.ring : <4>
      ggemm.warp_specialize [#ggemm.role<producer, first_warp = 0, num_warps = 1, max_registers = 0>, #ggemm.role<mma, first_warp = 1, num_warps = 1, max_registers = 0>, #ggemm.role<epilogue, first_warp = 2, num_warps = 4, max_registers = 0>, #ggemm.role<scales, first_warp = 6, num_warps = 1, max_registers = 0>] {
        %block_id_x = gpu.block_id  x
        %grid_dim_x = gpu.grid_dim  x
        %1 = ggemm.num_tiles tiles_m [1, 2] tiles_n [3, 1] schedule <target = sm_100a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 148, stages = 4>
        scf.for %arg5 = %block_id_x to %1 step %grid_dim_x {
          %group, %row_base, %m0, %n0, %split = ggemm.tile_coords %arg5 tiles_m [1, 2] tiles_n [3, 1] schedule <target = sm_100a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 148, stages = 4>
          ggemm.load_tile %0 group(%group) row_base(%row_base) at(%m0, %n0) : <4>
        }
        ggemm.drain_ring %0 : <4>
        ggemm.yield
      }, {
        %block_id_x = gpu.block_id  x
        %grid_dim_x = gpu.grid_dim  x
        %1 = ggemm.num_tiles tiles_m [1, 2] tiles_n [3, 1] schedule <target = sm_100a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 148, stages = 4>
        scf.for %arg5 = %block_id_x to %1 step %grid_dim_x {
          %group, %row_base, %m0, %n0, %split = ggemm.tile_coords %arg5 tiles_m [1, 2] tiles_n [3, 1] schedule <target = sm_100a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 148, stages = 4>
          ggemm.compute_tile %0 group(%group) row_base(%row_base) at(%m0, %n0) : <4>
        }
        ggemm.yield
      }, {
        %block_id_x = gpu.block_id  x
        %grid_dim_x = gpu.grid_dim  x
        %1 = ggemm.num_tiles tiles_m [1, 2] tiles_n [3, 1] schedule <target = sm_100a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 148, stages = 4>
        scf.for %arg5 = %block_id_x to %1 step %grid_dim_x {
          %group, %row_base, %m0, %n0, %split = ggemm.tile_coords %arg5 tiles_m [1, 2] tiles_n [3, 1] schedule <target = sm_100a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 148, stages = 4>
          ggemm.compute_tile %0 group(%group) row_base(%row_base) at(%m0, %n0) : <4>
        }
        ggemm.yield
      }, {
        %block_id_x = gpu.block_id  x
        %grid_dim_x = gpu.grid_dim  x
        %1 = ggemm.num_tiles tiles_m [1, 2] tiles_n [3, 1] schedule <target = sm_100a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 148, stages = 4>
        scf.for %arg5 = %block_id_x to %1 step %grid_dim_x {
          %group, %row_base, %m0, %n0, %split = ggemm.tile_coords %arg5 tiles_m [1, 2] tiles_n [3, 1] schedule <target = sm_100a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 148, stages = 4>
          ggemm.load_tile %0 group(%group) row_base(%row_base) at(%m0, %n0) : <4>
        }
        ggemm.yield
      }
      gpu.return
    }
  }
}


// -----


// Run-time group sizes and row-major scales, every K a multiple of 256:
// the producer also loads the tile's scale rows with TMA (16 bytes a row,
// into the stage's staging area, on the stage's scaleFull barrier) and goes
// on to the next stage without waiting for them. The scale warp (the
// fourth role) waits for them, moves each lane's rows into the atom
// layout, fences them for the async proxy and arrives on the full barrier
// (which expects the producer's arrival and this one).
// CHECK-LABEL: func.func @contiguous(
// CHECK-SAME: ggemm.launch = #ggemm.launch<kernel = @ggemm_contiguous::@ggemm_contiguous
// CHECK: gpu.func @ggemm_contiguous(%{{.*}}: memref<4x128xi8, 1>,
// CHECK-COUNT-4: nvvm.mbarrier.init %{{.*}}, %c2_i32
// Producer: one wait (a free stage), then A, B and the scale rows.
// CHECK: scf.for
// CHECK: scf.for
// CHECK: nvvm.mbarrier.try_wait.parity
// CHECK-NOT: nvvm.mbarrier.try_wait.parity
// CHECK: nvvm.mbarrier.arrive.expect_tx
// CHECK: nvvm.cp.async.bulk.tensor.shared.cluster.global
// CHECK: nvvm.cp.async.bulk.tensor.shared.cluster.global
// CHECK: nvvm.mbarrier.arrive.expect_tx %{{.*}}, %c4096_i32
// CHECK: nvvm.cp.async.bulk.tensor.shared.cluster.global
// CHECK: nvvm.cp.async.bulk.tensor.shared.cluster.global
// CHECK-NOT: nvvm.cp.async.bulk.shared.cluster.global
// CHECK-NOT: nvvm.fence.proxy
// CHECK-NOT: vector<4xi32>
// MMA warp.
// CHECK: nvvm.elect.sync
// CHECK-COUNT-4: nvvm.tcgen05.mma.block_scale
// CHECK: nvvm.tcgen05.commit
// Scale warp, after the epilogue: wait for the stage's scale rows, move
// them, publish the atoms.
// CHECK: nvvm.tcgen05.ld
// CHECK: scf.for
// CHECK: scf.for
// CHECK: nvvm.mbarrier.try_wait.parity
// CHECK-COUNT-4: llvm.load %{{.*}} {alignment = 16 : i64} : !llvm.ptr<3> -> vector<4xi32>
// CHECK-NOT: !llvm.ptr<1> -> i32
// CHECK: nvvm.fence.proxy {kind = #nvvm.proxy_kind<async.shared>, space = #nvvm.shared_space<cta>}
// CHECK: nvvm.bar.warp.sync
// CHECK: nvvm.mbarrier.arrive

module attributes {gpu.container_module} {
  func.func @contiguous(%arg0: memref<?x512xf4E2M1FN>, %arg1: memref<?x32xf8E4M3FN>, %arg2: memref<3x256x512xf4E2M1FN>, %arg3: memref<3x256x32xf8E4M3FN>, %arg4: memref<?x256xf16>, %arg5: memref<3xi32>) attributes {ggemm.launch = #ggemm.launch<kernel = @ggemm_contiguous::@ggemm_contiguous, grid = [148, 1, 1], cluster = [1, 1, 1], plan = <threads = 224, shared_memory = 199824, tensor_memory_columns = 512, swizzle = "128B", scale_maps = true, alignment = [16, 16, 16, 16, 16], roles = [<producer, first_warp = 0, num_warps = 1, max_registers = 0>, <mma, first_warp = 1, num_warps = 1, max_registers = 0>, <epilogue, first_warp = 2, num_warps = 4, max_registers = 0>, <scales, first_warp = 6, num_warps = 1, max_registers = 0>]>, problem = <rows = contiguous, scales = row_major, alpha = false, groups = [-1, 256, 512, -1, 256, 512, -1, 256, 512], schedule = <target = sm_100a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 148, stages = 4>>, tensor_maps = [<group = 0, operand = "a", dims = [256, -1], strides = [256], box = [128, 128], swizzle = "128B">, <group = 0, operand = "b", dims = [256, 768], strides = [256], box = [128, 128], swizzle = "128B">, <group = 0, operand = "sfa", dims = [32, -1], strides = [32], box = [16, 128], swizzle = "none">, <group = 0, operand = "sfb", dims = [32, 768], strides = [32], box = [16, 128], swizzle = "none">]>} {
    return
  }
  gpu.module @ggemm_contiguous {
    gpu.func @ggemm_contiguous(%arg0: memref<4x128xi8, 1>, %arg1: memref<1xi64, 1>, %arg2: memref<2xi64, 1>, %arg3: memref<3xi32, 1>, %arg4: memref<3xf32, 1>, %status: memref<2xi32, 1>) kernel attributes {ggemm.problem = #ggemm.kernel_problem<rows = contiguous, scales = row_major, alpha = false, groups = [-1, 256, 512, -1, 256, 512, -1, 256, 512], schedule = <target = sm_100a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 148, stages = 4>>, ggemm.plan = #ggemm.kernel_plan<threads = 224, shared_memory = 199824, tensor_memory_columns = 512, swizzle = "128B", scale_maps = true, alignment = [16, 16, 16, 16, 16], roles = [<producer, first_warp = 0, num_warps = 1, max_registers = 0>, <mma, first_warp = 1, num_warps = 1, max_registers = 0>, <epilogue, first_warp = 2, num_warps = 4, max_registers = 0>, <scales, first_warp = 6, num_warps = 1, max_registers = 0>]>, known_block_size = array<i32: 224, 1, 1>} {
      %0 = ggemm.ring : <4>
      ggemm.warp_specialize [#ggemm.role<producer, first_warp = 0, num_warps = 1, max_registers = 0>, #ggemm.role<mma, first_warp = 1, num_warps = 1, max_registers = 0>, #ggemm.role<epilogue, first_warp = 2, num_warps = 4, max_registers = 0>, #ggemm.role<scales, first_warp = 6, num_warps = 1, max_registers = 0>] {
        %block_id_x = gpu.block_id  x
        %grid_dim_x = gpu.grid_dim  x
        %1 = ggemm.num_tiles tiles_m [] tiles_n [2, 2, 2] group_sizes(%arg3 : memref<3xi32, 1>) schedule <target = sm_100a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 148, stages = 4>
        scf.for %arg5 = %block_id_x to %1 step %grid_dim_x {
          %group, %row_base, %m0, %n0, %split = ggemm.tile_coords %arg5 tiles_m [] tiles_n [2, 2, 2] group_sizes(%arg3 : memref<3xi32, 1>) schedule <target = sm_100a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 148, stages = 4>
          ggemm.load_tile %0 group(%group) row_base(%row_base) at(%m0, %n0) : <4>
        }
        ggemm.drain_ring %0 : <4>
        ggemm.yield
      }, {
        %block_id_x = gpu.block_id  x
        %grid_dim_x = gpu.grid_dim  x
        %1 = ggemm.num_tiles tiles_m [] tiles_n [2, 2, 2] group_sizes(%arg3 : memref<3xi32, 1>) schedule <target = sm_100a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 148, stages = 4>
        scf.for %arg5 = %block_id_x to %1 step %grid_dim_x {
          %group, %row_base, %m0, %n0, %split = ggemm.tile_coords %arg5 tiles_m [] tiles_n [2, 2, 2] group_sizes(%arg3 : memref<3xi32, 1>) schedule <target = sm_100a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 148, stages = 4>
          ggemm.compute_tile %0 group(%group) row_base(%row_base) at(%m0, %n0) : <4>
        }
        ggemm.yield
      }, {
        %block_id_x = gpu.block_id  x
        %grid_dim_x = gpu.grid_dim  x
        %1 = ggemm.num_tiles tiles_m [] tiles_n [2, 2, 2] group_sizes(%arg3 : memref<3xi32, 1>) schedule <target = sm_100a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 148, stages = 4>
        scf.for %arg5 = %block_id_x to %1 step %grid_dim_x {
          %group, %row_base, %m0, %n0, %split = ggemm.tile_coords %arg5 tiles_m [] tiles_n [2, 2, 2] group_sizes(%arg3 : memref<3xi32, 1>) schedule <target = sm_100a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 148, stages = 4>
          ggemm.compute_tile %0 group(%group) row_base(%row_base) at(%m0, %n0) : <4>
        }
        ggemm.yield
      }, {
        %block_id_x = gpu.block_id  x
        %grid_dim_x = gpu.grid_dim  x
        %1 = ggemm.num_tiles tiles_m [] tiles_n [2, 2, 2] group_sizes(%arg3 : memref<3xi32, 1>) schedule <target = sm_100a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 148, stages = 4>
        scf.for %arg5 = %block_id_x to %1 step %grid_dim_x {
          %group, %row_base, %m0, %n0, %split = ggemm.tile_coords %arg5 tiles_m [] tiles_n [2, 2, 2] group_sizes(%arg3 : memref<3xi32, 1>) schedule <target = sm_100a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 148, stages = 4>
          ggemm.load_tile %0 group(%group) row_base(%row_base) at(%m0, %n0) : <4>
        }
        ggemm.yield
      }
      gpu.return
    }
  }
}


// -----


// Row-major scales with K = 320 (not a multiple of 256): scale rows are not
// 16-byte aligned for TMA, so the scale warp gathers one guarded word per
// row and MMA with plain loads (rows outside the group and K blocks past K
// read as 0) once the stage is free, and the last K tile guards MMAs 2-4.
// The producer loads A and B only.
// CHECK-LABEL: func.func @k_tail(
// CHECK: gpu.func @ggemm_k_tail(%{{.*}}: memref<2x128xi8, 1>,
// CHECK: nvvm.mbarrier.init %{{.*}}, %c2_i32
// CHECK: nvvm.mbarrier.arrive.expect_tx
// CHECK: nvvm.cp.async.bulk.tensor.shared.cluster.global
// CHECK: nvvm.cp.async.bulk.tensor.shared.cluster.global
// CHECK-NOT: nvvm.mbarrier.arrive.expect_tx
// CHECK-NOT: !llvm.ptr<1> -> i32
// CHECK: nvvm.elect.sync
// CHECK: nvvm.tcgen05.mma.block_scale
// CHECK: scf.if
// CHECK: nvvm.tcgen05.mma.block_scale
// CHECK: nvvm.tcgen05.ld
// CHECK: nvvm.mbarrier.try_wait.parity
// CHECK: scf.if %{{.*}} -> (i32) {
// CHECK: llvm.load %{{.*}} {alignment = 4 : i64} : !llvm.ptr<1> -> i32
// CHECK: } else {
// CHECK: scf.yield %c0_i32
// CHECK: llvm.store %{{.*}}, %{{.*}} {alignment = 4 : i64} : i32, !llvm.ptr<3>
// CHECK: nvvm.fence.proxy {kind = #nvvm.proxy_kind<async.shared>, space = #nvvm.shared_space<cta>}
// CHECK: nvvm.bar.warp.sync
// CHECK: nvvm.mbarrier.arrive

module attributes {gpu.container_module} {
  func.func @k_tail(%arg0: memref<100x320xf4E2M1FN>, %arg1: memref<100x20xf8E4M3FN>, %arg2: memref<64x320xf4E2M1FN>, %arg3: memref<64x20xf8E4M3FN>, %arg4: memref<100x64xf16>) attributes {ggemm.launch = #ggemm.launch<kernel = @ggemm_k_tail::@ggemm_k_tail, grid = [148, 1, 1], cluster = [1, 1, 1], plan = <threads = 224, shared_memory = 183408, tensor_memory_columns = 512, swizzle = "128B", scale_maps = false, alignment = [16, 16, 16, 16, 16], roles = [<producer, first_warp = 0, num_warps = 1, max_registers = 0>, <mma, first_warp = 1, num_warps = 1, max_registers = 0>, <epilogue, first_warp = 2, num_warps = 4, max_registers = 0>, <scales, first_warp = 6, num_warps = 1, max_registers = 0>]>, problem = <rows = list, scales = row_major, alpha = false, groups = [100, 64, 320], schedule = <target = sm_100a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 148, stages = 4>>, tensor_maps = [<group = 0, operand = "a", dims = [160, 100], strides = [160], box = [128, 128], swizzle = "128B">, <group = 0, operand = "b", dims = [160, 64], strides = [160], box = [128, 128], swizzle = "128B">]>} {
    return
  }
  gpu.module @ggemm_k_tail {
    gpu.func @ggemm_k_tail(%arg0: memref<2x128xi8, 1>, %arg1: memref<1xi64, 1>, %arg2: memref<2xi64, 1>, %arg3: memref<1xi32, 1>, %arg4: memref<1xf32, 1>, %status: memref<2xi32, 1>) kernel attributes {ggemm.problem = #ggemm.kernel_problem<rows = list, scales = row_major, alpha = false, groups = [100, 64, 320], schedule = <target = sm_100a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 148, stages = 4>>, ggemm.plan = #ggemm.kernel_plan<threads = 224, shared_memory = 183408, tensor_memory_columns = 512, swizzle = "128B", scale_maps = false, alignment = [16, 16, 16, 16, 16], roles = [<producer, first_warp = 0, num_warps = 1, max_registers = 0>, <mma, first_warp = 1, num_warps = 1, max_registers = 0>, <epilogue, first_warp = 2, num_warps = 4, max_registers = 0>, <scales, first_warp = 6, num_warps = 1, max_registers = 0>]>, known_block_size = array<i32: 224, 1, 1>} {
      %0 = ggemm.ring : <4>
      ggemm.warp_specialize [#ggemm.role<producer, first_warp = 0, num_warps = 1, max_registers = 0>, #ggemm.role<mma, first_warp = 1, num_warps = 1, max_registers = 0>, #ggemm.role<epilogue, first_warp = 2, num_warps = 4, max_registers = 0>, #ggemm.role<scales, first_warp = 6, num_warps = 1, max_registers = 0>] {
        %block_id_x = gpu.block_id  x
        %grid_dim_x = gpu.grid_dim  x
        %1 = ggemm.num_tiles tiles_m [1] tiles_n [1] schedule <target = sm_100a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 148, stages = 4>
        scf.for %arg5 = %block_id_x to %1 step %grid_dim_x {
          %group, %row_base, %m0, %n0, %split = ggemm.tile_coords %arg5 tiles_m [1] tiles_n [1] schedule <target = sm_100a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 148, stages = 4>
          ggemm.load_tile %0 group(%group) row_base(%row_base) at(%m0, %n0) : <4>
        }
        ggemm.drain_ring %0 : <4>
        ggemm.yield
      }, {
        %block_id_x = gpu.block_id  x
        %grid_dim_x = gpu.grid_dim  x
        %1 = ggemm.num_tiles tiles_m [1] tiles_n [1] schedule <target = sm_100a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 148, stages = 4>
        scf.for %arg5 = %block_id_x to %1 step %grid_dim_x {
          %group, %row_base, %m0, %n0, %split = ggemm.tile_coords %arg5 tiles_m [1] tiles_n [1] schedule <target = sm_100a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 148, stages = 4>
          ggemm.compute_tile %0 group(%group) row_base(%row_base) at(%m0, %n0) : <4>
        }
        ggemm.yield
      }, {
        %block_id_x = gpu.block_id  x
        %grid_dim_x = gpu.grid_dim  x
        %1 = ggemm.num_tiles tiles_m [1] tiles_n [1] schedule <target = sm_100a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 148, stages = 4>
        scf.for %arg5 = %block_id_x to %1 step %grid_dim_x {
          %group, %row_base, %m0, %n0, %split = ggemm.tile_coords %arg5 tiles_m [1] tiles_n [1] schedule <target = sm_100a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 148, stages = 4>
          ggemm.compute_tile %0 group(%group) row_base(%row_base) at(%m0, %n0) : <4>
        }
        ggemm.yield
      }, {
        %block_id_x = gpu.block_id  x
        %grid_dim_x = gpu.grid_dim  x
        %1 = ggemm.num_tiles tiles_m [1] tiles_n [1] schedule <target = sm_100a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 148, stages = 4>
        scf.for %arg5 = %block_id_x to %1 step %grid_dim_x {
          %group, %row_base, %m0, %n0, %split = ggemm.tile_coords %arg5 tiles_m [1] tiles_n [1] schedule <target = sm_100a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 148, stages = 4>
          ggemm.load_tile %0 group(%group) row_base(%row_base) at(%m0, %n0) : <4>
        }
        ggemm.yield
      }
      gpu.return
    }
  }
}

