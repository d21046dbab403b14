// The sm_100a kernel structure of one persistent op: prologue, the three
// warp roles each walking the same persistent tile loop, teardown.
// RUN: gemm-opt %s -split-input-file --ggemm-tile=chip=sm_100a --ggemm-fuse-persistent --convert-ggemm-to-nvvm=chip=sm_100a | FileCheck %s --implicit-check-not=ggemm.persistent --implicit-check-not=ggemm.mma_tile --implicit-check-not=ggemm.tile_coords

// Two groups, blocked_128x4 scales (copied by TMA), alpha; group 1 has
// K = 128, half a K tile, so MMAs 2-4 of a K tile are guarded.
// CHECK-LABEL: func.func @blocked(
// CHECK-SAME: ggemm.kernel = @ggemm_blocked::@ggemm_blocked
// CHECK-SAME: ggemm.manifest = "{
// CHECK-SAME: \22block\22: [\0A    192,
// CHECK-SAME: \22chip\22: \22sm_100a\22,
// CHECK-SAME: \22dynamic_shared_memory\22: 148592,
// CHECK-SAME: \22scales\22: \22blocked_128x4\22,
// CHECK-SAME: \22swizzle\22: \22128B\22
// CHECK: gpu.module @ggemm_blocked {
// CHECK: gpu.func @ggemm_blocked(%{{.*}}: memref<4x128xi8, 1>, %{{.*}}: memref<2xi64, 1>, %{{.*}}: memref<4xi64, 1>, %{{.*}}: memref<2xi32, 1>, %{{.*}}: memref<2xf32, 1>) kernel attributes {known_block_size = array<i32: 192, 1, 1>}
// Prologue: 4 full + 4 empty + 2 accumulator-full + 2 accumulator-empty
// barriers; full expects 1 arrival (TMA bytes), accumulator-empty 128.
// CHECK: %[[TID:.*]] = gpu.thread_id  x
// CHECK: %[[WARP:.*]] = arith.divui %[[TID]], %c32
// CHECK: gpu.dynamic_shared_memory
// CHECK: nvvm.mbarrier.init %{{.*}}, %c1_i32
// CHECK-COUNT-9: nvvm.mbarrier.init
// CHECK: nvvm.mbarrier.init %{{.*}}, %c128_i32
// CHECK-NOT: nvvm.mbarrier.init
// CHECK: nvvm.fence.mbarrier.init
// Warp 1 allocates 512 TMEM columns (256 accumulator + 4 x 32 scale).
// CHECK: %[[IS_MMA:.*]] = arith.cmpi eq, %[[WARP]], %c1
// CHECK: scf.if %[[IS_MMA]] {
// CHECK: nvvm.tcgen05.alloc %[[SLOT:.*]], %c512_i32 : !llvm.ptr<3>, i32
// CHECK-NEXT: nvvm.tcgen05.relinquish_alloc_permit
// CHECK: nvvm.tcgen05.fence <before>
// CHECK-NEXT: gpu.barrier
// CHECK-NEXT: nvvm.tcgen05.fence <after>
// CHECK-NEXT: %[[TMEM:.*]] = llvm.load %[[SLOT]] : !llvm.ptr<3> -> i32
//
// Producer (warp 0): per K tile, wait for the stage to be free, then A and
// B by TMA and one bulk copy of scale atoms each for SFA and SFB.
// CHECK: %[[IS_PRODUCER:.*]] = arith.cmpi eq, %[[WARP]], %c0
// CHECK: scf.if %[[IS_PRODUCER]] {
// CHECK: scf.for %{{.*}} = %block_id_x to %{{.*}} step %grid_dim_x {
// CHECK: scf.for
// CHECK: nvvm.mbarrier.try_wait.parity
// CHECK: nvvm.mbarrier.arrive.expect_tx
// CHECK: nvvm.cp.async.bulk.tensor.shared.cluster.global
// CHECK: nvvm.cp.async.bulk.tensor.shared.cluster.global
// CHECK: nvvm.cp.async.bulk.shared.cluster.global
// CHECK: nvvm.cp.async.bulk.shared.cluster.global
// CHECK-NOT: nvvm.mbarrier.arrive
// CHECK-NOT: llvm.store
// After its last tile the producer waits until the MMAs released each of
// the 4 stages, so no commit arrives on the barriers of an exited CTA.
// CHECK-COUNT-4: nvvm.mbarrier.try_wait.parity
// CHECK-NOT: nvvm.
// CHECK: %[[IS_MMA2:.*]] = arith.cmpi eq, %[[WARP]], %c1
//
// MMA (warp 1): wait for a drained accumulator; per K tile wait for the
// stage, copy 4 SFA + 4 SFB atoms into TMEM, 4 block-scaled MMAs (the
// first accumulates only after K tile 0), commit the stage; at the end,
// commit the accumulator.
// CHECK: scf.if %[[IS_MMA2]] {
// CHECK: scf.for %{{.*}} = %block_id_x to %{{.*}} step %grid_dim_x {
// CHECK: nvvm.mbarrier.try_wait.parity
// CHECK-NEXT: nvvm.tcgen05.fence <after>
// CHECK: scf.for %[[KT:.*]] = %c0{{.*}} to
// CHECK: nvvm.mbarrier.try_wait.parity
// CHECK-NEXT: nvvm.tcgen05.fence <after>
// CHECK: %[[ELECTED:.*]] = nvvm.elect.sync -> i1
// CHECK: scf.if %[[ELECTED]] {
// CHECK-COUNT-8: nvvm.tcgen05.cp %{{.*}}, %{{.*}} {multicast = #nvvm.tcgen05_cp_multicast<warpx4>, shape = #nvvm.tcgen05_cp_shape<shape_32x128b>}
// CHECK: %[[FIRST:.*]] = arith.cmpi ne, %[[KT]], %c0
// CHECK: nvvm.tcgen05.mma.block_scale %[[ACC:.*]], %{{.*}}, %{{.*}}, %c136316032_i32, %[[FIRST]], %{{.*}}, %{{.*}} {blockScale = #nvvm.tcgen05_mma_block_scale<block16>, ctaGroup = #nvvm.cta_group<cta_1>, kind = #nvvm.block_scale_kind<mxf4nvf4>}
// CHECK: scf.if
// CHECK: nvvm.tcgen05.mma.block_scale %[[ACC]], %{{.*}}, %{{.*}}, %c136316032_i32, %true
// CHECK: scf.if
// CHECK: nvvm.tcgen05.mma.block_scale %[[ACC]], %{{.*}}, %{{.*}}, %c136316032_i32, %true
// CHECK: scf.if
// CHECK: nvvm.tcgen05.mma.block_scale %[[ACC]], %{{.*}}, %{{.*}}, %c136316032_i32, %true
// CHECK-NOT: nvvm.tcgen05.mma.block_scale
// CHECK: nvvm.tcgen05.commit %{{.*}} : !llvm.ptr<3>
// CHECK: nvvm.elect.sync
// CHECK: nvvm.tcgen05.commit %{{.*}} : !llvm.ptr<3>
//
// Epilogue (warps 2-5): wait for the accumulator, one 128-column TMEM row
// per thread, release the accumulator, alpha, f16, 16-byte stores.
// CHECK: %[[IS_EPILOGUE:.*]] = arith.cmpi uge, %[[WARP]], %c2
// CHECK: scf.if %[[IS_EPILOGUE]] {
// CHECK: scf.for %{{.*}} = %block_id_x to %{{.*}} step %grid_dim_x {
// CHECK: nvvm.mbarrier.try_wait.parity
// CHECK-NEXT: nvvm.tcgen05.fence <after>
// CHECK: nvvm.tcgen05.ld %{{.*}} {shape = #nvvm.tcgen05_ldst_shape<shape_32x32b>} : vector<128xi32>
// CHECK-NEXT: nvvm.tcgen05.wait <load>
// CHECK-NEXT: nvvm.tcgen05.fence <before>
// CHECK: nvvm.mbarrier.arrive
// CHECK: arith.mulf %{{.*}} : vector<8xf32>
// CHECK: arith.truncf %{{.*}} : vector<8xf32> to vector<8xf16>
// CHECK: llvm.store %{{.*}} {alignment = 16 : i64} : vector<8xf16>, !llvm.ptr<1>
// Teardown.
// CHECK: nvvm.tcgen05.fence <before>
// CHECK-NEXT: gpu.barrier
// CHECK-NEXT: nvvm.tcgen05.fence <after>
// CHECK: scf.if %{{.*}} {
// CHECK: nvvm.tcgen05.dealloc %{{.*}}, %c512_i32 : !llvm.ptr<6>, i32
// CHECK: gpu.return
func.func @blocked(%a0: memref<80x256xf4E2M1FN>, %a1: memref<200x128xf4E2M1FN>,
    %sfa0: memref<1x4x32x16xf8E4M3FN>, %sfa1: memref<2x2x32x16xf8E4M3FN>,
    %b0: memref<384x256xf4E2M1FN>, %b1: memref<128x128xf4E2M1FN>,
    %sfb0: memref<3x4x32x16xf8E4M3FN>, %sfb1: memref<1x2x32x16xf8E4M3FN>,
    %c0: memref<80x384xf16>, %c1: memref<200x128xf16>, %alpha: memref<2xf32>) {
  ggemm.grouped_matmul rows<list> scales<blocked_128x4>
      a(%a0, %a1 : memref<80x256xf4E2M1FN>, memref<200x128xf4E2M1FN>)
      sfa(%sfa0, %sfa1 : memref<1x4x32x16xf8E4M3FN>, memref<2x2x32x16xf8E4M3FN>)
      b(%b0, %b1 : memref<384x256xf4E2M1FN>, memref<128x128xf4E2M1FN>)
      sfb(%sfb0, %sfb1 : memref<3x4x32x16xf8E4M3FN>, memref<1x2x32x16xf8E4M3FN>)
      c(%c0, %c1 : memref<80x384xf16>, memref<200x128xf16>)
      alpha(%alpha : memref<2xf32>)
  return
}

// -----

// Run-time group sizes and row-major scales, every K a multiple of 256:
// the producer also loads the tile's scale rows with TMA (16 bytes a row,
// into a staging area, on the stage's scale barrier), waits for them, moves
// each lane's rows into the atom layout, fences them for the async proxy
// and arrives a second time on the full barrier (which expects 2).
// CHECK-LABEL: func.func @contiguous(
// CHECK-SAME: \22dynamic_shared_memory\22: 152696,
// CHECK-SAME: \22rows\22: \22contiguous\22,
// CHECK-SAME: \22box\22: [\0A        16,\0A        128\0A      ],\0A      \22dims\22: [\0A        32,\0A        -1\0A      ],\0A      \22group\22: 0,\0A      \22operand\22: \22sfa\22,
// CHECK-SAME: \22dims\22: [\0A        32,\0A        768\0A      ],\0A      \22group\22: 0,\0A      \22operand\22: \22sfb\22,
// CHECK: gpu.func @ggemm_contiguous(%{{.*}}: memref<4x128xi8, 1>,
// CHECK: nvvm.mbarrier.init %{{.*}}, %c2_i32
// CHECK: scf.for
// CHECK: scf.for
// CHECK: nvvm.mbarrier.try_wait.parity
// CHECK: nvvm.mbarrier.arrive.expect_tx
// CHECK: nvvm.cp.async.bulk.tensor.shared.cluster.global
// CHECK: nvvm.cp.async.bulk.tensor.shared.cluster.global
// CHECK: nvvm.mbarrier.arrive.expect_tx %{{.*}}, %c4096_i32
// CHECK: nvvm.cp.async.bulk.tensor.shared.cluster.global
// CHECK: nvvm.cp.async.bulk.tensor.shared.cluster.global
// CHECK-NOT: nvvm.cp.async.bulk.shared.cluster.global
// CHECK: nvvm.mbarrier.try_wait.parity
// CHECK-COUNT-4: llvm.load %{{.*}} {alignment = 16 : i64} : !llvm.ptr<3> -> vector<4xi32>
// CHECK-NOT: !llvm.ptr<1> -> i32
// CHECK: nvvm.fence.proxy {kind = #nvvm.proxy_kind<async.shared>, space = #nvvm.shared_space<cta>}
// CHECK: nvvm.bar.warp.sync
// CHECK: nvvm.mbarrier.arrive
// CHECK: nvvm.elect.sync
// CHECK-COUNT-4: nvvm.tcgen05.mma.block_scale
// CHECK: nvvm.tcgen05.commit
func.func @contiguous(%a: memref<?x512xf4E2M1FN>, %sfa: memref<?x32xf8E4M3FN>,
    %b: memref<3x256x512xf4E2M1FN>, %sfb: memref<3x256x32xf8E4M3FN>,
    %c: memref<?x256xf16>, %sizes: memref<3xi32>) {
  ggemm.grouped_matmul rows<contiguous> scales<row_major>
      a(%a : memref<?x512xf4E2M1FN>) sfa(%sfa : memref<?x32xf8E4M3FN>)
      b(%b : memref<3x256x512xf4E2M1FN>) sfb(%sfb : memref<3x256x32xf8E4M3FN>)
      c(%c : memref<?x256xf16>) group_sizes(%sizes : memref<3xi32>)
  return
}

// -----

// Row-major scales with K = 320 (not a multiple of 256): scale rows are not
// 16-byte aligned for TMA, so the producer gathers one guarded word per row
// and MMA with plain loads (rows outside the group and K blocks past K read
// as 0), and the last K tile guards MMAs 2-4.
// CHECK-LABEL: func.func @k_tail(
// CHECK-NOT: \22operand\22: \22sfa\22
// CHECK: gpu.func @ggemm_k_tail(%{{.*}}: memref<2x128xi8, 1>,
// CHECK: nvvm.mbarrier.init %{{.*}}, %c2_i32
// CHECK: nvvm.mbarrier.arrive.expect_tx
// CHECK: nvvm.cp.async.bulk.tensor.shared.cluster.global
// CHECK: nvvm.cp.async.bulk.tensor.shared.cluster.global
// CHECK-NOT: nvvm.mbarrier.arrive.expect_tx
// CHECK: scf.if %{{.*}} -> (i32) {
// CHECK: llvm.load %{{.*}} {alignment = 4 : i64} : !llvm.ptr<1> -> i32
// CHECK: } else {
// CHECK: scf.yield %c0_i32
// CHECK: llvm.store %{{.*}}, %{{.*}} {alignment = 4 : i64} : i32, !llvm.ptr<3>
// CHECK: nvvm.fence.proxy {kind = #nvvm.proxy_kind<async.shared>, space = #nvvm.shared_space<cta>}
// CHECK: nvvm.bar.warp.sync
// CHECK: nvvm.mbarrier.arrive
// CHECK: nvvm.elect.sync
// CHECK: nvvm.tcgen05.mma.block_scale
// CHECK: scf.if
// CHECK: nvvm.tcgen05.mma.block_scale
func.func @k_tail(%a: memref<100x320xf4E2M1FN>, %sa: memref<100x20xf8E4M3FN>,
    %b: memref<64x320xf4E2M1FN>, %sb: memref<64x20xf8E4M3FN>, %c: memref<100x64xf16>) {
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a : memref<100x320xf4E2M1FN>) sfa(%sa : memref<100x20xf8E4M3FN>)
      b(%b : memref<64x320xf4E2M1FN>) sfb(%sb : memref<64x20xf8E4M3FN>)
      c(%c : memref<100x64xf16>)
  return
}
