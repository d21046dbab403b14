// rows<offsets> and rows<masked>: round trip in both forms, the keyword of
// the group-rows operand, and bufferization of the tensor form.
// RUN: gemm-opt %s | gemm-opt | FileCheck %s
// RUN: gemm-opt %s --one-shot-bufferize="bufferize-function-boundaries function-boundary-type-conversion=identity-layout-map" | FileCheck %s --check-prefix=BUF

// CHECK-LABEL: func.func @offsets_memref(
// CHECK: ggemm.grouped_matmul rows<offsets> scales<row_major> a(%{{.*}} : memref<?x128xf4E2M1FN>) sfa(%{{.*}} : memref<?x8xf8E4M3FN>) b(%{{.*}} : memref<4x64x128xf4E2M1FN>) sfb(%{{.*}} : memref<4x64x8xf8E4M3FN>) c(%{{.*}} : memref<?x64xf16>) group_offsets(%{{.*}} : memref<4xi32>) alpha(%{{.*}} : memref<4xf32>){{$}}
func.func @offsets_memref(%a: memref<?x128xf4E2M1FN>, %sa: memref<?x8xf8E4M3FN>, %b: memref<4x64x128xf4E2M1FN>, %sb: memref<4x64x8xf8E4M3FN>, %c: memref<?x64xf16>, %o: memref<4xi32>, %al: memref<4xf32>) {
  ggemm.grouped_matmul rows<offsets> scales<row_major>
      a(%a : memref<?x128xf4E2M1FN>) sfa(%sa : memref<?x8xf8E4M3FN>)
      b(%b : memref<4x64x128xf4E2M1FN>) sfb(%sb : memref<4x64x8xf8E4M3FN>)
      c(%c : memref<?x64xf16>) group_offsets(%o : memref<4xi32>)
      alpha(%al : memref<4xf32>)
  return
}

// CHECK-LABEL: func.func @masked_memref(
// CHECK: ggemm.grouped_matmul rows<masked> scales<row_major> a(%{{.*}} : memref<4x32x128xf4E2M1FN>) sfa(%{{.*}} : memref<4x32x8xf8E4M3FN>) b(%{{.*}} : memref<4x64x128xf4E2M1FN>) sfb(%{{.*}} : memref<4x64x8xf8E4M3FN>) c(%{{.*}} : memref<4x32x64xf16>) group_counts(%{{.*}} : memref<4xi32>){{$}}
func.func @masked_memref(%a: memref<4x32x128xf4E2M1FN>, %sa: memref<4x32x8xf8E4M3FN>, %b: memref<4x64x128xf4E2M1FN>, %sb: memref<4x64x8xf8E4M3FN>, %c: memref<4x32x64xf16>, %n: memref<4xi32>) {
  ggemm.grouped_matmul rows<masked> scales<row_major>
      a(%a : memref<4x32x128xf4E2M1FN>) sfa(%sa : memref<4x32x8xf8E4M3FN>)
      b(%b : memref<4x64x128xf4E2M1FN>) sfb(%sb : memref<4x64x8xf8E4M3FN>)
      c(%c : memref<4x32x64xf16>) group_counts(%n : memref<4xi32>)
  return
}

// The tensor forms bufferize to the memref forms; the init of C is read
// (rows no group owns keep its values), so it is not a tensor.empty's
// undefined buffer but the argument's.
// CHECK-LABEL: func.func @offsets_tensor(
// CHECK: ggemm.grouped_matmul rows<offsets> {{.*}} group_offsets(%{{.*}} : tensor<4xi32>) -> tensor<?x64xf16>
// BUF-LABEL: func.func @offsets_tensor(
// BUF: ggemm.grouped_matmul rows<offsets> {{.*}} c(%{{.*}} : memref<?x64xf16>) group_offsets(%{{.*}} : memref<4xi32>){{$}}
func.func @offsets_tensor(%a: tensor<?x128xf4E2M1FN>, %sa: tensor<?x8xf8E4M3FN>, %b: tensor<4x64x128xf4E2M1FN>, %sb: tensor<4x64x8xf8E4M3FN>, %c: tensor<?x64xf16>, %o: tensor<4xi32>) -> tensor<?x64xf16> {
  %r = ggemm.grouped_matmul rows<offsets> scales<row_major>
      a(%a : tensor<?x128xf4E2M1FN>) sfa(%sa : tensor<?x8xf8E4M3FN>)
      b(%b : tensor<4x64x128xf4E2M1FN>) sfb(%sb : tensor<4x64x8xf8E4M3FN>)
      c(%c : tensor<?x64xf16>) group_offsets(%o : tensor<4xi32>)
      -> tensor<?x64xf16>
  return %r : tensor<?x64xf16>
}

// CHECK-LABEL: func.func @masked_tensor(
// CHECK: ggemm.grouped_matmul rows<masked> {{.*}} group_counts(%{{.*}} : tensor<4xi32>) -> tensor<4x32x64xf16>
// BUF-LABEL: func.func @masked_tensor(
// BUF: ggemm.grouped_matmul rows<masked> {{.*}} c(%{{.*}} : memref<4x32x64xf16>) group_counts(%{{.*}} : memref<4xi32>){{$}}
func.func @masked_tensor(%a: tensor<4x32x128xf4E2M1FN>, %sa: tensor<4x32x8xf8E4M3FN>, %b: tensor<4x64x128xf4E2M1FN>, %sb: tensor<4x64x8xf8E4M3FN>, %c: tensor<4x32x64xf16>, %n: tensor<4xi32>) -> tensor<4x32x64xf16> {
  %r = ggemm.grouped_matmul rows<masked> scales<row_major>
      a(%a : tensor<4x32x128xf4E2M1FN>) sfa(%sa : tensor<4x32x8xf8E4M3FN>)
      b(%b : tensor<4x64x128xf4E2M1FN>) sfb(%sb : tensor<4x64x8xf8E4M3FN>)
      c(%c : tensor<4x32x64xf16>) group_counts(%n : tensor<4xi32>)
      -> tensor<4x32x64xf16>
  return %r : tensor<4x32x64xf16>
}
