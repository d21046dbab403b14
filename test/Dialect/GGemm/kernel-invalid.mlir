// Verifier rules of the kernel-level attributes and ops.
// RUN: gemm-opt %s -split-input-file -verify-diagnostics

func.func @tile_outside_kernel(%i: index) {
  // expected-error @+1 {{'ggemm.tile' op must be inside an outlined kernel: a function with a 'ggemm.problem' #ggemm.kernel_problem attribute (run ggemm-outline-kernel)}}
  ggemm.tile group(%i) row_base(%i) at(%i, %i)
  return
}

// -----

func.func @prefetch_too_deep(%i: index) attributes {ggemm.problem = #ggemm.kernel_problem<chip = "sm_90a", rows = list, scales = row_major, alpha = false, groups = [128, 128, 256], schedule = <tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>} {
  // expected-error @+1 {{'ggemm.prefetch_tile' op prefetches 5 K tiles; at most the schedule's 4 stages are useful}}
  ggemm.prefetch_tile group(%i) row_base(%i) at(%i, %i) current_group(%i) k_tiles 5
  return
}

// -----

// expected-error @+1 {{group 0 has (m, n, k) = (128, 0, 256); expected m >= 0 (or -1: run time), n, k > 0}}
func.func @bad_group() attributes {ggemm.problem = #ggemm.kernel_problem<chip = "sm_90a", rows = list, scales = row_major, alpha = false, groups = [128, 0, 256], schedule = <tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>} {
  return
}

// -----

// expected-error @+1 {{group 0 has a run-time M (-1) but rows are a list}}
func.func @dynamic_list() attributes {ggemm.problem = #ggemm.kernel_problem<chip = "sm_90a", rows = list, scales = row_major, alpha = false, groups = [-1, 128, 256], schedule = <tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>} {
  return
}

// -----

// expected-error @+1 {{groups must list (m, n, k) of at least one group; it has 2 values}}
func.func @short() attributes {ggemm.problem = #ggemm.kernel_problem<chip = "sm_90a", rows = list, scales = row_major, alpha = false, groups = [1, 2], schedule = <tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>} {
  return
}
