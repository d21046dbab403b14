// Verifier rules of the schedule attribute and the persistent-level ops.
// RUN: gemm-opt %s -split-input-file -verify-diagnostics

// expected-error @+1 {{tile M = 96 is not one of 16, 32, 64, 128, 256}}
func.func private @bad_tile_m() attributes {s = #ggemm.schedule<target = sm_90a, tile = [96, 128, 256], raster = along_m, split_k = 1, grid = 1, stages = 1>}

// -----

// expected-error @+1 {{tile N = 12 must be a multiple of 8 in [8, 256]}}
func.func private @bad_tile_n() attributes {s = #ggemm.schedule<target = sm_90a, tile = [128, 12, 256], raster = along_m, split_k = 1, grid = 1, stages = 1>}

// -----

// expected-error @+1 {{tile K = 100 must be a multiple of 64 in [64, 1024]}}
func.func private @bad_tile_k() attributes {s = #ggemm.schedule<target = sm_90a, tile = [128, 128, 100], raster = along_m, split_k = 1, grid = 1, stages = 1>}

// -----

// expected-error @+1 {{split_k = 0 must be in [1, 64]}}
func.func private @bad_split() attributes {s = #ggemm.schedule<target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 0, grid = 1, stages = 1>}

// -----

// expected-error @+1 {{grid = 0 must be in [1, 65535]}}
func.func private @bad_grid() attributes {s = #ggemm.schedule<target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 0, stages = 1>}

// -----

func.func @persistent_args() {
  // expected-error @+1 {{body must take two index arguments (%cta, %num_ctas)}}
  ggemm.persistent schedule <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 2, stages = 1> {
  ^bb0(%cta: index):
    ggemm.yield
  }
  return
}

// -----

func.func @across_barrier() {
  ggemm.persistent schedule <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 2, stages = 1> {
  ^bb0(%cta: index, %n: index):
    %x = arith.addi %cta, %n : index
    ggemm.grid_barrier
    // expected-error @+1 {{uses a value defined before a ggemm.grid_barrier; recompute it in this phase}}
    %y = arith.addi %x, %n : index
    ggemm.yield
  }
  return
}

// -----

func.func @barrier_outside() {
  // expected-error @+1 {{must be directly in a ggemm.persistent body or in the body of an outlined kernel}}
  ggemm.grid_barrier
  return
}

// -----

func.func @tiles_mismatch(%t: index) -> index {
  // expected-error @+1 {{has 1 tiles_m and 2 tiles_n entries; expected one per group}}
  %n = ggemm.num_tiles tiles_m [1] tiles_n [2, 2] schedule <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 2, stages = 1>
  return %n : index
}

// -----

func.func @tiles_and_sizes(%s: memref<2xi32>) -> index {
  // expected-error @+1 {{takes tiles_m or group_sizes, not both}}
  %n = ggemm.num_tiles tiles_m [1, 1] tiles_n [2, 2] group_sizes(%s : memref<2xi32>) schedule <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 2, stages = 1>
  return %n : index
}

// -----

func.func @sizes_length(%t: index, %s: memref<3xi32>) {
  // expected-error @+1 {{group_sizes must be memref<2xi32>, one per group}}
  %g:5 = ggemm.tile_coords %t tiles_m [] tiles_n [2, 2] group_sizes(%s : memref<3xi32>) schedule <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 2, stages = 1>
  return
}

// -----

func.func @zero_tiles_n(%t: index) {
  // expected-error @+1 {{tiles_n entries must be positive}}
  %g:5 = ggemm.tile_coords %t tiles_m [1] tiles_n [0] schedule <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 2, stages = 1>
  return
}

// -----

// Tile spaces whose work count overflows int64_t (found by ggemm-fuzz: the
// lowering summed them at compile time, a signed overflow).
func.func @work_overflow(%t: index) -> index {
  // expected-error @+1 {{has more work items than an int64_t holds (tiles_m x tiles_n x split_k summed over the groups overflows at group 0)}}
  %n = ggemm.num_tiles tiles_m [4611686018427387904] tiles_n [4611686018427387904] schedule <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 2, stages = 1>
  return %n : index
}

// -----

func.func @work_sum_overflow(%t: index) {
  // expected-error @+1 {{overflows at group 1}}
  %g:5 = ggemm.tile_coords %t tiles_m [1, 1] tiles_n [4611686018427387904, 4611686018427387904] schedule <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 2, stages = 1>
  return
}

// -----

func.func @tiles_n_overflow(%t: index, %s: memref<1xi32>) -> index {
  // expected-error @+1 {{tiles_n x split_k of group 0 overflows an int64_t}}
  %n = ggemm.num_tiles tiles_m [] tiles_n [4611686018427387904] group_sizes(%s : memref<1xi32>) schedule <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 2, grid = 2, stages = 1>
  return %n : index
}

// -----

func.func @split_without_workspace(%i: index, %a: memref<128x64xf4E2M1FN>, %sa: memref<128x4xf8E4M3FN>,
    %b: memref<128x64xf4E2M1FN>, %sb: memref<128x4xf8E4M3FN>, %c: memref<128x128xf16>) {
  // expected-error @+1 {{with split_k = 2 needs a workspace for its f32 partials}}
  ggemm.mma_tile group %i row_base %i tile %i, %i split %i work %i rows<list> scales<row_major>
      a(%a : memref<128x64xf4E2M1FN>) sfa(%sa : memref<128x4xf8E4M3FN>)
      b(%b : memref<128x64xf4E2M1FN>) sfb(%sb : memref<128x4xf8E4M3FN>)
      c(%c : memref<128x128xf16>)
      schedule <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 2, grid = 2, stages = 1>
  return
}

// -----

func.func @bad_workspace(%i: index, %a: memref<128x64xf4E2M1FN>, %sa: memref<128x4xf8E4M3FN>,
    %b: memref<128x64xf4E2M1FN>, %sb: memref<128x4xf8E4M3FN>, %c: memref<128x128xf16>,
    %w: memref<?x64x128xf32>) {
  // expected-error @+1 {{workspace must be memref<? x 128 x 128 x f32> (one f32 tile per work item); got 'memref<?x64x128xf32>'}}
  ggemm.mma_tile group %i row_base %i tile %i, %i split %i work %i rows<list> scales<row_major>
      a(%a : memref<128x64xf4E2M1FN>) sfa(%sa : memref<128x4xf8E4M3FN>)
      b(%b : memref<128x64xf4E2M1FN>) sfb(%sb : memref<128x4xf8E4M3FN>)
      c(%c : memref<128x128xf16>) workspace(%w : memref<?x64x128xf32>)
      schedule <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 2, grid = 2, stages = 1>
  return
}

// -----

// The tile ops check the grouped operands like grouped_matmul does.
func.func @tile_bad_operands(%i: index, %a: memref<128x64xf4E2M1FN>, %sa: memref<128x3xf8E4M3FN>,
    %b: memref<128x64xf4E2M1FN>, %sb: memref<128x4xf8E4M3FN>, %c: memref<128x128xf16>) {
  // expected-error @+1 {{SFA of group 0 has shape 128x3; expected 128x4 (M x K/16 with K = 64)}}
  ggemm.mma_tile group %i row_base %i tile %i, %i split %i work %i rows<list> scales<row_major>
      a(%a : memref<128x64xf4E2M1FN>) sfa(%sa : memref<128x3xf8E4M3FN>)
      b(%b : memref<128x64xf4E2M1FN>) sfb(%sb : memref<128x4xf8E4M3FN>)
      c(%c : memref<128x128xf16>)
      schedule <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 2, stages = 1>
  return
}

// -----

func.func @reduce_without_split(%i: index, %a: memref<128x64xf4E2M1FN>, %sa: memref<128x4xf8E4M3FN>,
    %b: memref<128x64xf4E2M1FN>, %sb: memref<128x4xf8E4M3FN>, %c: memref<128x128xf16>,
    %w: memref<?x128x128xf32>) {
  // expected-error @+1 {{reduces split-K partials; the schedule has split_k = 1}}
  ggemm.reduce_tile group %i row_base %i tile %i, %i work %i rows<list> scales<row_major>
      a(%a : memref<128x64xf4E2M1FN>) sfa(%sa : memref<128x4xf8E4M3FN>)
      b(%b : memref<128x64xf4E2M1FN>) sfb(%sb : memref<128x4xf8E4M3FN>)
      c(%c : memref<128x128xf16>) workspace(%w : memref<?x128x128xf32>)
      schedule <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 2, stages = 1>
  return
}
