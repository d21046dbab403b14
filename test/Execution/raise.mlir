// A grouped NVFP4 matmul written with linalg and arith (three groups, the three
// forms of B^T, f32, f16 and bf16 dequantization), raised by ggemm-raise,
// bufferized in place into the function's arguments, lowered with
// ggemm-cpu-pipeline and run by ggemm-cpu-run, which checks every output
// bit against the C++ reference (an f32 sum of exact products in increasing
// K from +0.0, rounded to nearest even: what the linalg program computes).
// RUN: gemm-opt %s --ggemm-raise --canonicalize --one-shot-bufferize="bufferize-function-boundaries function-boundary-type-conversion=identity-layout-map" --drop-equivalent-buffer-results -o %t.mlir
// RUN: FileCheck %s --input-file=%t.mlir --check-prefix=IR
// RUN: ggemm-cpu-run %t.mlir --seed %seed | FileCheck %s

// IR: func.func private @moe(%{{.*}}: memref<96x128xf4E2M1FN>
// IR-NOT: linalg.
// IR-NOT: memref.alloc
// IR: ggemm.grouped_matmul rows<list> scales<row_major>
// IR-NEXT: return{{$}}

// CHECK: moe: 3 groups, M = [96, 40, 16], 11712 elements, f16 mismatches 0, untouched rows overwritten 0
// CHECK-NEXT: PASS

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

func.func private @moe(%a0: tensor<96x128xf4E2M1FN>, %sa0: tensor<96x8xf8E4M3FN>,
    %b0: tensor<64x128xf4E2M1FN>, %sb0: tensor<64x8xf8E4M3FN>, %c0: tensor<96x64xf16>,
    %a1: tensor<40x320xf4E2M1FN>, %sa1: tensor<40x20xf8E4M3FN>,
    %b1: tensor<136x320xf4E2M1FN>, %sb1: tensor<136x20xf8E4M3FN>, %c1: tensor<40x136xf16>,
    %a2: tensor<16x64xf4E2M1FN>, %sa2: tensor<16x4xf8E4M3FN>,
    %b2: tensor<8x64xf4E2M1FN>, %sb2: tensor<8x4xf8E4M3FN>, %c2: tensor<16x8xf16>)
    -> (tensor<96x64xf16>, tensor<40x136xf16>, tensor<16x8xf16>) {
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
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<64x128xf32>
  %z0_zero = arith.constant 0.0 : f32
  %z0_e = tensor.empty() : tensor<96x64xf32>
  %z0 = linalg.fill ins(%z0_zero : f32) outs(%z0_e : tensor<96x64xf32>) -> tensor<96x64xf32>
  %p0 = linalg.matmul indexing_maps = [#mk, #nk, #mn] ins(%qa0, %qb0 : tensor<96x128xf32>, tensor<64x128xf32>) outs(%z0 : tensor<96x64xf32>) -> tensor<96x64xf32>
  %r0 = linalg.generic {indexing_maps = [#ew, #ew], iterator_types = ["parallel", "parallel"]}
      ins(%p0 : tensor<96x64xf32>) outs(%c0 : tensor<96x64xf16>) {
  ^bb0(%v: f32, %o: f16):
    %h = arith.truncf %v : f32 to f16
    linalg.yield %h : f16
  } -> tensor<96x64xf16>
  %qa1_e = tensor.empty() : tensor<40x320xf16>
  %qa1 = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a1, %sa1 : tensor<40x320xf4E2M1FN>, tensor<40x20xf8E4M3FN>) outs(%qa1_e : tensor<40x320xf16>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f16):
    %xf = arith.extf %x : f4E2M1FN to f16
    %sf = arith.extf %s : f8E4M3FN to f16
    %p = arith.mulf %xf, %sf : f16
    linalg.yield %p : f16
  } -> tensor<40x320xf16>
  %qb1_e = tensor.empty() : tensor<136x320xf16>
  %qb1 = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
      ins(%b1, %sb1 : tensor<136x320xf4E2M1FN>, tensor<136x20xf8E4M3FN>) outs(%qb1_e : tensor<136x320xf16>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f16):
    %xf = arith.extf %x : f4E2M1FN to f16
    %sf = arith.extf %s : f8E4M3FN to f16
    %p = arith.mulf %sf, %xf : f16
    linalg.yield %p : f16
  } -> tensor<136x320xf16>
  %z1_zero = arith.constant 0.0 : f32
  %z1_e = tensor.empty() : tensor<40x136xf32>
  %z1 = linalg.fill ins(%z1_zero : f32) outs(%z1_e : tensor<40x136xf32>) -> tensor<40x136xf32>
  %p1_te = tensor.empty() : tensor<320x136xf16>
  %p1_bt = linalg.transpose ins(%qb1 : tensor<136x320xf16>) outs(%p1_te : tensor<320x136xf16>) permutation = [1, 0]
  %p1 = linalg.matmul ins(%qa1, %p1_bt : tensor<40x320xf16>, tensor<320x136xf16>) outs(%z1 : tensor<40x136xf32>) -> tensor<40x136xf32>
  %r1 = linalg.generic {indexing_maps = [#ew, #ew], iterator_types = ["parallel", "parallel"]}
      ins(%p1 : tensor<40x136xf32>) outs(%c1 : tensor<40x136xf16>) {
  ^bb0(%v: f32, %o: f16):
    %h = arith.truncf %v : f32 to f16
    linalg.yield %h : f16
  } -> tensor<40x136xf16>
  %qa2_e = tensor.empty() : tensor<16x64xbf16>
  %qa2 = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a2, %sa2 : tensor<16x64xf4E2M1FN>, tensor<16x4xf8E4M3FN>) outs(%qa2_e : tensor<16x64xbf16>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: bf16):
    %xf = arith.extf %x : f4E2M1FN to bf16
    %sf = arith.extf %s : f8E4M3FN to bf16
    %p = arith.mulf %xf, %sf : bf16
    linalg.yield %p : bf16
  } -> tensor<16x64xbf16>
  %qb2_e = tensor.empty() : tensor<64x8xbf16>
  %qb2 = linalg.generic {indexing_maps = [#tc, #tsc, #id], iterator_types = ["parallel", "parallel"]}
      ins(%b2, %sb2 : tensor<8x64xf4E2M1FN>, tensor<8x4xf8E4M3FN>) outs(%qb2_e : tensor<64x8xbf16>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: bf16):
    %xf = arith.extf %x : f4E2M1FN to bf16
    %sf = arith.extf %s : f8E4M3FN to bf16
    %p = arith.mulf %xf, %sf : bf16
    linalg.yield %p : bf16
  } -> tensor<64x8xbf16>
  %z2_zero = arith.constant 0.0 : f32
  %z2_e = tensor.empty() : tensor<16x8xf32>
  %z2 = linalg.fill ins(%z2_zero : f32) outs(%z2_e : tensor<16x8xf32>) -> tensor<16x8xf32>
  %p2 = linalg.matmul ins(%qa2, %qb2 : tensor<16x64xbf16>, tensor<64x8xbf16>) outs(%z2 : tensor<16x8xf32>) -> tensor<16x8xf32>
  %r2 = linalg.generic {indexing_maps = [#ew, #ew], iterator_types = ["parallel", "parallel"]}
      ins(%p2 : tensor<16x8xf32>) outs(%c2 : tensor<16x8xf16>) {
  ^bb0(%v: f32, %o: f16):
    %h = arith.truncf %v : f32 to f16
    linalg.yield %h : f16
  } -> tensor<16x8xf16>
  return %r0, %r1, %r2 : tensor<96x64xf16>, tensor<40x136xf16>, tensor<16x8xf16>
}
