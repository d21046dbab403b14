// rows<gathered> on sm_90a (docs/sm90-kernel.md, "Gathered rows"): the
// kernel takes row_indices, token_rows and token_matrix (A's address) last;
// the full barriers expect 1 + 32 arrivals; per K tile lane 0 arms the full
// barrier with B's bytes alone and loads B with TMA, then each routed row
// inside the group is copied in 16-byte cp.async pieces (8 per 128-byte
// row) from token_matrix + token row x K/2, piece p to p ^ (row % 8), with
// src-size 0 past K; every lane ends the K tile with a .noinc arrive-on.
// RUN: gemm-opt %s --ggemm-tile=chip=sm_90a --ggemm-fuse-persistent --ggemm-outline-kernel \
// RUN:   | gemm-opt --pass-pipeline='builtin.module(gpu.module(ggemm-pipeline-loads,ggemm-warp-specialize))' \
// RUN:   | gemm-opt --convert-ggemm-to-nvvm \
// RUN:   | FileCheck %s

// CHECK-LABEL: gpu.func @ggemm_gath(
// CHECK-SAME: %[[IDX:[^ ,)]*]]: memref<1xi32, 1>, %[[T:[^ ,)]*]]: i32, %[[AMAT:[^ ,)]*]]: i64) kernel
// CHECK: nvvm.mbarrier.init %{{.*}}, %c33_i32
// The producer: a lane's token row, clamped into [0, T) (flag 4 when it
// was not), times K/2 bytes from A's address.
// CHECK: %[[HALFK:.*]] = arith.divui %c512, %c2{{.*}} : index
// CHECK: %[[TOK32:.*]] = memref.load %[[IDX]][
// CHECK: %[[TOK:.*]] = arith.index_cast %[[TOK32]] : i32 to index
// CHECK: %[[LOW:.*]] = arith.maxsi %[[TOK]]
// CHECK: %[[CL:.*]] = arith.minsi %[[LOW]]
// CHECK: memref.atomic_rmw ori %c4_i32
// CHECK: %[[ROWOFF:.*]] = arith.muli %[[CL]], %[[HALFK]] : index
// CHECK: %[[ROWOFF64:.*]] = arith.index_castui %[[ROWOFF]] : index to i64
// CHECK: arith.addi %[[AMAT]], %[[ROWOFF64]] : i64
// The ring: B's bytes alone (128 x 128), B by TMA, then the pieces.
// CHECK: nvvm.mbarrier.arrive.expect_tx %[[FULL:[^,]*]], %c16384_i32
// CHECK: nvvm.cp.async.bulk.tensor.shared.cluster.global
// CHECK-NOT: nvvm.cp.async.bulk.tensor
// The first piece's src-size, once per stage for every row.
// CHECK: %[[INK:.*]] = arith.cmpi ult, %{{.*}}, %{{.*}} : index
// CHECK: %[[SRCSIZE:.*]] = arith.select %[[INK]], %c16_i32, %c0_i32 : i32
// CHECK: %[[ROW8:.*]] = arith.remui %{{.*}}, %c8{{.*}} : index
// CHECK: arith.xori %c0{{.*}}, %[[ROW8]] : index
// CHECK: nvvm.cp.async.shared.global %{{.*}}, %{{.*}}, 16, cache =  cg, %[[SRCSIZE]] : !llvm.ptr<3>, !llvm.ptr<1>, i32
// CHECK-COUNT-7: nvvm.cp.async.shared.global %{{.*}}, %{{.*}}, 16, cache =  cg
// CHECK-NOT: nvvm.cp.async.bulk.tensor
// CHECK: nvvm.cp.async.mbarrier.arrive %[[FULL]] {noinc = true} : !llvm.ptr<3>
func.func @gath(%a: memref<?x512xf4E2M1FN>, %sfa: memref<?x32xf8E4M3FN>, %b: memref<4x256x512xf4E2M1FN>, %sfb: memref<4x256x32xf8E4M3FN>, %c: memref<?x256xf16>, %offs: memref<4xi32>, %idx: memref<?xi32>) {
  ggemm.grouped_matmul rows<gathered> scales<row_major>
      a(%a : memref<?x512xf4E2M1FN>) sfa(%sfa : memref<?x32xf8E4M3FN>)
      b(%b : memref<4x256x512xf4E2M1FN>) sfb(%sfb : memref<4x256x32xf8E4M3FN>)
      c(%c : memref<?x256xf16>) group_offsets(%offs : memref<4xi32>)
      row_indices(%idx : memref<?xi32>)
  return
}
