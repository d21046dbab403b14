// convert-ggemm-to-nvvm on a split-K kernel: each tile's K loop covers its
// split's K tiles, the epilogue stores the f32 partial (no alpha) in the
// tile's workspace slot instead of C, then every thread meets at the grid
// barrier (workspace word 0: CTA arrival, wait for bit 31 to flip) and
// reduces output tiles: the partials summed in split order, alpha, f16.
// RUN: sed 's/target = sm_90a/target = sm_100a/' %s | gemm-opt --ggemm-fuse-persistent --ggemm-outline-kernel --ggemm-pipeline-loads --ggemm-warp-specialize --convert-ggemm-to-nvvm | FileCheck %s --check-prefix=SM100 --enable-var-scope --implicit-check-not=nvvm.cp.async.bulk.global.shared.cta
// RUN: gemm-opt %s --ggemm-fuse-persistent=grid=132 --ggemm-outline-kernel --ggemm-pipeline-loads --ggemm-warp-specialize --convert-ggemm-to-nvvm | FileCheck %s --check-prefix=SM90 --enable-var-scope

// The K range of split %s: q = ceil(kTiles / 2) tiles, from min(s q, kTiles)
// to min(s q + q, kTiles) (the producer's loop; the other roles alike).
// SM100-LABEL: gpu.func @ggemm_split(
// SM100-SAME: %[[WS:[^ ,:]*]]: memref<32xi32, 1>) kernel
// SM100: %[[Q:.*]] = arith.ceildivui %{{.*}}, %c2{{(_[0-9]+)?}} : index
// SM100: %[[SQ:.*]] = arith.muli %{{.*}}, %[[Q]] : index
// SM100: %[[FIRST:.*]] = arith.minui %[[SQ]], %{{.*}} : index
// SM100: %[[END0:.*]] = arith.addi %[[FIRST]], %[[Q]] : index
// SM100: %[[END:.*]] = arith.minui %{{.*}}, %[[END0]] : index
// SM100: %[[COUNT:.*]] = arith.subi %[[END]], %[[FIRST]] : index
// SM100: scf.for %[[I:.*]] = %c0{{.*}} to %[[COUNT]] step
// SM100: %[[KT:.*]] = arith.addi %[[FIRST]], %[[I]] : index
// SM100: nvvm.cp.async.bulk.tensor.shared.cluster.global
// Epilogue: after the accumulator is released, 16-byte f32 stores into the
// workspace (zeros for a split without K tiles); no bulk copy into C.
// SM100: nvvm.tcgen05.wait <load>
// SM100: nvvm.mbarrier.arrive
// SM100: %[[EMPTY:.*]] = arith.cmpi eq, %{{.*}}, %c0{{.*}} : index
// SM100: %[[ZERO:.*]] = arith.constant dense<0.000000e+00> : vector<4xf32>
// SM100: %[[BITS:.*]] = arith.bitcast %{{.*}} : vector<4xi32> to vector<4xf32>
// SM100-NEXT: %[[PART:.*]] = arith.select %[[EMPTY]], %[[ZERO]], %[[BITS]] : vector<4xf32>
// SM100-NEXT: llvm.store %[[PART]], %{{.*}} {alignment = 16 : i64} : vector<4xf32>, !llvm.ptr<1>
// SM100-COUNT-31: llvm.store %{{.*}} {alignment = 16 : i64} : vector<4xf32>, !llvm.ptr<1>
// Teardown, then the grid barrier.
// SM100: nvvm.tcgen05.dealloc
// SM100: gpu.barrier
// SM100: %[[BASE:.*]] = memref.extract_aligned_pointer_as_index %[[WS]]
// SM100: %[[WORD:.*]] = llvm.inttoptr %{{.*}} : i64 to !llvm.ptr<1>
// SM100: %[[CTAS:.*]] = arith.index_castui %{{.*}} : index to i32
// SM100: %[[CTA0:.*]] = arith.subi %c-2147483647_i32{{.*}}, %[[CTAS]] : i32
// SM100: %[[ADD:.*]] = arith.select %{{.*}}, %[[CTA0]], %c1_i32{{.*}} : i32
// SM100-NEXT: llvm.fence syncscope("device") acq_rel
// SM100-NEXT: %[[OLD:.*]] = llvm.atomicrmw add %[[WORD]], %[[ADD]] syncscope("device") monotonic
// SM100: %[[FLIP:.*]] = arith.andi %[[OLD]], %c-2147483648_i32{{.*}} : i32
// SM100-NEXT: scf.while
// SM100-NEXT: %[[NOW:.*]] = llvm.load %[[WORD]] atomic syncscope("device") monotonic
// SM100: %[[BIT:.*]] = arith.andi %[[NOW]], %c-2147483648_i32{{.*}} : i32
// SM100-NEXT: %[[SAME:.*]] = arith.cmpi eq, %[[BIT]], %[[FLIP]] : i32
// SM100-NEXT: scf.condition(%[[SAME]])
// SM100: llvm.fence syncscope("device") acq_rel
// SM100: gpu.barrier
// The reduction: 224 threads over the tile's 4096 column quads; the two
// partials, 128 x 32 x 16 = 65536 bytes apart, summed in split order.
// SM100: scf.for %{{.*}} = %{{.*}} to %c4096 step %c224 {
// SM100: %[[P0:.*]] = llvm.load %{{.*}} {alignment = 16 : i64} : !llvm.ptr<1> -> vector<4xf32>
// SM100: %[[P1:.*]] = llvm.load %{{.*}} {alignment = 16 : i64} : !llvm.ptr<1> -> vector<4xf32>
// SM100-NEXT: %[[SUM:.*]] = arith.addf %[[P0]], %[[P1]] : vector<4xf32>
// SM100: %[[H:.*]] = arith.truncf %[[SUM]] : vector<4xf32> to vector<4xf16>
// SM100: llvm.store %[[H]], %{{.*}} {alignment = 8 : i64} : vector<4xf16>, !llvm.ptr<1>
// SM100: gpu.return

// sm_90a: the consumer's K loop from the split's first K tile, its partial
// as f32 scalars (64 per thread) into the workspace; the same barrier and
// reduction, by 288 threads.
// SM90-LABEL: gpu.func @ggemm_split(
// SM90-SAME: memref<32xi32, 1>) kernel
// SM90: arith.ceildivui %{{.*}}, %c2{{(_[0-9]+)?}} : index
// SM90: nvvm.wgmma.mma_async
// SM90-COUNT-64: llvm.store %{{.*}}, %{{.*}} {alignment = 4 : i64} : f32, !llvm.ptr<1>
// SM90: llvm.atomicrmw add
// SM90: scf.for %{{.*}} = %{{.*}} to %c4096 step %c288 {
// SM90: arith.addf %{{.*}}, %{{.*}} : vector<4xf32>
// SM90: gpu.return
func.func @split(%a: memref<200x1024xf4E2M1FN>, %sa: memref<200x64xf8E4M3FN>,
    %b: memref<256x1024xf4E2M1FN>, %sb: memref<256x64xf8E4M3FN>, %c: memref<200x256xf16>) {
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a : memref<200x1024xf4E2M1FN>) sfa(%sa : memref<200x64xf8E4M3FN>)
      b(%b : memref<256x1024xf4E2M1FN>) sfb(%sb : memref<256x64xf8E4M3FN>)
      c(%c : memref<200x256xf16>)
      schedule <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 2, grid = 148, stages = 4>
  return
}
