// ggemm-pack-nvfp4-memrefs: a program's own NVFP4 memref accesses onto
// ggemm's storage (two e2m1 codes per byte, the even one in the low nibble;
// one byte per e4m3 scale). Kernels are left alone.
// RUN: gemm-opt %s --ggemm-pack-nvfp4-memrefs | FileCheck %s

// A code: its byte at index/2, shifted right by 4 * (index % 2), truncated
// to 4 bits.
// CHECK-LABEL: func.func @load_code(
// CHECK-SAME: %[[M:.*]]: memref<?x8xi8>, %[[R:.*]]: index, %[[I:.*]]: index) -> f4E2M1FN
// CHECK: %[[C2:.*]] = arith.constant 2 : index
// CHECK: %[[BYTE_AT:.*]] = arith.divui %[[I]], %[[C2]] : index
// CHECK: %[[ODD:.*]] = arith.remui %[[I]], %[[C2]] : index
// CHECK: %[[ODD8:.*]] = arith.index_castui %[[ODD]] : index to i8
// CHECK: %[[C4:.*]] = arith.constant 4 : i8
// CHECK: %[[SHIFT:.*]] = arith.muli %[[ODD8]], %[[C4]] : i8
// CHECK: %[[BYTE:.*]] = memref.load %[[M]][%[[R]], %[[BYTE_AT]]] : memref<?x8xi8>
// CHECK: %[[SH:.*]] = arith.shrui %[[BYTE]], %[[SHIFT]] : i8
// CHECK: %[[CODE:.*]] = arith.trunci %[[SH]] : i8 to i4
// CHECK: %[[F:.*]] = arith.bitcast %[[CODE]] : i4 to f4E2M1FN
// CHECK: return %[[F]]
func.func @load_code(%m: memref<?x16xf4E2M1FN>, %r: index, %i: index) -> f4E2M1FN {
  %v = memref.load %m[%r, %i] : memref<?x16xf4E2M1FN>
  return %v : f4E2M1FN
}

// Storing a code keeps the other nibble of its byte.
// CHECK-LABEL: func.func @store_code(
// CHECK-SAME: %[[M:.*]]: memref<4x8xi8>, %[[I:.*]]: index, %[[V:.*]]: f4E2M1FN)
// CHECK: %[[BYTE_AT:.*]] = arith.divui %[[I]]
// CHECK: %[[SHIFT:.*]] = arith.muli
// CHECK: %[[CODE:.*]] = arith.bitcast %[[V]] : f4E2M1FN to i4
// CHECK: %[[CODE8:.*]] = arith.extui %[[CODE]] : i4 to i8
// CHECK: %[[PLACED:.*]] = arith.shli %[[CODE8]], %[[SHIFT]] : i8
// CHECK: %[[F15:.*]] = arith.constant 15 : i8
// CHECK: %[[MASK:.*]] = arith.shli %[[F15]], %[[SHIFT]] : i8
// CHECK: %[[ONES:.*]] = arith.constant -1 : i8
// CHECK: %[[KEEP:.*]] = arith.xori %[[MASK]], %[[ONES]] : i8
// CHECK: %[[OLD:.*]] = memref.load %[[M]][%{{.*}}, %[[BYTE_AT]]] : memref<4x8xi8>
// CHECK: %[[KEPT:.*]] = arith.andi %[[OLD]], %[[KEEP]] : i8
// CHECK: %[[NEW:.*]] = arith.ori %[[KEPT]], %[[PLACED]] : i8
// CHECK: memref.store %[[NEW]], %[[M]][%{{.*}}, %[[BYTE_AT]]] : memref<4x8xi8>
func.func @store_code(%m: memref<4x16xf4E2M1FN>, %i: index, %v: f4E2M1FN) {
  %c1 = arith.constant 1 : index
  memref.store %v, %m[%c1, %i] : memref<4x16xf4E2M1FN>
  return
}

// A scale is one byte.
// CHECK-LABEL: func.func @scales(
// CHECK-SAME: %[[M:.*]]: memref<?x4xi8>
// CHECK: %[[B:.*]] = memref.load %[[M]]
// CHECK: %[[S:.*]] = arith.bitcast %[[B]] : i8 to f8E4M3FN
// CHECK: %[[B2:.*]] = arith.bitcast %[[S]] : f8E4M3FN to i8
// CHECK: memref.store %[[B2]], %[[M]]
func.func @scales(%m: memref<?x4xf8E4M3FN>, %i: index) {
  %c0 = arith.constant 0 : index
  %s = memref.load %m[%i, %c0] : memref<?x4xf8E4M3FN>
  memref.store %s, %m[%c0, %i] : memref<?x4xf8E4M3FN>
  return
}

// Shapes: the innermost dimension is halved, the others are the storage's;
// asking for the innermost size gives the constant.
// CHECK-LABEL: func.func @shapes(
// CHECK-SAME: %[[M:.*]]: memref<?x64xi8>) -> (memref<?x4x8xi8>, index, index)
// CHECK: %[[C0:.*]] = arith.constant 0 : index
// CHECK: %[[T:.*]] = memref.dim %[[M]], %[[C0]] : memref<?x64xi8>
// CHECK: memref.expand_shape %[[M]] {{\[\[}}0], [1, 2]] output_shape [%[[T]], 8, 8] : memref<?x64xi8> into memref<?x8x8xi8>
// CHECK: %[[A:.*]] = memref.alloc(%[[T]]) : memref<?x4x8xi8>
// CHECK: memref.copy %{{.*}}, %[[A]] : memref<?x4x8xi8> to memref<?x4x8xi8>
// CHECK: memref.collapse_shape %[[A]] {{\[\[}}0], [1, 2]] : memref<?x4x8xi8> into memref<?x32xi8>
// CHECK: %[[C16:.*]] = arith.constant 16 : index
// CHECK: return %[[A]], %[[C16]], %[[T]]
func.func @shapes(%m: memref<?x128xf4E2M1FN>) -> (memref<?x4x16xf4E2M1FN>, index, index) {
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %t = memref.dim %m, %c0 : memref<?x128xf4E2M1FN>
  %e = memref.expand_shape %m [[0], [1, 2]] output_shape [%t, 8, 16] : memref<?x128xf4E2M1FN> into memref<?x8x16xf4E2M1FN>
  %a = memref.alloc(%t) : memref<?x4x16xf4E2M1FN>
  %half = memref.alloc(%t) : memref<?x4x16xf4E2M1FN>
  memref.copy %half, %a : memref<?x4x16xf4E2M1FN> to memref<?x4x16xf4E2M1FN>
  %l = memref.collapse_shape %a [[0], [1, 2]] : memref<?x4x16xf4E2M1FN> into memref<?x64xf4E2M1FN>
  %n = memref.dim %e, %c2 : memref<?x8x16xf4E2M1FN>
  return %a, %n, %t : memref<?x4x16xf4E2M1FN>, index, index
}

// Host code around kernels: managed allocations, addresses, loops carrying
// buffers; the kernel's own types stay.
// CHECK: gpu.module @kernels
// CHECK: gpu.func @k(%{{.*}}: memref<8x16xf4E2M1FN>)
// CHECK-LABEL: func.func @host(
// CHECK: %[[G:.*]] = gpu.alloc host_shared (%{{.*}}) : memref<?x32xi8>
// CHECK: memref.extract_aligned_pointer_as_index %[[G]] : memref<?x32xi8> -> index
// CHECK: scf.for {{.*}} iter_args(%{{.*}} = %[[G]]) -> (memref<?x32xi8>)
// CHECK: gpu.dealloc %[[G]] : memref<?x32xi8>
module attributes {gpu.container_module} {
  gpu.module @kernels {
    gpu.func @k(%m: memref<8x16xf4E2M1FN>) kernel {
      gpu.return
    }
  }
  func.func @host(%t: index) -> index {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %g = gpu.alloc host_shared (%t) : memref<?x64xf4E2M1FN>
    %p = memref.extract_aligned_pointer_as_index %g : memref<?x64xf4E2M1FN> -> index
    %r = scf.for %i = %c0 to %t step %c1 iter_args(%b = %g) -> (memref<?x64xf4E2M1FN>) {
      scf.yield %b : memref<?x64xf4E2M1FN>
    }
    gpu.dealloc %g : memref<?x64xf4E2M1FN>
    return %p : index
  }
}
