// ggemm-lower-launch: each ggemm.launch_kernel -> the parameters and the
// launch as host code in upstream ops (gpu, memref, arith, cf, func).
// RUN: gemm-opt %s -split-input-file --ggemm-lower-launch | FileCheck %s --implicit-check-not=ggemm.launch
// The result is valid IR: it parses again.
// RUN: gemm-opt %s -split-input-file --ggemm-lower-launch | gemm-opt -split-input-file > /dev/null
// Every function lowers with upstream's host passes (the managed C's free
// included: @managed calls mgpuMemFree for the workspace and for C).
// RUN: gemm-opt %s -split-input-file --ggemm-lower-launch | gemm-opt -split-input-file --pass-pipeline='builtin.module(expand-strided-metadata,gpu-to-llvm,convert-cf-to-llvm,convert-func-to-llvm,finalize-memref-to-llvm,convert-arith-to-llvm,reconcile-unrealized-casts)' | FileCheck %s --check-prefix=LLVM
// LLVM-LABEL: llvm.func @managed(
// LLVM-COUNT-2: llvm.call @mgpuMemFree(
// LLVM-NOT: llvm.call @mgpuMemFree(
// LLVM: llvm.return

// rows<list>, one group, the arguments in an order of their own (C first):
// the ggemm.launch_kernel's operands say which is which. A host buffer for
// the maps at the function's start (16 words a map, 64-byte aligned); one
// stream from the first gpu.wait to the last, and one workspace on it
// (status at +0, the parameter block at +128). A's map (64 bytes x 96
// rows, stride 64, box 128 x 128, 128B swizzle) and B's are encoded on the
// host into words 0-15 and 16-31 of the buffer, each call checked; the
// setup kernel gets the block (35 words: 2 maps, C, SFA, SFB) and status
// {0, 0} (list form); the kernel gets the maps at +128, C at +128+256,
// SFA/SFB at +128+264, null group_sizes and alpha and the status, with
// the attribute's grid, block and shared memory. No error flags to check.
// CHECK: llvm.func @ggemmTensorMapEncode(!llvm.ptr, !llvm.ptr, i64, i64, i64, i64, i64, i32) -> i32
// CHECK-LABEL: func.func @list(
// CHECK-SAME: %[[C:[^:]*]]: memref<96x128xf16>, %[[A:[^:]*]]: memref<96x128xf4E2M1FN>, %[[SFA:[^:]*]]: memref<96x8xf8E4M3FN>, %[[B:[^:]*]]: memref<128x128xf4E2M1FN>, %[[SFB:[^:]*]]: memref<128x8xf8E4M3FN>) {
// CHECK: %[[HOST:.*]] = memref.alloca() {alignment = 64 : i64} : memref<32xi64>
// CHECK: %[[T0:.*]] = gpu.wait async
// CHECK: %[[WS:.*]], %[[T1:.*]] = gpu.alloc async [%[[T0]]] () : memref<512xi8>
// CHECK: %[[WSP:.*]] = memref.extract_aligned_pointer_as_index %[[WS]]
// CHECK: %[[BASE:.*]] = arith.index_castui %[[WSP]] : index to i64
// CHECK: %[[BLOCK:.*]] = arith.addi %[[BASE]], %c128_i64
// CHECK: %[[HP:.*]] = memref.extract_aligned_pointer_as_index %[[HOST]]
// CHECK: %[[HADDR:.*]] = arith.index_castui %[[HP]]
// CHECK: %[[MAP0:.*]] = llvm.inttoptr %[[HADDR]]
// CHECK: memref.extract_aligned_pointer_as_index %[[A]] : memref<96x128xf4E2M1FN>
// CHECK: %[[APTR:.*]] = llvm.inttoptr
// CHECK: %[[RC0:.*]] = llvm.call @ggemmTensorMapEncode(%[[MAP0]], %[[APTR]], %c64_i64{{[_0-9]*}}, %c96_i64, %c64_i64{{[_0-9]*}}, %c128_i64{{[_0-9]*}}, %c128_i64{{[_0-9]*}}, %c1_i32)
// CHECK: %[[OK0:.*]] = arith.cmpi eq, %[[RC0]], %c0_i32
// CHECK: cf.assert %[[OK0]], "ggemm: cuTensorMapEncodeTiled refused tensor map 0 (a of operand set 0; libGGemmMGPU printed why)"
// CHECK: %[[W0:.*]] = memref.load %[[HOST]][%c0] : memref<32xi64>
// CHECK: %[[W15:.*]] = memref.load %[[HOST]][%c15] : memref<32xi64>
// CHECK: arith.addi %[[HADDR]], %c128_i64
// CHECK: memref.extract_aligned_pointer_as_index %[[B]] : memref<128x128xf4E2M1FN>
// CHECK: call @ggemmTensorMapEncode(%{{.*}}, %{{.*}}, %c64_i64{{[_0-9]*}}, %c128_i64{{[_0-9]*}}, %c64_i64{{[_0-9]*}}, %c128_i64{{[_0-9]*}}, %c128_i64{{[_0-9]*}}, %c1_i32{{[_0-9]*}})
// CHECK: "ggemm: cuTensorMapEncodeTiled refused tensor map 1 (b of operand set 0;
// CHECK: %[[W31:.*]] = memref.load %[[HOST]][%c31] : memref<32xi64>
// CHECK: %[[CP:.*]] = memref.extract_aligned_pointer_as_index %[[C]] : memref<96x128xf16>
// CHECK: %[[C64:.*]] = arith.index_castui %[[CP]]
// CHECK: %[[SFAP:.*]] = memref.extract_aligned_pointer_as_index %[[SFA]]
// CHECK: %[[SFA64:.*]] = arith.index_castui %[[SFAP]]
// CHECK: %[[SFBP:.*]] = memref.extract_aligned_pointer_as_index %[[SFB]]
// CHECK: %[[SFB64:.*]] = arith.index_castui %[[SFBP]]
// CHECK: %[[STATUS:.*]] = llvm.inttoptr %[[BASE]] : i64 to !llvm.ptr<1>
// CHECK: %[[DST:.*]] = llvm.inttoptr %[[BLOCK]] : i64 to !llvm.ptr<1>
// CHECK: %[[T2:.*]] = gpu.launch_func async [%[[T1]]] @ggemm_list::@ggemm_list_setup blocks in (%c1{{.*}}, %c1{{.*}}, %c1{{.*}}) threads in (%c1{{.*}}, %c1{{.*}}, %c1{{.*}}) args(%[[DST]] : !llvm.ptr<1>, %[[STATUS]] : !llvm.ptr<1>, %c0_i32 : i32, %[[W0]] : i64, {{.*}}, %[[W15]] : i64, {{.*}}, %[[W31]] : i64, %[[C64]] : i64, %[[SFA64]] : i64, %[[SFB64]] : i64)
// CHECK: %[[P0:.*]] = llvm.inttoptr %[[BLOCK]] : i64 to !llvm.ptr<1>
// CHECK: %[[CW:.*]] = arith.addi %[[BLOCK]], %c256_i64
// CHECK: %[[P1:.*]] = llvm.inttoptr %[[CW]] : i64 to !llvm.ptr<1>
// CHECK: %[[SW:.*]] = arith.addi %[[BLOCK]], %c264_i64
// CHECK: %[[P2:.*]] = llvm.inttoptr %[[SW]] : i64 to !llvm.ptr<1>
// CHECK: %[[NULLSIZES:.*]] = llvm.inttoptr %c0_i64{{.*}} : i64 to !llvm.ptr<1>
// CHECK: %[[NULLALPHA:.*]] = llvm.inttoptr %c0_i64{{.*}} : i64 to !llvm.ptr<1>
// CHECK: %[[P5:.*]] = llvm.inttoptr %[[BASE]] : i64 to !llvm.ptr<1>
// CHECK: %[[T3:.*]] = gpu.launch_func async [%[[T2]]] @ggemm_list::@ggemm_list blocks in (%c132, %c1{{.*}}, %c1{{.*}}) threads in (%c288, %c1{{.*}}, %c1{{.*}}) dynamic_shared_memory_size %c198656_i32 args(%[[P0]] : !llvm.ptr<1>, %[[P1]] : !llvm.ptr<1>, %[[P2]] : !llvm.ptr<1>, %[[NULLSIZES]] : !llvm.ptr<1>, %[[NULLALPHA]] : !llvm.ptr<1>, %[[P5]] : !llvm.ptr<1>)
// CHECK: %[[T4:.*]] = gpu.dealloc async [%[[T3]]] %[[WS]]
// CHECK: gpu.wait [%[[T4]]]
// CHECK-NOT: cf.assert
// CHECK: return
module attributes {gpu.container_module} {
  gpu.binary @ggemm_list [#gpu.object<#nvvm.target<chip = "sm_90a">, "">]
  func.func @list(%c0: memref<96x128xf16>, %a0: memref<96x128xf4E2M1FN>,
                  %sfa0: memref<96x8xf8E4M3FN>, %b0: memref<128x128xf4E2M1FN>,
                  %sfb0: memref<128x8xf8E4M3FN>) {
    ggemm.launch_kernel @ggemm_list::@ggemm_list rows<list> scales<row_major> a(%a0 : memref<96x128xf4E2M1FN>) sfa(%sfa0 : memref<96x8xf8E4M3FN>) b(%b0 : memref<128x128xf4E2M1FN>) sfb(%sfb0 : memref<128x8xf8E4M3FN>) c(%c0 : memref<96x128xf16>) {launch = #ggemm.launch<kernel = @ggemm_list::@ggemm_list, grid = [132, 1, 1], cluster = [1, 1, 1], plan = <threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>, problem = <rows = list, scales = row_major, alpha = false, groups = [96, 128, 128], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>, tensor_maps = [<group = 0, operand = "a", dims = [64, 96], strides = [64], box = [128, 128], swizzle = "128B">, <group = 0, operand = "b", dims = [64, 128], strides = [64], box = [128, 128], swizzle = "128B">]>}
    return
  }
}

// -----

// rows<contiguous> with alpha and scale maps (the sm_100a kernel's four
// maps per set, sfa/sfb unswizzled with 16-byte boxes): the rows of A come
// from memref.dim (at least 1 for TMA) for the A and SFA maps and status[0]
// (checked to fit in i32); B is [G*N, K/2] bytes; group_sizes and alpha
// are the function's buffers; after the launch the error flags come back
// and a nonzero flag fails a cf.assert.
// CHECK-LABEL: func.func @moe(
// CHECK-SAME: %[[A:[^:]*]]: memref<?x512xf4E2M1FN>, %[[SFA:[^:]*]]: memref<?x32xf8E4M3FN>, %[[B:[^:]*]]: memref<2x256x512xf4E2M1FN>, %[[SFB:[^:]*]]: memref<2x256x32xf8E4M3FN>, %[[C:[^:]*]]: memref<?x256xf16>, %[[SIZES:[^:]*]]: memref<2xi32>, %[[ALPHA:[^:]*]]: memref<2xf32>)
// CHECK: %[[STH:.*]] = memref.alloca() : memref<2xi32>
// CHECK: %[[HOST:.*]] = memref.alloca() {alignment = 64 : i64} : memref<64xi64>
// CHECK: %[[T0:.*]] = gpu.wait async
// CHECK: gpu.alloc async [%[[T0]]] () : memref<768xi8>
// CHECK: %[[ROWS:.*]] = memref.dim %[[A]], %c0
// CHECK: %[[ROWS64:.*]] = arith.index_castui %[[ROWS]] : index to i64
// CHECK: %[[FITS:.*]] = arith.cmpi ule, %[[ROWS64]], %c2147483647_i64
// CHECK: cf.assert %[[FITS]], "ggemm: the one A buffer has more than 2^31 - 1 rows"
// CHECK: %[[ROWS32:.*]] = arith.trunci %[[ROWS64]] : i64 to i32
// CHECK: %[[ROWS1:.*]] = arith.maxui %[[ROWS]], %c1
// CHECK: %[[MAPROWS:.*]] = arith.index_castui %[[ROWS1]] : index to i64
// CHECK: memref.extract_aligned_pointer_as_index %[[A]]
// CHECK: call @ggemmTensorMapEncode(%{{.*}}, %{{.*}}, %c256_i64, %[[MAPROWS]], %c256_i64{{[_0-9]*}}, %c128_i64{{[_0-9]*}}, %c128_i64{{[_0-9]*}}, %c1_i32)
// CHECK: memref.extract_aligned_pointer_as_index %[[B]]
// CHECK: call @ggemmTensorMapEncode(%{{.*}}, %{{.*}}, %c256_i64{{[_0-9]*}}, %c512_i64, %c256_i64{{[_0-9]*}}, %c128_i64{{[_0-9]*}}, %c128_i64{{[_0-9]*}}, %c1_i32{{[_0-9]*}})
// CHECK: memref.extract_aligned_pointer_as_index %[[SFA]]
// CHECK: call @ggemmTensorMapEncode(%{{.*}}, %{{.*}}, %c32_i64, %[[MAPROWS]], %c32_i64{{[_0-9]*}}, %c16_i64, %c128_i64{{[_0-9]*}}, %c0_i32{{[_0-9]*}})
// CHECK: memref.extract_aligned_pointer_as_index %[[SFB]]
// CHECK: call @ggemmTensorMapEncode(%{{.*}}, %{{.*}}, %c32_i64{{[_0-9]*}}, %c512_i64{{[_0-9]*}}, %c32_i64{{[_0-9]*}}, %c16_i64{{[_0-9]*}}, %c128_i64{{[_0-9]*}}, %c0_i32{{[_0-9]*}})
// CHECK: %[[S:.*]] = gpu.launch_func async [%{{.*}}] @ggemm_moe::@ggemm_moe_setup {{.*}} args(%{{.*}} : !llvm.ptr<1>, %{{.*}} : !llvm.ptr<1>, %[[ROWS32]] : i32,
// CHECK: %[[SIZESP:.*]] = memref.extract_aligned_pointer_as_index %[[SIZES]] : memref<2xi32>
// CHECK: %[[SIZES64:.*]] = arith.index_castui %[[SIZESP]]
// CHECK: %[[SP:.*]] = llvm.inttoptr %[[SIZES64]] : i64 to !llvm.ptr<1>
// CHECK: %[[ALPHAP:.*]] = memref.extract_aligned_pointer_as_index %[[ALPHA]] : memref<2xf32>
// CHECK: %[[ALPHA64:.*]] = arith.index_castui %[[ALPHAP]]
// CHECK: %[[AP:.*]] = llvm.inttoptr %[[ALPHA64]] : i64 to !llvm.ptr<1>
// CHECK: %[[T:.*]] = gpu.launch_func async [%[[S]]] @ggemm_moe::@ggemm_moe blocks in (%c148, {{.*}} threads in (%c224, {{.*}} dynamic_shared_memory_size %c199824_i32 args({{.*}} : !llvm.ptr<1>, {{.*}} : !llvm.ptr<1>, {{.*}} : !llvm.ptr<1>, %[[SP]] : !llvm.ptr<1>, %[[AP]] : !llvm.ptr<1>, {{.*}} : !llvm.ptr<1>)
// CHECK: %[[BACK:.*]] = gpu.memcpy async [%[[T]]] %[[STH]], %{{.*}} : memref<2xi32>, memref<2xi32>
// CHECK: gpu.dealloc async [%[[BACK]]]
// CHECK: gpu.wait
// CHECK: %[[FLAGS:.*]] = memref.load %[[STH]][%c1
// CHECK: %[[CLEAN:.*]] = arith.cmpi eq, %[[FLAGS]], %c0_i32
// CHECK: cf.assert %[[CLEAN]], "ggemm: the run-time group sizes add up to more rows than A has
// CHECK: return
module attributes {gpu.container_module} {
  gpu.binary @ggemm_moe [#gpu.object<#nvvm.target<chip = "sm_100a">, "">]
  func.func @moe(%a: memref<?x512xf4E2M1FN>, %sfa: memref<?x32xf8E4M3FN>,
                 %b: memref<2x256x512xf4E2M1FN>, %sfb: memref<2x256x32xf8E4M3FN>,
                 %c: memref<?x256xf16>, %sizes: memref<2xi32>,
                 %alpha: memref<2xf32>) {
    ggemm.launch_kernel @ggemm_moe::@ggemm_moe rows<contiguous> scales<row_major> a(%a : memref<?x512xf4E2M1FN>) sfa(%sfa : memref<?x32xf8E4M3FN>) b(%b : memref<2x256x512xf4E2M1FN>) sfb(%sfb : memref<2x256x32xf8E4M3FN>) c(%c : memref<?x256xf16>) group_sizes(%sizes : memref<2xi32>) alpha(%alpha : memref<2xf32>) {launch = #ggemm.launch<kernel = @ggemm_moe::@ggemm_moe, grid = [148, 1, 1], cluster = [1, 1, 1], plan = <threads = 224, shared_memory = 199824, tensor_memory_columns = 512, swizzle = "128B", scale_maps = true, alignment = [16, 16, 16, 16, 16], roles = [<producer, first_warp = 0, num_warps = 1, max_registers = 0>, <mma, first_warp = 1, num_warps = 1, max_registers = 0>, <epilogue, first_warp = 2, num_warps = 4, max_registers = 0>, <scales, first_warp = 6, num_warps = 1, max_registers = 0>]>, problem = <rows = contiguous, scales = row_major, alpha = true, groups = [-1, 256, 512, -1, 256, 512], schedule = <target = sm_100a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 148, stages = 4>>, tensor_maps = [<group = 0, operand = "a", dims = [256, -1], strides = [256], box = [128, 128], swizzle = "128B">, <group = 0, operand = "b", dims = [256, 512], strides = [256], box = [128, 128], swizzle = "128B">, <group = 0, operand = "sfa", dims = [32, -1], strides = [32], box = [16, 128], swizzle = "none">, <group = 0, operand = "sfb", dims = [32, 512], strides = [32], box = [16, 128], swizzle = "none">]>}
    return
  }
}

// -----

// In place: the launch replaces the ggemm.launch_kernel among the
// function's other ops, on any memref operand of device memory (here C
// from gpu.alloc, not an argument).
// CHECK-LABEL: func.func @in_place(
// CHECK: memref.store %{{.*}}, %{{.*}} : memref<1xi32>
// CHECK: %[[DC:.*]] = gpu.alloc () : memref<96x128xf16>
// CHECK: gpu.launch_func async
// CHECK: gpu.wait [
// CHECK: memref.store %{{.*}}, %{{.*}} : memref<1xi32>
// CHECK: gpu.dealloc %[[DC]]
// CHECK: return
module attributes {gpu.container_module} {
  gpu.binary @ggemm_list [#gpu.object<#nvvm.target<chip = "sm_90a">, "">]
  func.func @in_place(%flag: memref<1xi32>, %a0: memref<96x128xf4E2M1FN>,
                  %sfa0: memref<96x8xf8E4M3FN>, %b0: memref<128x128xf4E2M1FN>,
                  %sfb0: memref<128x8xf8E4M3FN>) {
    %before = arith.constant 7 : i32
    %i = arith.constant 0 : index
    memref.store %before, %flag[%i] : memref<1xi32>
    %c0 = gpu.alloc () : memref<96x128xf16>
    ggemm.launch_kernel @ggemm_list::@ggemm_list rows<list> scales<row_major> a(%a0 : memref<96x128xf4E2M1FN>) sfa(%sfa0 : memref<96x8xf8E4M3FN>) b(%b0 : memref<128x128xf4E2M1FN>) sfb(%sfb0 : memref<128x8xf8E4M3FN>) c(%c0 : memref<96x128xf16>) {launch = #ggemm.launch<kernel = @ggemm_list::@ggemm_list, grid = [132, 1, 1], cluster = [1, 1, 1], plan = <threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>, problem = <rows = list, scales = row_major, alpha = false, groups = [96, 128, 128], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>, tensor_maps = [<group = 0, operand = "a", dims = [64, 96], strides = [64], box = [128, 128], swizzle = "128B">, <group = 0, operand = "b", dims = [64, 128], strides = [64], box = [128, 128], swizzle = "128B">]>}
    %after = arith.constant 8 : i32
    memref.store %after, %flag[%i] : memref<1xi32>
    gpu.dealloc %c0 : memref<96x128xf16>
    return
  }
}


// -----

// C from a host allocation of the function (what bufferization makes of a
// tensor.empty): it becomes managed memory (gpu.alloc host_shared), which
// the kernel and the host both address, and its memref.dealloc a
// gpu.dealloc on a stream it waits for (the form upstream's gpu-to-llvm
// lowers); the host reads C after the launch waited for the kernel.
// CHECK-LABEL: func.func @managed(
// CHECK: %[[C:.*]] = gpu.alloc host_shared () : memref<96x128xf16>
// CHECK: memref.extract_aligned_pointer_as_index %[[C]]
// CHECK: gpu.launch_func async {{.*}} @ggemm_list::@ggemm_list blocks
// CHECK: gpu.wait [
// CHECK: %[[V:.*]] = memref.load %[[C]]
// CHECK: %[[S:.*]] = gpu.wait async
// CHECK: %[[F:.*]] = gpu.dealloc async [%[[S]]] %[[C]] : memref<96x128xf16>
// CHECK: gpu.wait [%[[F]]]
// CHECK: return %[[V]]
module attributes {gpu.container_module} {
  gpu.binary @ggemm_list [#gpu.object<#nvvm.target<chip = "sm_90a">, "">]
  func.func @managed(%a0: memref<96x128xf4E2M1FN>, %sfa0: memref<96x8xf8E4M3FN>,
                     %b0: memref<128x128xf4E2M1FN>, %sfb0: memref<128x8xf8E4M3FN>) -> f16 {
    %c0 = memref.alloc() {alignment = 64 : i64} : memref<96x128xf16>
    ggemm.launch_kernel @ggemm_list::@ggemm_list rows<list> scales<row_major> a(%a0 : memref<96x128xf4E2M1FN>) sfa(%sfa0 : memref<96x8xf8E4M3FN>) b(%b0 : memref<128x128xf4E2M1FN>) sfb(%sfb0 : memref<128x8xf8E4M3FN>) c(%c0 : memref<96x128xf16>) {launch = #ggemm.launch<kernel = @ggemm_list::@ggemm_list, grid = [132, 1, 1], cluster = [1, 1, 1], plan = <threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>, problem = <rows = list, scales = row_major, alpha = false, groups = [96, 128, 128], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>, tensor_maps = [<group = 0, operand = "a", dims = [64, 96], strides = [64], box = [128, 128], swizzle = "128B">, <group = 0, operand = "b", dims = [64, 128], strides = [64], box = [128, 128], swizzle = "128B">]>}
    %i = arith.constant 0 : index
    %v = memref.load %c0[%i, %i] : memref<96x128xf16>
    memref.dealloc %c0 : memref<96x128xf16>
    return %v : f16
  }
}
