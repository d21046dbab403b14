// ggemm-raise: the grouped NVFP4 matmul of linalg and arith on tensors
// becomes the tensor form of ggemm.grouped_matmul. The un-raised ops are
// erased; pure leftovers (tensor.empty, constants) are canonicalize's.
// RUN: gemm-opt %s -split-input-file --ggemm-raise | FileCheck %s
// RUN: gemm-opt %s -split-input-file --ggemm-raise=explain=true -verify-diagnostics -o /dev/null
#id = affine_map<(r, k) -> (r, k)>
#sc16 = affine_map<(r, k) -> (r, k floordiv 16)>
#sc32 = affine_map<(r, k) -> (r, k floordiv 32)>
#mk = affine_map<(m, n, k) -> (m, k)>
#nk = affine_map<(m, n, k) -> (n, k)>
#kn = affine_map<(m, n, k) -> (k, n)>
#km = affine_map<(m, n, k) -> (k, m)>
#mn = affine_map<(m, n, k) -> (m, n)>
#ew = affine_map<(m, n) -> (m, n)>
#tc = affine_map<(k, n) -> (n, k)>
#tsc = affine_map<(k, n) -> (n, k floordiv 16)>
// Two groups in one op: group 0 is linalg.matmul with B^T indexing maps,
// f32 dequantization and a linalg.generic truncation into %c0; group 1 a
// plain linalg.matmul of a linalg.transpose, f16 dequantization (exact as
// well) and arith.truncf on tensors (a tensor.empty init).
// CHECK-LABEL: func.func @two_groups(
// CHECK-SAME: %[[A0:[^:]*]]: tensor<96x128xf4E2M1FN>, %[[SA0:[^:]*]]: tensor<96x8xf8E4M3FN>, %[[B0:[^:]*]]: tensor<64x128xf4E2M1FN>, %[[SB0:[^:]*]]: tensor<64x8xf8E4M3FN>, %[[C0:[^:]*]]: tensor<96x64xf16>,
// CHECK-SAME: %[[A1:[^:]*]]: tensor<32x256xf4E2M1FN>, %[[SA1:[^:]*]]: tensor<32x16xf8E4M3FN>, %[[B1:[^:]*]]: tensor<128x256xf4E2M1FN>, %[[SB1:[^:]*]]: tensor<128x16xf8E4M3FN>)
// CHECK-NOT: linalg.generic
// CHECK-NOT: linalg.matmul
// CHECK-NOT: linalg.transpose
// CHECK-NOT: linalg.fill
// CHECK: %[[C1:.*]] = tensor.empty() : tensor<32x128xf16>
// CHECK: %[[R:.*]]:2 = ggemm.grouped_matmul rows<list> scales<row_major>
// CHECK-SAME: a(%[[A0]], %[[A1]] : tensor<96x128xf4E2M1FN>, tensor<32x256xf4E2M1FN>)
// CHECK-SAME: sfa(%[[SA0]], %[[SA1]] : tensor<96x8xf8E4M3FN>, tensor<32x16xf8E4M3FN>)
// CHECK-SAME: b(%[[B0]], %[[B1]] : tensor<64x128xf4E2M1FN>, tensor<128x256xf4E2M1FN>)
// CHECK-SAME: sfb(%[[SB0]], %[[SB1]] : tensor<64x8xf8E4M3FN>, tensor<128x16xf8E4M3FN>)
// CHECK-SAME: c(%[[C0]], %[[C1]] : tensor<96x64xf16>, tensor<32x128xf16>)
// CHECK-SAME: -> tensor<96x64xf16>, tensor<32x128xf16>
// CHECK-NOT: linalg.
// CHECK: return %[[R]]#0, %[[R]]#1
func.func @two_groups(%a0: tensor<96x128xf4E2M1FN>, %sa0: tensor<96x8xf8E4M3FN>,
    %b0: tensor<64x128xf4E2M1FN>, %sb0: tensor<64x8xf8E4M3FN>, %c0: tensor<96x64xf16>,
    %a1: tensor<32x256xf4E2M1FN>, %sa1: tensor<32x16xf8E4M3FN>,
    %b1: tensor<128x256xf4E2M1FN>, %sb1: tensor<128x16xf8E4M3FN>)
    -> (tensor<96x64xf16>, tensor<32x128xf16>) {
  %qa0_e = tensor.empty() : tensor<96x128xf32>
  %qa0 = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a0, %sa0 : tensor<96x128xf4E2M1FN>, tensor<96x8xf8E4M3FN>) outs(%qa0_e : tensor<96x128xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<96x128xf32>
  %qb0_e = tensor.empty() : tensor<64x128xf32>
  %qb0 = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
      ins(%b0, %sb0 : tensor<64x128xf4E2M1FN>, tensor<64x8xf8E4M3FN>) outs(%qb0_e : tensor<64x128xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %sf, %xf : f32
    linalg.yield %p : f32
  } -> tensor<64x128xf32>
  %z0_zero = arith.constant 0.0 : f32
  %z0_e = tensor.empty() : tensor<96x64xf32>
  %z0 = linalg.fill ins(%z0_zero : f32) outs(%z0_e : tensor<96x64xf32>) -> tensor<96x64xf32>
  // expected-remark @+1 {{raised into ggemm.grouped_matmul as group 0 of 2}}
  %p0 = linalg.matmul indexing_maps = [#mk, #nk, #mn] ins(%qa0, %qb0 : tensor<96x128xf32>, tensor<64x128xf32>) outs(%z0 : tensor<96x64xf32>) -> tensor<96x64xf32>
  %r0 = linalg.generic {indexing_maps = [#ew, #ew], iterator_types = ["parallel", "parallel"]}
      ins(%p0 : tensor<96x64xf32>) outs(%c0 : tensor<96x64xf16>) {
  ^bb0(%v: f32, %o: f16):
    %h = arith.truncf %v : f32 to f16
    linalg.yield %h : f16
  } -> tensor<96x64xf16>
  %qa1_e = tensor.empty() : tensor<32x256xf16>
  %qa1 = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a1, %sa1 : tensor<32x256xf4E2M1FN>, tensor<32x16xf8E4M3FN>) outs(%qa1_e : tensor<32x256xf16>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f16):
    %xf = arith.extf %x : f4E2M1FN to f16
    %sf = arith.extf %s : f8E4M3FN to f16
    %p = arith.mulf %xf, %sf : f16
    linalg.yield %p : f16
  } -> tensor<32x256xf16>
  %qb1_e = tensor.empty() : tensor<128x256xf16>
  %qb1 = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
      ins(%b1, %sb1 : tensor<128x256xf4E2M1FN>, tensor<128x16xf8E4M3FN>) outs(%qb1_e : tensor<128x256xf16>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f16):
    %xf = arith.extf %x : f4E2M1FN to f16
    %sf = arith.extf %s : f8E4M3FN to f16
    %p = arith.mulf %xf, %sf : f16
    linalg.yield %p : f16
  } -> tensor<128x256xf16>
  %z1_zero = arith.constant 0.0 : f32
  %z1_e = tensor.empty() : tensor<32x128xf32>
  %z1 = linalg.fill ins(%z1_zero : f32) outs(%z1_e : tensor<32x128xf32>) -> tensor<32x128xf32>
  // expected-remark @+3 {{raised into ggemm.grouped_matmul as group 1 of 2}}
  %p1_te = tensor.empty() : tensor<256x128xf16>
  %p1_bt = linalg.transpose ins(%qb1 : tensor<128x256xf16>) outs(%p1_te : tensor<256x128xf16>) permutation = [1, 0]
  %p1 = linalg.matmul ins(%qa1, %p1_bt : tensor<32x256xf16>, tensor<256x128xf16>) outs(%z1 : tensor<32x128xf32>) -> tensor<32x128xf32>
  %r1 = arith.truncf %p1 : tensor<32x128xf32> to tensor<32x128xf16>
  return %r0, %r1 : tensor<96x64xf16>, tensor<32x128xf16>
}

// -----

#id = affine_map<(r, k) -> (r, k)>
#sc16 = affine_map<(r, k) -> (r, k floordiv 16)>
#sc32 = affine_map<(r, k) -> (r, k floordiv 32)>
#mk = affine_map<(m, n, k) -> (m, k)>
#nk = affine_map<(m, n, k) -> (n, k)>
#kn = affine_map<(m, n, k) -> (k, n)>
#km = affine_map<(m, n, k) -> (k, m)>
#mn = affine_map<(m, n, k) -> (m, n)>
#ew = affine_map<(m, n) -> (m, n)>
#tc = affine_map<(k, n) -> (n, k)>
#tsc = affine_map<(k, n) -> (n, k floordiv 16)>

// Group 0's result is used before group 1's truncation: one op each, each
// placed where its truncation was. bf16 dequantization is exact too, and
// one dequantized A may feed two groups.
// CHECK-LABEL: func.func @used_between(
// CHECK-SAME: %[[A:[^:]*]]: tensor<64x64xf4E2M1FN>, %[[SA:[^:]*]]: tensor<64x4xf8E4M3FN>,
// CHECK: %[[R0:.*]] = ggemm.grouped_matmul rows<list> scales<row_major> a(%[[A]] : tensor<64x64xf4E2M1FN>) sfa(%[[SA]] : tensor<64x4xf8E4M3FN>)
// CHECK-NEXT: call @use(%[[R0]])
// CHECK: %[[R1:.*]] = ggemm.grouped_matmul rows<list> scales<row_major> a(%[[A]] : tensor<64x64xf4E2M1FN>) sfa(%[[SA]] : tensor<64x4xf8E4M3FN>)
// CHECK: return %[[R1]]
func.func private @use(tensor<64x8xf16>)
func.func @used_between(%a: tensor<64x64xf4E2M1FN>, %sa: tensor<64x4xf8E4M3FN>,
    %b0: tensor<8x64xf4E2M1FN>, %sb0: tensor<8x4xf8E4M3FN>,
    %b1: tensor<16x64xf4E2M1FN>, %sb1: tensor<16x4xf8E4M3FN>) -> tensor<64x16xf16> {
  %qa_e = tensor.empty() : tensor<64x64xbf16>
  %qa = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a, %sa : tensor<64x64xf4E2M1FN>, tensor<64x4xf8E4M3FN>) outs(%qa_e : tensor<64x64xbf16>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: bf16):
    %xf = arith.extf %x : f4E2M1FN to bf16
    %sf = arith.extf %s : f8E4M3FN to bf16
    %p = arith.mulf %xf, %sf : bf16
    linalg.yield %p : bf16
  } -> tensor<64x64xbf16>
  %qb0_e = tensor.empty() : tensor<8x64xbf16>
  %qb0 = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
      ins(%b0, %sb0 : tensor<8x64xf4E2M1FN>, tensor<8x4xf8E4M3FN>) outs(%qb0_e : tensor<8x64xbf16>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: bf16):
    %xf = arith.extf %x : f4E2M1FN to bf16
    %sf = arith.extf %s : f8E4M3FN to bf16
    %p = arith.mulf %xf, %sf : bf16
    linalg.yield %p : bf16
  } -> tensor<8x64xbf16>
  %z0_zero = arith.constant 0.0 : f32
  %z0_e = tensor.empty() : tensor<64x8xf32>
  %z0 = linalg.fill ins(%z0_zero : f32) outs(%z0_e : tensor<64x8xf32>) -> tensor<64x8xf32>
  // expected-remark @+1 {{raised into ggemm.grouped_matmul as group 0 of 1}}
  %p0 = linalg.matmul indexing_maps = [#mk, #nk, #mn] ins(%qa, %qb0 : tensor<64x64xbf16>, tensor<8x64xbf16>) outs(%z0 : tensor<64x8xf32>) -> tensor<64x8xf32>
  %r0 = arith.truncf %p0 : tensor<64x8xf32> to tensor<64x8xf16>
  func.call @use(%r0) : (tensor<64x8xf16>) -> ()
  %qb1_e = tensor.empty() : tensor<16x64xbf16>
  %qb1 = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
      ins(%b1, %sb1 : tensor<16x64xf4E2M1FN>, tensor<16x4xf8E4M3FN>) outs(%qb1_e : tensor<16x64xbf16>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: bf16):
    %xf = arith.extf %x : f4E2M1FN to bf16
    %sf = arith.extf %s : f8E4M3FN to bf16
    %p = arith.mulf %xf, %sf : bf16
    linalg.yield %p : bf16
  } -> tensor<16x64xbf16>
  %z1_zero = arith.constant 0.0 : f32
  %z1_e = tensor.empty() : tensor<64x16xf32>
  %z1 = linalg.fill ins(%z1_zero : f32) outs(%z1_e : tensor<64x16xf32>) -> tensor<64x16xf32>
  // expected-remark @+1 {{raised into ggemm.grouped_matmul as group 0 of 1}}
  %p1 = linalg.matmul indexing_maps = [#mk, #nk, #mn] ins(%qa, %qb1 : tensor<64x64xbf16>, tensor<16x64xbf16>) outs(%z1 : tensor<64x16xf32>) -> tensor<64x16xf32>
  %r1 = arith.truncf %p1 : tensor<64x16xf32> to tensor<64x16xf16>
  return %r1 : tensor<64x16xf16>
}

// -----

#id = affine_map<(r, k) -> (r, k)>
#sc16 = affine_map<(r, k) -> (r, k floordiv 16)>
#sc32 = affine_map<(r, k) -> (r, k floordiv 32)>
#mk = affine_map<(m, n, k) -> (m, k)>
#nk = affine_map<(m, n, k) -> (n, k)>
#kn = affine_map<(m, n, k) -> (k, n)>
#km = affine_map<(m, n, k) -> (k, m)>
#mn = affine_map<(m, n, k) -> (m, n)>
#ew = affine_map<(m, n) -> (m, n)>
#tc = affine_map<(k, n) -> (n, k)>
#tsc = affine_map<(k, n) -> (n, k floordiv 16)>

// A plain linalg.matmul whose B is dequantized straight into its K x N
// transpose from N x K codes.
// CHECK-LABEL: func.func @transposing_dequant(
// CHECK-SAME: %[[B:[^:]*]]: tensor<8x64xf4E2M1FN>, %[[SB:[^:]*]]: tensor<8x4xf8E4M3FN>)
// CHECK-NOT: linalg.
// CHECK: ggemm.grouped_matmul rows<list> scales<row_major> a(%{{.*}} : tensor<32x64xf4E2M1FN>) sfa(%{{.*}} : tensor<32x4xf8E4M3FN>) b(%[[B]] : tensor<8x64xf4E2M1FN>) sfb(%[[SB]] : tensor<8x4xf8E4M3FN>)
func.func @transposing_dequant(%a: tensor<32x64xf4E2M1FN>, %sa: tensor<32x4xf8E4M3FN>,
    %b: tensor<8x64xf4E2M1FN>, %sb: tensor<8x4xf8E4M3FN>) -> tensor<32x8xf16> {
  %qa_e = tensor.empty() : tensor<32x64xf32>
  %qa = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a, %sa : tensor<32x64xf4E2M1FN>, tensor<32x4xf8E4M3FN>) outs(%qa_e : tensor<32x64xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<32x64xf32>
  %qb_e = tensor.empty() : tensor<64x8xf32>
  %qb = linalg.generic {indexing_maps = [#tc, #tsc, #id], iterator_types = ["parallel", "parallel"]}
      ins(%b, %sb : tensor<8x64xf4E2M1FN>, tensor<8x4xf8E4M3FN>) outs(%qb_e : tensor<64x8xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<64x8xf32>
  %z_zero = arith.constant 0.0 : f32
  %z_e = tensor.empty() : tensor<32x8xf32>
  %z = linalg.fill ins(%z_zero : f32) outs(%z_e : tensor<32x8xf32>) -> tensor<32x8xf32>
  // expected-remark @+1 {{raised into ggemm.grouped_matmul as group 0 of 1}}
  %p = linalg.matmul ins(%qa, %qb : tensor<32x64xf32>, tensor<64x8xf32>) outs(%z : tensor<32x8xf32>) -> tensor<32x8xf32>
  %r = arith.truncf %p : tensor<32x8xf32> to tensor<32x8xf16>
  return %r : tensor<32x8xf16>
}

// -----

#id = affine_map<(r, k) -> (r, k)>
#sc16 = affine_map<(r, k) -> (r, k floordiv 16)>
#sc32 = affine_map<(r, k) -> (r, k floordiv 32)>
#mk = affine_map<(m, n, k) -> (m, k)>
#nk = affine_map<(m, n, k) -> (n, k)>
#kn = affine_map<(m, n, k) -> (k, n)>
#km = affine_map<(m, n, k) -> (k, m)>
#mn = affine_map<(m, n, k) -> (m, n)>
#ew = affine_map<(m, n) -> (m, n)>
#tc = affine_map<(k, n) -> (n, k)>
#tsc = affine_map<(k, n) -> (n, k floordiv 16)>

// An epilogue that scales the f32 sum by a scalar (alpha * sum, then the
// truncation) gives the op's alpha; a group without one gets 1.0.
// CHECK-LABEL: func.func @alpha(
// CHECK-SAME: %[[ALPHA:[^:]*]]: f32)
// CHECK-DAG: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK: %[[AL:.*]] = tensor.from_elements %[[ALPHA]], %[[ONE]] : tensor<2xf32>
// CHECK: ggemm.grouped_matmul rows<list> scales<row_major>
// CHECK-SAME: alpha(%[[AL]] : tensor<2xf32>) -> tensor<32x8xf16>, tensor<32x8xf16>
func.func @alpha(%a: tensor<32x64xf4E2M1FN>, %sa: tensor<32x4xf8E4M3FN>,
    %b: tensor<8x64xf4E2M1FN>, %sb: tensor<8x4xf8E4M3FN>, %alpha: f32)
    -> (tensor<32x8xf16>, tensor<32x8xf16>) {
  %qa_e = tensor.empty() : tensor<32x64xf32>
  %qa = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a, %sa : tensor<32x64xf4E2M1FN>, tensor<32x4xf8E4M3FN>) outs(%qa_e : tensor<32x64xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<32x64xf32>
  %qb_e = tensor.empty() : tensor<8x64xf32>
  %qb = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
      ins(%b, %sb : tensor<8x64xf4E2M1FN>, tensor<8x4xf8E4M3FN>) outs(%qb_e : tensor<8x64xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<8x64xf32>
  %z_zero = arith.constant 0.0 : f32
  %z_e = tensor.empty() : tensor<32x8xf32>
  %z = linalg.fill ins(%z_zero : f32) outs(%z_e : tensor<32x8xf32>) -> tensor<32x8xf32>
  // expected-remark @+1 {{raised into ggemm.grouped_matmul as group 0 of 2}}
  %p0 = linalg.matmul indexing_maps = [#mk, #nk, #mn] ins(%qa, %qb : tensor<32x64xf32>, tensor<8x64xf32>) outs(%z : tensor<32x8xf32>) -> tensor<32x8xf32>
  %e0 = tensor.empty() : tensor<32x8xf16>
  %r0 = linalg.generic {indexing_maps = [#ew, #ew], iterator_types = ["parallel", "parallel"]}
      ins(%p0 : tensor<32x8xf32>) outs(%e0 : tensor<32x8xf16>) {
  ^bb0(%v: f32, %o: f16):
    %s = arith.mulf %alpha, %v : f32
    %h = arith.truncf %s : f32 to f16
    linalg.yield %h : f16
  } -> tensor<32x8xf16>
  // expected-remark @+1 {{raised into ggemm.grouped_matmul as group 1 of 2}}
  %p1 = linalg.matmul indexing_maps = [#mk, #nk, #mn] ins(%qa, %qb : tensor<32x64xf32>, tensor<8x64xf32>) outs(%z : tensor<32x8xf32>) -> tensor<32x8xf32>
  %r1 = arith.truncf %p1 : tensor<32x8xf32> to tensor<32x8xf16>
  return %r0, %r1 : tensor<32x8xf16>, tensor<32x8xf16>
}
