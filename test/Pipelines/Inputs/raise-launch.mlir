// A frontend's linalg program on tensors: dequantize, a contraction
// linalg.generic, truncate into the output passed in (destination style).
#id = affine_map<(r, k) -> (r, k)>
#sc = affine_map<(r, k) -> (r, k floordiv 16)>
#mk = affine_map<(m, n, k) -> (m, k)>
#nk = affine_map<(m, n, k) -> (n, k)>
#mn = affine_map<(m, n, k) -> (m, n)>
#ew = affine_map<(m, n) -> (m, n)>
func.func @layer(%a: tensor<128x256xf4E2M1FN>, %sa: tensor<128x16xf8E4M3FN>,
    %b: tensor<128x256xf4E2M1FN>, %sb: tensor<128x16xf8E4M3FN>,
    %out: tensor<128x128xf16>) -> tensor<128x128xf16> {
  %qa0 = tensor.empty() : tensor<128x256xf32>
  %qa = linalg.generic {indexing_maps = [#id, #sc, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a, %sa : tensor<128x256xf4E2M1FN>, tensor<128x16xf8E4M3FN>) outs(%qa0 : tensor<128x256xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<128x256xf32>
  %qb0 = tensor.empty() : tensor<128x256xf32>
  %qb = linalg.generic {indexing_maps = [#id, #sc, #id], iterator_types = ["parallel", "parallel"]}
      ins(%b, %sb : tensor<128x256xf4E2M1FN>, tensor<128x16xf8E4M3FN>) outs(%qb0 : tensor<128x256xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<128x256xf32>
  %zero = arith.constant 0.0 : f32
  %z0 = tensor.empty() : tensor<128x128xf32>
  %z = linalg.fill ins(%zero : f32) outs(%z0 : tensor<128x128xf32>) -> tensor<128x128xf32>
  %p = linalg.generic {indexing_maps = [#mk, #nk, #mn], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%qa, %qb : tensor<128x256xf32>, tensor<128x256xf32>) outs(%z : tensor<128x128xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %m = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<128x128xf32>
  %r = linalg.generic {indexing_maps = [#ew, #ew], iterator_types = ["parallel", "parallel"]}
      ins(%p : tensor<128x128xf32>) outs(%out : tensor<128x128xf16>) {
  ^bb0(%v: f32, %o: f16):
    %h = arith.truncf %v : f32 to f16
    linalg.yield %h : f16
  } -> tensor<128x128xf16>
  return %r : tensor<128x128xf16>
}
