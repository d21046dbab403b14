// ggemm-raise of a loop over experts: an scf.for that slices each expert's
// rows of one token matrix by a device offsets tensor (the carried start,
// offs[e] the end), multiplies them by the expert's weights and inserts the
// product at the same rows of one output becomes one rows<offsets> op over
// the whole tensors, and the loop goes. A loop that differs is left as it
// is, its group raised alone (rows<contiguous>), with a remark saying what
// differs. docs/raising.md, "Loops over experts".
// RUN: gemm-opt %s -split-input-file --ggemm-raise --canonicalize | FileCheck %s
// RUN: gemm-opt %s -split-input-file --ggemm-raise=explain=true -verify-diagnostics -o /dev/null
// RUN: awk '/^\/\/ -----/{exit} {print}' %s | sed '/expected-/d' | gemm-opt --ggemm-raise --canonicalize --one-shot-bufferize="bufferize-function-boundaries function-boundary-type-conversion=identity-layout-map" --ggemm-pipeline="chip=sm_90a format=isa host=launch" | FileCheck %s --check-prefix=LAUNCH

// CHECK-LABEL: func.func @experts(
// CHECK-SAME: %[[A:[^:]*]]: tensor<?x256xf4E2M1FN>, %[[SA:[^:]*]]: tensor<?x16xf8E4M3FN>, %[[B:[^:]*]]: tensor<4x128x256xf4E2M1FN>, %[[SB:[^:]*]]: tensor<4x128x16xf8E4M3FN>, %[[O:[^:]*]]: tensor<4xi32>, %[[C:[^:]*]]: tensor<?x128xf16>)
// CHECK-NEXT: %[[R:.*]] = ggemm.grouped_matmul rows<offsets> scales<row_major> a(%[[A]] : tensor<?x256xf4E2M1FN>) sfa(%[[SA]] : tensor<?x16xf8E4M3FN>) b(%[[B]] : tensor<4x128x256xf4E2M1FN>) sfb(%[[SB]] : tensor<4x128x16xf8E4M3FN>) c(%[[C]] : tensor<?x128xf16>) group_offsets(%[[O]] : tensor<4xi32>) -> tensor<?x128xf16>
// CHECK-NEXT: return %[[R]]
// LAUNCH-LABEL: func.func @experts(
// LAUNCH-NOT: scf.for
// LAUNCH: gpu.launch_func async {{.*}}_setup
// LAUNCH: gpu.launch_func async
// LAUNCH: cf.assert %{{.*}}, "ggemm: the run-time group rows were clamped

// CHECK-LABEL: func.func @alphas(
// CHECK-SAME: %[[AL:[^:]*]]: tensor<4xf32>)
// CHECK-NEXT: ggemm.grouped_matmul rows<offsets> {{.*}} a(%{{.*}} : tensor<64x256xf4E2M1FN>) {{.*}} c(%{{.*}} : tensor<64x128xf16>) group_offsets(%{{.*}} : tensor<4xi32>) alpha(%[[AL]] : tensor<4xf32>) -> tensor<64x128xf16>

// CHECK-LABEL: func.func @alpha(
// CHECK-SAME: %[[S:[^:]*]]: f32)
// CHECK-NEXT: %[[ALS:.*]] = tensor.from_elements %[[S]], %[[S]], %[[S]], %[[S]] : tensor<4xf32>
// CHECK-NEXT: ggemm.grouped_matmul rows<offsets> {{.*}} alpha(%[[ALS]] : tensor<4xf32>)

// The loops that are not loops over experts keep their loop; the group in
// it is raised alone.
// CHECK-LABEL: func.func @from_one(
// CHECK: scf.for
// CHECK: ggemm.grouped_matmul rows<contiguous>
// CHECK-LABEL: func.func @start_two(
// CHECK: scf.for
// CHECK-LABEL: func.func @same_weights(
// CHECK: scf.for
// CHECK-LABEL: func.func @other_rows(
// CHECK: scf.for
// CHECK-LABEL: func.func @end_used(
// CHECK: scf.for
// CHECK-LABEL: func.func @offsets_i64(
// CHECK: scf.for
// CHECK-LABEL: func.func @side_effect(
// CHECK: scf.for
// CHECK: cf.assert
// CHECK-LABEL: func.func @dynamic_trip(
// CHECK: scf.for
// CHECK-LABEL: func.func @c_rows(
// CHECK: scf.for

#id = affine_map<(r, k) -> (r, k)>
#sc16 = affine_map<(r, k) -> (r, k floordiv 16)>
#mk = affine_map<(m, n, k) -> (m, k)>
#nk = affine_map<(m, n, k) -> (n, k)>
#mn = affine_map<(m, n, k) -> (m, n)>

// The loop a frontend writes for a grouped matmul over run-time offsets
// (torch._grouped_mm's reference loop): one rows<offsets> op, the loop gone.
func.func @experts(%a: tensor<?x256xf4E2M1FN>, %sa: tensor<?x16xf8E4M3FN>, %b: tensor<4x128x256xf4E2M1FN>, %sb: tensor<4x128x16xf8E4M3FN>, %offs: tensor<4xi32>, %c: tensor<?x128xf16>) -> (tensor<?x128xf16>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %cG = arith.constant 4 : index
  %zero = arith.constant 0.0 : f32
  %r:2 = scf.for %e = %c0 to %cG step %c1 iter_args(%out = %c, %start = %c0) -> (tensor<?x128xf16>, index) {
    %end32 = tensor.extract %offs[%e] : tensor<4xi32>
    %end = arith.index_cast %end32 : i32 to index
    %m = arith.subi %end, %start : index
    %ta = tensor.extract_slice %a[%start, 0] [%m, 256] [1, 1] : tensor<?x256xf4E2M1FN> to tensor<?x256xf4E2M1FN>
    %tsa = tensor.extract_slice %sa[%start, 0] [%m, 16] [1, 1] : tensor<?x16xf8E4M3FN> to tensor<?x16xf8E4M3FN>
    %tb = tensor.extract_slice %b[%e, 0, 0] [1, 128, 256] [1, 1, 1] : tensor<4x128x256xf4E2M1FN> to tensor<128x256xf4E2M1FN>
    %tsb = tensor.extract_slice %sb[%e, 0, 0] [1, 128, 16] [1, 1, 1] : tensor<4x128x16xf8E4M3FN> to tensor<128x16xf8E4M3FN>
    %qa_e = tensor.empty(%m) : tensor<?x256xf32>
    %qa = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
        ins(%ta, %tsa : tensor<?x256xf4E2M1FN>, tensor<?x16xf8E4M3FN>) outs(%qa_e : tensor<?x256xf32>) {
    ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
      %xf = arith.extf %x : f4E2M1FN to f32
      %sf = arith.extf %s : f8E4M3FN to f32
      %p = arith.mulf %xf, %sf : f32
      linalg.yield %p : f32
    } -> tensor<?x256xf32>
    %qb_e = tensor.empty() : tensor<128x256xf32>
    %qb = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
        ins(%tb, %tsb : tensor<128x256xf4E2M1FN>, tensor<128x16xf8E4M3FN>) outs(%qb_e : tensor<128x256xf32>) {
    ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
      %xf = arith.extf %x : f4E2M1FN to f32
      %sf = arith.extf %s : f8E4M3FN to f32
      %p = arith.mulf %sf, %xf : f32
      linalg.yield %p : f32
    } -> tensor<128x256xf32>
    %z_e = tensor.empty(%m) : tensor<?x128xf32>
    %z = linalg.fill ins(%zero : f32) outs(%z_e : tensor<?x128xf32>) -> tensor<?x128xf32>
    // expected-remark @+1 {{raised, with the loop over 4 experts around it, into ggemm.grouped_matmul rows<offsets>}}
    %p = linalg.matmul indexing_maps = [#mk, #nk, #mn] ins(%qa, %qb : tensor<?x256xf32>, tensor<128x256xf32>) outs(%z : tensor<?x128xf32>) -> tensor<?x128xf32>
    %h = arith.truncf %p : tensor<?x128xf32> to tensor<?x128xf16>
    %out2 = tensor.insert_slice %h into %out[%start, 0] [%m, 128] [1, 1] : tensor<?x128xf16> into tensor<?x128xf16>
    scf.yield %out2, %end : tensor<?x128xf16>, index
  }
  return %r#0 : tensor<?x128xf16>
}

// -----

#id = affine_map<(r, k) -> (r, k)>
#sc16 = affine_map<(r, k) -> (r, k floordiv 16)>
#mk = affine_map<(m, n, k) -> (m, k)>
#nk = affine_map<(m, n, k) -> (n, k)>
#mn = affine_map<(m, n, k) -> (m, n)>

// Static token rows, one alpha per expert from a tensor.
func.func @alphas(%a: tensor<64x256xf4E2M1FN>, %sa: tensor<64x16xf8E4M3FN>, %b: tensor<4x128x256xf4E2M1FN>, %sb: tensor<4x128x16xf8E4M3FN>, %offs: tensor<4xi32>, %c: tensor<64x128xf16>, %alphas: tensor<4xf32>) -> (tensor<64x128xf16>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %cG = arith.constant 4 : index
  %zero = arith.constant 0.0 : f32
  %r:2 = scf.for %e = %c0 to %cG step %c1 iter_args(%out = %c, %start = %c0) -> (tensor<64x128xf16>, index) {
    %end32 = tensor.extract %offs[%e] : tensor<4xi32>
    %end = arith.index_cast %end32 : i32 to index
    %m = arith.subi %end, %start : index
    %ta = tensor.extract_slice %a[%start, 0] [%m, 256] [1, 1] : tensor<64x256xf4E2M1FN> to tensor<?x256xf4E2M1FN>
    %tsa = tensor.extract_slice %sa[%start, 0] [%m, 16] [1, 1] : tensor<64x16xf8E4M3FN> to tensor<?x16xf8E4M3FN>
    %tb = tensor.extract_slice %b[%e, 0, 0] [1, 128, 256] [1, 1, 1] : tensor<4x128x256xf4E2M1FN> to tensor<128x256xf4E2M1FN>
    %tsb = tensor.extract_slice %sb[%e, 0, 0] [1, 128, 16] [1, 1, 1] : tensor<4x128x16xf8E4M3FN> to tensor<128x16xf8E4M3FN>
    %qa_e = tensor.empty(%m) : tensor<?x256xf32>
    %qa = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
        ins(%ta, %tsa : tensor<?x256xf4E2M1FN>, tensor<?x16xf8E4M3FN>) outs(%qa_e : tensor<?x256xf32>) {
    ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
      %xf = arith.extf %x : f4E2M1FN to f32
      %sf = arith.extf %s : f8E4M3FN to f32
      %p = arith.mulf %xf, %sf : f32
      linalg.yield %p : f32
    } -> tensor<?x256xf32>
    %qb_e = tensor.empty() : tensor<128x256xf32>
    %qb = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
        ins(%tb, %tsb : tensor<128x256xf4E2M1FN>, tensor<128x16xf8E4M3FN>) outs(%qb_e : tensor<128x256xf32>) {
    ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
      %xf = arith.extf %x : f4E2M1FN to f32
      %sf = arith.extf %s : f8E4M3FN to f32
      %p = arith.mulf %sf, %xf : f32
      linalg.yield %p : f32
    } -> tensor<128x256xf32>
    %z_e = tensor.empty(%m) : tensor<?x128xf32>
    %z = linalg.fill ins(%zero : f32) outs(%z_e : tensor<?x128xf32>) -> tensor<?x128xf32>
    // expected-remark @+1 {{raised, with the loop over 4 experts around it, into ggemm.grouped_matmul rows<offsets>}}
    %p = linalg.matmul indexing_maps = [#mk, #nk, #mn] ins(%qa, %qb : tensor<?x256xf32>, tensor<128x256xf32>) outs(%z : tensor<?x128xf32>) -> tensor<?x128xf32>
    %al = tensor.extract %alphas[%e] : tensor<4xf32>
    %h_e = tensor.empty(%m) : tensor<?x128xf16>
    %h = linalg.generic {indexing_maps = [affine_map<(m, n) -> (m, n)>, affine_map<(m, n) -> (m, n)>], iterator_types = ["parallel", "parallel"]}
        ins(%p : tensor<?x128xf32>) outs(%h_e : tensor<?x128xf16>) {
    ^bb0(%v: f32, %o: f16):
      %sc = arith.mulf %v, %al : f32
      %t = arith.truncf %sc : f32 to f16
      linalg.yield %t : f16
    } -> tensor<?x128xf16>
    %out2 = tensor.insert_slice %h into %out[%start, 0] [%m, 128] [1, 1] : tensor<?x128xf16> into tensor<64x128xf16>
    scf.yield %out2, %end : tensor<64x128xf16>, index
  }
  return %r#0 : tensor<64x128xf16>
}

// -----

#id = affine_map<(r, k) -> (r, k)>
#sc16 = affine_map<(r, k) -> (r, k floordiv 16)>
#mk = affine_map<(m, n, k) -> (m, k)>
#nk = affine_map<(m, n, k) -> (n, k)>
#mn = affine_map<(m, n, k) -> (m, n)>

// One alpha for every expert.
func.func @alpha(%a: tensor<?x256xf4E2M1FN>, %sa: tensor<?x16xf8E4M3FN>, %b: tensor<4x128x256xf4E2M1FN>, %sb: tensor<4x128x16xf8E4M3FN>, %offs: tensor<4xi32>, %c: tensor<?x128xf16>, %alpha: f32) -> (tensor<?x128xf16>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %cG = arith.constant 4 : index
  %zero = arith.constant 0.0 : f32
  %r:2 = scf.for %e = %c0 to %cG step %c1 iter_args(%out = %c, %start = %c0) -> (tensor<?x128xf16>, index) {
    %end32 = tensor.extract %offs[%e] : tensor<4xi32>
    %end = arith.index_cast %end32 : i32 to index
    %m = arith.subi %end, %start : index
    %ta = tensor.extract_slice %a[%start, 0] [%m, 256] [1, 1] : tensor<?x256xf4E2M1FN> to tensor<?x256xf4E2M1FN>
    %tsa = tensor.extract_slice %sa[%start, 0] [%m, 16] [1, 1] : tensor<?x16xf8E4M3FN> to tensor<?x16xf8E4M3FN>
    %tb = tensor.extract_slice %b[%e, 0, 0] [1, 128, 256] [1, 1, 1] : tensor<4x128x256xf4E2M1FN> to tensor<128x256xf4E2M1FN>
    %tsb = tensor.extract_slice %sb[%e, 0, 0] [1, 128, 16] [1, 1, 1] : tensor<4x128x16xf8E4M3FN> to tensor<128x16xf8E4M3FN>
    %qa_e = tensor.empty(%m) : tensor<?x256xf32>
    %qa = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
        ins(%ta, %tsa : tensor<?x256xf4E2M1FN>, tensor<?x16xf8E4M3FN>) outs(%qa_e : tensor<?x256xf32>) {
    ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
      %xf = arith.extf %x : f4E2M1FN to f32
      %sf = arith.extf %s : f8E4M3FN to f32
      %p = arith.mulf %xf, %sf : f32
      linalg.yield %p : f32
    } -> tensor<?x256xf32>
    %qb_e = tensor.empty() : tensor<128x256xf32>
    %qb = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
        ins(%tb, %tsb : tensor<128x256xf4E2M1FN>, tensor<128x16xf8E4M3FN>) outs(%qb_e : tensor<128x256xf32>) {
    ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
      %xf = arith.extf %x : f4E2M1FN to f32
      %sf = arith.extf %s : f8E4M3FN to f32
      %p = arith.mulf %sf, %xf : f32
      linalg.yield %p : f32
    } -> tensor<128x256xf32>
    %z_e = tensor.empty(%m) : tensor<?x128xf32>
    %z = linalg.fill ins(%zero : f32) outs(%z_e : tensor<?x128xf32>) -> tensor<?x128xf32>
    // expected-remark @+1 {{raised, with the loop over 4 experts around it, into ggemm.grouped_matmul rows<offsets>}}
    %p = linalg.matmul indexing_maps = [#mk, #nk, #mn] ins(%qa, %qb : tensor<?x256xf32>, tensor<128x256xf32>) outs(%z : tensor<?x128xf32>) -> tensor<?x128xf32>
    %h_e = tensor.empty(%m) : tensor<?x128xf16>
    %h = linalg.generic {indexing_maps = [affine_map<(m, n) -> (m, n)>, affine_map<(m, n) -> (m, n)>], iterator_types = ["parallel", "parallel"]}
        ins(%p : tensor<?x128xf32>) outs(%h_e : tensor<?x128xf16>) {
    ^bb0(%v: f32, %o: f16):
      %sc = arith.mulf %v, %alpha : f32
      %t = arith.truncf %sc : f32 to f16
      linalg.yield %t : f16
    } -> tensor<?x128xf16>
    %out2 = tensor.insert_slice %h into %out[%start, 0] [%m, 128] [1, 1] : tensor<?x128xf16> into tensor<?x128xf16>
    scf.yield %out2, %end : tensor<?x128xf16>, index
  }
  return %r#0 : tensor<?x128xf16>
}

// -----

#id = affine_map<(r, k) -> (r, k)>
#sc16 = affine_map<(r, k) -> (r, k floordiv 16)>
#mk = affine_map<(m, n, k) -> (m, k)>
#nk = affine_map<(m, n, k) -> (n, k)>
#mn = affine_map<(m, n, k) -> (m, n)>

// Counting from 1: not every expert.
func.func @from_one(%a: tensor<?x256xf4E2M1FN>, %sa: tensor<?x16xf8E4M3FN>, %b: tensor<4x128x256xf4E2M1FN>, %sb: tensor<4x128x16xf8E4M3FN>, %offs: tensor<4xi32>, %c: tensor<?x128xf16>) -> (tensor<?x128xf16>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %cG = arith.constant 4 : index
  %zero = arith.constant 0.0 : f32
  %r:2 = scf.for %e = %c1 to %cG step %c1 iter_args(%out = %c, %start = %c0) -> (tensor<?x128xf16>, index) {
    %end32 = tensor.extract %offs[%e] : tensor<4xi32>
    %end = arith.index_cast %end32 : i32 to index
    %m = arith.subi %end, %start : index
    %ta = tensor.extract_slice %a[%start, 0] [%m, 256] [1, 1] : tensor<?x256xf4E2M1FN> to tensor<?x256xf4E2M1FN>
    %tsa = tensor.extract_slice %sa[%start, 0] [%m, 16] [1, 1] : tensor<?x16xf8E4M3FN> to tensor<?x16xf8E4M3FN>
    %tb = tensor.extract_slice %b[%e, 0, 0] [1, 128, 256] [1, 1, 1] : tensor<4x128x256xf4E2M1FN> to tensor<128x256xf4E2M1FN>
    %tsb = tensor.extract_slice %sb[%e, 0, 0] [1, 128, 16] [1, 1, 1] : tensor<4x128x16xf8E4M3FN> to tensor<128x16xf8E4M3FN>
    %qa_e = tensor.empty(%m) : tensor<?x256xf32>
    %qa = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
        ins(%ta, %tsa : tensor<?x256xf4E2M1FN>, tensor<?x16xf8E4M3FN>) outs(%qa_e : tensor<?x256xf32>) {
    ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
      %xf = arith.extf %x : f4E2M1FN to f32
      %sf = arith.extf %s : f8E4M3FN to f32
      %p = arith.mulf %xf, %sf : f32
      linalg.yield %p : f32
    } -> tensor<?x256xf32>
    %qb_e = tensor.empty() : tensor<128x256xf32>
    %qb = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
        ins(%tb, %tsb : tensor<128x256xf4E2M1FN>, tensor<128x16xf8E4M3FN>) outs(%qb_e : tensor<128x256xf32>) {
    ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
      %xf = arith.extf %x : f4E2M1FN to f32
      %sf = arith.extf %s : f8E4M3FN to f32
      %p = arith.mulf %sf, %xf : f32
      linalg.yield %p : f32
    } -> tensor<128x256xf32>
    %z_e = tensor.empty(%m) : tensor<?x128xf32>
    %z = linalg.fill ins(%zero : f32) outs(%z_e : tensor<?x128xf32>) -> tensor<?x128xf32>
    // expected-remark @+2 {{the loop around it is not a loop over experts: the loop does not count from 0 in steps of 1}}
    // expected-remark @+1 {{raised into ggemm.grouped_matmul rows<contiguous>: one group of run-time M (group_sizes = [rows of A])}}
    %p = linalg.matmul indexing_maps = [#mk, #nk, #mn] ins(%qa, %qb : tensor<?x256xf32>, tensor<128x256xf32>) outs(%z : tensor<?x128xf32>) -> tensor<?x128xf32>
    %h = arith.truncf %p : tensor<?x128xf32> to tensor<?x128xf16>
    %out2 = tensor.insert_slice %h into %out[%start, 0] [%m, 128] [1, 1] : tensor<?x128xf16> into tensor<?x128xf16>
    scf.yield %out2, %end : tensor<?x128xf16>, index
  }
  return %r#0 : tensor<?x128xf16>
}

// -----

#id = affine_map<(r, k) -> (r, k)>
#sc16 = affine_map<(r, k) -> (r, k floordiv 16)>
#mk = affine_map<(m, n, k) -> (m, k)>
#nk = affine_map<(m, n, k) -> (n, k)>
#mn = affine_map<(m, n, k) -> (m, n)>

// The first expert starting at row 2.
func.func @start_two(%a: tensor<?x256xf4E2M1FN>, %sa: tensor<?x16xf8E4M3FN>, %b: tensor<4x128x256xf4E2M1FN>, %sb: tensor<4x128x16xf8E4M3FN>, %offs: tensor<4xi32>, %c: tensor<?x128xf16>) -> (tensor<?x128xf16>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %cG = arith.constant 4 : index
  %zero = arith.constant 0.0 : f32
  %r:2 = scf.for %e = %c0 to %cG step %c1 iter_args(%out = %c, %start = %c2) -> (tensor<?x128xf16>, index) {
    %end32 = tensor.extract %offs[%e] : tensor<4xi32>
    %end = arith.index_cast %end32 : i32 to index
    %m = arith.subi %end, %start : index
    %ta = tensor.extract_slice %a[%start, 0] [%m, 256] [1, 1] : tensor<?x256xf4E2M1FN> to tensor<?x256xf4E2M1FN>
    %tsa = tensor.extract_slice %sa[%start, 0] [%m, 16] [1, 1] : tensor<?x16xf8E4M3FN> to tensor<?x16xf8E4M3FN>
    %tb = tensor.extract_slice %b[%e, 0, 0] [1, 128, 256] [1, 1, 1] : tensor<4x128x256xf4E2M1FN> to tensor<128x256xf4E2M1FN>
    %tsb = tensor.extract_slice %sb[%e, 0, 0] [1, 128, 16] [1, 1, 1] : tensor<4x128x16xf8E4M3FN> to tensor<128x16xf8E4M3FN>
    %qa_e = tensor.empty(%m) : tensor<?x256xf32>
    %qa = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
        ins(%ta, %tsa : tensor<?x256xf4E2M1FN>, tensor<?x16xf8E4M3FN>) outs(%qa_e : tensor<?x256xf32>) {
    ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
      %xf = arith.extf %x : f4E2M1FN to f32
      %sf = arith.extf %s : f8E4M3FN to f32
      %p = arith.mulf %xf, %sf : f32
      linalg.yield %p : f32
    } -> tensor<?x256xf32>
    %qb_e = tensor.empty() : tensor<128x256xf32>
    %qb = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
        ins(%tb, %tsb : tensor<128x256xf4E2M1FN>, tensor<128x16xf8E4M3FN>) outs(%qb_e : tensor<128x256xf32>) {
    ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
      %xf = arith.extf %x : f4E2M1FN to f32
      %sf = arith.extf %s : f8E4M3FN to f32
      %p = arith.mulf %sf, %xf : f32
      linalg.yield %p : f32
    } -> tensor<128x256xf32>
    %z_e = tensor.empty(%m) : tensor<?x128xf32>
    %z = linalg.fill ins(%zero : f32) outs(%z_e : tensor<?x128xf32>) -> tensor<?x128xf32>
    // expected-remark @+2 {{the loop around it is not a loop over experts: the carried first row does not start at 0}}
    // expected-remark @+1 {{raised into ggemm.grouped_matmul rows<contiguous>: one group of run-time M (group_sizes = [rows of A])}}
    %p = linalg.matmul indexing_maps = [#mk, #nk, #mn] ins(%qa, %qb : tensor<?x256xf32>, tensor<128x256xf32>) outs(%z : tensor<?x128xf32>) -> tensor<?x128xf32>
    %h = arith.truncf %p : tensor<?x128xf32> to tensor<?x128xf16>
    %out2 = tensor.insert_slice %h into %out[%start, 0] [%m, 128] [1, 1] : tensor<?x128xf16> into tensor<?x128xf16>
    scf.yield %out2, %end : tensor<?x128xf16>, index
  }
  return %r#0 : tensor<?x128xf16>
}

// -----

#id = affine_map<(r, k) -> (r, k)>
#sc16 = affine_map<(r, k) -> (r, k floordiv 16)>
#mk = affine_map<(m, n, k) -> (m, k)>
#nk = affine_map<(m, n, k) -> (n, k)>
#mn = affine_map<(m, n, k) -> (m, n)>

// Expert 0's weights for every expert.
func.func @same_weights(%a: tensor<?x256xf4E2M1FN>, %sa: tensor<?x16xf8E4M3FN>, %b: tensor<4x128x256xf4E2M1FN>, %sb: tensor<4x128x16xf8E4M3FN>, %offs: tensor<4xi32>, %c: tensor<?x128xf16>) -> (tensor<?x128xf16>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %cG = arith.constant 4 : index
  %zero = arith.constant 0.0 : f32
  %r:2 = scf.for %e = %c0 to %cG step %c1 iter_args(%out = %c, %start = %c0) -> (tensor<?x128xf16>, index) {
    %end32 = tensor.extract %offs[%e] : tensor<4xi32>
    %end = arith.index_cast %end32 : i32 to index
    %m = arith.subi %end, %start : index
    %ta = tensor.extract_slice %a[%start, 0] [%m, 256] [1, 1] : tensor<?x256xf4E2M1FN> to tensor<?x256xf4E2M1FN>
    %tsa = tensor.extract_slice %sa[%start, 0] [%m, 16] [1, 1] : tensor<?x16xf8E4M3FN> to tensor<?x16xf8E4M3FN>
    %tb = tensor.extract_slice %b[%c0, 0, 0] [1, 128, 256] [1, 1, 1] : tensor<4x128x256xf4E2M1FN> to tensor<128x256xf4E2M1FN>
    %tsb = tensor.extract_slice %sb[%c0, 0, 0] [1, 128, 16] [1, 1, 1] : tensor<4x128x16xf8E4M3FN> to tensor<128x16xf8E4M3FN>
    %qa_e = tensor.empty(%m) : tensor<?x256xf32>
    %qa = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
        ins(%ta, %tsa : tensor<?x256xf4E2M1FN>, tensor<?x16xf8E4M3FN>) outs(%qa_e : tensor<?x256xf32>) {
    ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
      %xf = arith.extf %x : f4E2M1FN to f32
      %sf = arith.extf %s : f8E4M3FN to f32
      %p = arith.mulf %xf, %sf : f32
      linalg.yield %p : f32
    } -> tensor<?x256xf32>
    %qb_e = tensor.empty() : tensor<128x256xf32>
    %qb = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
        ins(%tb, %tsb : tensor<128x256xf4E2M1FN>, tensor<128x16xf8E4M3FN>) outs(%qb_e : tensor<128x256xf32>) {
    ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
      %xf = arith.extf %x : f4E2M1FN to f32
      %sf = arith.extf %s : f8E4M3FN to f32
      %p = arith.mulf %sf, %xf : f32
      linalg.yield %p : f32
    } -> tensor<128x256xf32>
    %z_e = tensor.empty(%m) : tensor<?x128xf32>
    %z = linalg.fill ins(%zero : f32) outs(%z_e : tensor<?x128xf32>) -> tensor<?x128xf32>
    // expected-remark @+2 {{the loop around it is not a loop over experts: B is not the expert's whole matrix of a 4 x N x K tensor, with unit strides}}
    // expected-remark @+1 {{raised into ggemm.grouped_matmul rows<contiguous>: one group of run-time M (group_sizes = [rows of A])}}
    %p = linalg.matmul indexing_maps = [#mk, #nk, #mn] ins(%qa, %qb : tensor<?x256xf32>, tensor<128x256xf32>) outs(%z : tensor<?x128xf32>) -> tensor<?x128xf32>
    %h = arith.truncf %p : tensor<?x128xf32> to tensor<?x128xf16>
    %out2 = tensor.insert_slice %h into %out[%start, 0] [%m, 128] [1, 1] : tensor<?x128xf16> into tensor<?x128xf16>
    scf.yield %out2, %end : tensor<?x128xf16>, index
  }
  return %r#0 : tensor<?x128xf16>
}

// -----

#id = affine_map<(r, k) -> (r, k)>
#sc16 = affine_map<(r, k) -> (r, k floordiv 16)>
#mk = affine_map<(m, n, k) -> (m, k)>
#nk = affine_map<(m, n, k) -> (n, k)>
#mn = affine_map<(m, n, k) -> (m, n)>

// The product written at other rows.
func.func @other_rows(%a: tensor<?x256xf4E2M1FN>, %sa: tensor<?x16xf8E4M3FN>, %b: tensor<4x128x256xf4E2M1FN>, %sb: tensor<4x128x16xf8E4M3FN>, %offs: tensor<4xi32>, %c: tensor<?x128xf16>) -> (tensor<?x128xf16>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %cG = arith.constant 4 : index
  %zero = arith.constant 0.0 : f32
  %r:2 = scf.for %e = %c0 to %cG step %c1 iter_args(%out = %c, %start = %c0) -> (tensor<?x128xf16>, index) {
    %end32 = tensor.extract %offs[%e] : tensor<4xi32>
    %end = arith.index_cast %end32 : i32 to index
    %m = arith.subi %end, %start : index
    %ta = tensor.extract_slice %a[%start, 0] [%m, 256] [1, 1] : tensor<?x256xf4E2M1FN> to tensor<?x256xf4E2M1FN>
    %tsa = tensor.extract_slice %sa[%start, 0] [%m, 16] [1, 1] : tensor<?x16xf8E4M3FN> to tensor<?x16xf8E4M3FN>
    %tb = tensor.extract_slice %b[%e, 0, 0] [1, 128, 256] [1, 1, 1] : tensor<4x128x256xf4E2M1FN> to tensor<128x256xf4E2M1FN>
    %tsb = tensor.extract_slice %sb[%e, 0, 0] [1, 128, 16] [1, 1, 1] : tensor<4x128x16xf8E4M3FN> to tensor<128x16xf8E4M3FN>
    %qa_e = tensor.empty(%m) : tensor<?x256xf32>
    %qa = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
        ins(%ta, %tsa : tensor<?x256xf4E2M1FN>, tensor<?x16xf8E4M3FN>) outs(%qa_e : tensor<?x256xf32>) {
    ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
      %xf = arith.extf %x : f4E2M1FN to f32
      %sf = arith.extf %s : f8E4M3FN to f32
      %p = arith.mulf %xf, %sf : f32
      linalg.yield %p : f32
    } -> tensor<?x256xf32>
    %qb_e = tensor.empty() : tensor<128x256xf32>
    %qb = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
        ins(%tb, %tsb : tensor<128x256xf4E2M1FN>, tensor<128x16xf8E4M3FN>) outs(%qb_e : tensor<128x256xf32>) {
    ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
      %xf = arith.extf %x : f4E2M1FN to f32
      %sf = arith.extf %s : f8E4M3FN to f32
      %p = arith.mulf %sf, %xf : f32
      linalg.yield %p : f32
    } -> tensor<128x256xf32>
    %z_e = tensor.empty(%m) : tensor<?x128xf32>
    %z = linalg.fill ins(%zero : f32) outs(%z_e : tensor<?x128xf32>) -> tensor<?x128xf32>
    // expected-remark @+2 {{the loop around it is not a loop over experts: the product is not inserted at the expert's rows [start, end) of the output, every column, with unit strides}}
    // expected-remark @+1 {{raised into ggemm.grouped_matmul rows<contiguous>: one group of run-time M (group_sizes = [rows of A])}}
    %p = linalg.matmul indexing_maps = [#mk, #nk, #mn] ins(%qa, %qb : tensor<?x256xf32>, tensor<128x256xf32>) outs(%z : tensor<?x128xf32>) -> tensor<?x128xf32>
    %h = arith.truncf %p : tensor<?x128xf32> to tensor<?x128xf16>
    %out2 = tensor.insert_slice %h into %out[%c0, 0] [%m, 128] [1, 1] : tensor<?x128xf16> into tensor<?x128xf16>
    scf.yield %out2, %end : tensor<?x128xf16>, index
  }
  return %r#0 : tensor<?x128xf16>
}

// -----

#id = affine_map<(r, k) -> (r, k)>
#sc16 = affine_map<(r, k) -> (r, k floordiv 16)>
#mk = affine_map<(m, n, k) -> (m, k)>
#nk = affine_map<(m, n, k) -> (n, k)>
#mn = affine_map<(m, n, k) -> (m, n)>

// The final end row used after the loop.
func.func @end_used(%a: tensor<?x256xf4E2M1FN>, %sa: tensor<?x16xf8E4M3FN>, %b: tensor<4x128x256xf4E2M1FN>, %sb: tensor<4x128x16xf8E4M3FN>, %offs: tensor<4xi32>, %c: tensor<?x128xf16>) -> (tensor<?x128xf16>, index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %cG = arith.constant 4 : index
  %zero = arith.constant 0.0 : f32
  %r:2 = scf.for %e = %c0 to %cG step %c1 iter_args(%out = %c, %start = %c0) -> (tensor<?x128xf16>, index) {
    %end32 = tensor.extract %offs[%e] : tensor<4xi32>
    %end = arith.index_cast %end32 : i32 to index
    %m = arith.subi %end, %start : index
    %ta = tensor.extract_slice %a[%start, 0] [%m, 256] [1, 1] : tensor<?x256xf4E2M1FN> to tensor<?x256xf4E2M1FN>
    %tsa = tensor.extract_slice %sa[%start, 0] [%m, 16] [1, 1] : tensor<?x16xf8E4M3FN> to tensor<?x16xf8E4M3FN>
    %tb = tensor.extract_slice %b[%e, 0, 0] [1, 128, 256] [1, 1, 1] : tensor<4x128x256xf4E2M1FN> to tensor<128x256xf4E2M1FN>
    %tsb = tensor.extract_slice %sb[%e, 0, 0] [1, 128, 16] [1, 1, 1] : tensor<4x128x16xf8E4M3FN> to tensor<128x16xf8E4M3FN>
    %qa_e = tensor.empty(%m) : tensor<?x256xf32>
    %qa = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
        ins(%ta, %tsa : tensor<?x256xf4E2M1FN>, tensor<?x16xf8E4M3FN>) outs(%qa_e : tensor<?x256xf32>) {
    ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
      %xf = arith.extf %x : f4E2M1FN to f32
      %sf = arith.extf %s : f8E4M3FN to f32
      %p = arith.mulf %xf, %sf : f32
      linalg.yield %p : f32
    } -> tensor<?x256xf32>
    %qb_e = tensor.empty() : tensor<128x256xf32>
    %qb = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
        ins(%tb, %tsb : tensor<128x256xf4E2M1FN>, tensor<128x16xf8E4M3FN>) outs(%qb_e : tensor<128x256xf32>) {
    ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
      %xf = arith.extf %x : f4E2M1FN to f32
      %sf = arith.extf %s : f8E4M3FN to f32
      %p = arith.mulf %sf, %xf : f32
      linalg.yield %p : f32
    } -> tensor<128x256xf32>
    %z_e = tensor.empty(%m) : tensor<?x128xf32>
    %z = linalg.fill ins(%zero : f32) outs(%z_e : tensor<?x128xf32>) -> tensor<?x128xf32>
    // expected-remark @+2 {{the loop around it is not a loop over experts: the loop's final end row is used after the loop}}
    // expected-remark @+1 {{raised into ggemm.grouped_matmul rows<contiguous>: one group of run-time M (group_sizes = [rows of A])}}
    %p = linalg.matmul indexing_maps = [#mk, #nk, #mn] ins(%qa, %qb : tensor<?x256xf32>, tensor<128x256xf32>) outs(%z : tensor<?x128xf32>) -> tensor<?x128xf32>
    %h = arith.truncf %p : tensor<?x128xf32> to tensor<?x128xf16>
    %out2 = tensor.insert_slice %h into %out[%start, 0] [%m, 128] [1, 1] : tensor<?x128xf16> into tensor<?x128xf16>
    scf.yield %out2, %end : tensor<?x128xf16>, index
  }
  return %r#0, %r#1 : tensor<?x128xf16>, index
}

// -----

#id = affine_map<(r, k) -> (r, k)>
#sc16 = affine_map<(r, k) -> (r, k floordiv 16)>
#mk = affine_map<(m, n, k) -> (m, k)>
#nk = affine_map<(m, n, k) -> (n, k)>
#mn = affine_map<(m, n, k) -> (m, n)>

// i64 offsets.
func.func @offsets_i64(%a: tensor<?x256xf4E2M1FN>, %sa: tensor<?x16xf8E4M3FN>, %b: tensor<4x128x256xf4E2M1FN>, %sb: tensor<4x128x16xf8E4M3FN>, %offs: tensor<4xi64>, %c: tensor<?x128xf16>) -> (tensor<?x128xf16>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %cG = arith.constant 4 : index
  %zero = arith.constant 0.0 : f32
  %r:2 = scf.for %e = %c0 to %cG step %c1 iter_args(%out = %c, %start = %c0) -> (tensor<?x128xf16>, index) {
    %end32 = tensor.extract %offs[%e] : tensor<4xi64>
    %end = arith.index_cast %end32 : i64 to index
    %m = arith.subi %end, %start : index
    %ta = tensor.extract_slice %a[%start, 0] [%m, 256] [1, 1] : tensor<?x256xf4E2M1FN> to tensor<?x256xf4E2M1FN>
    %tsa = tensor.extract_slice %sa[%start, 0] [%m, 16] [1, 1] : tensor<?x16xf8E4M3FN> to tensor<?x16xf8E4M3FN>
    %tb = tensor.extract_slice %b[%e, 0, 0] [1, 128, 256] [1, 1, 1] : tensor<4x128x256xf4E2M1FN> to tensor<128x256xf4E2M1FN>
    %tsb = tensor.extract_slice %sb[%e, 0, 0] [1, 128, 16] [1, 1, 1] : tensor<4x128x16xf8E4M3FN> to tensor<128x16xf8E4M3FN>
    %qa_e = tensor.empty(%m) : tensor<?x256xf32>
    %qa = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
        ins(%ta, %tsa : tensor<?x256xf4E2M1FN>, tensor<?x16xf8E4M3FN>) outs(%qa_e : tensor<?x256xf32>) {
    ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
      %xf = arith.extf %x : f4E2M1FN to f32
      %sf = arith.extf %s : f8E4M3FN to f32
      %p = arith.mulf %xf, %sf : f32
      linalg.yield %p : f32
    } -> tensor<?x256xf32>
    %qb_e = tensor.empty() : tensor<128x256xf32>
    %qb = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
        ins(%tb, %tsb : tensor<128x256xf4E2M1FN>, tensor<128x16xf8E4M3FN>) outs(%qb_e : tensor<128x256xf32>) {
    ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
      %xf = arith.extf %x : f4E2M1FN to f32
      %sf = arith.extf %s : f8E4M3FN to f32
      %p = arith.mulf %sf, %xf : f32
      linalg.yield %p : f32
    } -> tensor<128x256xf32>
    %z_e = tensor.empty(%m) : tensor<?x128xf32>
    %z = linalg.fill ins(%zero : f32) outs(%z_e : tensor<?x128xf32>) -> tensor<?x128xf32>
    // expected-remark @+2 {{the loop around it is not a loop over experts: the offsets are not a tensor<4xi32> defined before the loop}}
    // expected-remark @+1 {{raised into ggemm.grouped_matmul rows<contiguous>: one group of run-time M (group_sizes = [rows of A])}}
    %p = linalg.matmul indexing_maps = [#mk, #nk, #mn] ins(%qa, %qb : tensor<?x256xf32>, tensor<128x256xf32>) outs(%z : tensor<?x128xf32>) -> tensor<?x128xf32>
    %h = arith.truncf %p : tensor<?x128xf32> to tensor<?x128xf16>
    %out2 = tensor.insert_slice %h into %out[%start, 0] [%m, 128] [1, 1] : tensor<?x128xf16> into tensor<?x128xf16>
    scf.yield %out2, %end : tensor<?x128xf16>, index
  }
  return %r#0 : tensor<?x128xf16>
}

// -----

#id = affine_map<(r, k) -> (r, k)>
#sc16 = affine_map<(r, k) -> (r, k floordiv 16)>
#mk = affine_map<(m, n, k) -> (m, k)>
#nk = affine_map<(m, n, k) -> (n, k)>
#mn = affine_map<(m, n, k) -> (m, n)>

// A side effect in the body.
func.func @side_effect(%a: tensor<?x256xf4E2M1FN>, %sa: tensor<?x16xf8E4M3FN>, %b: tensor<4x128x256xf4E2M1FN>, %sb: tensor<4x128x16xf8E4M3FN>, %offs: tensor<4xi32>, %c: tensor<?x128xf16>) -> (tensor<?x128xf16>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %cG = arith.constant 4 : index
  %zero = arith.constant 0.0 : f32
  %r:2 = scf.for %e = %c0 to %cG step %c1 iter_args(%out = %c, %start = %c0) -> (tensor<?x128xf16>, index) {
    %end32 = tensor.extract %offs[%e] : tensor<4xi32>
    %end = arith.index_cast %end32 : i32 to index
    %m = arith.subi %end, %start : index
    %ta = tensor.extract_slice %a[%start, 0] [%m, 256] [1, 1] : tensor<?x256xf4E2M1FN> to tensor<?x256xf4E2M1FN>
    %tsa = tensor.extract_slice %sa[%start, 0] [%m, 16] [1, 1] : tensor<?x16xf8E4M3FN> to tensor<?x16xf8E4M3FN>
    %tb = tensor.extract_slice %b[%e, 0, 0] [1, 128, 256] [1, 1, 1] : tensor<4x128x256xf4E2M1FN> to tensor<128x256xf4E2M1FN>
    %tsb = tensor.extract_slice %sb[%e, 0, 0] [1, 128, 16] [1, 1, 1] : tensor<4x128x16xf8E4M3FN> to tensor<128x16xf8E4M3FN>
    %qa_e = tensor.empty(%m) : tensor<?x256xf32>
    %qa = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
        ins(%ta, %tsa : tensor<?x256xf4E2M1FN>, tensor<?x16xf8E4M3FN>) outs(%qa_e : tensor<?x256xf32>) {
    ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
      %xf = arith.extf %x : f4E2M1FN to f32
      %sf = arith.extf %s : f8E4M3FN to f32
      %p = arith.mulf %xf, %sf : f32
      linalg.yield %p : f32
    } -> tensor<?x256xf32>
    %qb_e = tensor.empty() : tensor<128x256xf32>
    %qb = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
        ins(%tb, %tsb : tensor<128x256xf4E2M1FN>, tensor<128x16xf8E4M3FN>) outs(%qb_e : tensor<128x256xf32>) {
    ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
      %xf = arith.extf %x : f4E2M1FN to f32
      %sf = arith.extf %s : f8E4M3FN to f32
      %p = arith.mulf %sf, %xf : f32
      linalg.yield %p : f32
    } -> tensor<128x256xf32>
    %z_e = tensor.empty(%m) : tensor<?x128xf32>
    %z = linalg.fill ins(%zero : f32) outs(%z_e : tensor<?x128xf32>) -> tensor<?x128xf32>
    // expected-remark @+2 {{the loop around it is not a loop over experts: the loop body has an op with side effects (cf.assert)}}
    // expected-remark @+1 {{raised into ggemm.grouped_matmul rows<contiguous>: one group of run-time M (group_sizes = [rows of A])}}
    %p = linalg.matmul indexing_maps = [#mk, #nk, #mn] ins(%qa, %qb : tensor<?x256xf32>, tensor<128x256xf32>) outs(%z : tensor<?x128xf32>) -> tensor<?x128xf32>
    %h = arith.truncf %p : tensor<?x128xf32> to tensor<?x128xf16>
    %ok = arith.cmpi sle, %start, %end : index
    cf.assert %ok, "offsets out of order"
    %out2 = tensor.insert_slice %h into %out[%start, 0] [%m, 128] [1, 1] : tensor<?x128xf16> into tensor<?x128xf16>
    scf.yield %out2, %end : tensor<?x128xf16>, index
  }
  return %r#0 : tensor<?x128xf16>
}

// -----

#id = affine_map<(r, k) -> (r, k)>
#sc16 = affine_map<(r, k) -> (r, k floordiv 16)>
#mk = affine_map<(m, n, k) -> (m, k)>
#nk = affine_map<(m, n, k) -> (n, k)>
#mn = affine_map<(m, n, k) -> (m, n)>

// A trip count known at run time only.
func.func @dynamic_trip(%a: tensor<?x256xf4E2M1FN>, %sa: tensor<?x16xf8E4M3FN>, %b: tensor<4x128x256xf4E2M1FN>, %sb: tensor<4x128x16xf8E4M3FN>, %offs: tensor<4xi32>, %c: tensor<?x128xf16>) -> (tensor<?x128xf16>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %cG = arith.constant 4 : index
  %zero = arith.constant 0.0 : f32
  %n = tensor.dim %offs, %c0 : tensor<4xi32>
  %r:2 = scf.for %e = %c0 to %n step %c1 iter_args(%out = %c, %start = %c0) -> (tensor<?x128xf16>, index) {
    %end32 = tensor.extract %offs[%e] : tensor<4xi32>
    %end = arith.index_cast %end32 : i32 to index
    %m = arith.subi %end, %start : index
    %ta = tensor.extract_slice %a[%start, 0] [%m, 256] [1, 1] : tensor<?x256xf4E2M1FN> to tensor<?x256xf4E2M1FN>
    %tsa = tensor.extract_slice %sa[%start, 0] [%m, 16] [1, 1] : tensor<?x16xf8E4M3FN> to tensor<?x16xf8E4M3FN>
    %tb = tensor.extract_slice %b[%e, 0, 0] [1, 128, 256] [1, 1, 1] : tensor<4x128x256xf4E2M1FN> to tensor<128x256xf4E2M1FN>
    %tsb = tensor.extract_slice %sb[%e, 0, 0] [1, 128, 16] [1, 1, 1] : tensor<4x128x16xf8E4M3FN> to tensor<128x16xf8E4M3FN>
    %qa_e = tensor.empty(%m) : tensor<?x256xf32>
    %qa = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
        ins(%ta, %tsa : tensor<?x256xf4E2M1FN>, tensor<?x16xf8E4M3FN>) outs(%qa_e : tensor<?x256xf32>) {
    ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
      %xf = arith.extf %x : f4E2M1FN to f32
      %sf = arith.extf %s : f8E4M3FN to f32
      %p = arith.mulf %xf, %sf : f32
      linalg.yield %p : f32
    } -> tensor<?x256xf32>
    %qb_e = tensor.empty() : tensor<128x256xf32>
    %qb = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
        ins(%tb, %tsb : tensor<128x256xf4E2M1FN>, tensor<128x16xf8E4M3FN>) outs(%qb_e : tensor<128x256xf32>) {
    ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
      %xf = arith.extf %x : f4E2M1FN to f32
      %sf = arith.extf %s : f8E4M3FN to f32
      %p = arith.mulf %sf, %xf : f32
      linalg.yield %p : f32
    } -> tensor<128x256xf32>
    %z_e = tensor.empty(%m) : tensor<?x128xf32>
    %z = linalg.fill ins(%zero : f32) outs(%z_e : tensor<?x128xf32>) -> tensor<?x128xf32>
    // expected-remark @+2 {{the loop around it is not a loop over experts: the loop's trip count is not a positive constant (the number of experts)}}
    // expected-remark @+1 {{raised into ggemm.grouped_matmul rows<contiguous>: one group of run-time M (group_sizes = [rows of A])}}
    %p = linalg.matmul indexing_maps = [#mk, #nk, #mn] ins(%qa, %qb : tensor<?x256xf32>, tensor<128x256xf32>) outs(%z : tensor<?x128xf32>) -> tensor<?x128xf32>
    %h = arith.truncf %p : tensor<?x128xf32> to tensor<?x128xf16>
    %out2 = tensor.insert_slice %h into %out[%start, 0] [%m, 128] [1, 1] : tensor<?x128xf16> into tensor<?x128xf16>
    scf.yield %out2, %end : tensor<?x128xf16>, index
  }
  return %r#0 : tensor<?x128xf16>
}

// -----

#id = affine_map<(r, k) -> (r, k)>
#sc16 = affine_map<(r, k) -> (r, k floordiv 16)>
#mk = affine_map<(m, n, k) -> (m, k)>
#nk = affine_map<(m, n, k) -> (n, k)>
#mn = affine_map<(m, n, k) -> (m, n)>

// Static token rows, an output of run-time rows: rows<offsets> takes one
// row count for A, SFA and C.
func.func @c_rows(%a: tensor<64x256xf4E2M1FN>, %sa: tensor<64x16xf8E4M3FN>, %b: tensor<4x128x256xf4E2M1FN>, %sb: tensor<4x128x16xf8E4M3FN>, %offs: tensor<4xi32>, %c: tensor<?x128xf16>) -> (tensor<?x128xf16>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %cG = arith.constant 4 : index
  %zero = arith.constant 0.0 : f32
  %r:2 = scf.for %e = %c0 to %cG step %c1 iter_args(%out = %c, %start = %c0) -> (tensor<?x128xf16>, index) {
    %end32 = tensor.extract %offs[%e] : tensor<4xi32>
    %end = arith.index_cast %end32 : i32 to index
    %m = arith.subi %end, %start : index
    %ta = tensor.extract_slice %a[%start, 0] [%m, 256] [1, 1] : tensor<64x256xf4E2M1FN> to tensor<?x256xf4E2M1FN>
    %tsa = tensor.extract_slice %sa[%start, 0] [%m, 16] [1, 1] : tensor<64x16xf8E4M3FN> to tensor<?x16xf8E4M3FN>
    %tb = tensor.extract_slice %b[%e, 0, 0] [1, 128, 256] [1, 1, 1] : tensor<4x128x256xf4E2M1FN> to tensor<128x256xf4E2M1FN>
    %tsb = tensor.extract_slice %sb[%e, 0, 0] [1, 128, 16] [1, 1, 1] : tensor<4x128x16xf8E4M3FN> to tensor<128x16xf8E4M3FN>
    %qa_e = tensor.empty(%m) : tensor<?x256xf32>
    %qa = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
        ins(%ta, %tsa : tensor<?x256xf4E2M1FN>, tensor<?x16xf8E4M3FN>) outs(%qa_e : tensor<?x256xf32>) {
    ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
      %xf = arith.extf %x : f4E2M1FN to f32
      %sf = arith.extf %s : f8E4M3FN to f32
      %p = arith.mulf %xf, %sf : f32
      linalg.yield %p : f32
    } -> tensor<?x256xf32>
    %qb_e = tensor.empty() : tensor<128x256xf32>
    %qb = linalg.generic {indexing_maps = [#id, #sc16, #id], iterator_types = ["parallel", "parallel"]}
        ins(%tb, %tsb : tensor<128x256xf4E2M1FN>, tensor<128x16xf8E4M3FN>) outs(%qb_e : tensor<128x256xf32>) {
    ^bb0(%x: f4E2M1FN, %s: f8E4M3FN, %o: f32):
      %xf = arith.extf %x : f4E2M1FN to f32
      %sf = arith.extf %s : f8E4M3FN to f32
      %p = arith.mulf %sf, %xf : f32
      linalg.yield %p : f32
    } -> tensor<128x256xf32>
    %z_e = tensor.empty(%m) : tensor<?x128xf32>
    %z = linalg.fill ins(%zero : f32) outs(%z_e : tensor<?x128xf32>) -> tensor<?x128xf32>
    // expected-remark @+2 {{the loop around it is not a loop over experts: the tokens, their scales and the output do not have the same rows (64, 64, ?); rows<offsets> takes one row count for A, SFA and C}}
    // expected-remark @+1 {{raised into ggemm.grouped_matmul rows<contiguous>: one group of run-time M (group_sizes = [rows of A])}}
    %p = linalg.matmul indexing_maps = [#mk, #nk, #mn] ins(%qa, %qb : tensor<?x256xf32>, tensor<128x256xf32>) outs(%z : tensor<?x128xf32>) -> tensor<?x128xf32>
    %h = arith.truncf %p : tensor<?x128xf32> to tensor<?x128xf16>
    %out2 = tensor.insert_slice %h into %out[%start, 0] [%m, 128] [1, 1] : tensor<?x128xf16> into tensor<?x128xf16>
    scf.yield %out2, %end : tensor<?x128xf16>, index
  }
  return %r#0 : tensor<?x128xf16>
}
