// ggemm-lower-launch: #ggemm.launch -> the parameters and the launch as host
// code in upstream ops (gpu, nvgpu, memref, arith, cf).
// RUN: gemm-opt %s -split-input-file --ggemm-lower-launch | FileCheck %s --implicit-check-not=ggemm.launch
// The result is valid IR: it parses again.
// RUN: gemm-opt %s -split-input-file --ggemm-lower-launch | gemm-opt -split-input-file > /dev/null

// rows<list>, one group, the arguments in an order of their own (C first):
// the ggemm.launch_kernel's operands say which is which. One stream from the first
// gpu.wait to the last; A's byte view (96 rows of 64 bytes) and B's get a
// descriptor each, copied into rows 0 and 1 of the tensor-map array (at
// +0 and +128 bytes) and freed; C's address is c_pointers[0], SFA's and
// SFB's scale_pointers[0..1]; group_sizes and alpha are null; status
// {0, 0}; the launch has the attribute's grid, block and shared memory.
// CHECK-LABEL: func.func @list(
// CHECK-SAME: %[[C:[^:]*]]: memref<96x128xf16>, %[[A:[^:]*]]: memref<96x128xf4E2M1FN>, %[[SFA:[^:]*]]: memref<96x8xf8E4M3FN>, %[[B:[^:]*]]: memref<128x128xf4E2M1FN>, %[[SFB:[^:]*]]: memref<128x8xf8E4M3FN>) {
// CHECK: %[[T0:.*]] = gpu.wait async
// CHECK: %[[MAPS:.*]], %[[T1:.*]] = gpu.alloc async [%[[T0]]] () : memref<2x128xi8>
// CHECK: %[[MAPS_PTR:.*]] = memref.extract_aligned_pointer_as_index %[[MAPS]]
// CHECK: %[[MAPS_ADDR:.*]] = arith.index_castui %[[MAPS_PTR]] : index to i64
// CHECK: memref.extract_aligned_pointer_as_index %[[A]] : memref<96x128xf4E2M1FN>
// CHECK: %[[AVIEW:.*]] = builtin.unrealized_conversion_cast %{{.*}} : !llvm.struct<(ptr, ptr, i64, array<2 x i64>, array<2 x i64>)> to memref<96x64xui8>
// CHECK: %[[AU:.*]] = memref.cast %[[AVIEW]] : memref<96x64xui8> to memref<*xui8>
// CHECK: %[[AMAP:.*]] = nvgpu.tma.create.descriptor %[[AU]] box[%c128{{.*}}, %c128{{.*}}] : memref<*xui8> -> <tensor = memref<128x128xui8, #gpu.address_space<workgroup>>, swizzle = swizzle_128b, l2promo = l2promo_128b, oob = zero, interleave = none>
// CHECK: builtin.unrealized_conversion_cast %[[AMAP]] : {{.*}} to !llvm.ptr
// CHECK: %[[AENC:.*]] = builtin.unrealized_conversion_cast %{{.*}} to memref<128xi8>
// CHECK: arith.addi %[[MAPS_ADDR]], %c0_i64
// CHECK: %[[ROW0:.*]] = builtin.unrealized_conversion_cast %{{.*}} to memref<128xi8>
// CHECK: %[[T2:.*]] = gpu.memcpy async [%[[T1]]] %[[ROW0]], %[[AENC]] : memref<128xi8>, memref<128xi8>
// CHECK: %[[T3:.*]] = gpu.dealloc async [%[[T2]]] %[[AENC]] : memref<128xi8>
// CHECK: memref.extract_aligned_pointer_as_index %[[B]] : memref<128x128xf4E2M1FN>
// CHECK: to memref<128x64xui8>
// CHECK: nvgpu.tma.create.descriptor
// CHECK: arith.addi %[[MAPS_ADDR]], %c128_i64
// CHECK: %[[T4:.*]] = gpu.memcpy async [%[[T3]]]
// CHECK: %[[T5:.*]] = gpu.dealloc async [%[[T4]]]
// CHECK: %[[CP:.*]] = memref.extract_aligned_pointer_as_index %[[C]] : memref<96x128xf16>
// CHECK: %[[C64:.*]] = arith.index_castui %[[CP]]
// CHECK: %[[SFAP:.*]] = memref.extract_aligned_pointer_as_index %[[SFA]]
// CHECK: %[[SFA64:.*]] = arith.index_castui %[[SFAP]]
// CHECK: %[[SFBP:.*]] = memref.extract_aligned_pointer_as_index %[[SFB]]
// CHECK: %[[SFB64:.*]] = arith.index_castui %[[SFBP]]
// CHECK: %[[CH:.*]] = memref.alloca() : memref<1xi64>
// CHECK: memref.store %[[C64]], %[[CH]][%{{.*}}] : memref<1xi64>
// CHECK: %[[CD:.*]], %[[T6:.*]] = gpu.alloc async [%[[T5]]] () : memref<1xi64>
// CHECK: %[[T7:.*]] = gpu.memcpy async [%[[T6]]] %[[CD]], %[[CH]]
// CHECK: %[[SH:.*]] = memref.alloca() : memref<2xi64>
// CHECK: memref.store %[[SFA64]], %[[SH]][%c0
// CHECK: memref.store %[[SFB64]], %[[SH]][%c1
// CHECK: %[[SD:.*]], %[[T8:.*]] = gpu.alloc async [%[[T7]]] () : memref<2xi64>
// CHECK: %[[T9:.*]] = gpu.memcpy async [%[[T8]]] %[[SD]], %[[SH]]
// CHECK: llvm.inttoptr %c0_i64
// CHECK: %[[NULLSIZES:.*]] = memref.memory_space_cast %{{.*}} : memref<1xi32> to memref<1xi32, 1>
// CHECK: llvm.inttoptr %c0_i64
// CHECK: %[[NULLALPHA:.*]] = memref.memory_space_cast %{{.*}} : memref<1xf32> to memref<1xf32, 1>
// CHECK: %[[STH:.*]] = memref.alloca() : memref<2xi32>
// CHECK: memref.store %c0_i32{{.*}}, %[[STH]][%c0
// CHECK: memref.store %c0_i32{{.*}}, %[[STH]][%c1
// CHECK: %[[STD:.*]], %[[T10:.*]] = gpu.alloc async [%[[T9]]] () : memref<2xi32>
// CHECK: %[[T11:.*]] = gpu.memcpy async [%[[T10]]] %[[STD]], %[[STH]]
// CHECK: %[[P0:.*]] = memref.memory_space_cast %[[MAPS]] : memref<2x128xi8> to memref<2x128xi8, 1>
// CHECK: %[[P1:.*]] = memref.memory_space_cast %[[CD]] : memref<1xi64> to memref<1xi64, 1>
// CHECK: %[[P2:.*]] = memref.memory_space_cast %[[SD]] : memref<2xi64> to memref<2xi64, 1>
// CHECK: %[[P5:.*]] = memref.memory_space_cast %[[STD]] : memref<2xi32> to memref<2xi32, 1>
// CHECK: %[[T12:.*]] = gpu.launch_func async [%[[T11]]] @ggemm_list::@ggemm_list blocks in (%c132, %c1{{.*}}, %c1{{.*}}) threads in (%c288, %c1{{.*}}, %c1{{.*}}) dynamic_shared_memory_size %c198656_i32 args(%[[P0]] : memref<2x128xi8, 1>, %[[P1]] : memref<1xi64, 1>, %[[P2]] : memref<2xi64, 1>, %[[NULLSIZES]] : memref<1xi32, 1>, %[[NULLALPHA]] : memref<1xf32, 1>, %[[P5]] : memref<2xi32, 1>)
// CHECK: %[[T13:.*]] = gpu.dealloc async [%[[T12]]] %[[MAPS]]
// CHECK: %[[T14:.*]] = gpu.dealloc async [%[[T13]]] %[[CD]]
// CHECK: %[[T15:.*]] = gpu.dealloc async [%[[T14]]] %[[SD]]
// CHECK: %[[T16:.*]] = gpu.dealloc async [%[[T15]]] %[[STD]]
// CHECK: gpu.wait [%[[T16]]]
// CHECK-NOT: cf.assert
// CHECK: return
module attributes {gpu.container_module} {
  gpu.binary @ggemm_list [#gpu.object<#nvvm.target<chip = "sm_90a">, "">]
  func.func @list(%c0: memref<96x128xf16>, %a0: memref<96x128xf4E2M1FN>,
                  %sfa0: memref<96x8xf8E4M3FN>, %b0: memref<128x128xf4E2M1FN>,
                  %sfb0: memref<128x8xf8E4M3FN>) attributes {
      ggemm.launch = #ggemm.launch<kernel = @ggemm_list::@ggemm_list, grid = [132, 1, 1], cluster = [1, 1, 1], plan = <threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>, problem = <rows = list, scales = row_major, alpha = false, groups = [96, 128, 128], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>, tensor_maps = [<group = 0, operand = "a", dims = [64, 96], strides = [64], box = [128, 128], swizzle = "128B">, <group = 0, operand = "b", dims = [64, 128], strides = [64], box = [128, 128], swizzle = "128B">]>} {
    ggemm.launch_kernel @ggemm_list::@ggemm_list rows<list> scales<row_major> a(%a0 : memref<96x128xf4E2M1FN>) sfa(%sfa0 : memref<96x8xf8E4M3FN>) b(%b0 : memref<128x128xf4E2M1FN>) sfb(%sfb0 : memref<128x8xf8E4M3FN>) c(%c0 : memref<96x128xf16>)
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
// CHECK: %[[T0:.*]] = gpu.wait async
// CHECK: %[[ROWS:.*]] = memref.dim %[[A]], %c0
// CHECK: gpu.alloc async [%[[T0]]] () : memref<4x128xi8>
// CHECK: %[[ROWS1:.*]] = arith.maxui %[[ROWS]], %c1
// CHECK: memref.extract_aligned_pointer_as_index %[[A]]
// CHECK: arith.index_cast %[[ROWS1]] : index to i64
// CHECK: to memref<?x256xui8>
// CHECK: nvgpu.tma.create.descriptor {{.*}} swizzle = swizzle_128b
// CHECK: memref.extract_aligned_pointer_as_index %[[B]]
// CHECK: to memref<512x256xui8>
// CHECK: nvgpu.tma.create.descriptor {{.*}} swizzle = swizzle_128b
// CHECK: arith.maxui %[[ROWS]], %c1
// CHECK: memref.extract_aligned_pointer_as_index %[[SFA]]
// CHECK: to memref<?x32xui8>
// CHECK: nvgpu.tma.create.descriptor %{{.*}} box[%c128{{.*}}, %c16{{.*}}] : memref<*xui8> -> <tensor = memref<128x16xui8, #gpu.address_space<workgroup>>, swizzle = none
// CHECK: memref.extract_aligned_pointer_as_index %[[SFB]]
// CHECK: to memref<512x32xui8>
// CHECK: nvgpu.tma.create.descriptor {{.*}} swizzle = none
// CHECK: arith.addi %{{.*}}, %c384_i64
// CHECK: %[[SP:.*]] = memref.memory_space_cast %[[SIZES]] : memref<2xi32> to memref<2xi32, 1>
// CHECK: %[[AP:.*]] = memref.memory_space_cast %[[ALPHA]] : memref<2xf32> to memref<2xf32, 1>
// CHECK: %[[ROWS64:.*]] = arith.index_castui %[[ROWS]] : index to i64
// CHECK: %[[FITS:.*]] = arith.cmpi ule, %[[ROWS64]], %c2147483647_i64
// CHECK: cf.assert %[[FITS]]
// CHECK: %[[ROWS32:.*]] = arith.trunci %[[ROWS64]] : i64 to i32
// CHECK: %[[STH:.*]] = memref.alloca() : memref<2xi32>
// CHECK: memref.store %[[ROWS32]], %[[STH]][%c0
// CHECK: %[[STD:.*]], %{{.*}} = gpu.alloc async {{.*}} : memref<2xi32>
// CHECK: %[[T:.*]] = gpu.launch_func async {{.*}} @ggemm_moe::@ggemm_moe blocks in (%c148, {{.*}} threads in (%c224, {{.*}} dynamic_shared_memory_size %c199824_i32 args({{.*}} : memref<4x128xi8, 1>, {{.*}} : memref<1xi64, 1>, {{.*}} : memref<2xi64, 1>, %[[SP]] : memref<2xi32, 1>, %[[AP]] : memref<2xf32, 1>, {{.*}} : memref<2xi32, 1>)
// CHECK: %[[BACK:.*]] = gpu.memcpy async [%[[T]]] %[[STH]], %[[STD]] : memref<2xi32>, memref<2xi32>
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
                 %alpha: memref<2xf32>) attributes {
      ggemm.launch = #ggemm.launch<kernel = @ggemm_moe::@ggemm_moe, grid = [148, 1, 1], cluster = [1, 1, 1], plan = <threads = 224, shared_memory = 199824, tensor_memory_columns = 512, swizzle = "128B", scale_maps = true, alignment = [16, 16, 16, 16, 16], roles = [<producer, first_warp = 0, num_warps = 1, max_registers = 0>, <mma, first_warp = 1, num_warps = 1, max_registers = 0>, <epilogue, first_warp = 2, num_warps = 4, max_registers = 0>, <scales, first_warp = 6, num_warps = 1, max_registers = 0>]>, problem = <rows = contiguous, scales = row_major, alpha = true, groups = [-1, 256, 512, -1, 256, 512], schedule = <target = sm_100a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 148, stages = 4>>, tensor_maps = [<group = 0, operand = "a", dims = [256, -1], strides = [256], box = [128, 128], swizzle = "128B">, <group = 0, operand = "b", dims = [256, 512], strides = [256], box = [128, 128], swizzle = "128B">, <group = 0, operand = "sfa", dims = [32, -1], strides = [32], box = [16, 128], swizzle = "none">, <group = 0, operand = "sfb", dims = [32, 512], strides = [32], box = [16, 128], swizzle = "none">]>} {
    ggemm.launch_kernel @ggemm_moe::@ggemm_moe rows<contiguous> scales<row_major> a(%a : memref<?x512xf4E2M1FN>) sfa(%sfa : memref<?x32xf8E4M3FN>) b(%b : memref<2x256x512xf4E2M1FN>) sfb(%sfb : memref<2x256x32xf8E4M3FN>) c(%c : memref<?x256xf16>) group_sizes(%sizes : memref<2xi32>) alpha(%alpha : memref<2xf32>)
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
                  %sfb0: memref<128x8xf8E4M3FN>) attributes {
      ggemm.launch = #ggemm.launch<kernel = @ggemm_list::@ggemm_list, grid = [132, 1, 1], cluster = [1, 1, 1], plan = <threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>, problem = <rows = list, scales = row_major, alpha = false, groups = [96, 128, 128], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>, tensor_maps = [<group = 0, operand = "a", dims = [64, 96], strides = [64], box = [128, 128], swizzle = "128B">, <group = 0, operand = "b", dims = [64, 128], strides = [64], box = [128, 128], swizzle = "128B">]>} {
    %before = arith.constant 7 : i32
    %i = arith.constant 0 : index
    memref.store %before, %flag[%i] : memref<1xi32>
    %c0 = gpu.alloc () : memref<96x128xf16>
    ggemm.launch_kernel @ggemm_list::@ggemm_list rows<list> scales<row_major> a(%a0 : memref<96x128xf4E2M1FN>) sfa(%sfa0 : memref<96x8xf8E4M3FN>) b(%b0 : memref<128x128xf4E2M1FN>) sfb(%sfb0 : memref<128x8xf8E4M3FN>) c(%c0 : memref<96x128xf16>)
    %after = arith.constant 8 : i32
    memref.store %after, %flag[%i] : memref<1xi32>
    gpu.dealloc %c0 : memref<96x128xf16>
    return
  }
}

