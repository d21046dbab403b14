// rows<gathered> on the CPU: the groups are offsets over the routed rows
// (checked against C's rows), and each routed row i reads A and SFA at
// row_indices[i], asserted inside A. Both the whole op and the persistent
// level (mma_tile) do so.
// RUN: gemm-opt %s --convert-ggemm-to-loops | FileCheck %s --implicit-check-not=ggemm.
// RUN: gemm-opt %s --ggemm-tile="chip=sm_90a tile-m=16 stages=2" --ggemm-fuse-persistent --convert-ggemm-to-loops | FileCheck %s --check-prefix=TILE --implicit-check-not=ggemm.mma_tile

// CHECK-LABEL: func.func @gath(
// CHECK-SAME: %[[A:[^:]+]]: memref<?x32xi8>, %[[SFA:[^:]+]]: memref<?x4xi8>, {{.*}} %[[C:[^:]+]]: memref<?x8xf16>, %[[OFFS:[^:]+]]: memref<2xi32>, %[[IDX:[^:]+]]: memref<?xi32>)
// CHECK: memref.load %[[OFFS]]
// CHECK: cf.assert %{{.*}}, "ggemm.grouped_matmul: group offsets out of order"
// CHECK: %[[R:.*]] = memref.dim %[[C]], %{{.*}} : memref<?x8xf16>
// CHECK: cf.assert %{{.*}}, "ggemm.grouped_matmul: group offsets exceed the routed rows (the rows of C)"
// CHECK: scf.for %[[I:.*]] = %{{.*}} to
// CHECK: scf.for
// CHECK: %[[T32:.*]] = memref.load %[[IDX]][%[[I]]] : memref<?xi32>
// CHECK: %[[T:.*]] = arith.index_cast %[[T32]] : i32 to index
// CHECK: %[[ROWS:.*]] = memref.dim %[[A]], %{{.*}} : memref<?x32xi8>
// CHECK: %[[IN:.*]] = arith.cmpi ult, %[[T]], %[[ROWS]] : index
// CHECK: cf.assert %[[IN]], "ggemm.grouped_matmul: a row index is outside the rows of A"
// CHECK: memref.load %[[SFA]][%[[T]], %{{.*}}] : memref<?x4xi8>
// CHECK: memref.load %[[A]][%[[T]], %{{.*}}] : memref<?x32xi8>
// CHECK: memref.store %{{.*}}, %[[C]][%[[I]], %{{.*}}] : memref<?x8xf16>

// TILE-LABEL: func.func @gath(
// TILE: cf.assert %{{.*}}, "ggemm.grouped_matmul: group offsets exceed the routed rows (the rows of C)"
// TILE: memref.load %{{.*}}[%{{.*}}] : memref<?xi32>
// TILE: cf.assert %{{.*}}, "ggemm.grouped_matmul: a row index is outside the rows of A"
func.func @gath(%a: memref<?x64xf4E2M1FN>, %sfa: memref<?x4xf8E4M3FN>, %b: memref<2x8x64xf4E2M1FN>, %sfb: memref<2x8x4xf8E4M3FN>, %c: memref<?x8xf16>, %offs: memref<2xi32>, %idx: memref<?xi32>) {
  ggemm.grouped_matmul rows<gathered> scales<row_major>
      a(%a : memref<?x64xf4E2M1FN>) sfa(%sfa : memref<?x4xf8E4M3FN>)
      b(%b : memref<2x8x64xf4E2M1FN>) sfb(%sfb : memref<2x8x4xf8E4M3FN>)
      c(%c : memref<?x8xf16>) group_offsets(%offs : memref<2xi32>)
      row_indices(%idx : memref<?xi32>)
  return
}
