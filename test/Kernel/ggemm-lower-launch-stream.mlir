// ggemm-lower-launch{caller-stream=true} (ggemm-pipeline{host=stream}): the
// function takes the caller's stream and a workspace as two new arguments,
// and its launches only enqueue on that stream: no allocation, copy or
// wait (docs/aot-host.md, "On the caller's stream").
// RUN: gemm-opt %s --ggemm-lower-launch=caller-stream=true | FileCheck %s --implicit-check-not=ggemm.launch --implicit-check-not=gpu.alloc --implicit-check-not=gpu.memcpy --implicit-check-not=gpu.wait --implicit-check-not=gpu.dealloc
// RUN: gemm-opt %s --ggemm-lower-launch=caller-stream=true | gemm-opt > /dev/null

// Two launches in one function (here of the same kernel, on two C), with
// host work between them. The workspace: status pairs at +0 and +8 (padded
// to 128 bytes), launch 0's block at +128 and launch 1's at +512 (35 words
// rounded up to 384 bytes), 896 bytes in all, which the new
// @two_workspace_bytes returns. The stream argument becomes the token both
// setup kernels wait on; each kernel waits on its setup kernel.
// CHECK-LABEL: func.func @two(
// CHECK-SAME: %[[C0:[^:]*]]: memref<96x128xf16>, %[[C1:[^:]*]]: memref<96x128xf16>, %{{.*}}: memref<96x128xf4E2M1FN>, %{{.*}}: memref<96x8xf8E4M3FN>, %{{.*}}: memref<128x128xf4E2M1FN>, %{{.*}}: memref<128x8xf8E4M3FN>, %{{.*}}: memref<1xi32>, %[[STREAM:[^:]*]]: !llvm.ptr, %[[WS:[^:]*]]: memref<?xi8>)
// CHECK: %[[HOST:.*]] = memref.alloca() {alignment = 64 : i64} : memref<32xi64>
// CHECK: %[[TOKEN:.*]] = builtin.unrealized_conversion_cast %[[STREAM]] : !llvm.ptr to !gpu.async.token
// CHECK: %[[SIZE:.*]] = memref.dim %[[WS]], %c0
// CHECK: %[[BIG:.*]] = arith.cmpi uge, %[[SIZE]], %c896
// CHECK: cf.assert %[[BIG]], "ggemm: the workspace of @two is smaller than 896 bytes (two_workspace_bytes())"
// CHECK: %[[WSP:.*]] = memref.extract_aligned_pointer_as_index %[[WS]]
// CHECK: %[[BASE:.*]] = arith.index_castui %[[WSP]]
// CHECK: %[[LOW:.*]] = arith.andi %[[BASE]], %c63_i64
// CHECK: %[[ALIGNED:.*]] = arith.cmpi eq, %[[LOW]], %c0_i64
// CHECK: cf.assert %[[ALIGNED]], "ggemm: the workspace of @two is not 64-byte aligned"
// CHECK: memref.store
// CHECK: %[[S0:.*]] = arith.addi %[[BASE]], %c0_i64
// CHECK: %[[B0:.*]] = arith.addi %[[BASE]], %c128_i64
// CHECK: call @ggemmTensorMapEncode(
// CHECK: call @ggemmTensorMapEncode(
// CHECK: %[[SETUP0:.*]] = gpu.launch_func async [%[[TOKEN]]] @ggemm_list::@ggemm_list_setup
// CHECK: gpu.launch_func async [%[[SETUP0]]] @ggemm_list::@ggemm_list blocks
// CHECK: memref.store
// CHECK: %[[S1:.*]] = arith.addi %[[BASE]], %c8_i64
// CHECK: %[[B1:.*]] = arith.addi %[[BASE]], %c512_i64
// CHECK: call @ggemmTensorMapEncode(
// CHECK: call @ggemmTensorMapEncode(
// CHECK: %[[SETUP1:.*]] = gpu.launch_func async [%[[TOKEN]]] @ggemm_list::@ggemm_list_setup
// CHECK: gpu.launch_func async [%[[SETUP1]]] @ggemm_list::@ggemm_list blocks
// CHECK-NOT: cf.assert
// CHECK: return
// CHECK: func.func @two_workspace_bytes() -> i64 {
// CHECK: %[[W:.*]] = arith.constant 896 : i64
// CHECK: return %[[W]] : i64
module attributes {gpu.container_module} {
  gpu.binary @ggemm_list [#gpu.object<#nvvm.target<chip = "sm_90a">, "">]
  func.func @two(%c0: memref<96x128xf16>, %c1: memref<96x128xf16>,
                 %a0: memref<96x128xf4E2M1FN>, %sfa0: memref<96x8xf8E4M3FN>,
                 %b0: memref<128x128xf4E2M1FN>, %sfb0: memref<128x8xf8E4M3FN>,
                 %flag: memref<1xi32>) {
    %i = arith.constant 0 : index
    %x = arith.constant 1 : i32
    memref.store %x, %flag[%i] : memref<1xi32>
    ggemm.launch_kernel @ggemm_list::@ggemm_list rows<list> scales<row_major> a(%a0 : memref<96x128xf4E2M1FN>) sfa(%sfa0 : memref<96x8xf8E4M3FN>) b(%b0 : memref<128x128xf4E2M1FN>) sfb(%sfb0 : memref<128x8xf8E4M3FN>) c(%c0 : memref<96x128xf16>) {launch = #ggemm.launch<kernel = @ggemm_list::@ggemm_list, grid = [132, 1, 1], cluster = [1, 1, 1], plan = <threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>, problem = <rows = list, scales = row_major, alpha = false, groups = [96, 128, 128], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>, tensor_maps = [<group = 0, operand = "a", dims = [64, 96], strides = [64], box = [128, 128], swizzle = "128B">, <group = 0, operand = "b", dims = [64, 128], strides = [64], box = [128, 128], swizzle = "128B">]>}
    memref.store %x, %flag[%i] : memref<1xi32>
    ggemm.launch_kernel @ggemm_list::@ggemm_list rows<list> scales<row_major> a(%a0 : memref<96x128xf4E2M1FN>) sfa(%sfa0 : memref<96x8xf8E4M3FN>) b(%b0 : memref<128x128xf4E2M1FN>) sfb(%sfb0 : memref<128x8xf8E4M3FN>) c(%c1 : memref<96x128xf16>) {launch = #ggemm.launch<kernel = @ggemm_list::@ggemm_list, grid = [132, 1, 1], cluster = [1, 1, 1], plan = <threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>, problem = <rows = list, scales = row_major, alpha = false, groups = [96, 128, 128], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>, tensor_maps = [<group = 0, operand = "a", dims = [64, 96], strides = [64], box = [128, 128], swizzle = "128B">, <group = 0, operand = "b", dims = [64, 128], strides = [64], box = [128, 128], swizzle = "128B">]>}
    return
  }
}
