// ggemm-raise takes the contraction in the forms frontends emit besides
// linalg.matmul: a linalg.generic contraction (torch-mlir, StableHLO) and
// linalg.contract, when they compute what linalg.matmul does on f32 (out +
// a * b, no fast-math flags, the default cast). Other contraction generics
// are left with a remark saying why.
// RUN: gemm-opt %s -split-input-file --ggemm-raise | FileCheck %s
// RUN: gemm-opt %s -split-input-file --ggemm-raise=explain=true -verify-diagnostics -o /dev/null
#id = affine_map<(r, k) -> (r, k)>
#sc16 = affine_map<(r, k) -> (r, k floordiv 16)>
#mk = affine_map<(m, n, k) -> (m, k)>
#nk = affine_map<(m, n, k) -> (n, k)>
#mn = affine_map<(m, n, k) -> (m, n)>
// CHECK-LABEL: func.func @generic(
// CHECK-NOT: linalg.
// CHECK: ggemm.grouped_matmul rows<list> scales<row_major>
// CHECK-NOT: linalg.
// CHECK: return
func.func @generic(%a: tensor<32x64xf4E2M1FN>, %sa: tensor<32x4xf8E4M3FN>,
    %b: tensor<16x64xf4E2M1FN>, %sb: tensor<16x4xf8E4M3FN>) -> tensor<32x16xf16> {
  %qa_e = tensor.empty() : tensor<32x64xf32>
  %qa = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a, %sa : tensor<32x64xf4E2M1FN>, tensor<32x4xf8E4M3FN>) outs(%qa_e : tensor<32x64xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<32x64xf32>
  %qb_e = tensor.empty() : tensor<16x64xf32>
  %qb = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
      ins(%b, %sb : tensor<16x64xf4E2M1FN>, tensor<16x4xf8E4M3FN>) outs(%qb_e : tensor<16x64xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<16x64xf32>
  %zero = arith.constant 0.0 : f32
  %z_e = tensor.empty() : tensor<32x16xf32>
  %z = linalg.fill ins(%zero : f32) outs(%z_e : tensor<32x16xf32>) -> tensor<32x16xf32>
  // expected-remark @+1 {{raised into ggemm.grouped_matmul as group 0 of 1}}
  %p = linalg.generic {indexing_maps = [#mk, #nk, #mn], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%qa, %qb : tensor<32x64xf32>, tensor<16x64xf32>) outs(%z : tensor<32x16xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %m = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<32x16xf32>
  %r = arith.truncf %p : tensor<32x16xf32> to tensor<32x16xf16>
  return %r : tensor<32x16xf16>
}

// -----

#id = affine_map<(r, k) -> (r, k)>
#sc16 = affine_map<(r, k) -> (r, k floordiv 16)>
#mk = affine_map<(m, n, k) -> (m, k)>
#nk = affine_map<(m, n, k) -> (n, k)>
#mn = affine_map<(m, n, k) -> (m, n)>
// CHECK-LABEL: func.func @generic_commuted(
// CHECK-NOT: linalg.
// CHECK: ggemm.grouped_matmul rows<list> scales<row_major>
// CHECK-NOT: linalg.
// CHECK: return
func.func @generic_commuted(%a: tensor<32x64xf4E2M1FN>, %sa: tensor<32x4xf8E4M3FN>,
    %b: tensor<16x64xf4E2M1FN>, %sb: tensor<16x4xf8E4M3FN>) -> tensor<32x16xf16> {
  %qa_e = tensor.empty() : tensor<32x64xf32>
  %qa = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a, %sa : tensor<32x64xf4E2M1FN>, tensor<32x4xf8E4M3FN>) outs(%qa_e : tensor<32x64xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<32x64xf32>
  %qb_e = tensor.empty() : tensor<16x64xf32>
  %qb = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
      ins(%b, %sb : tensor<16x64xf4E2M1FN>, tensor<16x4xf8E4M3FN>) outs(%qb_e : tensor<16x64xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<16x64xf32>
  %zero = arith.constant 0.0 : f32
  %z_e = tensor.empty() : tensor<32x16xf32>
  %z = linalg.fill ins(%zero : f32) outs(%z_e : tensor<32x16xf32>) -> tensor<32x16xf32>
  // expected-remark @+1 {{raised into ggemm.grouped_matmul as group 0 of 1}}
  %p = linalg.generic {indexing_maps = [#mk, #nk, #mn], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%qa, %qb : tensor<32x64xf32>, tensor<16x64xf32>) outs(%z : tensor<32x16xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %m = arith.mulf %y, %x : f32
    %s = arith.addf %m, %acc : f32
    linalg.yield %s : f32
  } -> tensor<32x16xf32>
  %r = arith.truncf %p : tensor<32x16xf32> to tensor<32x16xf16>
  return %r : tensor<32x16xf16>
}

// -----

#id = affine_map<(r, k) -> (r, k)>
#sc16 = affine_map<(r, k) -> (r, k floordiv 16)>
#mk = affine_map<(m, n, k) -> (m, k)>
#nk = affine_map<(m, n, k) -> (n, k)>
#mn = affine_map<(m, n, k) -> (m, n)>
// CHECK-LABEL: func.func @contract(
// CHECK-NOT: linalg.
// CHECK: ggemm.grouped_matmul rows<list> scales<row_major>
// CHECK-NOT: linalg.
// CHECK: return
func.func @contract(%a: tensor<32x64xf4E2M1FN>, %sa: tensor<32x4xf8E4M3FN>,
    %b: tensor<16x64xf4E2M1FN>, %sb: tensor<16x4xf8E4M3FN>) -> tensor<32x16xf16> {
  %qa_e = tensor.empty() : tensor<32x64xf32>
  %qa = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a, %sa : tensor<32x64xf4E2M1FN>, tensor<32x4xf8E4M3FN>) outs(%qa_e : tensor<32x64xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<32x64xf32>
  %qb_e = tensor.empty() : tensor<16x64xf32>
  %qb = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
      ins(%b, %sb : tensor<16x64xf4E2M1FN>, tensor<16x4xf8E4M3FN>) outs(%qb_e : tensor<16x64xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<16x64xf32>
  %zero = arith.constant 0.0 : f32
  %z_e = tensor.empty() : tensor<32x16xf32>
  %z = linalg.fill ins(%zero : f32) outs(%z_e : tensor<32x16xf32>) -> tensor<32x16xf32>
  // expected-remark @+1 {{raised into ggemm.grouped_matmul as group 0 of 1}}
  %p = linalg.contract indexing_maps = [#mk, #nk, #mn]
      ins(%qa, %qb : tensor<32x64xf32>, tensor<16x64xf32>) outs(%z : tensor<32x16xf32>) -> tensor<32x16xf32>
  %r = arith.truncf %p : tensor<32x16xf32> to tensor<32x16xf16>
  return %r : tensor<32x16xf16>
}

// -----

#id = affine_map<(r, k) -> (r, k)>
#sc16 = affine_map<(r, k) -> (r, k floordiv 16)>
#mk = affine_map<(m, n, k) -> (m, k)>
#nk = affine_map<(m, n, k) -> (n, k)>
#mn = affine_map<(m, n, k) -> (m, n)>
// CHECK-LABEL: func.func @generic_sub(
// CHECK-NOT: ggemm.grouped_matmul
// CHECK: return
func.func @generic_sub(%a: tensor<32x64xf4E2M1FN>, %sa: tensor<32x4xf8E4M3FN>,
    %b: tensor<16x64xf4E2M1FN>, %sb: tensor<16x4xf8E4M3FN>) -> tensor<32x16xf16> {
  %qa_e = tensor.empty() : tensor<32x64xf32>
  %qa = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a, %sa : tensor<32x64xf4E2M1FN>, tensor<32x4xf8E4M3FN>) outs(%qa_e : tensor<32x64xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<32x64xf32>
  %qb_e = tensor.empty() : tensor<16x64xf32>
  %qb = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
      ins(%b, %sb : tensor<16x64xf4E2M1FN>, tensor<16x4xf8E4M3FN>) outs(%qb_e : tensor<16x64xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<16x64xf32>
  %zero = arith.constant 0.0 : f32
  %z_e = tensor.empty() : tensor<32x16xf32>
  %z = linalg.fill ins(%zero : f32) outs(%z_e : tensor<32x16xf32>) -> tensor<32x16xf32>
  // expected-remark @+1 {{not raised: its body is not one arith.mulf and one arith.addf}}
  %p = linalg.generic {indexing_maps = [#mk, #nk, #mn], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%qa, %qb : tensor<32x64xf32>, tensor<16x64xf32>) outs(%z : tensor<32x16xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %m = arith.mulf %x, %y : f32
    %s = arith.subf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<32x16xf32>
  %r = arith.truncf %p : tensor<32x16xf32> to tensor<32x16xf16>
  return %r : tensor<32x16xf16>
}

// -----

#id = affine_map<(r, k) -> (r, k)>
#sc16 = affine_map<(r, k) -> (r, k floordiv 16)>
#mk = affine_map<(m, n, k) -> (m, k)>
#nk = affine_map<(m, n, k) -> (n, k)>
#mn = affine_map<(m, n, k) -> (m, n)>
// CHECK-LABEL: func.func @generic_fastmath(
// CHECK-NOT: ggemm.grouped_matmul
// CHECK: return
func.func @generic_fastmath(%a: tensor<32x64xf4E2M1FN>, %sa: tensor<32x4xf8E4M3FN>,
    %b: tensor<16x64xf4E2M1FN>, %sb: tensor<16x4xf8E4M3FN>) -> tensor<32x16xf16> {
  %qa_e = tensor.empty() : tensor<32x64xf32>
  %qa = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a, %sa : tensor<32x64xf4E2M1FN>, tensor<32x4xf8E4M3FN>) outs(%qa_e : tensor<32x64xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<32x64xf32>
  %qb_e = tensor.empty() : tensor<16x64xf32>
  %qb = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
      ins(%b, %sb : tensor<16x64xf4E2M1FN>, tensor<16x4xf8E4M3FN>) outs(%qb_e : tensor<16x64xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<16x64xf32>
  %zero = arith.constant 0.0 : f32
  %z_e = tensor.empty() : tensor<32x16xf32>
  %z = linalg.fill ins(%zero : f32) outs(%z_e : tensor<32x16xf32>) -> tensor<32x16xf32>
  // expected-remark @+1 {{not raised: its body is not out + a * b (no fast-math flags)}}
  %p = linalg.generic {indexing_maps = [#mk, #nk, #mn], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%qa, %qb : tensor<32x64xf32>, tensor<16x64xf32>) outs(%z : tensor<32x16xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %m = arith.mulf %x, %y fastmath<contract> : f32
    %s = arith.addf %acc, %m fastmath<contract> : f32
    linalg.yield %s : f32
  } -> tensor<32x16xf32>
  %r = arith.truncf %p : tensor<32x16xf32> to tensor<32x16xf16>
  return %r : tensor<32x16xf16>
}

// -----

#id = affine_map<(r, k) -> (r, k)>
#sc16 = affine_map<(r, k) -> (r, k floordiv 16)>
#mk = affine_map<(m, n, k) -> (m, k)>
#nk = affine_map<(m, n, k) -> (n, k)>
#mn = affine_map<(m, n, k) -> (m, n)>
// The n loop marked reduction: the contraction generic's iterators are
// parallel, parallel, reduction.
// CHECK-LABEL: func.func @generic_iterators(
// CHECK-NOT: ggemm.grouped_matmul
// CHECK: return
func.func @generic_iterators(%a: tensor<32x64xf4E2M1FN>, %sa: tensor<32x4xf8E4M3FN>,
    %b: tensor<16x64xf4E2M1FN>, %sb: tensor<16x4xf8E4M3FN>) -> tensor<32x16xf16> {
  %qa_e = tensor.empty() : tensor<32x64xf32>
  %qa = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a, %sa : tensor<32x64xf4E2M1FN>, tensor<32x4xf8E4M3FN>) outs(%qa_e : tensor<32x64xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<32x64xf32>
  %qb_e = tensor.empty() : tensor<16x64xf32>
  %qb = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
      ins(%b, %sb : tensor<16x64xf4E2M1FN>, tensor<16x4xf8E4M3FN>) outs(%qb_e : tensor<16x64xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<16x64xf32>
  %zero = arith.constant 0.0 : f32
  %z_e = tensor.empty() : tensor<32x16xf32>
  %z = linalg.fill ins(%zero : f32) outs(%z_e : tensor<32x16xf32>) -> tensor<32x16xf32>
  // expected-remark @+1 {{not raised: its iterators are not parallel, parallel, reduction}}
  %p = linalg.generic {indexing_maps = [#mk, #nk, #mn], iterator_types = ["parallel", "reduction", "reduction"]}
      ins(%qa, %qb : tensor<32x64xf32>, tensor<16x64xf32>) outs(%z : tensor<32x16xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %m = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<32x16xf32>
  %r = arith.truncf %p : tensor<32x16xf32> to tensor<32x16xf16>
  return %r : tensor<32x16xf16>
}
