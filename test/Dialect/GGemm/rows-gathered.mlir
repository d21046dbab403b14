// rows<gathered>: round trip in both forms (A the T token rows, C and
// row_indices the R routed rows, either dynamic), and bufferization of the
// tensor form (row_indices is read, C's init kept).
// RUN: gemm-opt %s | gemm-opt | FileCheck %s
// RUN: gemm-opt %s --one-shot-bufferize="bufferize-function-boundaries function-boundary-type-conversion=identity-layout-map" | FileCheck %s --check-prefix=BUF

// CHECK-LABEL: func.func @gathered_memref(
// CHECK: ggemm.grouped_matmul rows<gathered> scales<row_major> a(%{{.*}} : memref<?x128xf4E2M1FN>) sfa(%{{.*}} : memref<?x8xf8E4M3FN>) b(%{{.*}} : memref<4x64x128xf4E2M1FN>) sfb(%{{.*}} : memref<4x64x8xf8E4M3FN>) c(%{{.*}} : memref<?x64xf16>) group_offsets(%{{.*}} : memref<4xi32>) row_indices(%{{.*}} : memref<?xi32>) alpha(%{{.*}} : memref<4xf32>){{$}}
func.func @gathered_memref(%a: memref<?x128xf4E2M1FN>, %sa: memref<?x8xf8E4M3FN>, %b: memref<4x64x128xf4E2M1FN>, %sb: memref<4x64x8xf8E4M3FN>, %c: memref<?x64xf16>, %o: memref<4xi32>, %i: memref<?xi32>, %al: memref<4xf32>) {
  ggemm.grouped_matmul rows<gathered> scales<row_major>
      a(%a : memref<?x128xf4E2M1FN>) sfa(%sa : memref<?x8xf8E4M3FN>)
      b(%b : memref<4x64x128xf4E2M1FN>) sfb(%sb : memref<4x64x8xf8E4M3FN>)
      c(%c : memref<?x64xf16>) group_offsets(%o : memref<4xi32>)
      row_indices(%i : memref<?xi32>) alpha(%al : memref<4xf32>)
  return
}

// Static token and routed rows that differ (top-2 of 3 tokens: 6 routed).
// CHECK-LABEL: func.func @gathered_static(
// CHECK: a(%{{.*}} : memref<3x128xf4E2M1FN>) {{.*}} c(%{{.*}} : memref<6x64xf16>) group_offsets(%{{.*}} : memref<4xi32>) row_indices(%{{.*}} : memref<6xi32>){{$}}
func.func @gathered_static(%a: memref<3x128xf4E2M1FN>, %sa: memref<3x8xf8E4M3FN>, %b: memref<4x64x128xf4E2M1FN>, %sb: memref<4x64x8xf8E4M3FN>, %c: memref<6x64xf16>, %o: memref<4xi32>, %i: memref<6xi32>) {
  ggemm.grouped_matmul rows<gathered> scales<row_major>
      a(%a : memref<3x128xf4E2M1FN>) sfa(%sa : memref<3x8xf8E4M3FN>)
      b(%b : memref<4x64x128xf4E2M1FN>) sfb(%sb : memref<4x64x8xf8E4M3FN>)
      c(%c : memref<6x64xf16>) group_offsets(%o : memref<4xi32>)
      row_indices(%i : memref<6xi32>)
  return
}

// CHECK-LABEL: func.func @gathered_tensor(
// CHECK: ggemm.grouped_matmul rows<gathered> {{.*}} group_offsets(%{{.*}} : tensor<4xi32>) row_indices(%{{.*}} : tensor<?xi32>) -> tensor<?x64xf16>
// BUF-LABEL: func.func @gathered_tensor(
// BUF: ggemm.grouped_matmul rows<gathered> {{.*}} c(%{{.*}} : memref<?x64xf16>) group_offsets(%{{.*}} : memref<4xi32>) row_indices(%{{.*}} : memref<?xi32>){{$}}
func.func @gathered_tensor(%a: tensor<?x128xf4E2M1FN>, %sa: tensor<?x8xf8E4M3FN>, %b: tensor<4x64x128xf4E2M1FN>, %sb: tensor<4x64x8xf8E4M3FN>, %c: tensor<?x64xf16>, %o: tensor<4xi32>, %i: tensor<?xi32>) -> tensor<?x64xf16> {
  %r = ggemm.grouped_matmul rows<gathered> scales<row_major>
      a(%a : tensor<?x128xf4E2M1FN>) sfa(%sa : tensor<?x8xf8E4M3FN>)
      b(%b : tensor<4x64x128xf4E2M1FN>) sfb(%sb : tensor<4x64x8xf8E4M3FN>)
      c(%c : tensor<?x64xf16>) group_offsets(%o : tensor<4xi32>)
      row_indices(%i : tensor<?xi32>) -> tensor<?x64xf16>
  return %r : tensor<?x64xf16>
}
