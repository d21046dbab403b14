// RUN: gemm-opt %s -split-input-file --convert-ggemm-to-loops | FileCheck %s --implicit-check-not=ggemm.

// Decode tables: all 16 e2m1 codes (note -0.0 for code 8) and all 256 e4m3
// codes (checked code by code against the C++ reference in the unit tests).
// CHECK: memref.global "private" constant @__ggemm_e2m1_to_f32 : memref<16xf32> = dense<[0.000000e+00, 5.000000e-01, 1.000000e+00, 1.500000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00, 6.000000e+00, -0.000000e+00, -5.000000e-01, -1.000000e+00, -1.500000e+00, -2.000000e+00, -3.000000e+00, -4.000000e+00, -6.000000e+00]>
// CHECK: memref.global "private" constant @__ggemm_e4m3_to_f32 : memref<256xf32>

// NVFP4 operands become bytes: f4 K = 64 -> 32 bytes, f8 -> i8.
// CHECK-LABEL: func.func @list(
// CHECK-SAME: %[[A:[^ ,)]*]]: memref<4x32xi8>, %[[SA:[^ ,)]*]]: memref<4x4xi8>, %[[B:[^ ,)]*]]: memref<8x32xi8>, %[[SB:[^ ,)]*]]: memref<8x4xi8>, %[[C:[^ ,)]*]]: memref<4x8xf16>, %[[ALPHA:[^ ,)]*]]: memref<1xf32>)
// CHECK-DAG: %[[E2M1:[^ ,)]*]] = memref.get_global @__ggemm_e2m1_to_f32
// CHECK-DAG: %[[E4M3:[^ ,)]*]] = memref.get_global @__ggemm_e4m3_to_f32
// CHECK: %[[AL:[^ ,)]*]] = memref.load %[[ALPHA]][%{{.*}}] : memref<1xf32>
// Rows, columns, scale blocks (K/16 = 4) with an f32 accumulator.
// CHECK: scf.for %[[I:[^ ,)]*]] = %{{.*}} to %{{.*}} step
// CHECK: scf.for %[[J:[^ ,)]*]] = %{{.*}} to %{{.*}} step
// CHECK: %[[SUM:[^ ,)]*]] = scf.for %[[KB:[^ ,)]*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[ACC:[^ ,)]*]] = %{{.*}}) -> (f32)
// CHECK: memref.load %[[SA]][%[[I]], %[[KB]]] : memref<4x4xi8>
// CHECK: memref.load %[[E4M3]]
// CHECK: memref.load %[[SB]][%[[J]], %[[KB]]] : memref<8x4xi8>
// CHECK: %[[S:[^ ,)]*]] = arith.mulf
// The 8 bytes of the block: low nibble (even k) first, then high nibble.
// CHECK: scf.for %{{.*}} iter_args(%[[ACC2:[^ ,)]*]] = %[[ACC]]) -> (f32)
// CHECK: %[[AB:[^ ,)]*]] = memref.load %[[A]][%[[I]], %{{.*}}] : memref<4x32xi8>
// CHECK: %[[BB:[^ ,)]*]] = memref.load %[[B]][%[[J]], %{{.*}}] : memref<8x32xi8>
// CHECK: arith.andi %{{.*}}, %{{.*}} : i32
// CHECK: arith.andi
// CHECK: %[[P0:[^ ,)]*]] = arith.mulf
// CHECK: %[[T0:[^ ,)]*]] = arith.mulf %[[P0]], %[[S]] : f32
// CHECK: %[[ACC3:[^ ,)]*]] = arith.addf %[[ACC2]], %[[T0]] : f32
// CHECK: arith.shrui
// CHECK: arith.shrui
// CHECK: %[[P1:[^ ,)]*]] = arith.mulf
// CHECK: %[[T1:[^ ,)]*]] = arith.mulf %[[P1]], %[[S]] : f32
// CHECK: %[[ACC4:[^ ,)]*]] = arith.addf %[[ACC3]], %[[T1]] : f32
// CHECK: scf.yield %[[ACC4]] : f32
// Alpha, then round to f16 and store.
// CHECK: %[[SCALED:[^ ,)]*]] = arith.mulf %[[SUM]], %[[AL]] : f32
// CHECK: %[[H:[^ ,)]*]] = arith.truncf %[[SCALED]] : f32 to f16
// CHECK: memref.store %[[H]], %[[C]][%[[I]], %[[J]]] : memref<4x8xf16>
func.func @list(%a: memref<4x64xf4E2M1FN>, %sa: memref<4x4xf8E4M3FN>,
    %b: memref<8x64xf4E2M1FN>, %sb: memref<8x4xf8E4M3FN>, %c: memref<4x8xf16>,
    %alpha: memref<1xf32>) {
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a : memref<4x64xf4E2M1FN>) sfa(%sa : memref<4x4xf8E4M3FN>)
      b(%b : memref<8x64xf4E2M1FN>) sfb(%sb : memref<8x4xf8E4M3FN>)
      c(%c : memref<4x8xf16>) alpha(%alpha : memref<1xf32>)
  return
}

// -----

// Two groups: one loop nest each, with each group's own static bounds.
// CHECK-LABEL: func.func @two_groups(
// CHECK: %[[M0:[^ ,)]*]] = arith.constant 128 : index
// CHECK: scf.for %{{.*}} = %{{.*}} to %[[M0]]
// CHECK: memref.store %{{.*}} : memref<128x8xf16>
// CHECK-DAG: %[[M1:[^ ,)]*]] = arith.constant 3 : index
// CHECK-DAG: %[[N1:[^ ,)]*]] = arith.constant 16 : index
// CHECK: scf.for %{{.*}} = %{{.*}} to %[[M1]]
// CHECK: scf.for %{{.*}} = %{{.*}} to %[[N1]]
// CHECK: memref.store %{{.*}} : memref<3x16xf16>
func.func @two_groups(%a0: memref<128x64xf4E2M1FN>, %a1: memref<3x128xf4E2M1FN>,
    %sa0: memref<128x4xf8E4M3FN>, %sa1: memref<3x8xf8E4M3FN>,
    %b0: memref<8x64xf4E2M1FN>, %b1: memref<16x128xf4E2M1FN>,
    %sb0: memref<8x4xf8E4M3FN>, %sb1: memref<16x8xf8E4M3FN>,
    %c0: memref<128x8xf16>, %c1: memref<3x16xf16>) {
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a0, %a1 : memref<128x64xf4E2M1FN>, memref<3x128xf4E2M1FN>)
      sfa(%sa0, %sa1 : memref<128x4xf8E4M3FN>, memref<3x8xf8E4M3FN>)
      b(%b0, %b1 : memref<8x64xf4E2M1FN>, memref<16x128xf4E2M1FN>)
      sfb(%sb0, %sb1 : memref<8x4xf8E4M3FN>, memref<16x8xf8E4M3FN>)
      c(%c0, %c1 : memref<128x8xf16>, memref<3x16xf16>)
  return
}

// -----

// Blocked scales: scale (r, c) at [r / 128, c / 4, r % 32, (r % 128) / 32 * 4 + c % 4].
// CHECK-LABEL: func.func @blocked(
// CHECK-SAME: %{{.*}}: memref<200x32xi8>, %[[SA:[^ ,)]*]]: memref<2x1x32x16xi8>
// CHECK: scf.for %[[I:[^ ]*]] =
// CHECK: scf.for %{{.*}} =
// CHECK: scf.for %[[KB:[^ ]*]] =
// CHECK: %[[C128:[^ ,)]*]] = arith.constant 128 : index
// CHECK: %[[R128:[^ ,)]*]] = arith.remui %[[I]], %[[C128]] : index
// CHECK: %[[C32:[^ ,)]*]] = arith.constant 32 : index
// CHECK: %[[HI:[^ ,)]*]] = arith.divui %[[R128]], %[[C32]] : index
// CHECK: %[[C4:[^ ,)]*]] = arith.constant 4 : index
// CHECK: %[[CM4:[^ ,)]*]] = arith.remui %[[KB]], %[[C4]] : index
// CHECK: %[[C4B:[^ ,)]*]] = arith.constant 4 : index
// CHECK: %[[HI4:[^ ,)]*]] = arith.muli %[[HI]], %[[C4B]] : index
// CHECK: %[[COL:[^ ,)]*]] = arith.addi %[[HI4]], %[[CM4]] : index
// CHECK: %[[RB:[^ ,)]*]] = arith.divui %[[I]], %{{.*}} : index
// CHECK: %[[CB:[^ ,)]*]] = arith.divui %[[KB]], %{{.*}} : index
// CHECK: %[[LO:[^ ,)]*]] = arith.remui %[[I]], %{{.*}} : index
// CHECK: memref.load %[[SA]][%[[RB]], %[[CB]], %[[LO]], %[[COL]]] : memref<2x1x32x16xi8>
func.func @blocked(%a: memref<200x64xf4E2M1FN>, %sa: memref<2x1x32x16xf8E4M3FN>,
    %b: memref<8x64xf4E2M1FN>, %sb: memref<1x1x32x16xf8E4M3FN>, %c: memref<200x8xf16>) {
  ggemm.grouped_matmul rows<list> scales<blocked_128x4>
      a(%a : memref<200x64xf4E2M1FN>) sfa(%sa : memref<2x1x32x16xf8E4M3FN>)
      b(%b : memref<8x64xf4E2M1FN>) sfb(%sb : memref<1x1x32x16xf8E4M3FN>)
      c(%c : memref<200x8xf16>)
  return
}

// -----

// Contiguous rows: a run-time loop over groups carries the first row; each
// size is checked before use; B and SFB are indexed by the group.
// CHECK-LABEL: func.func @contiguous(
// CHECK-SAME: %[[A:[^ ,)]*]]: memref<?x32xi8>, %{{.*}}: memref<?x4xi8>, %[[B:[^ ,)]*]]: memref<3x8x32xi8>, %{{.*}}: memref<3x8x4xi8>, %{{.*}}: memref<?x8xf16>, %[[SIZES:[^ ,)]*]]: memref<3xi32>
// CHECK: scf.for %[[G:[^ ,)]*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[BEGIN:[^ ,)]*]] = %{{.*}}) -> (index)
// CHECK: %[[SIZE:[^ ,)]*]] = memref.load %[[SIZES]][%[[G]]] : memref<3xi32>
// CHECK: %[[SIZEIDX:[^ ,)]*]] = arith.index_cast %[[SIZE]] : i32 to index
// CHECK: %[[NEG:[^ ,)]*]] = arith.cmpi slt, %[[SIZEIDX]], %{{.*}} : index
// CHECK: %[[GROWS:[^ ,)]*]] = arith.maxsi %[[SIZEIDX]], %{{.*}} : index
// CHECK: %[[NONNEG:[^ ,)]*]] = arith.xori %[[NEG]], %{{.*}} : i1
// CHECK: cf.assert %[[NONNEG]], "ggemm.grouped_matmul: negative group size"
// CHECK: %[[END:[^ ,)]*]] = arith.addi %[[BEGIN]], %[[GROWS]] : index
// CHECK: %[[ROWS:[^ ,)]*]] = memref.dim %[[A]], %{{.*}} : memref<?x32xi8>
// CHECK: %[[FITS:[^ ,)]*]] = arith.cmpi ule, %[[END]], %[[ROWS]] : index
// CHECK: cf.assert %[[FITS]], "ggemm.grouped_matmul: group sizes exceed the rows of A"
// CHECK: scf.for %[[I:[^ ,)]*]] = %[[BEGIN]] to %[[END]] step
// CHECK: memref.load %[[B]][%[[G]], %{{.*}}, %{{.*}}] : memref<3x8x32xi8>
// CHECK: scf.yield %[[END]] : index
func.func @contiguous(%a: memref<?x64xf4E2M1FN>, %sa: memref<?x4xf8E4M3FN>,
    %b: memref<3x8x64xf4E2M1FN>, %sb: memref<3x8x4xf8E4M3FN>,
    %c: memref<?x8xf16>, %sizes: memref<3xi32>) {
  ggemm.grouped_matmul rows<contiguous> scales<row_major>
      a(%a : memref<?x64xf4E2M1FN>) sfa(%sa : memref<?x4xf8E4M3FN>)
      b(%b : memref<3x8x64xf4E2M1FN>) sfb(%sb : memref<3x8x4xf8E4M3FN>)
      c(%c : memref<?x8xf16>) group_sizes(%sizes : memref<3xi32>)
  return
}

// -----

// Calls and returns of NVFP4 memrefs are rewritten with the signatures.
// CHECK-LABEL: func.func @callee(%{{.*}}: memref<2x8xi8>) -> memref<2x8xi8>
// CHECK-LABEL: func.func @caller(
// CHECK: call @callee(%{{.*}}) : (memref<2x8xi8>) -> memref<2x8xi8>
func.func @callee(%a: memref<2x16xf4E2M1FN>) -> memref<2x16xf4E2M1FN> {
  return %a : memref<2x16xf4E2M1FN>
}
func.func @caller(%a: memref<2x16xf4E2M1FN>) -> memref<2x16xf4E2M1FN> {
  %r = call @callee(%a) : (memref<2x16xf4E2M1FN>) -> memref<2x16xf4E2M1FN>
  return %r : memref<2x16xf4E2M1FN>
}
