// ggemm-pipeline{host=launch} for the offsets and masked layouts: the
// tensor maps of the one A and SFA, encoded on the host, cover A's run-time
// rows (offsets, from memref.dim) or its G x max_m rows (masked, static:
// 4 x 32 = 128); the
// kernel gets the caller's array as parameter 3 and the rows of A in
// status[0]; clamped rows come back as error flags, which fail a cf.assert
// that says what was clamped.
// RUN: gemm-opt %s --ggemm-pipeline="chip=sm_90a format=isa host=launch tile-m=16" | FileCheck %s

// CHECK-LABEL: func.func @offs(
// CHECK-SAME: %[[A:[^:]*]]: memref<?x128xf4E2M1FN>
// CHECK-SAME: %[[OFFS:[^:]*]]: memref<4xi32>
// CHECK: %[[ROWS:.*]] = memref.dim %[[A]], %c0
// CHECK: arith.index_castui %[[ROWS]] : index to i64
// CHECK: %[[ROWS1:.*]] = arith.maxui %[[ROWS]], %c1
// CHECK: %[[MAPROWS:.*]] = arith.index_castui %[[ROWS1]] : index to i64
// CHECK: call @ggemmTensorMapEncode(%{{.*}}, %{{.*}}, %c64_i64, %[[MAPROWS]],
// CHECK: call @ggemmTensorMapEncode(%{{.*}}, %{{.*}}, %c64_i64{{[_0-9]*}}, %c256_i64,
// CHECK: gpu.launch_func async {{.*}}_setup
// CHECK: memref.extract_aligned_pointer_as_index %[[OFFS]] : memref<4xi32>
// CHECK: gpu.launch_func async
// CHECK: cf.assert %{{.*}}, "ggemm: the run-time group rows were clamped (offsets past the rows of A or out of order, or counts outside [0, max_m]; docs/kernel-abi.md)"
func.func @offs(%a: memref<?x128xf4E2M1FN>, %sa: memref<?x8xf8E4M3FN>, %b: memref<4x64x128xf4E2M1FN>, %sb: memref<4x64x8xf8E4M3FN>, %c: memref<?x64xf16>, %o: memref<4xi32>) {
  ggemm.grouped_matmul rows<offsets> scales<row_major> a(%a : memref<?x128xf4E2M1FN>) sfa(%sa : memref<?x8xf8E4M3FN>) b(%b : memref<4x64x128xf4E2M1FN>) sfb(%sb : memref<4x64x8xf8E4M3FN>) c(%c : memref<?x64xf16>) group_offsets(%o : memref<4xi32>)
  return
}

// CHECK-LABEL: func.func @masked(
// CHECK-SAME: %[[COUNTS:[^:]*]]: memref<4xi32>
// CHECK-NOT: memref.dim
// CHECK: arith.index_castui %c128{{.*}} : index to i64
// CHECK: call @ggemmTensorMapEncode(%{{.*}}, %{{.*}}, %c64_i64{{[_0-9]*}}, %c128_i64{{[_0-9]*}},
// CHECK: call @ggemmTensorMapEncode(%{{.*}}, %{{.*}}, %c64_i64{{[_0-9]*}}, %c256_i64{{[_0-9]*}},
// CHECK: gpu.launch_func async {{.*}}_setup
// CHECK: memref.extract_aligned_pointer_as_index %[[COUNTS]] : memref<4xi32>
// CHECK: gpu.launch_func async
// CHECK: cf.assert %{{.*}}, "ggemm: the run-time group rows were clamped
func.func @masked(%a: memref<4x32x128xf4E2M1FN>, %sa: memref<4x32x8xf8E4M3FN>, %b: memref<4x64x128xf4E2M1FN>, %sb: memref<4x64x8xf8E4M3FN>, %c: memref<4x32x64xf16>, %o: memref<4xi32>) {
  ggemm.grouped_matmul rows<masked> scales<row_major> a(%a : memref<4x32x128xf4E2M1FN>) sfa(%sa : memref<4x32x8xf8E4M3FN>) b(%b : memref<4x64x128xf4E2M1FN>) sfb(%sb : memref<4x64x8xf8E4M3FN>) c(%c : memref<4x32x64xf16>) group_counts(%o : memref<4xi32>)
  return
}
