// A batched NVFP4 matmul written with linalg and arith (two functions: a
// linalg.batch_matmul reading B at (b, n, k), with f32 and f16
// dequantization; a batched contraction linalg.generic of A and a
// dequantization that writes B^T itself), raised by ggemm-raise into one
// rows<masked> op per function with every group_counts entry M, bufferized
// in place into the function's arguments, lowered with ggemm-cpu-pipeline
// and run by ggemm-cpu-run, which checks every output bit against the C++
// reference (and that every row is written: C is poisoned first).
// ggemm-cpu-run reads the raised counts from the program's constant (a
// memref.get_global of dense<M>), M for every group.
// RUN: gemm-opt %s --ggemm-raise --canonicalize --one-shot-bufferize="bufferize-function-boundaries function-boundary-type-conversion=identity-layout-map" --drop-equivalent-buffer-results -o %t.mlir
// RUN: FileCheck %s --input-file=%t.mlir --check-prefix=IR
// RUN: ggemm-cpu-run %t.mlir --func=moe --seed %seed | FileCheck %s --check-prefix=MOE
// RUN: ggemm-cpu-run %t.mlir --func=moe_t --seed %seed | FileCheck %s --check-prefix=MOET
// The constant cannot be overridden.
// RUN: not ggemm-cpu-run %t.mlir --func=moe --group-counts=1,2,3 2>&1 | FileCheck %s --check-prefix=CONST
// CONST: the op's group_counts is a constant of the program; --group-counts cannot change it

// IR-DAG: memref.global "private" constant @[[$C3:.*]] : memref<3xi32> = dense<40>
// IR-DAG: memref.global "private" constant @[[$C2:.*]] : memref<2xi32> = dense<24>
// IR-LABEL: func.func private @moe(
// IR-SAME: %[[C:[^:]*]]: memref<3x40x136xf16>) {
// IR-NOT: linalg.
// IR-NOT: memref.alloc
// IR: %[[N:.*]] = memref.get_global @[[$C3]] : memref<3xi32>
// IR-NEXT: ggemm.grouped_matmul rows<masked> scales<row_major> a(%{{.*}} : memref<3x40x320xf4E2M1FN>) sfa(%{{.*}} : memref<3x40x20xf8E4M3FN>) b(%{{.*}} : memref<3x136x320xf4E2M1FN>) sfb(%{{.*}} : memref<3x136x20xf8E4M3FN>) c(%[[C]] : memref<3x40x136xf16>) group_counts(%[[N]] : memref<3xi32>){{$}}
// IR-NEXT: return{{$}}
// IR-LABEL: func.func private @moe_t(
// IR-SAME: %[[C:[^:]*]]: memref<2x24x64xf16>) {
// IR-NOT: linalg.
// IR-NOT: memref.alloc
// IR: %[[N:.*]] = memref.get_global @[[$C2]] : memref<2xi32>
// IR-NEXT: ggemm.grouped_matmul rows<masked> scales<row_major> a(%{{.*}} : memref<2x24x128xf4E2M1FN>) sfa(%{{.*}} : memref<2x24x8xf8E4M3FN>) b(%{{.*}} : memref<2x64x128xf4E2M1FN>) sfb(%{{.*}} : memref<2x64x8xf8E4M3FN>) c(%[[C]] : memref<2x24x64xf16>) group_counts(%[[N]] : memref<2xi32>){{$}}
// IR-NEXT: return{{$}}


// MOE: rows: masked group_counts = [40, 40, 40], 120 rows of A; the groups own [0, 40) [40, 80) [80, 120)
// MOE-NEXT: moe: 3 groups, M = [40, 40, 40], 16320 elements, f16 mismatches 0, untouched rows overwritten 0
// MOE-NEXT: PASS
// MOET: rows: masked group_counts = [24, 24], 48 rows of A; the groups own [0, 24) [24, 48)
// MOET-NEXT: moe_t: 2 groups, M = [24, 24], 3072 elements, f16 mismatches 0, untouched rows overwritten 0
// MOET-NEXT: PASS

#id3 = affine_map<(g, r, k) -> (g, r, k)>
#sc3 = affine_map<(g, r, k) -> (g, r, k floordiv 16)>
#tc3 = affine_map<(g, k, n) -> (g, n, k)>
#tsc3 = affine_map<(g, k, n) -> (g, n, k floordiv 16)>
#bmk = affine_map<(b, m, n, k) -> (b, m, k)>
#bnk = affine_map<(b, m, n, k) -> (b, n, k)>
#bkn = affine_map<(b, m, n, k) -> (b, k, n)>
#bmn = affine_map<(b, m, n, k) -> (b, m, n)>
#ew3 = affine_map<(g, m, n) -> (g, m, n)>

func.func private @moe(%a: tensor<3x40x320xf4E2M1FN>, %sa: tensor<3x40x20xf8E4M3FN>, %b: tensor<3x136x320xf4E2M1FN>, %sb: tensor<3x136x20xf8E4M3FN>,
    %c: tensor<3x40x136xf16>) -> tensor<3x40x136xf16> {
  %qa_e = tensor.empty() : tensor<3x40x320xf32>
  %qa = linalg.generic {indexing_maps = [#id3, #sc3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%a, %sa : tensor<3x40x320xf4E2M1FN>, tensor<3x40x20xf8E4M3FN>) outs(%qa_e : tensor<3x40x320xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<3x40x320xf32>
  %qb_e = tensor.empty() : tensor<3x136x320xf16>
  %qb = linalg.generic {indexing_maps = [#id3, #sc3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%b, %sb : tensor<3x136x320xf4E2M1FN>, tensor<3x136x20xf8E4M3FN>) outs(%qb_e : tensor<3x136x320xf16>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f16):
    %xf = arith.extf %x : f4E2M1FN to f16
    %sf = arith.extf %s : f8E4M3FN to f16
    %p = arith.mulf %sf, %xf : f16
    linalg.yield %p : f16
  } -> tensor<3x136x320xf16>
  %z_zero = arith.constant 0.0 : f32
  %z_e = tensor.empty() : tensor<3x40x136xf32>
  %z = linalg.fill ins(%z_zero : f32) outs(%z_e : tensor<3x40x136xf32>) -> tensor<3x40x136xf32>
  %p = linalg.batch_matmul indexing_maps = [#bmk, #bnk, #bmn] ins(%qa, %qb : tensor<3x40x320xf32>, tensor<3x136x320xf16>) outs(%z : tensor<3x40x136xf32>) -> tensor<3x40x136xf32>
  %r = linalg.generic {indexing_maps = [#ew3, #ew3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%p : tensor<3x40x136xf32>) outs(%c : tensor<3x40x136xf16>) {
  ^bb0(%v: f32, %o: f16):
    %h = arith.truncf %v : f32 to f16
    linalg.yield %h : f16
  } -> tensor<3x40x136xf16>
  return %r : tensor<3x40x136xf16>
}

func.func private @moe_t(%a: tensor<2x24x128xf4E2M1FN>, %sa: tensor<2x24x8xf8E4M3FN>, %b: tensor<2x64x128xf4E2M1FN>, %sb: tensor<2x64x8xf8E4M3FN>,
    %c: tensor<2x24x64xf16>) -> tensor<2x24x64xf16> {
  %qa_e = tensor.empty() : tensor<2x24x128xf32>
  %qa = linalg.generic {indexing_maps = [#id3, #sc3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%a, %sa : tensor<2x24x128xf4E2M1FN>, tensor<2x24x8xf8E4M3FN>) outs(%qa_e : tensor<2x24x128xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<2x24x128xf32>
  %qb_e = tensor.empty() : tensor<2x128x64xf32>
  %qb = linalg.generic {indexing_maps = [#tc3, #tsc3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%b, %sb : tensor<2x64x128xf4E2M1FN>, tensor<2x64x8xf8E4M3FN>) outs(%qb_e : tensor<2x128x64xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<2x128x64xf32>
  %z_zero = arith.constant 0.0 : f32
  %z_e = tensor.empty() : tensor<2x24x64xf32>
  %z = linalg.fill ins(%z_zero : f32) outs(%z_e : tensor<2x24x64xf32>) -> tensor<2x24x64xf32>
  %p = linalg.generic {indexing_maps = [#bmk, #bkn, #bmn], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%qa, %qb : tensor<2x24x128xf32>, tensor<2x128x64xf32>) outs(%z : tensor<2x24x64xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %mul = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %mul : f32
    linalg.yield %s : f32
  } -> tensor<2x24x64xf32>
  %r = linalg.generic {indexing_maps = [#ew3, #ew3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%p : tensor<2x24x64xf32>) outs(%c : tensor<2x24x64xf16>) {
  ^bb0(%v: f32, %o: f16):
    %h = arith.truncf %v : f32 to f16
    linalg.yield %h : f16
  } -> tensor<2x24x64xf16>
  return %r : tensor<2x24x64xf16>
}
