// The sm_90a kernel structure of one persistent op.
// RUN: gemm-opt %s --ggemm-tile=chip=sm_90a --ggemm-fuse-persistent --convert-ggemm-to-nvvm | FileCheck %s --implicit-check-not=ggemm.persistent --implicit-check-not=ggemm.mma_tile --implicit-check-not=ggemm.tile_coords

// The host function keeps its signature and names its kernel and manifest.
// CHECK: module attributes {gpu.container_module}
// CHECK-LABEL: func.func @two_groups(
// CHECK-SAME: ggemm.kernel = @ggemm_two_groups::@ggemm_two_groups
// CHECK-SAME: ggemm.manifest = "{
// CHECK-NEXT: return

// One persistent kernel, parameters as in docs/kernel-abi.md.
// CHECK: gpu.module @ggemm_two_groups {
// CHECK: gpu.func @ggemm_two_groups(%[[MAPS:[^ ,)]*]]: memref<4x128xi8, 1>, %[[CPTRS:[^ ,)]*]]: memref<2xi64, 1>, %[[SPTRS:[^ ,)]*]]: memref<4xi64, 1>, %[[SIZES:[^ ,)]*]]: memref<2xi32, 1>, %[[ALPHA:[^ ,)]*]]: memref<2xf32, 1>) kernel attributes {known_block_size = array<i32: 128, 1, 1>}
// Prologue: decode tables and one mbarrier per stage, all in the one
// dynamic shared-memory region (no static shared memory).
// CHECK: gpu.dynamic_shared_memory : memref<?xi8, #gpu.address_space<workgroup>>
// CHECK: memref.view {{.*}} to memref<256xi32, #gpu.address_space<workgroup>>
// CHECK: memref.view {{.*}} to memref<256xbf16, #gpu.address_space<workgroup>>
// CHECK: %[[BASE:[^ ,)]*]] = llvm.inttoptr %{{.*}} : i64 to !llvm.ptr<3>
// CHECK-COUNT-4: nvvm.mbarrier.init
// CHECK: gpu.barrier
// The persistent loop: CTA-strided over the 1*3 + 2*2 = 7 tiles.
// CHECK: %[[CTA:[^ ,)]*]] = gpu.block_id  x
// CHECK: %[[NCTAS:[^ ,)]*]] = gpu.grid_dim  x
// CHECK: scf.for %[[T:[^ ,)]*]] = %[[CTA]] to %{{.*}} step %[[NCTAS]]
// Fill the ring, then per K tile: wait, 16 K steps of 4 x 8 mma.sync, refill.
// CHECK: nvvm.mbarrier.arrive.expect_tx
// CHECK: nvvm.cp.async.bulk.tensor.shared.cluster.global %{{.*}}, %{{.*}}, %{{.*}}, box[%{{.*}}, %{{.*}}] : !llvm.ptr<7>, !llvm.ptr
// CHECK: nvvm.cp.async.bulk.tensor.shared.cluster.global
// CHECK: nvvm.mbarrier.try_wait.parity
// CHECK: arith.mulf {{.*}} : vector<2xbf16>
// CHECK-COUNT-32: nvvm.mma.sync
// CHECK: gpu.barrier
// CHECK: nvvm.cp.async.bulk.tensor.shared.cluster.global
// Epilogue: f16 pairs stored inside the group only.
// CHECK: arith.truncf {{.*}} : vector<2xf32> to vector<2xf16>
// CHECK: llvm.store {{.*}} : i32, !llvm.ptr<1>
// CHECK: gpu.return
func.func @two_groups(%a0: memref<80x256xf4E2M1FN>, %a1: memref<256x512xf4E2M1FN>,
    %sa0: memref<80x16xf8E4M3FN>, %sa1: memref<256x32xf8E4M3FN>,
    %b0: memref<384x256xf4E2M1FN>, %b1: memref<256x512xf4E2M1FN>,
    %sb0: memref<384x16xf8E4M3FN>, %sb1: memref<256x32xf8E4M3FN>,
    %c0: memref<80x384xf16>, %c1: memref<256x256xf16>) {
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a0, %a1 : memref<80x256xf4E2M1FN>, memref<256x512xf4E2M1FN>)
      sfa(%sa0, %sa1 : memref<80x16xf8E4M3FN>, memref<256x32xf8E4M3FN>)
      b(%b0, %b1 : memref<384x256xf4E2M1FN>, memref<256x512xf4E2M1FN>)
      sfb(%sb0, %sb1 : memref<384x16xf8E4M3FN>, memref<256x32xf8E4M3FN>)
      c(%c0, %c1 : memref<80x384xf16>, memref<256x256xf16>)
  return
}
