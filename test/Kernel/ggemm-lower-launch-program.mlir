// A whole program's own launches around ggemm's (its elementwise work as
// upstream-outlined kernels): the host buffers they use are placed as
// ggemm's operands are, and with host=stream their launches go on the
// caller's stream with ggemm's.
// RUN: gemm-opt %s --ggemm-lower-launch | FileCheck %s --check-prefix=LAUNCH
// RUN: gemm-opt %s --ggemm-lower-launch=caller-stream=true | FileCheck %s --check-prefix=STREAM

// host=launch: the program's buffer becomes managed memory (the host may
// read it after the synchronous launches); its launch stays as it was.
// LAUNCH-LABEL: func.func @layer(
// LAUNCH: %[[ACT:.*]] = gpu.alloc host_shared () : memref<96x128xf32>
// LAUNCH: %[[VIEW:.*]] = memref.subview %[[ACT]]
// LAUNCH: gpu.launch_func @own::@own blocks in ({{.*}}) threads in ({{.*}}) args(%[[VIEW]] : memref<48x128xf32, strided<[128, 1]>>)
// LAUNCH: gpu.launch_func async {{.*}} @ggemm_list::@ggemm_list_setup
// LAUNCH: gpu.launch_func async {{.*}} @ggemm_list::@ggemm_list blocks
// LAUNCH: gpu.wait
// LAUNCH: %[[T:.*]] = gpu.wait async
// LAUNCH: %[[F:.*]] = gpu.dealloc async [%[[T]]] %[[ACT]]
// LAUNCH: gpu.wait [%[[F]]]

// host=stream: stream-ordered device memory and launches on the stream
// argument, in program order; nothing waits.
// STREAM-LABEL: func.func @layer(
// STREAM-SAME: %[[S:[^:]*]]: !llvm.ptr, %{{[^:]*}}: memref<?xi8>)
// STREAM: %[[TOKEN:.*]] = builtin.unrealized_conversion_cast %[[S]] : !llvm.ptr to !gpu.async.token
// STREAM: %[[ACT:.*]], %{{.*}} = gpu.alloc async [%[[TOKEN]]] () : memref<96x128xf32>
// STREAM: %[[VIEW:.*]] = memref.subview %[[ACT]]
// The grid is checked: an empty one (no tokens) is not launched.
// STREAM-COUNT-3: arith.cmpi ugt
// STREAM: arith.andi
// STREAM: scf.if %{{.*}} {
// STREAM-NEXT: gpu.launch_func async [%[[TOKEN]]] @own::@own blocks in ({{.*}}) threads in ({{.*}}) args(%[[VIEW]] : memref<48x128xf32, strided<[128, 1]>>)
// STREAM-NEXT: }
// STREAM: gpu.launch_func async [%[[TOKEN]]] @ggemm_list::@ggemm_list_setup
// STREAM: gpu.launch_func async [%{{.*}}] @ggemm_list::@ggemm_list blocks
// STREAM: gpu.dealloc async [%[[TOKEN]]] %[[ACT]] : memref<96x128xf32>
// STREAM-NEXT: return
// STREAM-NOT: gpu.wait
module attributes {gpu.container_module} {
  gpu.binary @ggemm_list [#gpu.object<#nvvm.target<chip = "sm_90a">, "">]
  gpu.binary @own [#gpu.object<#nvvm.target<chip = "sm_90a">, "">]
  func.func @layer(%a0: memref<96x128xf4E2M1FN>, %sfa0: memref<96x8xf8E4M3FN>, %b0: memref<128x128xf4E2M1FN>, %sfb0: memref<128x8xf8E4M3FN>, %c0: memref<96x128xf16>) {
    %one = arith.constant 1 : index
    %act = memref.alloc() : memref<96x128xf32>
    %half = memref.subview %act[0, 0] [48, 128] [1, 1] : memref<96x128xf32> to memref<48x128xf32, strided<[128, 1]>>
    %d = memref.dim %act, %one : memref<96x128xf32>
    gpu.launch_func @own::@own blocks in (%one, %one, %one) threads in (%one, %one, %one) args(%half : memref<48x128xf32, strided<[128, 1]>>)
    ggemm.launch_kernel @ggemm_list::@ggemm_list rows<list> scales<row_major> a(%a0 : memref<96x128xf4E2M1FN>) sfa(%sfa0 : memref<96x8xf8E4M3FN>) b(%b0 : memref<128x128xf4E2M1FN>) sfb(%sfb0 : memref<128x8xf8E4M3FN>) c(%c0 : memref<96x128xf16>) {launch = #ggemm.launch<kernel = @ggemm_list::@ggemm_list, grid = [132, 1, 1], cluster = [1, 1, 1], plan = <threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>, problem = <rows = list, scales = row_major, alpha = false, groups = [96, 128, 128], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>, tensor_maps = [<group = 0, operand = "a", dims = [64, 96], strides = [64], box = [128, 128], swizzle = "128B">, <group = 0, operand = "b", dims = [64, 128], strides = [64], box = [128, 128], swizzle = "128B">]>}
    memref.dealloc %act : memref<96x128xf32>
    return
  }
}
