// ggemm-outline-kernel from the persistent level: one gpu.module/gpu.func
// per function, ggemm.tile for each mma_tile, the launch on the host.
// RUN: gemm-opt %s -split-input-file --ggemm-outline-kernel | FileCheck %s --enable-var-scope --implicit-check-not=ggemm.persistent --implicit-check-not=ggemm.mma_tile
// RUN: gemm-opt %s -split-input-file --ggemm-outline-kernel | gemm-opt -split-input-file | FileCheck %s --check-prefix=ROUND
// RUN: sed 's/target = sm_90a/target = sm_100a/' %s | gemm-opt -split-input-file --ggemm-outline-kernel | FileCheck %s --check-prefix=SM100

// The host function keeps its signature, loses the loop and carries the
// launch: grid, block, shared memory, the problem and one tensor map per A
// and B of each group (the runtime builds them; docs/kernel-abi.md).
// sm_90a: 288 threads (two consumer warpgroups and a producer warp), the
// ring at 66560 then 4 stages of 32768 bytes, 128B-swizzled TMA boxes.
// CHECK: module attributes {gpu.container_module}
// CHECK-LABEL: func.func @two_groups(
// CHECK-SAME: ggemm.launch = #ggemm.launch<kernel = @ggemm_two_groups::@ggemm_two_groups, grid = [132, 1, 1], cluster = [1, 1, 1], plan = <threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>,
// CHECK-SAME: problem = <rows = list, scales = row_major, alpha = false, groups = [80, 384, 256, 256, 256, 512], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>
// CHECK-SAME: tensor_maps = [<group = 0, operand = "a", dims = [128, 80], strides = [128], box = [128, 128], swizzle = "128B">, <group = 0, operand = "b", dims = [128, 384], strides = [128], box = [128, 128], swizzle = "128B">, <group = 1, operand = "a", dims = [256, 256], strides = [256], box = [128, 128], swizzle = "128B">, <group = 1, operand = "b", dims = [256, 256], strides = [256], box = [128, 128], swizzle = "128B">]>
// CHECK-NEXT: return
// The kernel: parameters of the ABI, the problem it is specialised for,
// %cta = blockIdx.x, %num_ctas = gridDim.x, the scheduler kept.
// CHECK: gpu.module @ggemm_two_groups [#nvvm.target<O = 3, chip = "sm_90a", features = "+ptx83">] {
// CHECK: gpu.func @ggemm_two_groups(%{{.*}}: memref<4x128xi8, 1>, %{{.*}}: memref<2xi64, 1>, %{{.*}}: memref<4xi64, 1>, %{{.*}}: memref<2xi32, 1>, %{{.*}}: memref<2xf32, 1>, %{{[^ ,)]*}}: memref<2xi32, 1>) kernel
// CHECK-SAME: ggemm.plan = #ggemm.kernel_plan<threads = 288, shared_memory = 198656
// CHECK-SAME: ggemm.problem = #ggemm.kernel_problem<rows = list{{.*}}schedule = <target = sm_90a
// CHECK-SAME: known_block_size = array<i32: 288, 1, 1>
// CHECK: %[[CTA:.*]] = gpu.block_id x
// CHECK: %[[NUM:.*]] = gpu.grid_dim x
// CHECK: %[[N:.*]] = ggemm.num_tiles tiles_m [1, 2] tiles_n [3, 2]
// CHECK: scf.for %[[T:.*]] = %[[CTA]] to %[[N]] step %[[NUM]] {
// CHECK: %[[G:.*]], %[[RB:.*]], %[[M0:.*]], %[[N0:.*]], %{{.*}} = ggemm.tile_coords %[[T]]
// CHECK: ggemm.tile group(%[[G]]) row_base(%[[RB]]) at(%[[M0]], %[[N0]])
// CHECK: gpu.return
// ROUND-LABEL: func.func @two_groups(
// ROUND: ggemm.tile group
// SM100-LABEL: func.func @two_groups(
// SM100-SAME: plan = <threads = 224
// SM100-SAME: tensor_memory_columns = 512
// SM100-SAME: swizzle = "128B"
// SM100-SAME: roles = [<producer, first_warp = 0, num_warps = 1, max_registers = 0>, <mma, first_warp = 1, num_warps = 1, max_registers = 0>, <epilogue, first_warp = 2, num_warps = 4, max_registers = 0>, <scales, first_warp = 6, num_warps = 1, max_registers = 0>]
// SM100: gpu.module @ggemm_two_groups [#nvvm.target<O = 3, chip = "sm_100a", features = "+ptx88">] {
// SM100: known_block_size = array<i32: 224, 1, 1>
func.func @two_groups(%arg0: memref<80x256xf4E2M1FN>, %arg1: memref<256x512xf4E2M1FN>, %arg2: memref<80x16xf8E4M3FN>, %arg3: memref<256x32xf8E4M3FN>, %arg4: memref<384x256xf4E2M1FN>, %arg5: memref<256x512xf4E2M1FN>, %arg6: memref<384x16xf8E4M3FN>, %arg7: memref<256x32xf8E4M3FN>, %arg8: memref<80x384xf16>, %arg9: memref<256x256xf16>) {
  ggemm.persistent schedule <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4> {
  ^bb0(%arg10: index, %arg11: index):
    %0 = ggemm.num_tiles tiles_m [1, 2] tiles_n [3, 2] schedule <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>
    scf.for %arg12 = %arg10 to %0 step %arg11 {
      %group, %row_base, %m0, %n0, %split = ggemm.tile_coords %arg12 tiles_m [1, 2] tiles_n [3, 2] schedule <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>
      ggemm.mma_tile group %group row_base %row_base tile %m0, %n0 split %split work %arg12 rows<list> scales<row_major> a(%arg0, %arg1 : memref<80x256xf4E2M1FN>, memref<256x512xf4E2M1FN>) sfa(%arg2, %arg3 : memref<80x16xf8E4M3FN>, memref<256x32xf8E4M3FN>) b(%arg4, %arg5 : memref<384x256xf4E2M1FN>, memref<256x512xf4E2M1FN>) sfb(%arg6, %arg7 : memref<384x16xf8E4M3FN>, memref<256x32xf8E4M3FN>) c(%arg8, %arg9 : memref<80x384xf16>, memref<256x256xf16>) schedule <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>
    }
  }
  return
}

// -----

// Run-time group sizes: the kernel reads them from its parameter, one set
// of tensor maps covers all groups (rows of A filled in at run time: -1),
// and a function name that is no PTX identifier gives a kernel symbol that
// is one.
// CHECK-LABEL: func.func @"moe-layer.0"(
// CHECK-SAME: ggemm.launch = #ggemm.launch<kernel = @ggemm_moe_layer_0::@ggemm_moe_layer_0
// CHECK-SAME: rows = contiguous, scales = row_major, alpha = true, groups = [-1, 128, 256, -1, 128, 256]
// CHECK-SAME: tensor_maps = [<group = 0, operand = "a", dims = [128, -1]
// CHECK: gpu.func @ggemm_moe_layer_0(%{{.*}}: memref<2x128xi8, 1>, %{{.*}}: memref<1xi64, 1>, %{{.*}}: memref<2xi64, 1>, %[[SIZES:.*]]: memref<2xi32, 1>, %{{.*}}: memref<2xf32, 1>, %{{[^ ,)]*}}: memref<2xi32, 1>) kernel
// CHECK: ggemm.num_tiles tiles_m [] tiles_n [1, 1] group_sizes(%[[SIZES]] : memref<2xi32, 1>)
// CHECK: ggemm.tile_coords %{{.*}} group_sizes(%[[SIZES]] : memref<2xi32, 1>)
// CHECK: ggemm.tile group
func.func @"moe-layer.0"(%arg0: memref<?x256xf4E2M1FN>, %arg1: memref<?x16xf8E4M3FN>, %arg2: memref<2x128x256xf4E2M1FN>, %arg3: memref<2x128x16xf8E4M3FN>, %arg4: memref<?x128xf16>, %arg5: memref<2xi32>, %arg6: memref<2xf32>) {
  ggemm.persistent schedule <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4> {
  ^bb0(%arg7: index, %arg8: index):
    %0 = ggemm.num_tiles tiles_m [] tiles_n [1, 1] group_sizes(%arg5 : memref<2xi32>) schedule <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>
    scf.for %arg9 = %arg7 to %0 step %arg8 {
      %group, %row_base, %m0, %n0, %split = ggemm.tile_coords %arg9 tiles_m [] tiles_n [1, 1] group_sizes(%arg5 : memref<2xi32>) schedule <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>
      ggemm.mma_tile group %group row_base %row_base tile %m0, %n0 split %split work %arg9 rows<contiguous> scales<row_major> a(%arg0 : memref<?x256xf4E2M1FN>) sfa(%arg1 : memref<?x16xf8E4M3FN>) b(%arg2 : memref<2x128x256xf4E2M1FN>) sfb(%arg3 : memref<2x128x16xf8E4M3FN>) c(%arg4 : memref<?x128xf16>) group_sizes(%arg5 : memref<2xi32>) alpha(%arg6 : memref<2xf32>) schedule <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>
    }
  }
  return
}
