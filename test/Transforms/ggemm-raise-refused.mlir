// ggemm-raise leaves every near miss of the accepted pattern untouched; with
// explain=true it says why in a remark on the linalg.matmul.
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

// linalg.matmul with an f16 result accumulates in f16: not the op's f32 sum.
// CHECK-LABEL: func.func @f16_accumulator(
// CHECK-NOT: ggemm.grouped_matmul
// CHECK: linalg.matmul
// CHECK-NOT: ggemm.grouped_matmul
// CHECK: return
func.func @f16_accumulator(%a: tensor<64x64xf4E2M1FN>, %sa: tensor<64x4xf8E4M3FN>, %b: tensor<8x64xf4E2M1FN>, %sb: tensor<8x4xf8E4M3FN>) -> tensor<64x8xf16> {
  %qa_e = tensor.empty() : tensor<64x64xf32>
  %qa = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a, %sa : tensor<64x64xf4E2M1FN>, tensor<64x4xf8E4M3FN>) outs(%qa_e : tensor<64x64xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<64x64xf32>
  %qb_e = tensor.empty() : tensor<8x64xf32>
  %qb = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
      ins(%b, %sb : tensor<8x64xf4E2M1FN>, tensor<8x4xf8E4M3FN>) outs(%qb_e : tensor<8x64xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<8x64xf32>
  %z_zero = arith.constant 0.0 : f16
  %z_e = tensor.empty() : tensor<64x8xf16>
  %z = linalg.fill ins(%z_zero : f16) outs(%z_e : tensor<64x8xf16>) -> tensor<64x8xf16>
  // expected-remark @+1 {{not raised: it accumulates in f16; ggemm accumulates in f32 and rounds to f16 once}}
  %r = linalg.matmul indexing_maps = [#mk, #nk, #mn] ins(%qa, %qb : tensor<64x64xf32>, tensor<8x64xf32>) outs(%z : tensor<64x8xf16>) -> tensor<64x8xf16>
  return %r : tensor<64x8xf16>
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

// The accumulator starts at 1.0, not +0.0.
// CHECK-LABEL: func.func @nonzero_init(
// CHECK-NOT: ggemm.grouped_matmul
// CHECK: linalg.matmul
// CHECK-NOT: ggemm.grouped_matmul
// CHECK: return
func.func @nonzero_init(%a: tensor<64x64xf4E2M1FN>, %sa: tensor<64x4xf8E4M3FN>, %b: tensor<8x64xf4E2M1FN>, %sb: tensor<8x4xf8E4M3FN>) -> tensor<64x8xf16> {
  %qa_e = tensor.empty() : tensor<64x64xf32>
  %qa = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a, %sa : tensor<64x64xf4E2M1FN>, tensor<64x4xf8E4M3FN>) outs(%qa_e : tensor<64x64xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<64x64xf32>
  %qb_e = tensor.empty() : tensor<8x64xf32>
  %qb = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
      ins(%b, %sb : tensor<8x64xf4E2M1FN>, tensor<8x4xf8E4M3FN>) outs(%qb_e : tensor<8x64xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<8x64xf32>
  %z_zero = arith.constant 1.0 : f32
  %z_e = tensor.empty() : tensor<64x8xf32>
  %z = linalg.fill ins(%z_zero : f32) outs(%z_e : tensor<64x8xf32>) -> tensor<64x8xf32>
  // expected-remark @+1 {{not raised: the accumulator is filled with 1.000000; ggemm sums from +0.0}}
  %p = linalg.matmul indexing_maps = [#mk, #nk, #mn] ins(%qa, %qb : tensor<64x64xf32>, tensor<8x64xf32>) outs(%z : tensor<64x8xf32>) -> tensor<64x8xf32>
  %r = arith.truncf %p : tensor<64x8xf32> to tensor<64x8xf16>
  return %r : tensor<64x8xf16>
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

// -0.0 + -0.0 is -0.0 where the op's +0.0 + -0.0 is +0.0.
// CHECK-LABEL: func.func @negative_zero_init(
// CHECK-NOT: ggemm.grouped_matmul
// CHECK: linalg.matmul
// CHECK-NOT: ggemm.grouped_matmul
// CHECK: return
func.func @negative_zero_init(%a: tensor<64x64xf4E2M1FN>, %sa: tensor<64x4xf8E4M3FN>, %b: tensor<8x64xf4E2M1FN>, %sb: tensor<8x4xf8E4M3FN>) -> tensor<64x8xf16> {
  %qa_e = tensor.empty() : tensor<64x64xf32>
  %qa = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a, %sa : tensor<64x64xf4E2M1FN>, tensor<64x4xf8E4M3FN>) outs(%qa_e : tensor<64x64xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<64x64xf32>
  %qb_e = tensor.empty() : tensor<8x64xf32>
  %qb = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
      ins(%b, %sb : tensor<8x64xf4E2M1FN>, tensor<8x4xf8E4M3FN>) outs(%qb_e : tensor<8x64xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<8x64xf32>
  %z_zero = arith.constant -0.0 : f32
  %z_e = tensor.empty() : tensor<64x8xf32>
  %z = linalg.fill ins(%z_zero : f32) outs(%z_e : tensor<64x8xf32>) -> tensor<64x8xf32>
  // expected-remark @+1 {{not raised: the accumulator is filled with -0.000000 (-0.0); ggemm sums from +0.0}}
  %p = linalg.matmul indexing_maps = [#mk, #nk, #mn] ins(%qa, %qb : tensor<64x64xf32>, tensor<8x64xf32>) outs(%z : tensor<64x8xf32>) -> tensor<64x8xf32>
  %r = arith.truncf %p : tensor<64x8xf32> to tensor<64x8xf16>
  return %r : tensor<64x8xf16>
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

// An accumulator passed in is not known to be +0.0.
// CHECK-LABEL: func.func @accumulator_argument(
// CHECK-NOT: ggemm.grouped_matmul
// CHECK: linalg.matmul
// CHECK-NOT: ggemm.grouped_matmul
// CHECK: return
func.func @accumulator_argument(%a: tensor<64x64xf4E2M1FN>, %sa: tensor<64x4xf8E4M3FN>, %b: tensor<8x64xf4E2M1FN>, %sb: tensor<8x4xf8E4M3FN>, %acc: tensor<64x8xf32>) -> tensor<64x8xf16> {
  %qa_e = tensor.empty() : tensor<64x64xf32>
  %qa = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a, %sa : tensor<64x64xf4E2M1FN>, tensor<64x4xf8E4M3FN>) outs(%qa_e : tensor<64x64xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<64x64xf32>
  %qb_e = tensor.empty() : tensor<8x64xf32>
  %qb = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
      ins(%b, %sb : tensor<8x64xf4E2M1FN>, tensor<8x4xf8E4M3FN>) outs(%qb_e : tensor<8x64xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<8x64xf32>
  // expected-remark @+1 {{not raised: the accumulator is not a linalg.fill of a constant; ggemm sums from +0.0}}
  %p = linalg.matmul indexing_maps = [#mk, #nk, #mn] ins(%qa, %qb : tensor<64x64xf32>, tensor<8x64xf32>) outs(%acc : tensor<64x8xf32>) -> tensor<64x8xf32>
  %r = arith.truncf %p : tensor<64x8xf32> to tensor<64x8xf16>
  return %r : tensor<64x8xf16>
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

// A plain A * B with B stored (and dequantized) K x N: ggemm takes B as N x K.
// CHECK-LABEL: func.func @b_not_transposed(
// CHECK-NOT: ggemm.grouped_matmul
// CHECK: linalg.matmul
// CHECK-NOT: ggemm.grouped_matmul
// CHECK: return
func.func @b_not_transposed(%a: tensor<64x64xf4E2M1FN>, %sa: tensor<64x4xf8E4M3FN>, %b: tensor<64x8xf4E2M1FN>, %sb: tensor<64x1xf8E4M3FN>) -> tensor<64x8xf16> {
  %qa_e = tensor.empty() : tensor<64x64xf32>
  %qa = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a, %sa : tensor<64x64xf4E2M1FN>, tensor<64x4xf8E4M3FN>) outs(%qa_e : tensor<64x64xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<64x64xf32>
  %qb_e = tensor.empty() : tensor<64x8xf32>
  %qb = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
      ins(%b, %sb : tensor<64x8xf4E2M1FN>, tensor<64x1xf8E4M3FN>) outs(%qb_e : tensor<64x8xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<64x8xf32>
  %z_zero = arith.constant 0.0 : f32
  %z_e = tensor.empty() : tensor<64x8xf32>
  %z = linalg.fill ins(%z_zero : f32) outs(%z_e : tensor<64x8xf32>) -> tensor<64x8xf32>
  // expected-remark @+1 {{not raised: B is K x N and neither a linalg.transpose of an N x K tensor nor dequantized from N x K codes (B's dequantization does not read the codes at (d0, d1) -> (d1, d0) and write its result at (d0, d1) -> (d0, d1)); ggemm computes A * B^T with B stored N x K}}
  %p = linalg.matmul ins(%qa, %qb : tensor<64x64xf32>, tensor<64x8xf32>) outs(%z : tensor<64x8xf32>) -> tensor<64x8xf32>
  %r = arith.truncf %p : tensor<64x8xf32> to tensor<64x8xf16>
  return %r : tensor<64x8xf16>
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

// A^T * B^T: the maps are neither A * B nor A * B^T.
// CHECK-LABEL: func.func @a_transposed(
// CHECK-NOT: ggemm.grouped_matmul
// CHECK: linalg.matmul
// CHECK-NOT: ggemm.grouped_matmul
// CHECK: return
func.func @a_transposed(%a: tensor<64x64xf4E2M1FN>, %sa: tensor<64x4xf8E4M3FN>, %b: tensor<8x64xf4E2M1FN>, %sb: tensor<8x4xf8E4M3FN>) -> tensor<64x8xf16> {
  %qa_e = tensor.empty() : tensor<64x64xf32>
  %qa = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a, %sa : tensor<64x64xf4E2M1FN>, tensor<64x4xf8E4M3FN>) outs(%qa_e : tensor<64x64xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<64x64xf32>
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
  %z_e = tensor.empty() : tensor<64x8xf32>
  %z = linalg.fill ins(%z_zero : f32) outs(%z_e : tensor<64x8xf32>) -> tensor<64x8xf32>
  // expected-remark @+1 {{not raised: its indexing maps are neither those of A * B nor of A * B^T}}
  %p = linalg.matmul indexing_maps = [#km, #nk, #mn] ins(%qa, %qb : tensor<64x64xf32>, tensor<8x64xf32>) outs(%z : tensor<64x8xf32>) -> tensor<64x8xf32>
  %r = arith.truncf %p : tensor<64x8xf32> to tensor<64x8xf16>
  return %r : tensor<64x8xf16>
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

// One scale per 32 K elements (MXFP4-like blocks), not 16.
// CHECK-LABEL: func.func @scale_block_32(
// CHECK-NOT: ggemm.grouped_matmul
// CHECK: linalg.matmul
// CHECK-NOT: ggemm.grouped_matmul
// CHECK: return
func.func @scale_block_32(%a: tensor<64x64xf4E2M1FN>, %sa: tensor<64x2xf8E4M3FN>, %b: tensor<8x64xf4E2M1FN>, %sb: tensor<8x4xf8E4M3FN>) -> tensor<64x8xf16> {
  %qa_e = tensor.empty() : tensor<64x64xf32>
  %qa = linalg.generic {indexing_maps = [#id, #sc32, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a, %sa : tensor<64x64xf4E2M1FN>, tensor<64x2xf8E4M3FN>) outs(%qa_e : tensor<64x64xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<64x64xf32>
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
  %z_e = tensor.empty() : tensor<64x8xf32>
  %z = linalg.fill ins(%z_zero : f32) outs(%z_e : tensor<64x8xf32>) -> tensor<64x8xf32>
  // expected-remark @+1 {{not raised: A's scales are read at (d0, d1) -> (d0, d1 floordiv 32); expected one scale per 16 K elements, (d0, d1) -> (d0, d1 floordiv 16)}}
  %p = linalg.matmul indexing_maps = [#mk, #nk, #mn] ins(%qa, %qb : tensor<64x64xf32>, tensor<8x64xf32>) outs(%z : tensor<64x8xf32>) -> tensor<64x8xf32>
  %r = arith.truncf %p : tensor<64x8xf32> to tensor<64x8xf16>
  return %r : tensor<64x8xf16>
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

// The codes are e4m3 (an FP8 matmul), not e2m1.
// CHECK-LABEL: func.func @fp8_codes(
// CHECK-NOT: ggemm.grouped_matmul
// CHECK: linalg.matmul
// CHECK-NOT: ggemm.grouped_matmul
// CHECK: return
func.func @fp8_codes(%a: tensor<64x64xf8E4M3FN>, %sa: tensor<64x4xf8E4M3FN>, %b: tensor<8x64xf4E2M1FN>, %sb: tensor<8x4xf8E4M3FN>) -> tensor<64x8xf16> {
  %qa_e = tensor.empty() : tensor<64x64xf32>
  %qa = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a, %sa : tensor<64x64xf8E4M3FN>, tensor<64x4xf8E4M3FN>) outs(%qa_e : tensor<64x64xf32>) {
  ^bb0(%x: f8E4M3FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f8E4M3FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<64x64xf32>
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
  %z_e = tensor.empty() : tensor<64x8xf32>
  %z = linalg.fill ins(%z_zero : f32) outs(%z_e : tensor<64x8xf32>) -> tensor<64x8xf32>
  // expected-remark @+1 {{not raised: A's dequantization does not read tensors of f4E2M1FN codes and f8E4M3FN scales (it reads tensor<64x64xf8E4M3FN> and tensor<64x4xf8E4M3FN>)}}
  %p = linalg.matmul indexing_maps = [#mk, #nk, #mn] ins(%qa, %qb : tensor<64x64xf32>, tensor<8x64xf32>) outs(%z : tensor<64x8xf32>) -> tensor<64x8xf32>
  %r = arith.truncf %p : tensor<64x8xf32> to tensor<64x8xf16>
  return %r : tensor<64x8xf16>
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

// The dequantization adds its init: more than extf, extf, mulf.
// CHECK-LABEL: func.func @dequant_body(
// CHECK-NOT: ggemm.grouped_matmul
// CHECK: linalg.matmul
// CHECK-NOT: ggemm.grouped_matmul
// CHECK: return
func.func @dequant_body(%a: tensor<64x64xf4E2M1FN>, %sa: tensor<64x4xf8E4M3FN>, %b: tensor<8x64xf4E2M1FN>, %sb: tensor<8x4xf8E4M3FN>) -> tensor<64x8xf16> {
  %qa_e = tensor.empty() : tensor<64x64xf32>
  %qa = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a, %sa : tensor<64x64xf4E2M1FN>, tensor<64x4xf8E4M3FN>) outs(%qa_e : tensor<64x64xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    %q = arith.addf %p, %o : f32
    linalg.yield %q : f32
  } -> tensor<64x64xf32>
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
  %z_e = tensor.empty() : tensor<64x8xf32>
  %z = linalg.fill ins(%z_zero : f32) outs(%z_e : tensor<64x8xf32>) -> tensor<64x8xf32>
  // expected-remark @+1 {{not raised: A's dequantization body is not exactly arith.mulf(arith.extf(code), arith.extf(scale))}}
  %p = linalg.matmul indexing_maps = [#mk, #nk, #mn] ins(%qa, %qb : tensor<64x64xf32>, tensor<8x64xf32>) outs(%z : tensor<64x8xf32>) -> tensor<64x8xf32>
  %r = arith.truncf %p : tensor<64x8xf32> to tensor<64x8xf16>
  return %r : tensor<64x8xf16>
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

// Fast-math flags on the dequantization.
// CHECK-LABEL: func.func @dequant_fastmath(
// CHECK-NOT: ggemm.grouped_matmul
// CHECK: linalg.matmul
// CHECK-NOT: ggemm.grouped_matmul
// CHECK: return
func.func @dequant_fastmath(%a: tensor<64x64xf4E2M1FN>, %sa: tensor<64x4xf8E4M3FN>, %b: tensor<8x64xf4E2M1FN>, %sb: tensor<8x4xf8E4M3FN>) -> tensor<64x8xf16> {
  %qa_e = tensor.empty() : tensor<64x64xf32>
  %qa = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a, %sa : tensor<64x64xf4E2M1FN>, tensor<64x4xf8E4M3FN>) outs(%qa_e : tensor<64x64xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<64x64xf32>
  %qb_e = tensor.empty() : tensor<8x64xf32>
  %qb = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
      ins(%b, %sb : tensor<8x64xf4E2M1FN>, tensor<8x4xf8E4M3FN>) outs(%qb_e : tensor<8x64xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf fastmath<fast> : f32
    linalg.yield %p : f32
  } -> tensor<8x64xf32>
  %z_zero = arith.constant 0.0 : f32
  %z_e = tensor.empty() : tensor<64x8xf32>
  %z = linalg.fill ins(%z_zero : f32) outs(%z_e : tensor<64x8xf32>) -> tensor<64x8xf32>
  // expected-remark @+1 {{not raised: B's dequantization multiplies with fast-math flags}}
  %p = linalg.matmul indexing_maps = [#mk, #nk, #mn] ins(%qa, %qb : tensor<64x64xf32>, tensor<8x64xf32>) outs(%z : tensor<64x8xf32>) -> tensor<64x8xf32>
  %r = arith.truncf %p : tensor<64x8xf32> to tensor<64x8xf16>
  return %r : tensor<64x8xf16>
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

// The truncation rounds toward zero; the op rounds to nearest even.
// CHECK-LABEL: func.func @round_toward_zero(
// CHECK-NOT: ggemm.grouped_matmul
// CHECK: linalg.matmul
// CHECK-NOT: ggemm.grouped_matmul
// CHECK: return
func.func @round_toward_zero(%a: tensor<64x64xf4E2M1FN>, %sa: tensor<64x4xf8E4M3FN>, %b: tensor<8x64xf4E2M1FN>, %sb: tensor<8x4xf8E4M3FN>) -> tensor<64x8xf16> {
  %qa_e = tensor.empty() : tensor<64x64xf32>
  %qa = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a, %sa : tensor<64x64xf4E2M1FN>, tensor<64x4xf8E4M3FN>) outs(%qa_e : tensor<64x64xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<64x64xf32>
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
  %z_e = tensor.empty() : tensor<64x8xf32>
  %z = linalg.fill ins(%z_zero : f32) outs(%z_e : tensor<64x8xf32>) -> tensor<64x8xf32>
  // expected-remark @+1 {{not raised: the truncation to f16 does not round to nearest even (a rounding mode or fast-math flags are set)}}
  %p = linalg.matmul indexing_maps = [#mk, #nk, #mn] ins(%qa, %qb : tensor<64x64xf32>, tensor<8x64xf32>) outs(%z : tensor<64x8xf32>) -> tensor<64x8xf32>
  %r = arith.truncf %p toward_zero : tensor<64x8xf32> to tensor<64x8xf16>
  return %r : tensor<64x8xf16>
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

// The product is truncated to bf16, not f16.
// CHECK-LABEL: func.func @bf16_result(
// CHECK-NOT: ggemm.grouped_matmul
// CHECK: linalg.matmul
// CHECK-NOT: ggemm.grouped_matmul
// CHECK: return
func.func @bf16_result(%a: tensor<64x64xf4E2M1FN>, %sa: tensor<64x4xf8E4M3FN>, %b: tensor<8x64xf4E2M1FN>, %sb: tensor<8x4xf8E4M3FN>) -> tensor<64x8xbf16> {
  %qa_e = tensor.empty() : tensor<64x64xf32>
  %qa = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a, %sa : tensor<64x64xf4E2M1FN>, tensor<64x4xf8E4M3FN>) outs(%qa_e : tensor<64x64xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<64x64xf32>
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
  %z_e = tensor.empty() : tensor<64x8xf32>
  %z = linalg.fill ins(%z_zero : f32) outs(%z_e : tensor<64x8xf32>) -> tensor<64x8xf32>
  // expected-remark @+1 {{not raised: the f32 product is truncated to tensor<64x8xbf16>; ggemm writes f16}}
  %p = linalg.matmul indexing_maps = [#mk, #nk, #mn] ins(%qa, %qb : tensor<64x64xf32>, tensor<8x64xf32>) outs(%z : tensor<64x8xf32>) -> tensor<64x8xf32>
  %r = arith.truncf %p : tensor<64x8xf32> to tensor<64x8xbf16>
  return %r : tensor<64x8xbf16>
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

// No truncation: the f32 product is returned.
// CHECK-LABEL: func.func @f32_result(
// CHECK-NOT: ggemm.grouped_matmul
// CHECK: linalg.matmul
// CHECK-NOT: ggemm.grouped_matmul
// CHECK: return
func.func @f32_result(%a: tensor<64x64xf4E2M1FN>, %sa: tensor<64x4xf8E4M3FN>, %b: tensor<8x64xf4E2M1FN>, %sb: tensor<8x4xf8E4M3FN>) -> tensor<64x8xf32> {
  %qa_e = tensor.empty() : tensor<64x64xf32>
  %qa = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a, %sa : tensor<64x64xf4E2M1FN>, tensor<64x4xf8E4M3FN>) outs(%qa_e : tensor<64x64xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<64x64xf32>
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
  %z_e = tensor.empty() : tensor<64x8xf32>
  %z = linalg.fill ins(%z_zero : f32) outs(%z_e : tensor<64x8xf32>) -> tensor<64x8xf32>
  // expected-remark @+1 {{not raised: the f32 product is used by 'func.return', not by an arith.truncf to f16 (on tensors or as the body of an elementwise linalg.generic)}}
  %p = linalg.matmul indexing_maps = [#mk, #nk, #mn] ins(%qa, %qb : tensor<64x64xf32>, tensor<8x64xf32>) outs(%z : tensor<64x8xf32>) -> tensor<64x8xf32>
  return %p : tensor<64x8xf32>
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

// The f32 product is also returned: raising would compute it twice.
// CHECK-LABEL: func.func @two_uses(
// CHECK-NOT: ggemm.grouped_matmul
// CHECK: linalg.matmul
// CHECK-NOT: ggemm.grouped_matmul
// CHECK: return
func.func @two_uses(%a: tensor<64x64xf4E2M1FN>, %sa: tensor<64x4xf8E4M3FN>, %b: tensor<8x64xf4E2M1FN>, %sb: tensor<8x4xf8E4M3FN>) -> (tensor<64x8xf16>, tensor<64x8xf32>) {
  %qa_e = tensor.empty() : tensor<64x64xf32>
  %qa = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a, %sa : tensor<64x64xf4E2M1FN>, tensor<64x4xf8E4M3FN>) outs(%qa_e : tensor<64x64xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<64x64xf32>
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
  %z_e = tensor.empty() : tensor<64x8xf32>
  %z = linalg.fill ins(%z_zero : f32) outs(%z_e : tensor<64x8xf32>) -> tensor<64x8xf32>
  // expected-remark @+1 {{not raised: the f32 product has 2 uses; raising needs exactly one, its truncation to f16}}
  %p = linalg.matmul indexing_maps = [#mk, #nk, #mn] ins(%qa, %qb : tensor<64x64xf32>, tensor<8x64xf32>) outs(%z : tensor<64x8xf32>) -> tensor<64x8xf32>
  %r = arith.truncf %p : tensor<64x8xf32> to tensor<64x8xf16>
  return %r, %p : tensor<64x8xf16>, tensor<64x8xf32>
}

// -----

#id = affine_map<(r, k) -> (r, k)>
#sc16 = affine_map<(r, k) -> (r, k floordiv 16)>
#nk = affine_map<(m, n, k) -> (n, k)>
#mk = affine_map<(m, n, k) -> (m, k)>
#mn = affine_map<(m, n, k) -> (m, n)>
#ew = affine_map<(m, n) -> (m, n)>

// The epilogue scales by a tensor read elementwise, not by one scalar.
// CHECK-LABEL: func.func @scaled_by_tensor(
// CHECK-NOT: ggemm.grouped_matmul
// CHECK: linalg.matmul
// CHECK-NOT: ggemm.grouped_matmul
// CHECK: return
func.func @scaled_by_tensor(%a: tensor<64x64xf4E2M1FN>, %sa: tensor<64x4xf8E4M3FN>, %b: tensor<8x64xf4E2M1FN>, %sb: tensor<8x4xf8E4M3FN>, %scale: tensor<64x8xf32>) -> tensor<64x8xf16> {
  %qa_e = tensor.empty() : tensor<64x64xf32>
  %qa = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a, %sa : tensor<64x64xf4E2M1FN>, tensor<64x4xf8E4M3FN>) outs(%qa_e : tensor<64x64xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<64x64xf32>
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
  %z_e = tensor.empty() : tensor<64x8xf32>
  %z = linalg.fill ins(%z_zero : f32) outs(%z_e : tensor<64x8xf32>) -> tensor<64x8xf32>
  // expected-remark @+1 {{not raised: the f32 product is used by a linalg.generic that is not an elementwise truncation to f16 (its body must be exactly arith.truncf, or arith.truncf of an arith.mulf by an f32 scalar defined outside it, and linalg.yield)}}
  %p = linalg.matmul indexing_maps = [#mk, #nk, #mn] ins(%qa, %qb : tensor<64x64xf32>, tensor<8x64xf32>) outs(%z : tensor<64x8xf32>) -> tensor<64x8xf32>
  %ep_e = tensor.empty() : tensor<64x8xf16>
  %r = linalg.generic {indexing_maps = [#ew, #ew, #ew], iterator_types = ["parallel", "parallel"]}
      ins(%p, %scale : tensor<64x8xf32>, tensor<64x8xf32>) outs(%ep_e : tensor<64x8xf16>) {
  ^bb0(%v: f32, %w: f32, %o: f16):
    %s = arith.mulf %v, %w : f32
    %h = arith.truncf %s : f32 to f16
    linalg.yield %h : f16
  } -> tensor<64x8xf16>
  return %r : tensor<64x8xf16>
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

// K = 32 is not a multiple of 64.
// CHECK-LABEL: func.func @k_32(
// CHECK-NOT: ggemm.grouped_matmul
// CHECK: linalg.matmul
// CHECK-NOT: ggemm.grouped_matmul
// CHECK: return
func.func @k_32(%a: tensor<64x32xf4E2M1FN>, %sa: tensor<64x2xf8E4M3FN>, %b: tensor<8x32xf4E2M1FN>, %sb: tensor<8x2xf8E4M3FN>) -> tensor<64x8xf16> {
  %qa_e = tensor.empty() : tensor<64x32xf32>
  %qa = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a, %sa : tensor<64x32xf4E2M1FN>, tensor<64x2xf8E4M3FN>) outs(%qa_e : tensor<64x32xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<64x32xf32>
  %qb_e = tensor.empty() : tensor<8x32xf32>
  %qb = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
      ins(%b, %sb : tensor<8x32xf4E2M1FN>, tensor<8x2xf8E4M3FN>) outs(%qb_e : tensor<8x32xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<8x32xf32>
  %z_zero = arith.constant 0.0 : f32
  %z_e = tensor.empty() : tensor<64x8xf32>
  %z = linalg.fill ins(%z_zero : f32) outs(%z_e : tensor<64x8xf32>) -> tensor<64x8xf32>
  // expected-remark @+1 {{not raised: K = 32 is not a positive multiple of 64, which ggemm requires}}
  %p = linalg.matmul indexing_maps = [#mk, #nk, #mn] ins(%qa, %qb : tensor<64x32xf32>, tensor<8x32xf32>) outs(%z : tensor<64x8xf32>) -> tensor<64x8xf32>
  %r = arith.truncf %p : tensor<64x8xf32> to tensor<64x8xf16>
  return %r : tensor<64x8xf16>
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

// N = 12 is not a multiple of 8.
// CHECK-LABEL: func.func @n_12(
// CHECK-NOT: ggemm.grouped_matmul
// CHECK: linalg.matmul
// CHECK-NOT: ggemm.grouped_matmul
// CHECK: return
func.func @n_12(%a: tensor<64x64xf4E2M1FN>, %sa: tensor<64x4xf8E4M3FN>, %b: tensor<12x64xf4E2M1FN>, %sb: tensor<12x4xf8E4M3FN>) -> tensor<64x12xf16> {
  %qa_e = tensor.empty() : tensor<64x64xf32>
  %qa = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a, %sa : tensor<64x64xf4E2M1FN>, tensor<64x4xf8E4M3FN>) outs(%qa_e : tensor<64x64xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<64x64xf32>
  %qb_e = tensor.empty() : tensor<12x64xf32>
  %qb = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
      ins(%b, %sb : tensor<12x64xf4E2M1FN>, tensor<12x4xf8E4M3FN>) outs(%qb_e : tensor<12x64xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<12x64xf32>
  %z_zero = arith.constant 0.0 : f32
  %z_e = tensor.empty() : tensor<64x12xf32>
  %z = linalg.fill ins(%z_zero : f32) outs(%z_e : tensor<64x12xf32>) -> tensor<64x12xf32>
  // expected-remark @+1 {{not raised: N = 12 is not a positive multiple of 8, which ggemm requires}}
  %p = linalg.matmul indexing_maps = [#mk, #nk, #mn] ins(%qa, %qb : tensor<64x64xf32>, tensor<12x64xf32>) outs(%z : tensor<64x12xf32>) -> tensor<64x12xf32>
  %r = arith.truncf %p : tensor<64x12xf32> to tensor<64x12xf16>
  return %r : tensor<64x12xf16>
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

// A matmul on buffers is not raised.
// CHECK-LABEL: func.func @buffers(
// CHECK-NOT: ggemm.grouped_matmul
// CHECK: linalg.matmul
func.func @buffers(%a: memref<64x64xf32>, %b: memref<8x64xf32>, %c: memref<64x8xf32>) {
  // expected-remark @+1 {{not raised: it works on buffers; ggemm-raise raises matmuls on tensors}}
  linalg.matmul indexing_maps = [#mk, #nk, #mn] ins(%a, %b : memref<64x64xf32>, memref<8x64xf32>) outs(%c : memref<64x8xf32>)
  return
}

// -----

// Near misses of the batched form (raised ones: ggemm-raise-batched.mlir).
#id3 = affine_map<(g, r, k) -> (g, r, k)>
#sc3 = affine_map<(g, r, k) -> (g, r, k floordiv 16)>
#tc3 = affine_map<(g, k, n) -> (g, n, k)>
#tsc3 = affine_map<(g, k, n) -> (g, n, k floordiv 16)>
#bmk = affine_map<(b, m, n, k) -> (b, m, k)>
#bnk = affine_map<(b, m, n, k) -> (b, n, k)>
#bkn = affine_map<(b, m, n, k) -> (b, k, n)>
#bmn = affine_map<(b, m, n, k) -> (b, m, n)>
#ew3 = affine_map<(g, m, n) -> (g, m, n)>
// A plain batched A * B with B's codes stored G x K x N: the op takes B's
// codes as G x N x K (packed along K).
// CHECK-LABEL: func.func @batch_b_not_transposed(
// CHECK-NOT: ggemm.grouped_matmul
// CHECK: linalg.batch_matmul
// CHECK-NOT: ggemm.grouped_matmul
// CHECK: return
func.func @batch_b_not_transposed(%a: tensor<2x32x128xf4E2M1FN>, %sa: tensor<2x32x8xf8E4M3FN>, %b: tensor<2x128x64xf4E2M1FN>, %sb: tensor<2x128x4xf8E4M3FN>) -> tensor<2x32x64xf16> {
  %qa_e = tensor.empty() : tensor<2x32x128xf32>
  %qa = linalg.generic {indexing_maps = [#id3, #sc3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%a, %sa : tensor<2x32x128xf4E2M1FN>, tensor<2x32x8xf8E4M3FN>) outs(%qa_e : tensor<2x32x128xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<2x32x128xf32>
  %qb_e = tensor.empty() : tensor<2x128x64xf32>
  %qb = linalg.generic {indexing_maps = [#id3, #sc3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%b, %sb : tensor<2x128x64xf4E2M1FN>, tensor<2x128x4xf8E4M3FN>) outs(%qb_e : tensor<2x128x64xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<2x128x64xf32>
  %z_zero = arith.constant 0.0 : f32
  %z_e = tensor.empty() : tensor<2x32x64xf32>
  %z = linalg.fill ins(%z_zero : f32) outs(%z_e : tensor<2x32x64xf32>) -> tensor<2x32x64xf32>
  // expected-remark @+1 {{not raised: B is G x K x N and neither a linalg.transpose of a G x N x K tensor nor dequantized from G x N x K codes (B's dequantization does not read the codes at (d0, d1, d2) -> (d0, d2, d1) and write its result at (d0, d1, d2) -> (d0, d1, d2)); ggemm computes A * B^T with B stored G x N x K}}
  %p = linalg.batch_matmul ins(%qa, %qb : tensor<2x32x128xf32>, tensor<2x128x64xf32>) outs(%z : tensor<2x32x64xf32>) -> tensor<2x32x64xf32>
  %r = arith.truncf %p : tensor<2x32x64xf32> to tensor<2x32x64xf16>
  return %r : tensor<2x32x64xf16>
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
#sc32 = affine_map<(g, r, k) -> (g, r, k floordiv 32)>
// A's scales cover 32 K elements each (MXFP4-style blocks): the op has one
// scale per 16.
// CHECK-LABEL: func.func @batch_block32(
// CHECK-NOT: ggemm.grouped_matmul
// CHECK: linalg.batch_matmul
// CHECK-NOT: ggemm.grouped_matmul
// CHECK: return
func.func @batch_block32(%a: tensor<2x32x128xf4E2M1FN>, %sa: tensor<2x32x4xf8E4M3FN>, %b: tensor<2x64x128xf4E2M1FN>, %sb: tensor<2x64x8xf8E4M3FN>) -> tensor<2x32x64xf16> {
  %qa_e = tensor.empty() : tensor<2x32x128xf32>
  %qa = linalg.generic {indexing_maps = [#id3, #sc32, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%a, %sa : tensor<2x32x128xf4E2M1FN>, tensor<2x32x4xf8E4M3FN>) outs(%qa_e : tensor<2x32x128xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<2x32x128xf32>
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
  %z_e = tensor.empty() : tensor<2x32x64xf32>
  %z = linalg.fill ins(%z_zero : f32) outs(%z_e : tensor<2x32x64xf32>) -> tensor<2x32x64xf32>
  // expected-remark @+1 {{not raised: A's scales are read at (d0, d1, d2) -> (d0, d1, d2 floordiv 32); expected one scale per 16 K elements, (d0, d1, d2) -> (d0, d1, d2 floordiv 16)}}
  %p = linalg.batch_matmul indexing_maps = [#bmk, #bnk, #bmn] ins(%qa, %qb : tensor<2x32x128xf32>, tensor<2x64x128xf32>) outs(%z : tensor<2x32x64xf32>) -> tensor<2x32x64xf32>
  %r = arith.truncf %p : tensor<2x32x64xf32> to tensor<2x32x64xf16>
  return %r : tensor<2x32x64xf16>
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
// A batched matmul with an f16 result accumulates in f16.
// CHECK-LABEL: func.func @batch_f16_accumulator(
// CHECK-NOT: ggemm.grouped_matmul
// CHECK: linalg.batch_matmul
// CHECK-NOT: ggemm.grouped_matmul
// CHECK: return
func.func @batch_f16_accumulator(%a: tensor<2x32x128xf4E2M1FN>, %sa: tensor<2x32x8xf8E4M3FN>, %b: tensor<2x64x128xf4E2M1FN>, %sb: tensor<2x64x8xf8E4M3FN>) -> tensor<2x32x64xf16> {
  %qa_e = tensor.empty() : tensor<2x32x128xf32>
  %qa = linalg.generic {indexing_maps = [#id3, #sc3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%a, %sa : tensor<2x32x128xf4E2M1FN>, tensor<2x32x8xf8E4M3FN>) outs(%qa_e : tensor<2x32x128xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<2x32x128xf32>
  %qb_e = tensor.empty() : tensor<2x64x128xf32>
  %qb = linalg.generic {indexing_maps = [#id3, #sc3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%b, %sb : tensor<2x64x128xf4E2M1FN>, tensor<2x64x8xf8E4M3FN>) outs(%qb_e : tensor<2x64x128xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<2x64x128xf32>
  %z_zero = arith.constant 0.0 : f16
  %z_e = tensor.empty() : tensor<2x32x64xf16>
  %z = linalg.fill ins(%z_zero : f16) outs(%z_e : tensor<2x32x64xf16>) -> tensor<2x32x64xf16>
  // expected-remark @+1 {{not raised: it accumulates in f16; ggemm accumulates in f32 and rounds to f16 once}}
  %r = linalg.batch_matmul indexing_maps = [#bmk, #bnk, #bmn] ins(%qa, %qb : tensor<2x32x128xf32>, tensor<2x64x128xf32>) outs(%z : tensor<2x32x64xf16>) -> tensor<2x32x64xf16>
  return %r : tensor<2x32x64xf16>
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
// The accumulator starts at -0.0, not +0.0.
// CHECK-LABEL: func.func @batch_negative_zero(
// CHECK-NOT: ggemm.grouped_matmul
// CHECK: linalg.batch_matmul
// CHECK-NOT: ggemm.grouped_matmul
// CHECK: return
func.func @batch_negative_zero(%a: tensor<2x32x128xf4E2M1FN>, %sa: tensor<2x32x8xf8E4M3FN>, %b: tensor<2x64x128xf4E2M1FN>, %sb: tensor<2x64x8xf8E4M3FN>) -> tensor<2x32x64xf16> {
  %qa_e = tensor.empty() : tensor<2x32x128xf32>
  %qa = linalg.generic {indexing_maps = [#id3, #sc3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%a, %sa : tensor<2x32x128xf4E2M1FN>, tensor<2x32x8xf8E4M3FN>) outs(%qa_e : tensor<2x32x128xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<2x32x128xf32>
  %qb_e = tensor.empty() : tensor<2x64x128xf32>
  %qb = linalg.generic {indexing_maps = [#id3, #sc3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%b, %sb : tensor<2x64x128xf4E2M1FN>, tensor<2x64x8xf8E4M3FN>) outs(%qb_e : tensor<2x64x128xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<2x64x128xf32>
  %z_zero = arith.constant -0.0 : f32
  %z_e = tensor.empty() : tensor<2x32x64xf32>
  %z = linalg.fill ins(%z_zero : f32) outs(%z_e : tensor<2x32x64xf32>) -> tensor<2x32x64xf32>
  // expected-remark @+1 {{not raised: the accumulator is filled with -0.000000 (-0.0); ggemm sums from +0.0}}
  %p = linalg.batch_matmul indexing_maps = [#bmk, #bnk, #bmn] ins(%qa, %qb : tensor<2x32x128xf32>, tensor<2x64x128xf32>) outs(%z : tensor<2x32x64xf32>) -> tensor<2x32x64xf32>
  %r = arith.truncf %p : tensor<2x32x64xf32> to tensor<2x32x64xf16>
  return %r : tensor<2x32x64xf16>
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
#nk_b = affine_map<(b, m, n, k) -> (n, k)>
#id = affine_map<(r, k) -> (r, k)>
#sc16 = affine_map<(r, k) -> (r, k floordiv 16)>
// A batched contraction generic reading one B for every batch, at (n, k):
// not the batched A * B^T (write B as G x N x K).
// CHECK-LABEL: func.func @batch_broadcast_b(
// CHECK-NOT: ggemm.grouped_matmul
// CHECK: linalg.generic
// CHECK-NOT: ggemm.grouped_matmul
// CHECK: return
func.func @batch_broadcast_b(%a: tensor<2x32x128xf4E2M1FN>, %sa: tensor<2x32x8xf8E4M3FN>, %b: tensor<64x128xf4E2M1FN>, %sb: tensor<64x8xf8E4M3FN>) -> tensor<2x32x64xf16> {
  %qa_e = tensor.empty() : tensor<2x32x128xf32>
  %qa = linalg.generic {indexing_maps = [#id3, #sc3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%a, %sa : tensor<2x32x128xf4E2M1FN>, tensor<2x32x8xf8E4M3FN>) outs(%qa_e : tensor<2x32x128xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<2x32x128xf32>
  %qb_e = tensor.empty() : tensor<64x128xf32>
  %qb = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
      ins(%b, %sb : tensor<64x128xf4E2M1FN>, tensor<64x8xf8E4M3FN>) outs(%qb_e : tensor<64x128xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<64x128xf32>
  %z_zero = arith.constant 0.0 : f32
  %z_e = tensor.empty() : tensor<2x32x64xf32>
  %z = linalg.fill ins(%z_zero : f32) outs(%z_e : tensor<2x32x64xf32>) -> tensor<2x32x64xf32>
  // expected-remark @+1 {{not raised: its indexing maps are neither those of A * B nor of A * B^T (batch dimension first)}}
  %p = linalg.generic {indexing_maps = [#bmk, #nk_b, #bmn], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%qa, %qb : tensor<2x32x128xf32>, tensor<64x128xf32>) outs(%z : tensor<2x32x64xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %mul = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %mul : f32
    linalg.yield %s : f32
  } -> tensor<2x32x64xf32>
  %r = arith.truncf %p : tensor<2x32x64xf32> to tensor<2x32x64xf16>
  return %r : tensor<2x32x64xf16>
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
// A batched contraction generic whose n loop is marked reduction.
// CHECK-LABEL: func.func @batch_generic_iterators(
// CHECK-NOT: ggemm.grouped_matmul
// CHECK: linalg.generic
// CHECK-NOT: ggemm.grouped_matmul
// CHECK: return
func.func @batch_generic_iterators(%a: tensor<2x32x128xf4E2M1FN>, %sa: tensor<2x32x8xf8E4M3FN>, %b: tensor<2x64x128xf4E2M1FN>, %sb: tensor<2x64x8xf8E4M3FN>) -> tensor<2x32x64xf16> {
  %qa_e = tensor.empty() : tensor<2x32x128xf32>
  %qa = linalg.generic {indexing_maps = [#id3, #sc3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%a, %sa : tensor<2x32x128xf4E2M1FN>, tensor<2x32x8xf8E4M3FN>) outs(%qa_e : tensor<2x32x128xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<2x32x128xf32>
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
  %z_e = tensor.empty() : tensor<2x32x64xf32>
  %z = linalg.fill ins(%z_zero : f32) outs(%z_e : tensor<2x32x64xf32>) -> tensor<2x32x64xf32>
  // expected-remark @+1 {{not raised: its iterators are not parallel, parallel, parallel, reduction}}
  %p = linalg.generic {indexing_maps = [#bmk, #bnk, #bmn], iterator_types = ["parallel", "parallel", "reduction", "reduction"]}
      ins(%qa, %qb : tensor<2x32x128xf32>, tensor<2x64x128xf32>) outs(%z : tensor<2x32x64xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %mul = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %mul : f32
    linalg.yield %s : f32
  } -> tensor<2x32x64xf32>
  %r = arith.truncf %p : tensor<2x32x64xf32> to tensor<2x32x64xf16>
  return %r : tensor<2x32x64xf16>
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
// A dynamic batch (the number of groups known at run time).
// CHECK-LABEL: func.func @batch_dynamic(
// CHECK-NOT: ggemm.grouped_matmul
// CHECK: linalg.batch_matmul
// CHECK-NOT: ggemm.grouped_matmul
// CHECK: return
func.func @batch_dynamic(%a: tensor<?x32x128xf4E2M1FN>, %sa: tensor<?x32x8xf8E4M3FN>, %b: tensor<?x64x128xf4E2M1FN>, %sb: tensor<?x64x8xf8E4M3FN>,
    %qa_e: tensor<?x32x128xf32>, %qb_e: tensor<?x64x128xf32>, %z_e: tensor<?x32x64xf32>) -> tensor<?x32x64xf16> {
  %qa = linalg.generic {indexing_maps = [#id3, #sc3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%a, %sa : tensor<?x32x128xf4E2M1FN>, tensor<?x32x8xf8E4M3FN>) outs(%qa_e : tensor<?x32x128xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<?x32x128xf32>
  %qb = linalg.generic {indexing_maps = [#id3, #sc3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%b, %sb : tensor<?x64x128xf4E2M1FN>, tensor<?x64x8xf8E4M3FN>) outs(%qb_e : tensor<?x64x128xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<?x64x128xf32>
  %zero = arith.constant 0.0 : f32
  %z = linalg.fill ins(%zero : f32) outs(%z_e : tensor<?x32x64xf32>) -> tensor<?x32x64xf32>
  // expected-remark @+1 {{not raised: the operands have dynamic shapes; the raised rows<masked> op needs static G, M, N and K (for run-time counts of real rows, write ggemm.grouped_matmul rows<masked> with a group_counts tensor: docs/raising.md)}}
  %p = linalg.batch_matmul indexing_maps = [#bmk, #bnk, #bmn] ins(%qa, %qb : tensor<?x32x128xf32>, tensor<?x64x128xf32>) outs(%z : tensor<?x32x64xf32>) -> tensor<?x32x64xf32>
  %r = arith.truncf %p : tensor<?x32x64xf32> to tensor<?x32x64xf16>
  return %r : tensor<?x32x64xf16>
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
// An empty batch (G = 0): a ggemm op has at least one group.
// CHECK-LABEL: func.func @batch_empty(
// CHECK-NOT: ggemm.grouped_matmul
// CHECK: linalg.batch_matmul
// CHECK-NOT: ggemm.grouped_matmul
// CHECK: return
func.func @batch_empty(%a: tensor<0x32x128xf4E2M1FN>, %sa: tensor<0x32x8xf8E4M3FN>, %b: tensor<0x64x128xf4E2M1FN>, %sb: tensor<0x64x8xf8E4M3FN>) -> tensor<0x32x64xf16> {
  %qa_e = tensor.empty() : tensor<0x32x128xf32>
  %qa = linalg.generic {indexing_maps = [#id3, #sc3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%a, %sa : tensor<0x32x128xf4E2M1FN>, tensor<0x32x8xf8E4M3FN>) outs(%qa_e : tensor<0x32x128xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<0x32x128xf32>
  %qb_e = tensor.empty() : tensor<0x64x128xf32>
  %qb = linalg.generic {indexing_maps = [#id3, #sc3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%b, %sb : tensor<0x64x128xf4E2M1FN>, tensor<0x64x8xf8E4M3FN>) outs(%qb_e : tensor<0x64x128xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<0x64x128xf32>
  %z_zero = arith.constant 0.0 : f32
  %z_e = tensor.empty() : tensor<0x32x64xf32>
  %z = linalg.fill ins(%z_zero : f32) outs(%z_e : tensor<0x32x64xf32>) -> tensor<0x32x64xf32>
  // expected-remark @+1 {{not raised: the batch is empty (G = 0); a ggemm op has at least one group}}
  %p = linalg.batch_matmul indexing_maps = [#bmk, #bnk, #bmn] ins(%qa, %qb : tensor<0x32x128xf32>, tensor<0x64x128xf32>) outs(%z : tensor<0x32x64xf32>) -> tensor<0x32x64xf32>
  %r = arith.truncf %p : tensor<0x32x64xf32> to tensor<0x32x64xf16>
  return %r : tensor<0x32x64xf16>
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
// K = 32 in a batch: ggemm needs a multiple of 64.
// CHECK-LABEL: func.func @batch_k32(
// CHECK-NOT: ggemm.grouped_matmul
// CHECK: linalg.batch_matmul
// CHECK-NOT: ggemm.grouped_matmul
// CHECK: return
func.func @batch_k32(%a: tensor<2x32x32xf4E2M1FN>, %sa: tensor<2x32x2xf8E4M3FN>, %b: tensor<2x64x32xf4E2M1FN>, %sb: tensor<2x64x2xf8E4M3FN>) -> tensor<2x32x64xf16> {
  %qa_e = tensor.empty() : tensor<2x32x32xf32>
  %qa = linalg.generic {indexing_maps = [#id3, #sc3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%a, %sa : tensor<2x32x32xf4E2M1FN>, tensor<2x32x2xf8E4M3FN>) outs(%qa_e : tensor<2x32x32xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<2x32x32xf32>
  %qb_e = tensor.empty() : tensor<2x64x32xf32>
  %qb = linalg.generic {indexing_maps = [#id3, #sc3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%b, %sb : tensor<2x64x32xf4E2M1FN>, tensor<2x64x2xf8E4M3FN>) outs(%qb_e : tensor<2x64x32xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<2x64x32xf32>
  %z_zero = arith.constant 0.0 : f32
  %z_e = tensor.empty() : tensor<2x32x64xf32>
  %z = linalg.fill ins(%z_zero : f32) outs(%z_e : tensor<2x32x64xf32>) -> tensor<2x32x64xf32>
  // expected-remark @+1 {{not raised: K = 32 is not a positive multiple of 64, which ggemm requires}}
  %p = linalg.batch_matmul indexing_maps = [#bmk, #bnk, #bmn] ins(%qa, %qb : tensor<2x32x32xf32>, tensor<2x64x32xf32>) outs(%z : tensor<2x32x64xf32>) -> tensor<2x32x64xf32>
  %r = arith.truncf %p : tensor<2x32x64xf32> to tensor<2x32x64xf16>
  return %r : tensor<2x32x64xf16>
}

// -----

#a5 = affine_map<(b, c, m, n, k) -> (b, c, m, k)>
#b5 = affine_map<(b, c, m, n, k) -> (b, c, n, k)>
#c5 = affine_map<(b, c, m, n, k) -> (b, c, m, n)>
// Two batch dimensions (five loops): ggemm-raise takes one (batch, m, n, k).
// CHECK-LABEL: func.func @two_batch_dims(
// CHECK-NOT: ggemm.grouped_matmul
// CHECK: linalg.generic
// CHECK-NOT: ggemm.grouped_matmul
// CHECK: return
func.func @two_batch_dims(%a: tensor<2x3x32x64xf32>, %b: tensor<2x3x8x64xf32>, %c: tensor<2x3x32x8xf32>) -> tensor<2x3x32x8xf32> {
  // expected-remark @+1 {{not raised: it has 5 loops; ggemm-raise raises matmuls (m, n, k) and batched matmuls (batch, m, n, k)}}
  %p = linalg.generic {indexing_maps = [#a5, #b5, #c5], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
      ins(%a, %b : tensor<2x3x32x64xf32>, tensor<2x3x8x64xf32>) outs(%c : tensor<2x3x32x8xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %mul = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %mul : f32
    linalg.yield %s : f32
  } -> tensor<2x3x32x8xf32>
  return %p : tensor<2x3x32x8xf32>
}
