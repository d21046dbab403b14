// ggemm-pipeline{host=launch} and {host=stream} for rows<gathered>: the A
// map covers A's run-time token rows (box one row), status[0] is the routed
// rows (C's), and the kernel gets the caller's row indices and the token
// rows (an i32 by value) and A's address (an i64) after its other
// parameters; clamped data fails a
// cf.assert that names the indices.
// RUN: gemm-opt %s --ggemm-pipeline="chip=sm_90a format=isa host=launch tile-m=16" | FileCheck %s
// RUN: gemm-opt %s --ggemm-pipeline="chip=sm_90a format=isa host=stream tile-m=16" | FileCheck %s --check-prefix=STREAM

// CHECK-LABEL: func.func @gath(
// CHECK-SAME: %[[A:[^:]*]]: memref<?x128xf4E2M1FN>
// CHECK-SAME: %[[C:[^:]*]]: memref<?x64xf16>
// CHECK-SAME: %[[OFFS:[^:]*]]: memref<4xi32>
// CHECK-SAME: %[[IDX:[^:]*]]: memref<?xi32>
// CHECK: %[[T:.*]] = memref.dim %[[A]], %c0
// CHECK: %[[R:.*]] = memref.dim %[[C]], %c0
// CHECK: %[[R64:.*]] = arith.index_castui %[[R]] : index to i64
// CHECK: %[[RROWS:.*]] = arith.trunci %[[R64]] : i64 to i32
// CHECK: %[[T1:.*]] = arith.maxui %[[T]], %c1
// CHECK: %[[MAPROWS:.*]] = arith.index_castui %[[T1]] : index to i64
// CHECK: llvm.call @ggemmTensorMapEncode(%{{.*}}, %{{.*}}, %c64_i64, %[[MAPROWS]], %c64_i64{{[_0-9]*}}, %c128_i64{{[_0-9]*}}, %c1_i64,
// CHECK: gpu.launch_func async {{.*}}_setup {{.*}} args({{.*}}, %[[RROWS]] : i32,
// CHECK: %[[IDXP:.*]] = memref.extract_aligned_pointer_as_index %[[IDX]]
// CHECK: %[[T64:.*]] = arith.index_castui %[[T]] : index to i64
// CHECK: %[[TROWS:.*]] = arith.trunci %[[T64]] : i64 to i32
// CHECK: %[[AP:.*]] = memref.extract_aligned_pointer_as_index %[[A]]
// CHECK: %[[A64:.*]] = arith.index_castui %[[AP]] : index to i64
// CHECK: gpu.launch_func async {{.*}}@ggemm_gath::@ggemm_gath {{.*}} args({{.*}} : !llvm.ptr<1>, %{{.*}} : !llvm.ptr<1>, %[[TROWS]] : i32, %[[A64]] : i64)
// CHECK: cf.assert %{{.*}}, "ggemm: the run-time group rows or row indices were clamped (offsets past the routed rows or out of order, or indices outside the rows of A; docs/kernel-abi.md)"

// STREAM-LABEL: func.func @gath(
// STREAM: gpu.launch_func async {{.*}}@ggemm_gath::@ggemm_gath {{.*}} args({{.*}} : !llvm.ptr<1>, %{{.*}} : !llvm.ptr<1>, %{{.*}} : i32, %{{.*}} : i64)
func.func @gath(%a: memref<?x128xf4E2M1FN>, %sfa: memref<?x8xf8E4M3FN>, %b: memref<4x64x128xf4E2M1FN>, %sfb: memref<4x64x8xf8E4M3FN>, %c: memref<?x64xf16>, %offs: memref<4xi32>, %idx: memref<?xi32>) {
  ggemm.grouped_matmul rows<gathered> scales<row_major>
      a(%a : memref<?x128xf4E2M1FN>) sfa(%sfa : memref<?x8xf8E4M3FN>)
      b(%b : memref<4x64x128xf4E2M1FN>) sfb(%sfb : memref<4x64x8xf8E4M3FN>)
      c(%c : memref<?x64xf16>) group_offsets(%offs : memref<4xi32>)
      row_indices(%idx : memref<?xi32>)
  return
}
