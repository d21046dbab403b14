// Upstream one-shot-bufferize turns the tensor form of ggemm.grouped_matmul
// into the memref form through its BufferizableOpInterface.
// RUN: gemm-opt %s -split-input-file --one-shot-bufferize="bufferize-function-boundaries function-boundary-type-conversion=identity-layout-map" | FileCheck %s
// RUN: gemm-opt %s -split-input-file --one-shot-bufferize="bufferize-function-boundaries" | FileCheck %s --check-prefix=DYN

// In place: the product is written into the init's buffer, which is the
// result; the schedule and other attributes are kept.
// CHECK-LABEL: func.func @in_place(
// CHECK-SAME: %[[A0:[^:]*]]: memref<96x128xf4E2M1FN>, %[[A1:[^:]*]]: memref<128x512xf4E2M1FN>,
// CHECK-SAME: %[[C0:[^:]*]]: memref<96x128xf16>, %[[C1:[^:]*]]: memref<128x256xf16>, %[[AL:[^:]*]]: memref<2xf32>)
// CHECK-SAME: -> (memref<96x128xf16>, memref<128x256xf16>)
// CHECK-NOT: memref.alloc
// CHECK: ggemm.grouped_matmul rows<list> scales<row_major> a(%[[A0]], %[[A1]] :
// CHECK-SAME: c(%[[C0]], %[[C1]] : memref<96x128xf16>, memref<128x256xf16>) alpha(%[[AL]] : memref<2xf32>)
// CHECK-SAME: schedule <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>
// CHECK-SAME: {note = "kept"}
// CHECK-NOT: ->
// CHECK: return %[[C0]], %[[C1]]
func.func @in_place(%a0: tensor<96x128xf4E2M1FN>, %a1: tensor<128x512xf4E2M1FN>,
    %sa0: tensor<96x8xf8E4M3FN>, %sa1: tensor<128x32xf8E4M3FN>,
    %b0: tensor<128x128xf4E2M1FN>, %b1: tensor<256x512xf4E2M1FN>,
    %sb0: tensor<128x8xf8E4M3FN>, %sb1: tensor<256x32xf8E4M3FN>,
    %c0: tensor<96x128xf16>, %c1: tensor<128x256xf16>, %alpha: tensor<2xf32>)
    -> (tensor<96x128xf16>, tensor<128x256xf16>) {
  %r:2 = ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a0, %a1 : tensor<96x128xf4E2M1FN>, tensor<128x512xf4E2M1FN>)
      sfa(%sa0, %sa1 : tensor<96x8xf8E4M3FN>, tensor<128x32xf8E4M3FN>)
      b(%b0, %b1 : tensor<128x128xf4E2M1FN>, tensor<256x512xf4E2M1FN>)
      sfb(%sb0, %sb1 : tensor<128x8xf8E4M3FN>, tensor<256x32xf8E4M3FN>)
      c(%c0, %c1 : tensor<96x128xf16>, tensor<128x256xf16>)
      alpha(%alpha : tensor<2xf32>)
      schedule <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>
      {note = "kept"} -> tensor<96x128xf16>, tensor<128x256xf16>
  return %r#0, %r#1 : tensor<96x128xf16>, tensor<128x256xf16>
}

// -----

// The init is still read after the op: the product goes to a new buffer.
// rows<list> writes every element of C, so nothing is copied into it.
// CHECK-LABEL: func.func @out_of_place_list(
// CHECK-SAME: %[[C:[^:]*]]: memref<128x8xf16>)
// CHECK: %[[NEW:.*]] = memref.alloc() {{.*}} : memref<128x8xf16>
// CHECK-NOT: memref.copy
// CHECK: ggemm.grouped_matmul {{.*}} c(%[[NEW]] : memref<128x8xf16>)
// CHECK: return %[[NEW]], %[[C]]
func.func @out_of_place_list(%a: tensor<128x64xf4E2M1FN>, %sa: tensor<128x4xf8E4M3FN>,
    %b: tensor<8x64xf4E2M1FN>, %sb: tensor<8x4xf8E4M3FN>, %c: tensor<128x8xf16>)
    -> (tensor<128x8xf16>, tensor<128x8xf16>) {
  %r = ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a : tensor<128x64xf4E2M1FN>) sfa(%sa : tensor<128x4xf8E4M3FN>)
      b(%b : tensor<8x64xf4E2M1FN>) sfb(%sb : tensor<8x4xf8E4M3FN>)
      c(%c : tensor<128x8xf16>) -> tensor<128x8xf16>
  return %r, %c : tensor<128x8xf16>, tensor<128x8xf16>
}

// -----

// rows<contiguous> leaves the rows past the group sizes as the init had
// them: a new buffer starts as a copy of the init.
// CHECK-LABEL: func.func @out_of_place_contiguous(
// CHECK-SAME: %[[C:[^:]*]]: memref<?x8xf16>, %[[S:[^:]*]]: memref<2xi32>)
// CHECK: %[[ROWS:.*]] = memref.dim %[[C]], %{{.*}} : memref<?x8xf16>
// CHECK: %[[NEW:.*]] = memref.alloc(%[[ROWS]]) {{.*}} : memref<?x8xf16>
// CHECK: memref.copy %[[C]], %[[NEW]]
// CHECK: ggemm.grouped_matmul rows<contiguous> {{.*}} c(%[[NEW]] : memref<?x8xf16>) group_sizes(%[[S]] : memref<2xi32>)
// CHECK: return %[[NEW]], %[[C]]
func.func @out_of_place_contiguous(%a: tensor<?x64xf4E2M1FN>, %sa: tensor<?x4xf8E4M3FN>,
    %b: tensor<2x8x64xf4E2M1FN>, %sb: tensor<2x8x4xf8E4M3FN>, %c: tensor<?x8xf16>,
    %s: tensor<2xi32>) -> (tensor<?x8xf16>, tensor<?x8xf16>) {
  %r = ggemm.grouped_matmul rows<contiguous> scales<row_major>
      a(%a : tensor<?x64xf4E2M1FN>) sfa(%sa : tensor<?x4xf8E4M3FN>)
      b(%b : tensor<2x8x64xf4E2M1FN>) sfb(%sb : tensor<2x8x4xf8E4M3FN>)
      c(%c : tensor<?x8xf16>) group_sizes(%s : tensor<2xi32>) -> tensor<?x8xf16>
  return %r, %c : tensor<?x8xf16>, tensor<?x8xf16>
}

// -----

// A tensor.empty init becomes a plain allocation.
// CHECK-LABEL: func.func @empty_init(
// CHECK: %[[NEW:.*]] = memref.alloc() {{.*}} : memref<128x8xf16>
// CHECK: ggemm.grouped_matmul {{.*}} c(%[[NEW]] : memref<128x8xf16>)
// CHECK: return %[[NEW]]
func.func @empty_init(%a: tensor<128x64xf4E2M1FN>, %sa: tensor<128x4xf8E4M3FN>,
    %b: tensor<8x64xf4E2M1FN>, %sb: tensor<8x4xf8E4M3FN>) -> tensor<128x8xf16> {
  %c = tensor.empty() : tensor<128x8xf16>
  %r = ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a : tensor<128x64xf4E2M1FN>) sfa(%sa : tensor<128x4xf8E4M3FN>)
      b(%b : tensor<8x64xf4E2M1FN>) sfb(%sb : tensor<8x4xf8E4M3FN>)
      c(%c : tensor<128x8xf16>) -> tensor<128x8xf16>
  return %r : tensor<128x8xf16>
}

// -----

// Slices bufferize to strided subviews; the memref form takes the identity
// layout, so an input is copied into a new buffer and C is computed in one
// and copied back into the slice.
// CHECK-LABEL: func.func @slices(
// CHECK-SAME: %[[A:[^:]*]]: memref<256x64xf4E2M1FN>
// CHECK-SAME: %[[C:[^:]*]]: memref<256x8xf16>)
// CHECK: %[[ASUB:.*]] = memref.subview %[[A]][128, 0] [128, 64] [1, 1]
// CHECK: %[[CSUB:.*]] = memref.subview %[[C]][128, 0] [128, 8] [1, 1]
// CHECK: %[[ANEW:.*]] = memref.alloc() {{.*}} : memref<128x64xf4E2M1FN>
// CHECK: memref.copy %[[ASUB]], %[[ANEW]]
// CHECK: %[[CNEW:.*]] = memref.alloc() {{.*}} : memref<128x8xf16>
// CHECK-NOT: memref.copy
// CHECK: ggemm.grouped_matmul rows<list> scales<row_major> a(%[[ANEW]] : memref<128x64xf4E2M1FN>)
// CHECK-SAME: c(%[[CNEW]] : memref<128x8xf16>)
// CHECK: memref.copy %[[CNEW]], %[[CSUB]]
// CHECK: return %[[C]]
func.func @slices(%a: tensor<256x64xf4E2M1FN>, %sa: tensor<128x4xf8E4M3FN>,
    %b: tensor<8x64xf4E2M1FN>, %sb: tensor<8x4xf8E4M3FN>, %c: tensor<256x8xf16>)
    -> tensor<256x8xf16> {
  %a1 = tensor.extract_slice %a[128, 0] [128, 64] [1, 1] : tensor<256x64xf4E2M1FN> to tensor<128x64xf4E2M1FN>
  %c1 = tensor.extract_slice %c[128, 0] [128, 8] [1, 1] : tensor<256x8xf16> to tensor<128x8xf16>
  %r = ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a1 : tensor<128x64xf4E2M1FN>) sfa(%sa : tensor<128x4xf8E4M3FN>)
      b(%b : tensor<8x64xf4E2M1FN>) sfb(%sb : tensor<8x4xf8E4M3FN>)
      c(%c1 : tensor<128x8xf16>) -> tensor<128x8xf16>
  %u = tensor.insert_slice %r into %c[128, 0] [128, 8] [1, 1] : tensor<128x8xf16> into tensor<256x8xf16>
  return %u : tensor<256x8xf16>
}

// -----

// Function arguments with a fully dynamic layout (the default boundary
// conversion): inputs are copied into identity-layout buffers; C is computed
// in one and copied back. rows<contiguous> copies C's init in first.
// DYN-LABEL: func.func @dynamic_layout(
// DYN-SAME: %[[A:[^:]*]]: memref<?x64xf4E2M1FN, strided<[?, ?], offset: ?>>
// DYN-SAME: %[[C:[^:]*]]: memref<?x8xf16, strided<[?, ?], offset: ?>>
// DYN: %[[ANEW:.*]] = memref.alloc(%{{.*}}) {{.*}} : memref<?x64xf4E2M1FN>
// DYN: memref.copy %[[A]], %[[ANEW]]
// DYN: %[[CNEW:.*]] = memref.alloc(%{{.*}}) {{.*}} : memref<?x8xf16>
// DYN: memref.copy %[[C]], %[[CNEW]]
// DYN: ggemm.grouped_matmul rows<contiguous> scales<row_major> a(%[[ANEW]] : memref<?x64xf4E2M1FN>)
// DYN-SAME: c(%[[CNEW]] : memref<?x8xf16>)
// DYN: memref.copy %[[CNEW]], %[[C]]
// DYN: return %[[C]]
func.func @dynamic_layout(%a: tensor<?x64xf4E2M1FN>, %sa: tensor<?x4xf8E4M3FN>,
    %b: tensor<2x8x64xf4E2M1FN>, %sb: tensor<2x8x4xf8E4M3FN>, %c: tensor<?x8xf16>,
    %s: tensor<2xi32>) -> tensor<?x8xf16> {
  %r = ggemm.grouped_matmul rows<contiguous> scales<row_major>
      a(%a : tensor<?x64xf4E2M1FN>) sfa(%sa : tensor<?x4xf8E4M3FN>)
      b(%b : tensor<2x8x64xf4E2M1FN>) sfb(%sb : tensor<2x8x4xf8E4M3FN>)
      c(%c : tensor<?x8xf16>) group_sizes(%s : tensor<2xi32>) -> tensor<?x8xf16>
  return %r : tensor<?x8xf16>
}
