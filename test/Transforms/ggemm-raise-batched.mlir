// ggemm-raise: a batched NVFP4 matmul (linalg.batch_matmul, or the same
// contraction as a linalg.contract or a linalg.generic with a batch loop)
// of G x M x K dequantized A and G x N x K dequantized B becomes one
// rows<masked> ggemm.grouped_matmul whose group_counts are all M: every row
// of every group is real, so it computes the batched matmul's bits
// (docs/raising.md). Each batched matmul is its own op.
// RUN: gemm-opt %s -split-input-file --ggemm-raise | FileCheck %s
// RUN: gemm-opt %s -split-input-file --ggemm-raise=explain=true -verify-diagnostics -o /dev/null
// The raised program bufferizes in place into the function's arguments; the
// counts become a global constant.
// RUN: gemm-opt %s -split-input-file --ggemm-raise --canonicalize --one-shot-bufferize="bufferize-function-boundaries function-boundary-type-conversion=identity-layout-map" | FileCheck %s --check-prefix=BUF

// -----

#id3 = affine_map<(g, r, k) -> (g, r, k)>
#sc3 = affine_map<(g, r, k) -> (g, r, k floordiv 16)>
#tc3 = affine_map<(g, k, n) -> (g, n, k)>
#tsc3 = affine_map<(g, k, n) -> (g, n, k floordiv 16)>
#bmk = affine_map<(b, m, n, k) -> (b, m, k)>
#bnk = affine_map<(b, m, n, k) -> (b, n, k)>
#bkn = affine_map<(b, m, n, k) -> (b, k, n)>
#bmn = affine_map<(b, m, n, k) -> (b, m, n)>
#ew3 = affine_map<(g, m, n) -> (g, m, n)>
// linalg.batch_matmul reading B at (b, n, k), f32 dequantization, and
// arith.truncf on the tensor (the op's C init is a new tensor.empty).
// CHECK-LABEL: func.func @batch_matmul(
// CHECK-SAME: %[[A:[^:]*]]: tensor<4x32x128xf4E2M1FN>, %[[SA:[^:]*]]: tensor<4x32x8xf8E4M3FN>, %[[B:[^:]*]]: tensor<4x64x128xf4E2M1FN>, %[[SB:[^:]*]]: tensor<4x64x8xf8E4M3FN>)
// CHECK-NOT: linalg.
// CHECK-DAG: %[[C:.*]] = tensor.empty() : tensor<4x32x64xf16>
// CHECK-DAG: %[[N:.*]] = arith.constant dense<32> : tensor<4xi32>
// CHECK: %[[R:.*]] = ggemm.grouped_matmul rows<masked> scales<row_major> a(%[[A]] : tensor<4x32x128xf4E2M1FN>) sfa(%[[SA]] : tensor<4x32x8xf8E4M3FN>) b(%[[B]] : tensor<4x64x128xf4E2M1FN>) sfb(%[[SB]] : tensor<4x64x8xf8E4M3FN>) c(%[[C]] : tensor<4x32x64xf16>) group_counts(%[[N]] : tensor<4xi32>) -> tensor<4x32x64xf16>
// CHECK-NOT: linalg.
// CHECK: return %[[R]]
// BUF: memref.global "private" constant @[[$COUNTS:.*]] : memref<4xi32> = dense<32>
// BUF-LABEL: func.func @batch_matmul(
// BUF-NOT: linalg.
// BUF: %[[N:.*]] = memref.get_global @[[$COUNTS]] : memref<4xi32>
// BUF: %[[C:.*]] = memref.alloc() {{.*}} : memref<4x32x64xf16>
// BUF: ggemm.grouped_matmul rows<masked> scales<row_major> a(%{{.*}} : memref<4x32x128xf4E2M1FN>) sfa(%{{.*}} : memref<4x32x8xf8E4M3FN>) b(%{{.*}} : memref<4x64x128xf4E2M1FN>) sfb(%{{.*}} : memref<4x64x8xf8E4M3FN>) c(%[[C]] : memref<4x32x64xf16>) group_counts(%[[N]] : memref<4xi32>){{$}}
// BUF-NOT: linalg.
// BUF: return %[[C]]
func.func @batch_matmul(%a: tensor<4x32x128xf4E2M1FN>, %sa: tensor<4x32x8xf8E4M3FN>, %b: tensor<4x64x128xf4E2M1FN>, %sb: tensor<4x64x8xf8E4M3FN>) -> tensor<4x32x64xf16> {
  %qa_e = tensor.empty() : tensor<4x32x128xf32>
  %qa = linalg.generic {indexing_maps = [#id3, #sc3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%a, %sa : tensor<4x32x128xf4E2M1FN>, tensor<4x32x8xf8E4M3FN>) outs(%qa_e : tensor<4x32x128xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<4x32x128xf32>
  %qb_e = tensor.empty() : tensor<4x64x128xf32>
  %qb = linalg.generic {indexing_maps = [#id3, #sc3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%b, %sb : tensor<4x64x128xf4E2M1FN>, tensor<4x64x8xf8E4M3FN>) outs(%qb_e : tensor<4x64x128xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<4x64x128xf32>
  %z_zero = arith.constant 0.0 : f32
  %z_e = tensor.empty() : tensor<4x32x64xf32>
  %z = linalg.fill ins(%z_zero : f32) outs(%z_e : tensor<4x32x64xf32>) -> tensor<4x32x64xf32>
  // expected-remark @+1 {{raised into ggemm.grouped_matmul rows<masked>: 4 groups of 32 rows, every group_counts entry 32}}
  %p = linalg.batch_matmul indexing_maps = [#bmk, #bnk, #bmn] ins(%qa, %qb : tensor<4x32x128xf32>, tensor<4x64x128xf32>) outs(%z : tensor<4x32x64xf32>) -> tensor<4x32x64xf32>
  %r = arith.truncf %p : tensor<4x32x64xf32> to tensor<4x32x64xf16>
  return %r : tensor<4x32x64xf16>
}

// -----

#id3 = affine_map<(g, r, k) -> (g, r, k)>
#sc3 = affine_map<(g, r, k) -> (g, r, k floordiv 16)>
#tc3 = affine_map<(g, k, n) -> (g, n, k)>
#tsc3 = affine_map<(g, k, n) -> (g, n, k floordiv 16)>
#bmk = affine_map<(b, m, n, k) -> (b, m, k)>
#bnk = affine_map<(b, m, n, k) -> (b, n, k)>
#bkn = affine_map<(b, m, n, k) -> (b, k, n)>
#bmn = affine_map<(b, m, n, k) -> (b, m, n)>
#ew3 = affine_map<(g, m, n) -> (g, m, n)>
// f16 dequantization (scale * code) and an elementwise linalg.generic
// truncation: its init, the argument %c, is the op's C init.
// CHECK-LABEL: func.func @batch_init(
// CHECK-SAME: %[[C:[^:]*]]: tensor<2x40x136xf16>)
// CHECK-NOT: linalg.
// CHECK: %[[N:.*]] = arith.constant dense<40> : tensor<2xi32>
// CHECK: %[[R:.*]] = ggemm.grouped_matmul rows<masked> scales<row_major> a(%{{.*}} : tensor<2x40x320xf4E2M1FN>) sfa(%{{.*}} : tensor<2x40x20xf8E4M3FN>) b(%{{.*}} : tensor<2x136x320xf4E2M1FN>) sfb(%{{.*}} : tensor<2x136x20xf8E4M3FN>) c(%[[C]] : tensor<2x40x136xf16>) group_counts(%[[N]] : tensor<2xi32>) -> tensor<2x40x136xf16>
// CHECK-NOT: linalg.
// CHECK: return %[[R]]
// BUF-LABEL: func.func @batch_init(
// BUF-SAME: %[[C:[^:]*]]: memref<2x40x136xf16>)
// BUF-NOT: memref.alloc
// BUF: ggemm.grouped_matmul rows<masked> {{.*}} c(%[[C]] : memref<2x40x136xf16>) group_counts(%{{.*}} : memref<2xi32>){{$}}
// BUF-NEXT: return %[[C]] :
func.func @batch_init(%a: tensor<2x40x320xf4E2M1FN>, %sa: tensor<2x40x20xf8E4M3FN>, %b: tensor<2x136x320xf4E2M1FN>, %sb: tensor<2x136x20xf8E4M3FN>, %c: tensor<2x40x136xf16>) -> tensor<2x40x136xf16> {
  %qa_e = tensor.empty() : tensor<2x40x320xf16>
  %qa = linalg.generic {indexing_maps = [#id3, #sc3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%a, %sa : tensor<2x40x320xf4E2M1FN>, tensor<2x40x20xf8E4M3FN>) outs(%qa_e : tensor<2x40x320xf16>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f16):
    %xf = arith.extf %x : f4E2M1FN to f16
    %sf = arith.extf %s : f8E4M3FN to f16
    %p = arith.mulf %xf, %sf : f16
    linalg.yield %p : f16
  } -> tensor<2x40x320xf16>
  %qb_e = tensor.empty() : tensor<2x136x320xf16>
  %qb = linalg.generic {indexing_maps = [#id3, #sc3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%b, %sb : tensor<2x136x320xf4E2M1FN>, tensor<2x136x20xf8E4M3FN>) outs(%qb_e : tensor<2x136x320xf16>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f16):
    %xf = arith.extf %x : f4E2M1FN to f16
    %sf = arith.extf %s : f8E4M3FN to f16
    %p = arith.mulf %sf, %xf : f16
    linalg.yield %p : f16
  } -> tensor<2x136x320xf16>
  %z_zero = arith.constant 0.0 : f32
  %z_e = tensor.empty() : tensor<2x40x136xf32>
  %z = linalg.fill ins(%z_zero : f32) outs(%z_e : tensor<2x40x136xf32>) -> tensor<2x40x136xf32>
  // expected-remark @+1 {{raised into ggemm.grouped_matmul rows<masked>: 2 groups of 40 rows, every group_counts entry 40}}
  %p = linalg.batch_matmul indexing_maps = [#bmk, #bnk, #bmn] ins(%qa, %qb : tensor<2x40x320xf16>, tensor<2x136x320xf16>) outs(%z : tensor<2x40x136xf32>) -> tensor<2x40x136xf32>
  %r = linalg.generic {indexing_maps = [#ew3, #ew3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%p : tensor<2x40x136xf32>) outs(%c : tensor<2x40x136xf16>) {
  ^bb0(%v: f32, %o: f16):
    %h = arith.truncf %v : f32 to f16
    linalg.yield %h : f16
  } -> tensor<2x40x136xf16>
  return %r : tensor<2x40x136xf16>
}

// -----

#id3 = affine_map<(g, r, k) -> (g, r, k)>
#sc3 = affine_map<(g, r, k) -> (g, r, k floordiv 16)>
#tc3 = affine_map<(g, k, n) -> (g, n, k)>
#tsc3 = affine_map<(g, k, n) -> (g, n, k floordiv 16)>
#bmk = affine_map<(b, m, n, k) -> (b, m, k)>
#bnk = affine_map<(b, m, n, k) -> (b, n, k)>
#bkn = affine_map<(b, m, n, k) -> (b, k, n)>
#bmn = affine_map<(b, m, n, k) -> (b, m, n)>
#ew3 = affine_map<(g, m, n) -> (g, m, n)>
// A scaled epilogue: the one f32 scalar is every group's alpha.
// CHECK-LABEL: func.func @batch_alpha(
// CHECK-SAME: %[[C:[^:]*]]: tensor<3x16x8xf16>, %[[ALPHA:[^:]*]]: f32)
// CHECK-NOT: linalg.
// CHECK-DAG: %[[N:.*]] = arith.constant dense<16> : tensor<3xi32>
// CHECK-DAG: %[[AL:.*]] = tensor.from_elements %[[ALPHA]], %[[ALPHA]], %[[ALPHA]] : tensor<3xf32>
// CHECK: ggemm.grouped_matmul rows<masked> scales<row_major>
// CHECK-SAME: c(%[[C]] : tensor<3x16x8xf16>) group_counts(%[[N]] : tensor<3xi32>) alpha(%[[AL]] : tensor<3xf32>) -> tensor<3x16x8xf16>
// CHECK-NOT: linalg.
// CHECK: return
func.func @batch_alpha(%a: tensor<3x16x64xf4E2M1FN>, %sa: tensor<3x16x4xf8E4M3FN>, %b: tensor<3x8x64xf4E2M1FN>, %sb: tensor<3x8x4xf8E4M3FN>, %c: tensor<3x16x8xf16>, %alpha: f32) -> tensor<3x16x8xf16> {
  %qa_e = tensor.empty() : tensor<3x16x64xf32>
  %qa = linalg.generic {indexing_maps = [#id3, #sc3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%a, %sa : tensor<3x16x64xf4E2M1FN>, tensor<3x16x4xf8E4M3FN>) outs(%qa_e : tensor<3x16x64xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<3x16x64xf32>
  %qb_e = tensor.empty() : tensor<3x8x64xf32>
  %qb = linalg.generic {indexing_maps = [#id3, #sc3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%b, %sb : tensor<3x8x64xf4E2M1FN>, tensor<3x8x4xf8E4M3FN>) outs(%qb_e : tensor<3x8x64xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<3x8x64xf32>
  %z_zero = arith.constant 0.0 : f32
  %z_e = tensor.empty() : tensor<3x16x8xf32>
  %z = linalg.fill ins(%z_zero : f32) outs(%z_e : tensor<3x16x8xf32>) -> tensor<3x16x8xf32>
  // expected-remark @+1 {{raised into ggemm.grouped_matmul rows<masked>: 3 groups of 16 rows, every group_counts entry 16}}
  %p = linalg.batch_matmul indexing_maps = [#bmk, #bnk, #bmn] ins(%qa, %qb : tensor<3x16x64xf32>, tensor<3x8x64xf32>) outs(%z : tensor<3x16x8xf32>) -> tensor<3x16x8xf32>
  %r = linalg.generic {indexing_maps = [#ew3, #ew3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%p : tensor<3x16x8xf32>) outs(%c : tensor<3x16x8xf16>) {
  ^bb0(%v: f32, %o: f16):
    %s = arith.mulf %v, %alpha : f32
    %h = arith.truncf %s : f32 to f16
    linalg.yield %h : f16
  } -> tensor<3x16x8xf16>
  return %r : tensor<3x16x8xf16>
}

// -----

#id3 = affine_map<(g, r, k) -> (g, r, k)>
#sc3 = affine_map<(g, r, k) -> (g, r, k floordiv 16)>
#tc3 = affine_map<(g, k, n) -> (g, n, k)>
#tsc3 = affine_map<(g, k, n) -> (g, n, k floordiv 16)>
#bmk = affine_map<(b, m, n, k) -> (b, m, k)>
#bnk = affine_map<(b, m, n, k) -> (b, n, k)>
#bkn = affine_map<(b, m, n, k) -> (b, k, n)>
#bmn = affine_map<(b, m, n, k) -> (b, m, n)>
#ew3 = affine_map<(g, m, n) -> (g, m, n)>
// The contraction as frontends write it: a linalg.generic with a batch
// loop (parallel x 3, reduction) whose body is out + a * b in f32.
// CHECK-LABEL: func.func @batch_generic(
// CHECK-NOT: linalg.
// CHECK: %[[N:.*]] = arith.constant dense<32> : tensor<2xi32>
// CHECK: ggemm.grouped_matmul rows<masked> scales<row_major> a(%{{.*}} : tensor<2x32x64xf4E2M1FN>) {{.*}} group_counts(%[[N]] : tensor<2xi32>) -> tensor<2x32x16xf16>
// CHECK-NOT: linalg.
// CHECK: return
func.func @batch_generic(%a: tensor<2x32x64xf4E2M1FN>, %sa: tensor<2x32x4xf8E4M3FN>, %b: tensor<2x16x64xf4E2M1FN>, %sb: tensor<2x16x4xf8E4M3FN>) -> tensor<2x32x16xf16> {
  %qa_e = tensor.empty() : tensor<2x32x64xf32>
  %qa = linalg.generic {indexing_maps = [#id3, #sc3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%a, %sa : tensor<2x32x64xf4E2M1FN>, tensor<2x32x4xf8E4M3FN>) outs(%qa_e : tensor<2x32x64xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<2x32x64xf32>
  %qb_e = tensor.empty() : tensor<2x16x64xf32>
  %qb = linalg.generic {indexing_maps = [#id3, #sc3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%b, %sb : tensor<2x16x64xf4E2M1FN>, tensor<2x16x4xf8E4M3FN>) outs(%qb_e : tensor<2x16x64xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<2x16x64xf32>
  %z_zero = arith.constant 0.0 : f32
  %z_e = tensor.empty() : tensor<2x32x16xf32>
  %z = linalg.fill ins(%z_zero : f32) outs(%z_e : tensor<2x32x16xf32>) -> tensor<2x32x16xf32>
  // expected-remark @+1 {{raised into ggemm.grouped_matmul rows<masked>: 2 groups of 32 rows, every group_counts entry 32}}
  %p = linalg.generic {indexing_maps = [#bmk, #bnk, #bmn], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%qa, %qb : tensor<2x32x64xf32>, tensor<2x16x64xf32>) outs(%z : tensor<2x32x16xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %mul = arith.mulf %x, %y : f32
    %s = arith.addf %mul, %acc : f32
    linalg.yield %s : f32
  } -> tensor<2x32x16xf32>
  %r = arith.truncf %p : tensor<2x32x16xf32> to tensor<2x32x16xf16>
  return %r : tensor<2x32x16xf16>
}

// -----

#id3 = affine_map<(g, r, k) -> (g, r, k)>
#sc3 = affine_map<(g, r, k) -> (g, r, k floordiv 16)>
#tc3 = affine_map<(g, k, n) -> (g, n, k)>
#tsc3 = affine_map<(g, k, n) -> (g, n, k floordiv 16)>
#bmk = affine_map<(b, m, n, k) -> (b, m, k)>
#bnk = affine_map<(b, m, n, k) -> (b, n, k)>
#bkn = affine_map<(b, m, n, k) -> (b, k, n)>
#bmn = affine_map<(b, m, n, k) -> (b, m, n)>
#ew3 = affine_map<(g, m, n) -> (g, m, n)>
// A plain batched product A * B of A and linalg.transpose(B, [0, 2, 1]).
// CHECK-LABEL: func.func @batch_transpose(
// CHECK-SAME: %[[B:[^:]*]]: tensor<2x64x128xf4E2M1FN>, %[[SB:[^:]*]]: tensor<2x64x8xf8E4M3FN>)
// CHECK-NOT: linalg.
// CHECK: ggemm.grouped_matmul rows<masked> scales<row_major> a(%{{.*}} : tensor<2x16x128xf4E2M1FN>) sfa(%{{.*}} : tensor<2x16x8xf8E4M3FN>) b(%[[B]] : tensor<2x64x128xf4E2M1FN>) sfb(%[[SB]] : tensor<2x64x8xf8E4M3FN>)
// CHECK-NOT: linalg.
// CHECK: return
func.func @batch_transpose(%a: tensor<2x16x128xf4E2M1FN>, %sa: tensor<2x16x8xf8E4M3FN>, %b: tensor<2x64x128xf4E2M1FN>, %sb: tensor<2x64x8xf8E4M3FN>) -> tensor<2x16x64xf16> {
  %qa_e = tensor.empty() : tensor<2x16x128xf32>
  %qa = linalg.generic {indexing_maps = [#id3, #sc3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%a, %sa : tensor<2x16x128xf4E2M1FN>, tensor<2x16x8xf8E4M3FN>) outs(%qa_e : tensor<2x16x128xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<2x16x128xf32>
  %qb_e = tensor.empty() : tensor<2x64x128xf32>
  %qb = linalg.generic {indexing_maps = [#id3, #sc3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%b, %sb : tensor<2x64x128xf4E2M1FN>, tensor<2x64x8xf8E4M3FN>) outs(%qb_e : tensor<2x64x128xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<2x64x128xf32>
  %z_zero = arith.constant 0.0 : f32
  %z_e = tensor.empty() : tensor<2x16x64xf32>
  %z = linalg.fill ins(%z_zero : f32) outs(%z_e : tensor<2x16x64xf32>) -> tensor<2x16x64xf32>
  %bt_e = tensor.empty() : tensor<2x128x64xf32>
  %bt = linalg.transpose ins(%qb : tensor<2x64x128xf32>) outs(%bt_e : tensor<2x128x64xf32>) permutation = [0, 2, 1]
  // expected-remark @+1 {{raised into ggemm.grouped_matmul rows<masked>: 2 groups of 16 rows, every group_counts entry 16}}
  %p = linalg.batch_matmul ins(%qa, %bt : tensor<2x16x128xf32>, tensor<2x128x64xf32>) outs(%z : tensor<2x16x64xf32>) -> tensor<2x16x64xf32>
  %r = arith.truncf %p : tensor<2x16x64xf32> to tensor<2x16x64xf16>
  return %r : tensor<2x16x64xf16>
}

// -----

#id3 = affine_map<(g, r, k) -> (g, r, k)>
#sc3 = affine_map<(g, r, k) -> (g, r, k floordiv 16)>
#tc3 = affine_map<(g, k, n) -> (g, n, k)>
#tsc3 = affine_map<(g, k, n) -> (g, n, k floordiv 16)>
#bmk = affine_map<(b, m, n, k) -> (b, m, k)>
#bnk = affine_map<(b, m, n, k) -> (b, n, k)>
#bkn = affine_map<(b, m, n, k) -> (b, k, n)>
#bmn = affine_map<(b, m, n, k) -> (b, m, n)>
#ew3 = affine_map<(g, m, n) -> (g, m, n)>
// A plain batched product A * B where B's dequantization writes the
// G x K x N transpose of G x N x K codes itself.
// CHECK-LABEL: func.func @batch_transposing_dequant(
// CHECK-SAME: %[[B:[^:]*]]: tensor<2x64x128xf4E2M1FN>, %[[SB:[^:]*]]: tensor<2x64x8xf8E4M3FN>)
// CHECK-NOT: linalg.
// CHECK: ggemm.grouped_matmul rows<masked> scales<row_major> a(%{{.*}} : tensor<2x16x128xf4E2M1FN>) sfa(%{{.*}} : tensor<2x16x8xf8E4M3FN>) b(%[[B]] : tensor<2x64x128xf4E2M1FN>) sfb(%[[SB]] : tensor<2x64x8xf8E4M3FN>)
// CHECK-NOT: linalg.
// CHECK: return
func.func @batch_transposing_dequant(%a: tensor<2x16x128xf4E2M1FN>, %sa: tensor<2x16x8xf8E4M3FN>, %b: tensor<2x64x128xf4E2M1FN>, %sb: tensor<2x64x8xf8E4M3FN>) -> tensor<2x16x64xf16> {
  %qa_e = tensor.empty() : tensor<2x16x128xf16>
  %qa = linalg.generic {indexing_maps = [#id3, #sc3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%a, %sa : tensor<2x16x128xf4E2M1FN>, tensor<2x16x8xf8E4M3FN>) outs(%qa_e : tensor<2x16x128xf16>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f16):
    %xf = arith.extf %x : f4E2M1FN to f16
    %sf = arith.extf %s : f8E4M3FN to f16
    %p = arith.mulf %xf, %sf : f16
    linalg.yield %p : f16
  } -> tensor<2x16x128xf16>
  %qb_e = tensor.empty() : tensor<2x128x64xf16>
  %qb = linalg.generic {indexing_maps = [#tc3, #tsc3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%b, %sb : tensor<2x64x128xf4E2M1FN>, tensor<2x64x8xf8E4M3FN>) outs(%qb_e : tensor<2x128x64xf16>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f16):
    %xf = arith.extf %x : f4E2M1FN to f16
    %sf = arith.extf %s : f8E4M3FN to f16
    %p = arith.mulf %xf, %sf : f16
    linalg.yield %p : f16
  } -> tensor<2x128x64xf16>
  %z_zero = arith.constant 0.0 : f32
  %z_e = tensor.empty() : tensor<2x16x64xf32>
  %z = linalg.fill ins(%z_zero : f32) outs(%z_e : tensor<2x16x64xf32>) -> tensor<2x16x64xf32>
  // expected-remark @+1 {{raised into ggemm.grouped_matmul rows<masked>: 2 groups of 16 rows, every group_counts entry 16}}
  %p = linalg.batch_matmul ins(%qa, %qb : tensor<2x16x128xf16>, tensor<2x128x64xf16>) outs(%z : tensor<2x16x64xf32>) -> tensor<2x16x64xf32>
  %r = arith.truncf %p : tensor<2x16x64xf32> to tensor<2x16x64xf16>
  return %r : tensor<2x16x64xf16>
}

// -----

#id3 = affine_map<(g, r, k) -> (g, r, k)>
#sc3 = affine_map<(g, r, k) -> (g, r, k floordiv 16)>
#tc3 = affine_map<(g, k, n) -> (g, n, k)>
#tsc3 = affine_map<(g, k, n) -> (g, n, k floordiv 16)>
#bmk = affine_map<(b, m, n, k) -> (b, m, k)>
#bnk = affine_map<(b, m, n, k) -> (b, n, k)>
#bkn = affine_map<(b, m, n, k) -> (b, k, n)>
#bmn = affine_map<(b, m, n, k) -> (b, m, n)>
#ew3 = affine_map<(g, m, n) -> (g, m, n)>
// linalg.contract with batch maps.
// CHECK-LABEL: func.func @batch_contract(
// CHECK-NOT: linalg.
// CHECK: ggemm.grouped_matmul rows<masked> scales<row_major> {{.*}} group_counts(%{{.*}} : tensor<2xi32>) -> tensor<2x16x64xf16>
// CHECK-NOT: linalg.
// CHECK: return
func.func @batch_contract(%a: tensor<2x16x128xf4E2M1FN>, %sa: tensor<2x16x8xf8E4M3FN>, %b: tensor<2x64x128xf4E2M1FN>, %sb: tensor<2x64x8xf8E4M3FN>) -> tensor<2x16x64xf16> {
  %qa_e = tensor.empty() : tensor<2x16x128xf32>
  %qa = linalg.generic {indexing_maps = [#id3, #sc3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%a, %sa : tensor<2x16x128xf4E2M1FN>, tensor<2x16x8xf8E4M3FN>) outs(%qa_e : tensor<2x16x128xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<2x16x128xf32>
  %qb_e = tensor.empty() : tensor<2x64x128xf32>
  %qb = linalg.generic {indexing_maps = [#id3, #sc3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%b, %sb : tensor<2x64x128xf4E2M1FN>, tensor<2x64x8xf8E4M3FN>) outs(%qb_e : tensor<2x64x128xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<2x64x128xf32>
  %z_zero = arith.constant 0.0 : f32
  %z_e = tensor.empty() : tensor<2x16x64xf32>
  %z = linalg.fill ins(%z_zero : f32) outs(%z_e : tensor<2x16x64xf32>) -> tensor<2x16x64xf32>
  // expected-remark @+1 {{raised into ggemm.grouped_matmul rows<masked>: 2 groups of 16 rows, every group_counts entry 16}}
  %p = linalg.contract indexing_maps = [#bmk, #bnk, #bmn] ins(%qa, %qb : tensor<2x16x128xf32>, tensor<2x64x128xf32>) outs(%z : tensor<2x16x64xf32>) -> tensor<2x16x64xf32>
  %r = arith.truncf %p : tensor<2x16x64xf32> to tensor<2x16x64xf16>
  return %r : tensor<2x16x64xf16>
}

// -----

#id3 = affine_map<(g, r, k) -> (g, r, k)>
#sc3 = affine_map<(g, r, k) -> (g, r, k floordiv 16)>
#tc3 = affine_map<(g, k, n) -> (g, n, k)>
#tsc3 = affine_map<(g, k, n) -> (g, n, k floordiv 16)>
#bmk = affine_map<(b, m, n, k) -> (b, m, k)>
#bnk = affine_map<(b, m, n, k) -> (b, n, k)>
#bkn = affine_map<(b, m, n, k) -> (b, k, n)>
#bmn = affine_map<(b, m, n, k) -> (b, m, n)>
#ew3 = affine_map<(g, m, n) -> (g, m, n)>
// Two batched matmuls (M = 16 and M = 48) sharing B's dequantization:
// each becomes its own rows<masked> op with its own counts; the shared
// dequantization is erased with the second.
// CHECK-LABEL: func.func @two_batches(
// CHECK-SAME: %[[A0:[^:]*]]: tensor<2x16x128xf4E2M1FN>, %[[SA0:[^:]*]]: tensor<2x16x8xf8E4M3FN>, %[[B:[^:]*]]: tensor<2x64x128xf4E2M1FN>, %[[SB:[^:]*]]: tensor<2x64x8xf8E4M3FN>,
// CHECK-SAME: %[[A1:[^:]*]]: tensor<2x48x128xf4E2M1FN>, %[[SA1:[^:]*]]: tensor<2x48x8xf8E4M3FN>)
// CHECK-NOT: linalg.
// CHECK: %[[N0:.*]] = arith.constant dense<16> : tensor<2xi32>
// CHECK: %[[R0:.*]] = ggemm.grouped_matmul rows<masked> scales<row_major> a(%[[A0]] : tensor<2x16x128xf4E2M1FN>) sfa(%[[SA0]] : tensor<2x16x8xf8E4M3FN>) b(%[[B]] : tensor<2x64x128xf4E2M1FN>) sfb(%[[SB]] : tensor<2x64x8xf8E4M3FN>) c(%{{.*}} : tensor<2x16x64xf16>) group_counts(%[[N0]] : tensor<2xi32>) -> tensor<2x16x64xf16>
// CHECK-NOT: linalg.
// CHECK: %[[N1:.*]] = arith.constant dense<48> : tensor<2xi32>
// CHECK: %[[R1:.*]] = ggemm.grouped_matmul rows<masked> scales<row_major> a(%[[A1]] : tensor<2x48x128xf4E2M1FN>) sfa(%[[SA1]] : tensor<2x48x8xf8E4M3FN>) b(%[[B]] : tensor<2x64x128xf4E2M1FN>) sfb(%[[SB]] : tensor<2x64x8xf8E4M3FN>) c(%{{.*}} : tensor<2x48x64xf16>) group_counts(%[[N1]] : tensor<2xi32>) -> tensor<2x48x64xf16>
// CHECK-NOT: linalg.
// CHECK: return %[[R0]], %[[R1]]
func.func @two_batches(%a: tensor<2x16x128xf4E2M1FN>, %sa: tensor<2x16x8xf8E4M3FN>, %b: tensor<2x64x128xf4E2M1FN>, %sb: tensor<2x64x8xf8E4M3FN>, %a1: tensor<2x48x128xf4E2M1FN>, %sa1: tensor<2x48x8xf8E4M3FN>) -> (tensor<2x16x64xf16>, tensor<2x48x64xf16>) {
  %qb_e = tensor.empty() : tensor<2x64x128xf32>
  %qb = linalg.generic {indexing_maps = [#id3, #sc3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%b, %sb : tensor<2x64x128xf4E2M1FN>, tensor<2x64x8xf8E4M3FN>) outs(%qb_e : tensor<2x64x128xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<2x64x128xf32>
  %qa_e = tensor.empty() : tensor<2x16x128xf32>
  %qa = linalg.generic {indexing_maps = [#id3, #sc3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%a, %sa : tensor<2x16x128xf4E2M1FN>, tensor<2x16x8xf8E4M3FN>) outs(%qa_e : tensor<2x16x128xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<2x16x128xf32>
  %z_zero = arith.constant 0.0 : f32
  %z_e = tensor.empty() : tensor<2x16x64xf32>
  %z = linalg.fill ins(%z_zero : f32) outs(%z_e : tensor<2x16x64xf32>) -> tensor<2x16x64xf32>
  // expected-remark @+1 {{raised into ggemm.grouped_matmul rows<masked>: 2 groups of 16 rows, every group_counts entry 16}}
  %p0 = linalg.batch_matmul indexing_maps = [#bmk, #bnk, #bmn] ins(%qa, %qb : tensor<2x16x128xf32>, tensor<2x64x128xf32>) outs(%z : tensor<2x16x64xf32>) -> tensor<2x16x64xf32>
  %r = arith.truncf %p0 : tensor<2x16x64xf32> to tensor<2x16x64xf16>
  %qa1_e = tensor.empty() : tensor<2x48x128xf32>
  %qa1 = linalg.generic {indexing_maps = [#id3, #sc3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%a1, %sa1 : tensor<2x48x128xf4E2M1FN>, tensor<2x48x8xf8E4M3FN>) outs(%qa1_e : tensor<2x48x128xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<2x48x128xf32>
  %z1_zero = arith.constant 0.0 : f32
  %z1_e = tensor.empty() : tensor<2x48x64xf32>
  %z1 = linalg.fill ins(%z1_zero : f32) outs(%z1_e : tensor<2x48x64xf32>) -> tensor<2x48x64xf32>
  // expected-remark @+1 {{raised into ggemm.grouped_matmul rows<masked>: 2 groups of 48 rows, every group_counts entry 48}}
  %p1 = linalg.batch_matmul indexing_maps = [#bmk, #bnk, #bmn] ins(%qa1, %qb : tensor<2x48x128xf32>, tensor<2x64x128xf32>) outs(%z1 : tensor<2x48x64xf32>) -> tensor<2x48x64xf32>
  %r1 = arith.truncf %p1 : tensor<2x48x64xf32> to tensor<2x48x64xf16>
  return %r, %r1 : tensor<2x16x64xf16>, tensor<2x48x64xf16>
}
