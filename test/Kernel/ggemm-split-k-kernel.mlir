// Split-K through the kernel level (sm_100a): ggemm-outline-kernel gives the
// kernel a workspace parameter, keeps the grid barrier and turns the
// reductions into ggemm.reduce_partials; the tiles carry their split and
// work item through ggemm-pipeline-loads; ggemm-warp-specialize builds the
// roles from the first phase only, leaving the barrier and the reduction
// to every thread.
// RUN: gemm-opt %s --ggemm-fuse-persistent --ggemm-outline-kernel | FileCheck %s --check-prefix=OUTLINE --enable-var-scope --implicit-check-not=memref.alloc --implicit-check-not=memref.dealloc
// RUN: gemm-opt %s --ggemm-fuse-persistent --ggemm-outline-kernel --ggemm-pipeline-loads --ggemm-warp-specialize | FileCheck %s --check-prefix=ROLES --enable-var-scope

// The host keeps only the launch: the workspace alloc of
// ggemm-fuse-persistent is the kernel's parameter now.
// OUTLINE-LABEL: func.func @split(
// OUTLINE-SAME: split_k = 2, grid = 148
// OUTLINE-NEXT: return
// OUTLINE: gpu.func @ggemm_split(%{{.*}}: memref<4x128xi8, 1>, %{{.*}}: memref<1xi64, 1>, %{{.*}}: memref<2xi64, 1>, %{{.*}}: memref<1xi32, 1>, %{{.*}}: memref<1xf32, 1>, %{{.*}}: memref<2xi32, 1>, %{{[^ ,)]*}}: memref<32xi32, 1>) kernel
// OUTLINE: %[[CTA:.*]] = gpu.block_id x
// OUTLINE: %[[NUM:.*]] = gpu.grid_dim x
// OUTLINE: scf.for %[[W:.*]] = %[[CTA]] to %{{.*}} step %[[NUM]] {
// OUTLINE: %[[G:.*]], %[[RB:.*]], %[[M0:.*]], %[[N0:.*]], %[[S:.*]] = ggemm.tile_coords %[[W]]
// OUTLINE: ggemm.tile group(%[[G]]) row_base(%[[RB]]) at(%[[M0]], %[[N0]]) split(%[[S]]) work(%[[W]])
// OUTLINE: }
// OUTLINE-NEXT: ggemm.grid_barrier
// OUTLINE: %[[OUT:.*]] = arith.divui
// OUTLINE: scf.for %[[T:.*]] = %[[CTA]] to %[[OUT]] step %[[NUM]] {
// OUTLINE: %[[W0:.*]] = arith.muli %[[T]], %{{.*}} : index
// OUTLINE: %[[G2:.*]], %[[RB2:.*]], %[[M02:.*]], %[[N02:.*]], %{{.*}} = ggemm.tile_coords %[[W0]]
// OUTLINE: ggemm.reduce_partials group(%[[G2]]) row_base(%[[RB2]]) at(%[[M02]], %[[N02]]) work(%[[W0]])
// OUTLINE: gpu.return

// ROLES-LABEL: gpu.func @ggemm_split(
// ROLES: %[[RING:.*]] = ggemm.ring : <4>
// ROLES: %[[CTA:.*]] = gpu.block_id x
// ROLES: %[[NUM:.*]] = gpu.grid_dim x
// ROLES: ggemm.warp_specialize [#ggemm.role<producer
// ROLES: ggemm.load_tile %[[RING]] group(%{{.*}}) row_base(%{{.*}}) at(%{{.*}}, %{{.*}}) split(%{{.*}}) work(%{{.*}})
// ROLES: ggemm.drain_ring
// ROLES: ggemm.compute_tile %[[RING]] group(%{{.*}}) row_base(%{{.*}}) at(%{{.*}}, %{{.*}}) split(%{{.*}}) work(%{{.*}})
// ROLES: ggemm.compute_tile %[[RING]]
// ROLES: ggemm.load_tile %[[RING]]
// ROLES-NOT: ggemm.reduce_partials
// ROLES: ggemm.yield
// ROLES-NEXT: }
// ROLES-NEXT: ggemm.grid_barrier
// ROLES: scf.for %{{.*}} = %[[CTA]] to %{{.*}} step %[[NUM]] {
// ROLES: ggemm.reduce_partials
// ROLES: gpu.return
func.func @split(%a: memref<200x1024xf4E2M1FN>, %sa: memref<200x64xf8E4M3FN>,
    %b: memref<256x1024xf4E2M1FN>, %sb: memref<256x64xf8E4M3FN>, %c: memref<200x256xf16>) {
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a : memref<200x1024xf4E2M1FN>) sfa(%sa : memref<200x64xf8E4M3FN>)
      b(%b : memref<256x1024xf4E2M1FN>) sfb(%sb : memref<256x64xf8E4M3FN>)
      c(%c : memref<200x256xf16>)
      schedule <target = sm_100a, tile = [128, 128, 256], raster = along_m, split_k = 2, grid = 148, stages = 4>
  return
}
