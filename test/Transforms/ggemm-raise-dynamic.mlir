// ggemm-raise of a contraction whose M (the token count) is known at run
// time only: one group of rows<contiguous>, its size A's rows
// (tensor.dim), B and SFB with a group dimension of 1; with alpha too.
// Taken through bufferization and ggemm-pipeline, it compiles into a kernel
// launched in place. Other dynamic sizes are refused, saying why.
// RUN: gemm-opt %s -split-input-file --ggemm-raise | FileCheck %s
// RUN: gemm-opt %s -split-input-file --ggemm-raise=explain=true -verify-diagnostics -o /dev/null
// RUN: awk '/^\/\/ -----/{exit} {print}' %s | sed '/expected-/d' | gemm-opt --ggemm-raise --one-shot-bufferize="bufferize-function-boundaries function-boundary-type-conversion=identity-layout-map" --ggemm-pipeline="chip=sm_90a format=isa host=launch" | FileCheck %s --check-prefix=LAUNCH
#id = affine_map<(r, k) -> (r, k)>
#sc16 = affine_map<(r, k) -> (r, k floordiv 16)>
#mk = affine_map<(m, n, k) -> (m, k)>
#nk = affine_map<(m, n, k) -> (n, k)>
#mn = affine_map<(m, n, k) -> (m, n)>
#ew = affine_map<(m, n) -> (m, n)>

// CHECK-LABEL: func.func @tokens(
// CHECK-SAME: %[[A:[^:]*]]: tensor<?x256xf4E2M1FN>, %[[SA:[^:]*]]: tensor<?x16xf8E4M3FN>, %[[B:[^:]*]]: tensor<128x256xf4E2M1FN>, %[[SB:[^:]*]]: tensor<128x16xf8E4M3FN>, %[[C:[^:]*]]: tensor<?x128xf16>)
// CHECK: tensor.dim %[[A]], %c0
// CHECK: %[[B3:.*]] = tensor.expand_shape %[[B]] {{\[\[}}0, 1], [2]] output_shape [1, 128, 256] : tensor<128x256xf4E2M1FN> into tensor<1x128x256xf4E2M1FN>
// CHECK: %[[SB3:.*]] = tensor.expand_shape %[[SB]] {{\[\[}}0, 1], [2]] output_shape [1, 128, 16] : tensor<128x16xf8E4M3FN> into tensor<1x128x16xf8E4M3FN>
// CHECK: %[[M32:.*]] = arith.index_cast %{{.*}} : index to i32
// CHECK: %[[SIZES:.*]] = tensor.from_elements %[[M32]] : tensor<1xi32>
// CHECK: %[[R:.*]] = ggemm.grouped_matmul rows<contiguous> scales<row_major> a(%[[A]] : tensor<?x256xf4E2M1FN>) sfa(%[[SA]] : tensor<?x16xf8E4M3FN>) b(%[[B3]] : tensor<1x128x256xf4E2M1FN>) sfb(%[[SB3]] : tensor<1x128x16xf8E4M3FN>) c(%[[C]] : tensor<?x128xf16>) group_sizes(%[[SIZES]] : tensor<1xi32>) -> tensor<?x128xf16>
// CHECK: return %[[R]]
// LAUNCH-LABEL: func.func @tokens(
// LAUNCH: memref.dim
// LAUNCH: gpu.launch_func async {{.*}}_setup
// LAUNCH: gpu.launch_func async
// LAUNCH: cf.assert %{{.*}}, "ggemm: the run-time group sizes add up to more rows than A has
func.func @tokens(%a: tensor<?x256xf4E2M1FN>, %sa: tensor<?x16xf8E4M3FN>,
                  %b: tensor<128x256xf4E2M1FN>, %sb: tensor<128x16xf8E4M3FN>,
                  %c: tensor<?x128xf16>) -> tensor<?x128xf16> {
  %c0 = arith.constant 0 : index
  %m = tensor.dim %a, %c0 : tensor<?x256xf4E2M1FN>
  %qa_e = tensor.empty(%m) : tensor<?x256xf32>
  %qa = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a, %sa : tensor<?x256xf4E2M1FN>, tensor<?x16xf8E4M3FN>) outs(%qa_e : tensor<?x256xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<?x256xf32>
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
  %z_e = tensor.empty(%m) : tensor<?x128xf32>
  %z = linalg.fill ins(%zero : f32) outs(%z_e : tensor<?x128xf32>) -> tensor<?x128xf32>
  // expected-remark @+1 {{raised into ggemm.grouped_matmul rows<contiguous>: one group of run-time M (group_sizes = [rows of A])}}
  %p = linalg.matmul indexing_maps = [#mk, #nk, #mn] ins(%qa, %qb : tensor<?x256xf32>, tensor<128x256xf32>) outs(%z : tensor<?x128xf32>) -> tensor<?x128xf32>
  %r = linalg.generic {indexing_maps = [#ew, #ew], iterator_types = ["parallel", "parallel"]}
      ins(%p : tensor<?x128xf32>) outs(%c : tensor<?x128xf16>) {
  ^bb0(%v: f32, %o: f16):
    %h = arith.truncf %v : f32 to f16
    linalg.yield %h : f16
  } -> tensor<?x128xf16>
  return %r : tensor<?x128xf16>
}

// -----

// N known at run time only: refused.
#id = affine_map<(r, k) -> (r, k)>
#sc16 = affine_map<(r, k) -> (r, k floordiv 16)>
#mk = affine_map<(m, n, k) -> (m, k)>
#nk = affine_map<(m, n, k) -> (n, k)>
#mn = affine_map<(m, n, k) -> (m, n)>
#ew = affine_map<(m, n) -> (m, n)>
func.func @dynamic_n(%a: tensor<64x256xf4E2M1FN>, %sa: tensor<64x16xf8E4M3FN>,
                     %b: tensor<?x256xf4E2M1FN>, %sb: tensor<?x16xf8E4M3FN>,
                     %c: tensor<64x?xf16>) -> tensor<64x?xf16> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %b, %c0 : tensor<?x256xf4E2M1FN>
  %qa_e = tensor.empty() : tensor<64x256xf32>
  %qa = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a, %sa : tensor<64x256xf4E2M1FN>, tensor<64x16xf8E4M3FN>) outs(%qa_e : tensor<64x256xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<64x256xf32>
  %qb_e = tensor.empty(%n) : tensor<?x256xf32>
  %qb = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
      ins(%b, %sb : tensor<?x256xf4E2M1FN>, tensor<?x16xf8E4M3FN>) outs(%qb_e : tensor<?x256xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<?x256xf32>
  %zero = arith.constant 0.0 : f32
  %z_e = tensor.empty(%n) : tensor<64x?xf32>
  %z = linalg.fill ins(%zero : f32) outs(%z_e : tensor<64x?xf32>) -> tensor<64x?xf32>
  // expected-remark @+1 {{not raised: the operands have dynamic shapes other than M; a raised op needs static N and K (and static M, except for a lone contraction whose M is A's run-time rows: docs/raising.md)}}
  %p = linalg.matmul indexing_maps = [#mk, #nk, #mn] ins(%qa, %qb : tensor<64x256xf32>, tensor<?x256xf32>) outs(%z : tensor<64x?xf32>) -> tensor<64x?xf32>
  %r = linalg.generic {indexing_maps = [#ew, #ew], iterator_types = ["parallel", "parallel"]}
      ins(%p : tensor<64x?xf32>) outs(%c : tensor<64x?xf16>) {
  ^bb0(%v: f32, %o: f16):
    %h = arith.truncf %v : f32 to f16
    linalg.yield %h : f16
  } -> tensor<64x?xf16>
  return %r : tensor<64x?xf16>
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

// The truncation an arith.truncf on tensors (no init): the result goes into
// a tensor.empty of A's rows.
// CHECK-LABEL: func.func @dynamic_m(
// CHECK-SAME: %[[A:[^:]*]]: tensor<?x64xf4E2M1FN>
// CHECK: %[[ROWS:.*]] = tensor.dim %[[A]], %c0
// CHECK: %[[INIT:.*]] = tensor.empty(%[[ROWS]]) : tensor<?x8xf16>
// CHECK: ggemm.grouped_matmul rows<contiguous> {{.*}} c(%[[INIT]] : tensor<?x8xf16>) group_sizes(%{{.*}} : tensor<1xi32>) -> tensor<?x8xf16>
// CHECK-NOT: linalg.matmul
func.func @dynamic_m(%a: tensor<?x64xf4E2M1FN>, %sa: tensor<?x4xf8E4M3FN>, %b: tensor<8x64xf4E2M1FN>, %sb: tensor<8x4xf8E4M3FN>, %m: index) -> tensor<?x8xf16> {
  %qa_e = tensor.empty(%m) : tensor<?x64xf32>
  %qa = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a, %sa : tensor<?x64xf4E2M1FN>, tensor<?x4xf8E4M3FN>) outs(%qa_e : tensor<?x64xf32>) {
  ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
    %xf = arith.extf %x : f4E2M1FN to f32
    %sf = arith.extf %s : f8E4M3FN to f32
    %p = arith.mulf %xf, %sf : f32
    linalg.yield %p : f32
  } -> tensor<?x64xf32>
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
  %z_e = tensor.empty(%m) : tensor<?x8xf32>
  %z = linalg.fill ins(%z_zero : f32) outs(%z_e : tensor<?x8xf32>) -> tensor<?x8xf32>
  // expected-remark @+1 {{raised into ggemm.grouped_matmul rows<contiguous>: one group of run-time M (group_sizes = [rows of A])}}
  %p = linalg.matmul indexing_maps = [#mk, #nk, #mn] ins(%qa, %qb : tensor<?x64xf32>, tensor<8x64xf32>) outs(%z : tensor<?x8xf32>) -> tensor<?x8xf32>
  %r = arith.truncf %p : tensor<?x8xf32> to tensor<?x8xf16>
  return %r : tensor<?x8xf16>
}

