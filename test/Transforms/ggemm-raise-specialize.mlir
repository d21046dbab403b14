// Frontends emit the contraction as a linalg.generic; ggemm-raise takes it
// as it is. Run ggemm-raise before upstream's --linalg-specialize-generic-ops:
// in MLIR 22 that pass turns the A * B^T generic into a linalg.matmul with
// the default maps, which its verifier rejects (pinned below, so that a
// fixed upstream shows up here). docs/raising.md, "Upstream specialization".
// RUN: gemm-opt %s --ggemm-raise --linalg-specialize-generic-ops | FileCheck %s
// RUN: not gemm-opt %s --linalg-specialize-generic-ops 2>&1 | FileCheck %s --check-prefix=UPSTREAM
// CHECK-LABEL: func.func @g(
// CHECK-NOT: linalg.
// CHECK: ggemm.grouped_matmul rows<list>
// CHECK-NOT: linalg.
// CHECK: return
// UPSTREAM: error: 'linalg.matmul' op inferred input/output operand #1 has shape's dimension #0 to be 256, but found 128
#id = affine_map<(r, k) -> (r, k)>
#sc16 = affine_map<(r, k) -> (r, k floordiv 16)>
#mk = affine_map<(m, n, k) -> (m, k)>
#nk = affine_map<(m, n, k) -> (n, k)>
#mn = affine_map<(m, n, k) -> (m, n)>
func.func @g(%a: tensor<64x256xf4E2M1FN>, %sa: tensor<64x16xf8E4M3FN>, %b: tensor<128x256xf4E2M1FN>, %sb: tensor<128x16xf8E4M3FN>) -> tensor<64x128xf16> {
  %qa_e = tensor.empty() : tensor<64x256xf32>
  %qa = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a, %sa : tensor<64x256xf4E2M1FN>, tensor<64x16xf8E4M3FN>) outs(%qa_e : tensor<64x256xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<64x256xf32>
  %qb_e = tensor.empty() : tensor<128x256xf32>
  %qb = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
      ins(%b, %sb : tensor<128x256xf4E2M1FN>, tensor<128x16xf8E4M3FN>) outs(%qb_e : tensor<128x256xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<128x256xf32>
  %zero = arith.constant 0.0 : f32
  %z_e = tensor.empty() : tensor<64x128xf32>
  %z = linalg.fill ins(%zero : f32) outs(%z_e : tensor<64x128xf32>) -> tensor<64x128xf32>
  %p = linalg.generic {indexing_maps = [#mk, #nk, #mn], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%qa, %qb : tensor<64x256xf32>, tensor<128x256xf32>) outs(%z : tensor<64x128xf32>) {
  ^bb0(%l: f32, %r: f32, %o: f32):
    %m = arith.mulf %l, %r : f32
    %s = arith.addf %o, %m : f32
    linalg.yield %s : f32
  } -> tensor<64x128xf32>
  %h = arith.truncf %p : tensor<64x128xf32> to tensor<64x128xf16>
  return %h : tensor<64x128xf16>
}
