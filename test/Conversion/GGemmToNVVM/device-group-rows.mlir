// rows<offsets> and rows<masked> on both GPU kernels: the group's rows come
// from the device array and are clamped, never trapped on: an offset below
// the end of the groups before gives an empty group, a count is clamped to
// [0, max_m]. Every role's num_tiles walks all groups and ors bit 1 into
// status[1] (atomically: other CTAs may raise bit 0) when it clamped one
// (docs/kernel-abi.md); offsets past the rows of A are clamped to them
// with bit 0, as group sizes are (or'ed in too, to keep bit 1).
// RUN: gemm-opt %s --ggemm-tile=chip=sm_90a --ggemm-fuse-persistent --ggemm-outline-kernel \
// RUN:   | gemm-opt --pass-pipeline='builtin.module(gpu.module(ggemm-pipeline-loads,ggemm-warp-specialize))' \
// RUN:   | gemm-opt --convert-ggemm-to-nvvm \
// RUN:   | FileCheck %s
// RUN: gemm-opt %s --ggemm-tile=chip=sm_100a --ggemm-fuse-persistent --ggemm-outline-kernel \
// RUN:   | gemm-opt --pass-pipeline='builtin.module(gpu.module(ggemm-pipeline-loads,ggemm-warp-specialize))' \
// RUN:   | gemm-opt --convert-ggemm-to-nvvm \
// RUN:   | FileCheck %s

// CHECK-LABEL: gpu.func @ggemm_offs(
// CHECK-SAME: %[[OFFS:[^ ,)]*]]: memref<3xi32, 1>, %{{[^ ,)]*}}: memref<3xf32, 1>, %[[STATUS:[^ ,)]*]]: memref<2xi32, 1>) kernel
// CHECK-NOT: negative group size
// The rows of a group: max(offs[g] - end, 0), out of order when below.
// CHECK: %[[O32:.*]] = memref.load %[[OFFS]][
// CHECK: %[[O:.*]] = arith.index_cast %[[O32]] : i32 to index
// CHECK: %[[INORDER:.*]] = arith.cmpi sge, %[[O]], %[[END:[^ ]*]] : index
// CHECK: arith.subi %[[O]], %[[END]]
// CHECK: scf.if %{{.*}} {
// CHECK: memref.atomic_rmw ori %c2_i32{{.*}}, %[[STATUS]][%c1{{.*}}] : (i32, memref<2xi32, 1>) -> i32
// CHECK: memref.atomic_rmw ori %c1_i32{{.*}}, %[[STATUS]][%c1{{.*}}] : (i32, memref<2xi32, 1>) -> i32
// CHECK: gpu.return

// CHECK-LABEL: gpu.func @ggemm_masked(
// CHECK-SAME: %[[COUNTS:[^ ,)]*]]: memref<3xi32, 1>, %{{[^ ,)]*}}: memref<3xf32, 1>, %[[MSTATUS:[^ ,)]*]]: memref<2xi32, 1>) kernel
// CHECK-NOT: negative group size
// clamp(count, 0, 48), and g * 48 as the row base.
// CHECK: %[[C32:.*]] = memref.load %[[COUNTS]][
// CHECK: %[[C:.*]] = arith.index_cast %[[C32]] : i32 to index
// CHECK: %[[LOW:.*]] = arith.maxsi %[[C]], %c0{{.*}} : index
// CHECK: %[[ROWS:.*]] = arith.minsi %[[LOW]], %c48{{.*}} : index
// CHECK: arith.cmpi ne, %[[ROWS]], %[[C]] : index
// CHECK: memref.atomic_rmw ori %c2_i32{{.*}}, %[[MSTATUS]][%c1{{.*}}]
// CHECK: arith.muli %{{.*}}, %c48{{.*}} : index
// CHECK: gpu.return

func.func @offs(%a: memref<?x256xf4E2M1FN>, %sa: memref<?x16xf8E4M3FN>,
    %b: memref<3x128x256xf4E2M1FN>, %sb: memref<3x128x16xf8E4M3FN>,
    %c: memref<?x128xf16>, %offs: memref<3xi32>, %alpha: memref<3xf32>) {
  ggemm.grouped_matmul rows<offsets> scales<row_major>
      a(%a : memref<?x256xf4E2M1FN>) sfa(%sa : memref<?x16xf8E4M3FN>)
      b(%b : memref<3x128x256xf4E2M1FN>) sfb(%sb : memref<3x128x16xf8E4M3FN>)
      c(%c : memref<?x128xf16>)
      group_offsets(%offs : memref<3xi32>) alpha(%alpha : memref<3xf32>)
  return
}

func.func @masked(%a: memref<3x48x256xf4E2M1FN>, %sa: memref<3x48x16xf8E4M3FN>,
    %b: memref<3x128x256xf4E2M1FN>, %sb: memref<3x128x16xf8E4M3FN>,
    %c: memref<3x48x128xf16>, %counts: memref<3xi32>, %alpha: memref<3xf32>) {
  ggemm.grouped_matmul rows<masked> scales<row_major>
      a(%a : memref<3x48x256xf4E2M1FN>) sfa(%sa : memref<3x48x16xf8E4M3FN>)
      b(%b : memref<3x128x256xf4E2M1FN>) sfb(%sb : memref<3x128x16xf8E4M3FN>)
      c(%c : memref<3x48x128xf16>)
      group_counts(%counts : memref<3xi32>) alpha(%alpha : memref<3xf32>)
  return
}
