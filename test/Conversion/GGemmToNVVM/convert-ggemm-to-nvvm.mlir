// convert-ggemm-to-nvvm on an outlined, pipelined, warp-specialized sm_90a
// kernel (with a prefetch of the next tile): the prologue for ggemm.ring,
// one scf.if per warp role, the producer's TMA loop and drain, the
// consumers' decode + wgmma loop and staged f16 epilogue, the scheduler as
// arithmetic.
// RUN: gemm-opt %s --convert-ggemm-to-nvvm | FileCheck %s --implicit-check-not=ggemm.load_tile --implicit-check-not=ggemm.compute_tile --implicit-check-not=ggemm.prefetch_tile --implicit-check-not=ggemm.tile_coords --implicit-check-not=ggemm.num_tiles --implicit-check-not=ggemm.problem --implicit-check-not=ggemm.ring --implicit-check-not=ggemm.warp_specialize

// The host side is untouched: it keeps its launch description.
// CHECK: module attributes {gpu.container_module}
// CHECK-LABEL: func.func @two_groups(
// CHECK-SAME: ggemm.launch = #ggemm.launch<kernel = @ggemm_two_groups::@ggemm_two_groups
// CHECK-NEXT: return

// One persistent kernel, parameters as in docs/kernel-abi.md.
// CHECK: gpu.module @ggemm_two_groups {
// CHECK: gpu.func @ggemm_two_groups(%{{[^ ,)]*}}: memref<4x128xi8, 1>, %{{[^ ,)]*}}: memref<2xi64, 1>, %{{[^ ,)]*}}: memref<4xi64, 1>, %{{[^ ,)]*}}: memref<2xi32, 1>, %{{[^ ,)]*}}: memref<2xf32, 1>, %{{[^ ,)]*}}: memref<2xi32, 1>) kernel attributes {known_block_size = array<i32: 288, 1, 1>}
// ggemm.ring: the roles' counters and, per stage, a full mbarrier (1
// arrival: the producer's expect_tx) and an empty one (8 arrivals: one per
// consumer warp), all in the one dynamic shared-memory region.
// CHECK: memref.alloca() : memref<1xindex>
// CHECK: memref.alloca() : memref<1xindex>
// CHECK: gpu.dynamic_shared_memory : memref<?xi8, #gpu.address_space<workgroup>>
// CHECK-NOT: memref.view
// CHECK: llvm.inttoptr %{{.*}} : i64 to !llvm.ptr<3>
// CHECK: nvvm.mbarrier.init %{{.*}}, %c1_i32
// CHECK: nvvm.mbarrier.init %{{.*}}, %c8_i32
// CHECK-COUNT-6: nvvm.mbarrier.init
// CHECK-NOT: nvvm.mbarrier.init
// Lane 0 of each warp acquires the 4 host-written tensor maps (128 bytes
// each) for TMA before the CTA's first barrier.
// CHECK: scf.if %{{.*}} {
// CHECK: scf.for %[[MAP:.*]] = %c0{{.*}} to %c4 step %c1{{[_0-9]*}} {
// CHECK: arith.muli %[[MAP]], %c128
// CHECK: %[[PTR:.*]] = llvm.inttoptr
// CHECK: nvvm.fence.proxy.acquire <gpu> %[[PTR]], %c128_i32{{$}}
// CHECK-NOT: nvvm.
// CHECK: gpu.barrier
// Roles: warp 8 is the producer, warps 0-7 (two warpgroups) the consumers.
// CHECK: %[[WARP:.*]] = arith.divui %{{.*}}, %c32
// CHECK: arith.cmpi uge, %[[WARP]], %c8
// CHECK: arith.cmpi ult, %[[WARP]], %c9
// CHECK: scf.if
// CHECK: %[[CTA:[^ ,)]*]] = gpu.block_id  x
// CHECK: %[[NCTAS:[^ ,)]*]] = gpu.grid_dim  x
// CHECK: scf.for %{{.*}} = %[[CTA]] to %{{.*}} step %[[NCTAS]]
// The prefetch of the next tile: its group's maps when the group changes,
// then its first two K tiles of A and B into L2.
// CHECK: nvvm.prefetch tensormap
// CHECK: nvvm.prefetch tensormap
// CHECK: scf.for
// CHECK: nvvm.cp.async.bulk.tensor.prefetch
// CHECK: nvvm.cp.async.bulk.tensor.prefetch
// Per K tile: wait for the stage's release, expect its bytes, TMA A and B.
// CHECK: scf.for
// CHECK: nvvm.mbarrier.try_wait.parity
// CHECK: nvvm.mbarrier.arrive.expect_tx %{{.*}}, %c32768_i32
// CHECK: nvvm.cp.async.bulk.tensor.shared.cluster.global %{{.*}}, %{{.*}}, %{{.*}}, box[%{{.*}}, %{{.*}}] : !llvm.ptr<7>, !llvm.ptr
// CHECK: nvvm.cp.async.bulk.tensor.shared.cluster.global
// Drain: the last release of each of the 4 stages.
// CHECK-COUNT-4: nvvm.mbarrier.try_wait.parity
// CHECK: arith.cmpi uge, %[[WARP]], %c0
// CHECK: arith.cmpi ult, %[[WARP]], %c8
// CHECK: scf.if
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}}
// The first K tile's scale bytes (8 per row, one load each), then the K
// loop carrying the 64 f32 accumulators of wgmma m64n128 and the scales.
// CHECK: llvm.load %{{.*}} {alignment = 8 : i64} : !llvm.ptr<1> -> i64
// CHECK: llvm.load %{{.*}} {alignment = 8 : i64} : !llvm.ptr<1> -> i64
// CHECK: scf.for {{.*}} iter_args({{.*}}) -> (!llvm.struct<({{(f32, )+}}f32)>, i64, i64)
// Per K tile: the next tile's scales, wait until full, load step 0's
// packed pieces (token and weight row, 16 bytes each).
// CHECK: llvm.load %{{.*}} {alignment = 8 : i64} : !llvm.ptr<1> -> i64
// CHECK: llvm.load %{{.*}} {alignment = 8 : i64} : !llvm.ptr<1> -> i64
// CHECK: nvvm.mbarrier.try_wait.parity
// CHECK: llvm.load %{{.*}} {alignment = 16 : i64} : !llvm.ptr<3> -> vector<4xi32>
// CHECK: llvm.load %{{.*}} {alignment = 16 : i64} : !llvm.ptr<3> -> vector<4xi32>
// Four 64-K steps, each: the buffer's last wgmmas done (wait_group 1,
// then both warpgroups' barrier), the next step's pieces loaded, decode
// (scales by cvt e4m3x2 -> f16x2; codes by byte arithmetic and prmt; one
// exact f16 multiply per pair; 16-byte rows of wgmma cores), proxy fence,
// barrier, four wgmma m64n128k16 on the buffer, commit.
// CHECK: nvvm.wgmma.wait.group.sync.aligned 1
// CHECK: nvvm.barrier id = %{{.*}} number_of_threads = %c256_i32
// CHECK: llvm.load %{{.*}} : !llvm.ptr<3> -> vector<4xi32>
// CHECK: llvm.load %{{.*}} : !llvm.ptr<3> -> vector<4xi32>
// CHECK: nvvm.convert.f8x2.to.f16x2 %{{.*}} : vector<2xi8>(f8E4M3FN) -> vector<2xf16>
// CHECK: arith.muli %{{.*}}, %c14_i32
// CHECK: nvvm.prmt <default> %c5124_i32
// CHECK: arith.mulf %{{.*}} : vector<2xf16>
// CHECK: nvvm.prmt <default> %c13348_i32
// CHECK: llvm.store %{{.*}} {alignment = 16 : i64} : vector<4xi32>, !llvm.ptr<3>
// CHECK-COUNT-7: llvm.store %{{.*}} {alignment = 16 : i64} : vector<4xi32>, !llvm.ptr<3>
// CHECK-NOT: llvm.store
// CHECK: nvvm.fence.proxy {kind = #nvvm.proxy_kind<async.shared>, space = #nvvm.shared_space<cta>}
// CHECK: nvvm.barrier id = %{{.*}} number_of_threads = %c256_i32
// CHECK: nvvm.wgmma.fence.aligned
// CHECK-COUNT-4: nvvm.wgmma.mma_async {{.*}} <m = 64, n = 128, k = 16>, D[<f32>, <one>], A[<f16>, <one>, <row>], B[<f16>, <one>, <col>]
// CHECK: nvvm.wgmma.commit.group.sync.aligned
// CHECK-COUNT-2: nvvm.wgmma.commit.group.sync.aligned
// The last step releases the stage once decoded: each warp, lane 0, after
// all lanes' reads; then its wgmmas.
// CHECK: nvvm.bar.warp.sync
// CHECK: scf.if
// CHECK: nvvm.mbarrier.arrive %{{.*}} : !llvm.ptr<3>
// CHECK: nvvm.fence.proxy
// CHECK-COUNT-4: nvvm.wgmma.mma_async
// CHECK: nvvm.wgmma.commit.group.sync.aligned
// After the loop: all wgmmas done, then the epilogue: f16 of the
// accumulators x 2^28 into shared memory as rows of C, both warpgroups'
// barrier, then 16-byte stores of whole rows inside the group.
// CHECK: nvvm.wgmma.wait.group.sync.aligned 0
// CHECK: nvvm.barrier id = %{{.*}} number_of_threads = %c256_i32
// CHECK: arith.mulf %{{.*}}, %cst{{.*}} : f32
// CHECK: arith.truncf %{{.*}} : f32 to f16
// CHECK: llvm.store %{{.*}} {alignment = 2 : i64} : f16, !llvm.ptr<3>
// CHECK: nvvm.barrier id = %{{.*}} number_of_threads = %c256_i32
// CHECK: llvm.load %{{.*}} {alignment = 16 : i64} : !llvm.ptr<3> -> vector<4xi32>
// CHECK: scf.if
// CHECK: llvm.store %{{.*}} {alignment = 16 : i64} : vector<4xi32>, !llvm.ptr<1>
// CHECK: gpu.return

module attributes {gpu.container_module} {
  func.func @two_groups(%arg0: memref<80x256xf4E2M1FN>, %arg1: memref<256x512xf4E2M1FN>, %arg2: memref<80x16xf8E4M3FN>, %arg3: memref<256x32xf8E4M3FN>, %arg4: memref<384x256xf4E2M1FN>, %arg5: memref<256x512xf4E2M1FN>, %arg6: memref<384x16xf8E4M3FN>, %arg7: memref<256x32xf8E4M3FN>, %arg8: memref<80x384xf16>, %arg9: memref<256x256xf16>) attributes {ggemm.launch = #ggemm.launch<kernel = @ggemm_two_groups::@ggemm_two_groups, grid = [132, 1, 1], cluster = [1, 1, 1], plan = <threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>, problem = <rows = list, scales = row_major, alpha = false, groups = [80, 384, 256, 256, 256, 512], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>, tensor_maps = [<group = 0, operand = "a", dims = [128, 80], strides = [128], box = [128, 128], swizzle = "128B">, <group = 0, operand = "b", dims = [128, 384], strides = [128], box = [128, 128], swizzle = "128B">, <group = 1, operand = "a", dims = [256, 256], strides = [256], box = [128, 128], swizzle = "128B">, <group = 1, operand = "b", dims = [256, 256], strides = [256], box = [128, 128], swizzle = "128B">]>} {
    return
  }
  gpu.module @ggemm_two_groups {
    gpu.func @ggemm_two_groups(%arg0: memref<4x128xi8, 1>, %arg1: memref<2xi64, 1>, %arg2: memref<4xi64, 1>, %arg3: memref<2xi32, 1>, %arg4: memref<2xf32, 1>, %status: memref<2xi32, 1>) kernel attributes {ggemm.problem = #ggemm.kernel_problem<rows = list, scales = row_major, alpha = false, groups = [80, 384, 256, 256, 256, 512], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>, ggemm.plan = #ggemm.kernel_plan<threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>, known_block_size = array<i32: 288, 1, 1>} {
      %0 = ggemm.ring : <4>
      ggemm.warp_specialize [#ggemm.role<producer, first_warp = 8, num_warps = 1, max_registers = 0>, #ggemm.role<consumer, first_warp = 0, num_warps = 8, max_registers = 0>] {
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

