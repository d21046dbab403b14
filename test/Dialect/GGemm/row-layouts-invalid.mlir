// What rows<offsets> and rows<masked> refuse, each with its message.
// RUN: gemm-opt %s -split-input-file -verify-diagnostics

func.func @offsets_without_array(%a: memref<?x64xf4E2M1FN>, %sa: memref<?x4xf8E4M3FN>, %b: memref<2x8x64xf4E2M1FN>, %sb: memref<2x8x4xf8E4M3FN>, %c: memref<?x8xf16>) {
  // expected-error @+1 {{with rows<offsets> needs group_offsets, a memref<G x i32> of per-group cumulative end rows}}
  ggemm.grouped_matmul rows<offsets> scales<row_major>
      a(%a : memref<?x64xf4E2M1FN>) sfa(%sa : memref<?x4xf8E4M3FN>)
      b(%b : memref<2x8x64xf4E2M1FN>) sfb(%sb : memref<2x8x4xf8E4M3FN>)
      c(%c : memref<?x8xf16>)
  return
}

// -----

func.func @offsets_wrong_keyword(%a: memref<?x64xf4E2M1FN>, %sa: memref<?x4xf8E4M3FN>, %b: memref<2x8x64xf4E2M1FN>, %sb: memref<2x8x4xf8E4M3FN>, %c: memref<?x8xf16>, %s: memref<2xi32>) {
  ggemm.grouped_matmul rows<offsets> scales<row_major>
      a(%a : memref<?x64xf4E2M1FN>) sfa(%sa : memref<?x4xf8E4M3FN>)
      b(%b : memref<2x8x64xf4E2M1FN>) sfb(%sb : memref<2x8x4xf8E4M3FN>)
      // expected-error @+1 {{rows<offsets> takes group_offsets, not group_sizes}}
      c(%c : memref<?x8xf16>) group_sizes(%s : memref<2xi32>)
  return
}

// -----

func.func @offsets_i64(%a: memref<?x64xf4E2M1FN>, %sa: memref<?x4xf8E4M3FN>, %b: memref<2x8x64xf4E2M1FN>, %sb: memref<2x8x4xf8E4M3FN>, %c: memref<?x8xf16>, %s: memref<2xi64>) {
  // expected-error @+1 {{group_offsets has element type 'i64'; expected 'i32'}}
  ggemm.grouped_matmul rows<offsets> scales<row_major>
      a(%a : memref<?x64xf4E2M1FN>) sfa(%sa : memref<?x4xf8E4M3FN>)
      b(%b : memref<2x8x64xf4E2M1FN>) sfb(%sb : memref<2x8x4xf8E4M3FN>)
      c(%c : memref<?x8xf16>) group_offsets(%s : memref<2xi64>)
  return
}

// -----

func.func @offsets_blocked(%a: memref<?x64xf4E2M1FN>, %sa: memref<?x4xf8E4M3FN>, %b: memref<2x8x64xf4E2M1FN>, %sb: memref<2x8x4xf8E4M3FN>, %c: memref<?x8xf16>, %s: memref<2xi32>) {
  // expected-error @+1 {{supports scales<blocked_128x4> only with rows<list>; rows<offsets> takes row_major scales}}
  ggemm.grouped_matmul rows<offsets> scales<blocked_128x4>
      a(%a : memref<?x64xf4E2M1FN>) sfa(%sa : memref<?x4xf8E4M3FN>)
      b(%b : memref<2x8x64xf4E2M1FN>) sfb(%sb : memref<2x8x4xf8E4M3FN>)
      c(%c : memref<?x8xf16>) group_offsets(%s : memref<2xi32>)
  return
}

// -----

func.func @masked_two_d(%a: memref<64x64xf4E2M1FN>, %sa: memref<64x4xf8E4M3FN>, %b: memref<2x8x64xf4E2M1FN>, %sb: memref<2x8x4xf8E4M3FN>, %c: memref<64x8xf16>, %n: memref<2xi32>) {
  // expected-error @+1 {{A has rank 2; expected rank 3}}
  ggemm.grouped_matmul rows<masked> scales<row_major>
      a(%a : memref<64x64xf4E2M1FN>) sfa(%sa : memref<64x4xf8E4M3FN>)
      b(%b : memref<2x8x64xf4E2M1FN>) sfb(%sb : memref<2x8x4xf8E4M3FN>)
      c(%c : memref<64x8xf16>) group_counts(%n : memref<2xi32>)
  return
}

// -----

func.func @masked_dynamic(%a: memref<2x?x64xf4E2M1FN>, %sa: memref<2x?x4xf8E4M3FN>, %b: memref<2x8x64xf4E2M1FN>, %sb: memref<2x8x4xf8E4M3FN>, %c: memref<2x?x8xf16>, %n: memref<2xi32>) {
  // expected-error @+1 {{A has a dynamic dimension 1 (shape 2x?x64); it must be static in rows<masked> (G x max_m x K)}}
  ggemm.grouped_matmul rows<masked> scales<row_major>
      a(%a : memref<2x?x64xf4E2M1FN>) sfa(%sa : memref<2x?x4xf8E4M3FN>)
      b(%b : memref<2x8x64xf4E2M1FN>) sfb(%sb : memref<2x8x4xf8E4M3FN>)
      c(%c : memref<2x?x8xf16>) group_counts(%n : memref<2xi32>)
  return
}

// -----

func.func @masked_group_mismatch(%a: memref<3x16x64xf4E2M1FN>, %sa: memref<3x16x4xf8E4M3FN>, %b: memref<2x8x64xf4E2M1FN>, %sb: memref<2x8x4xf8E4M3FN>, %c: memref<3x16x8xf16>, %n: memref<2xi32>) {
  // expected-error @+1 {{A has 3 groups; group_counts has 2 (A is G x max_m x K in rows<masked>)}}
  ggemm.grouped_matmul rows<masked> scales<row_major>
      a(%a : memref<3x16x64xf4E2M1FN>) sfa(%sa : memref<3x16x4xf8E4M3FN>)
      b(%b : memref<2x8x64xf4E2M1FN>) sfb(%sb : memref<2x8x4xf8E4M3FN>)
      c(%c : memref<3x16x8xf16>) group_counts(%n : memref<2xi32>)
  return
}

// -----

func.func @masked_c_shape(%a: memref<2x16x64xf4E2M1FN>, %sa: memref<2x16x4xf8E4M3FN>, %b: memref<2x8x64xf4E2M1FN>, %sb: memref<2x8x4xf8E4M3FN>, %c: memref<2x32x8xf16>, %n: memref<2xi32>) {
  // expected-error @+1 {{C has shape 2x32x8; expected 2x16x8 (G x max_m x N)}}
  ggemm.grouped_matmul rows<masked> scales<row_major>
      a(%a : memref<2x16x64xf4E2M1FN>) sfa(%sa : memref<2x16x4xf8E4M3FN>)
      b(%b : memref<2x8x64xf4E2M1FN>) sfb(%sb : memref<2x8x4xf8E4M3FN>)
      c(%c : memref<2x32x8xf16>) group_counts(%n : memref<2xi32>)
  return
}

// -----

func.func @masked_sfa_shape(%a: memref<2x16x64xf4E2M1FN>, %sa: memref<2x8x4xf8E4M3FN>, %b: memref<2x8x64xf4E2M1FN>, %sb: memref<2x8x4xf8E4M3FN>, %c: memref<2x16x8xf16>, %n: memref<2xi32>) {
  // expected-error @+1 {{SFA has shape 2x8x4; expected 2x16x4}}
  ggemm.grouped_matmul rows<masked> scales<row_major>
      a(%a : memref<2x16x64xf4E2M1FN>) sfa(%sa : memref<2x8x4xf8E4M3FN>)
      b(%b : memref<2x8x64xf4E2M1FN>) sfb(%sb : memref<2x8x4xf8E4M3FN>)
      c(%c : memref<2x16x8xf16>) group_counts(%n : memref<2xi32>)
  return
}

// -----

func.func @masked_tile_space(%w: index, %n: memref<2xi32>) {
  // expected-error @+1 {{takes max_rows exactly with rows<masked>}}
  %t = ggemm.num_tiles tiles_m [] tiles_n [1, 1] group_sizes(%n : memref<2xi32>) rows<masked> schedule #ggemm.schedule<target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>
  return
}

// -----

func.func @offsets_tile_space_without_array(%w: index) {
  // expected-error @+1 {{takes a row layout only with group_sizes}}
  %t = ggemm.num_tiles tiles_m [1] tiles_n [1] rows<offsets> schedule #ggemm.schedule<target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>
  return
}
