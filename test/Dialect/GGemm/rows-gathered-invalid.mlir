// What rows<gathered> refuses, each with its message.
// RUN: gemm-opt %s -split-input-file -verify-diagnostics

func.func @no_indices(%a: memref<?x64xf4E2M1FN>, %sa: memref<?x4xf8E4M3FN>, %b: memref<2x8x64xf4E2M1FN>, %sb: memref<2x8x4xf8E4M3FN>, %c: memref<?x8xf16>, %o: memref<2xi32>) {
  // expected-error @+1 {{with rows<gathered> needs row_indices, a memref<R x i32> mapping each routed row to its row of A}}
  ggemm.grouped_matmul rows<gathered> scales<row_major>
      a(%a : memref<?x64xf4E2M1FN>) sfa(%sa : memref<?x4xf8E4M3FN>)
      b(%b : memref<2x8x64xf4E2M1FN>) sfb(%sb : memref<2x8x4xf8E4M3FN>)
      c(%c : memref<?x8xf16>) group_offsets(%o : memref<2xi32>)
  return
}

// -----

func.func @no_offsets(%a: memref<?x64xf4E2M1FN>, %sa: memref<?x4xf8E4M3FN>, %b: memref<2x8x64xf4E2M1FN>, %sb: memref<2x8x4xf8E4M3FN>, %c: memref<?x8xf16>, %i: memref<?xi32>) {
  // expected-error @+1 {{with rows<gathered> needs group_offsets, a memref<G x i32> of per-group cumulative end rows}}
  ggemm.grouped_matmul rows<gathered> scales<row_major>
      a(%a : memref<?x64xf4E2M1FN>) sfa(%sa : memref<?x4xf8E4M3FN>)
      b(%b : memref<2x8x64xf4E2M1FN>) sfb(%sb : memref<2x8x4xf8E4M3FN>)
      c(%c : memref<?x8xf16>) row_indices(%i : memref<?xi32>)
  return
}

// -----

func.func @sizes_keyword(%a: memref<?x64xf4E2M1FN>, %sa: memref<?x4xf8E4M3FN>, %b: memref<2x8x64xf4E2M1FN>, %sb: memref<2x8x4xf8E4M3FN>, %c: memref<?x8xf16>, %s: memref<2xi32>, %i: memref<?xi32>) {
  ggemm.grouped_matmul rows<gathered> scales<row_major>
      a(%a : memref<?x64xf4E2M1FN>) sfa(%sa : memref<?x4xf8E4M3FN>)
      b(%b : memref<2x8x64xf4E2M1FN>) sfb(%sb : memref<2x8x4xf8E4M3FN>)
      // expected-error @+1 {{rows<gathered> takes group_offsets, not group_sizes}}
      c(%c : memref<?x8xf16>) group_sizes(%s : memref<2xi32>) row_indices(%i : memref<?xi32>)
  return
}

// -----

func.func @indices_on_offsets(%a: memref<?x64xf4E2M1FN>, %sa: memref<?x4xf8E4M3FN>, %b: memref<2x8x64xf4E2M1FN>, %sb: memref<2x8x4xf8E4M3FN>, %c: memref<?x8xf16>, %o: memref<2xi32>, %i: memref<?xi32>) {
  // expected-error @+1 {{takes row_indices only with rows<gathered>; rows<offsets> reads A's rows in place}}
  ggemm.grouped_matmul rows<offsets> scales<row_major>
      a(%a : memref<?x64xf4E2M1FN>) sfa(%sa : memref<?x4xf8E4M3FN>)
      b(%b : memref<2x8x64xf4E2M1FN>) sfb(%sb : memref<2x8x4xf8E4M3FN>)
      c(%c : memref<?x8xf16>) group_offsets(%o : memref<2xi32>) row_indices(%i : memref<?xi32>)
  return
}

// -----

func.func @indices_on_list(%a: memref<8x64xf4E2M1FN>, %sa: memref<8x4xf8E4M3FN>, %b: memref<8x64xf4E2M1FN>, %sb: memref<8x4xf8E4M3FN>, %c: memref<8x8xf16>, %i: memref<8xi32>) {
  // expected-error @+1 {{takes row_indices only with rows<gathered>}}
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a : memref<8x64xf4E2M1FN>) sfa(%sa : memref<8x4xf8E4M3FN>)
      b(%b : memref<8x64xf4E2M1FN>) sfb(%sb : memref<8x4xf8E4M3FN>)
      c(%c : memref<8x8xf16>) row_indices(%i : memref<8xi32>)
  return
}

// -----

func.func @indices_i64(%a: memref<?x64xf4E2M1FN>, %sa: memref<?x4xf8E4M3FN>, %b: memref<2x8x64xf4E2M1FN>, %sb: memref<2x8x4xf8E4M3FN>, %c: memref<?x8xf16>, %o: memref<2xi32>, %i: memref<?xi64>) {
  // expected-error @+1 {{row_indices has element type 'i64'; expected 'i32'}}
  ggemm.grouped_matmul rows<gathered> scales<row_major>
      a(%a : memref<?x64xf4E2M1FN>) sfa(%sa : memref<?x4xf8E4M3FN>)
      b(%b : memref<2x8x64xf4E2M1FN>) sfb(%sb : memref<2x8x4xf8E4M3FN>)
      c(%c : memref<?x8xf16>) group_offsets(%o : memref<2xi32>) row_indices(%i : memref<?xi64>)
  return
}

// -----

func.func @indices_rows_differ(%a: memref<?x64xf4E2M1FN>, %sa: memref<?x4xf8E4M3FN>, %b: memref<2x8x64xf4E2M1FN>, %sb: memref<2x8x4xf8E4M3FN>, %c: memref<6x8xf16>, %o: memref<2xi32>, %i: memref<5xi32>) {
  // expected-error @+1 {{row_indices has shape 5; expected 6 (one token row per routed row, as C has)}}
  ggemm.grouped_matmul rows<gathered> scales<row_major>
      a(%a : memref<?x64xf4E2M1FN>) sfa(%sa : memref<?x4xf8E4M3FN>)
      b(%b : memref<2x8x64xf4E2M1FN>) sfb(%sb : memref<2x8x4xf8E4M3FN>)
      c(%c : memref<6x8xf16>) group_offsets(%o : memref<2xi32>) row_indices(%i : memref<5xi32>)
  return
}

// -----

func.func @sfa_rows_of_c(%a: memref<3x64xf4E2M1FN>, %sa: memref<6x4xf8E4M3FN>, %b: memref<2x8x64xf4E2M1FN>, %sb: memref<2x8x4xf8E4M3FN>, %c: memref<6x8xf16>, %o: memref<2xi32>, %i: memref<6xi32>) {
  // expected-error @+1 {{SFA has shape 6x4; expected 3x4 (T x K/16 with K = 64)}}
  ggemm.grouped_matmul rows<gathered> scales<row_major>
      a(%a : memref<3x64xf4E2M1FN>) sfa(%sa : memref<6x4xf8E4M3FN>)
      b(%b : memref<2x8x64xf4E2M1FN>) sfb(%sb : memref<2x8x4xf8E4M3FN>)
      c(%c : memref<6x8xf16>) group_offsets(%o : memref<2xi32>) row_indices(%i : memref<6xi32>)
  return
}

// -----

func.func @c_wrong_n(%a: memref<?x64xf4E2M1FN>, %sa: memref<?x4xf8E4M3FN>, %b: memref<2x8x64xf4E2M1FN>, %sb: memref<2x8x4xf8E4M3FN>, %c: memref<?x16xf16>, %o: memref<2xi32>, %i: memref<?xi32>) {
  // expected-error @+1 {{C has shape ?x16; expected ?x8 (R x N, one row per routed row)}}
  ggemm.grouped_matmul rows<gathered> scales<row_major>
      a(%a : memref<?x64xf4E2M1FN>) sfa(%sa : memref<?x4xf8E4M3FN>)
      b(%b : memref<2x8x64xf4E2M1FN>) sfb(%sb : memref<2x8x4xf8E4M3FN>)
      c(%c : memref<?x16xf16>) group_offsets(%o : memref<2xi32>) row_indices(%i : memref<?xi32>)
  return
}

