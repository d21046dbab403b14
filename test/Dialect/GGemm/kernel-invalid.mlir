// Verifier rules of the kernel-level attributes and ops.
// RUN: gemm-opt %s -split-input-file -verify-diagnostics

func.func @tile_outside_kernel(%i: index) {
  // expected-error @+1 {{'ggemm.tile' op must be inside an outlined kernel: a function with a 'ggemm.problem' #ggemm.kernel_problem attribute (run ggemm-outline-kernel)}}
  ggemm.tile group(%i) row_base(%i) at(%i, %i)
  return
}

// -----

func.func @prefetch_too_deep(%i: index) attributes {ggemm.problem = #ggemm.kernel_problem<rows = list, scales = row_major, alpha = false, groups = [128, 128, 256], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>} {
  // expected-error @+1 {{'ggemm.prefetch_tile' op prefetches 5 K tiles; at most the schedule's 4 stages are useful}}
  ggemm.prefetch_tile group(%i) row_base(%i) at(%i, %i) current_group(%i) k_tiles 5
  return
}

// -----

// expected-error @+1 {{group 0 has (m, n, k) = (128, 0, 256); expected m >= 0 (or -1: run time), n, k > 0}}
func.func @bad_group() attributes {ggemm.problem = #ggemm.kernel_problem<rows = list, scales = row_major, alpha = false, groups = [128, 0, 256], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>} {
  return
}

// -----

// expected-error @+1 {{group 0 has a run-time M (-1) but rows are rows<list>}}
func.func @dynamic_list() attributes {ggemm.problem = #ggemm.kernel_problem<rows = list, scales = row_major, alpha = false, groups = [-1, 128, 256], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>} {
  return
}

// -----

// expected-error @+1 {{groups must list (m, n, k) of at least one group; it has 2 values}}
func.func @short() attributes {ggemm.problem = #ggemm.kernel_problem<rows = list, scales = row_major, alpha = false, groups = [1, 2], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>} {
  return
}

// -----

func.func @overlap() {
  // expected-error @+1 {{'ggemm.warp_specialize' op role 'producer' overlaps another role's warps}}
  ggemm.warp_specialize [#ggemm.role<consumer, first_warp = 0, num_warps = 4, max_registers = 0>, #ggemm.role<producer, first_warp = 3, num_warps = 1, max_registers = 0>] {
    ggemm.yield
  }, {
    ggemm.yield
  }
  return
}

// -----

func.func @count() {
  // expected-error @+1 {{'ggemm.warp_specialize' op has 2 roles but 1 regions}}
  ggemm.warp_specialize [#ggemm.role<producer, first_warp = 0, num_warps = 1, max_registers = 0>, #ggemm.role<consumer, first_warp = 1, num_warps = 1, max_registers = 0>] {
    ggemm.yield
  }
  return
}

// -----

func.func @registers() {
  // expected-error @+1 {{'ggemm.warp_specialize' op role 'producer' sets 40 registers; setmaxnreg takes a multiple of 8 in [24, 256] for whole warpgroups (4 warps from a multiple of 4)}}
  ggemm.warp_specialize [#ggemm.role<producer, first_warp = 4, num_warps = 1, max_registers = 40>] {
    ggemm.yield
  }
  return
}

// -----

func.func @ring_outside_kernel() {
  // expected-error @+1 {{'ggemm.ring' op must be inside an outlined kernel}}
  %r = ggemm.ring : !ggemm.ring<4>
  return
}

// -----

// The problem level's shape rules hold for a kernel written by hand.
// expected-error @+1 {{group 0 has K = 96; K must be a multiple of 64}}
func.func @k_not_64() attributes {ggemm.problem = #ggemm.kernel_problem<rows = list, scales = row_major, alpha = false, groups = [128, 128, 96], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>} {
  return
}

// -----

// expected-error @+1 {{group 0 has N = 100; N must be a multiple of 8}}
func.func @n_not_8() attributes {ggemm.problem = #ggemm.kernel_problem<rows = list, scales = row_major, alpha = false, groups = [128, 100, 256], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>} {
  return
}

// -----

// expected-error @+1 {{group 1 has (m, n, k) = (2147483648, 128, 256); sizes must be below 2^31 (32-bit indexing)}}
func.func @m_too_big() attributes {ggemm.problem = #ggemm.kernel_problem<rows = list, scales = row_major, alpha = false, groups = [1, 128, 256, 2147483648, 128, 256], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>} {
  return
}

// -----

func.func @ring_stages() attributes {ggemm.problem = #ggemm.kernel_problem<rows = list, scales = row_major, alpha = false, groups = [128, 128, 256], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>} {
  // expected-error @+1 {{'ggemm.ring' op has 2 stages; the kernel's schedule has 4}}
  %ring = ggemm.ring : !ggemm.ring<2>
  return
}

// -----

func.func @tile_space_groups() -> index attributes {ggemm.problem = #ggemm.kernel_problem<rows = list, scales = row_major, alpha = false, groups = [128, 128, 256], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>} {
  // expected-error @+1 {{'ggemm.num_tiles' op has 2 groups; the kernel's ggemm.problem has 1}}
  %n = ggemm.num_tiles tiles_m [1, 1] tiles_n [1, 1] schedule <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>
  return %n : index
}

// -----

// Split-K: a kernel's tiles carry split(..) work(..) exactly when its
// schedule has split_k > 1; the reduction and the grid barrier only exist
// in split-K kernels; the reduction runs in every thread.
func.func @split_in_unsplit_kernel(%i: index) attributes {ggemm.problem = #ggemm.kernel_problem<rows = list, scales = row_major, alpha = false, groups = [128, 128, 1024], schedule = <target = sm_100a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 148, stages = 4>>} {
  // expected-error @+1 {{'ggemm.tile' op has a K split, but its kernel's schedule has split_k = 1}}
  ggemm.tile group(%i) row_base(%i) at(%i, %i) split(%i) work(%i)
  return
}

// -----

func.func @unsplit_in_split_kernel(%i: index) attributes {ggemm.problem = #ggemm.kernel_problem<rows = list, scales = row_major, alpha = false, groups = [128, 128, 1024], schedule = <target = sm_100a, tile = [128, 128, 256], raster = along_m, split_k = 2, grid = 148, stages = 4>>} {
  %ring = ggemm.ring : !ggemm.ring<4>
  // expected-error @+1 {{'ggemm.compute_tile' op needs split(..) work(..): its kernel's schedule has split_k = 2}}
  ggemm.compute_tile %ring group(%i) row_base(%i) at(%i, %i) : !ggemm.ring<4>
  return
}

// -----

func.func @split_without_work(%i: index) attributes {ggemm.problem = #ggemm.kernel_problem<rows = list, scales = row_major, alpha = false, groups = [128, 128, 1024], schedule = <target = sm_100a, tile = [128, 128, 256], raster = along_m, split_k = 2, grid = 148, stages = 4>>} {
  // expected-error @+1 {{'ggemm.tile' op takes split and work together}}
  "ggemm.tile"(%i, %i, %i, %i, %i) <{operandSegmentSizes = array<i32: 1, 1, 1, 1, 1, 0>}> : (index, index, index, index, index) -> ()
  return
}

// -----

func.func @reduce_unsplit(%i: index) attributes {ggemm.problem = #ggemm.kernel_problem<rows = list, scales = row_major, alpha = false, groups = [128, 128, 1024], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>} {
  // expected-error @+1 {{'ggemm.reduce_partials' op reduces split-K partials, but its kernel's schedule has split_k = 1}}
  ggemm.reduce_partials group(%i) row_base(%i) at(%i, %i) work(%i)
  return
}

// -----

func.func @reduce_in_role(%i: index) attributes {ggemm.problem = #ggemm.kernel_problem<rows = list, scales = row_major, alpha = false, groups = [128, 128, 1024], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 2, grid = 132, stages = 4>>} {
  ggemm.warp_specialize [#ggemm.role<consumer, first_warp = 0, num_warps = 8, max_registers = 0>] {
    // expected-error @+1 {{'ggemm.reduce_partials' op runs in every thread of the CTA; it must not be inside ggemm.warp_specialize}}
    ggemm.reduce_partials group(%i) row_base(%i) at(%i, %i) work(%i)
    ggemm.yield
  }
  return
}

// -----

func.func @reduce_outside_kernel(%i: index) {
  // expected-error @+1 {{'ggemm.reduce_partials' op must be inside an outlined kernel}}
  ggemm.reduce_partials group(%i) row_base(%i) at(%i, %i) work(%i)
  return
}

// -----

func.func @barrier_unsplit() attributes {ggemm.problem = #ggemm.kernel_problem<rows = list, scales = row_major, alpha = false, groups = [128, 128, 1024], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>} {
  // expected-error @+1 {{'ggemm.grid_barrier' op is in a kernel whose schedule has split_k = 1; only split-K kernels have a workspace to synchronise on}}
  ggemm.grid_barrier
  return
}

// -----

func.func @barrier_nested(%c: i1) attributes {ggemm.problem = #ggemm.kernel_problem<rows = list, scales = row_major, alpha = false, groups = [128, 128, 1024], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 2, grid = 132, stages = 4>>} {
  scf.if %c {
    // expected-error @+1 {{'ggemm.grid_barrier' op must be directly in a ggemm.persistent body or in the body of an outlined kernel}}
    ggemm.grid_barrier
  }
  return
}

// -----

// A role is one of the kinds the lowerings know.
func.func @unknown_role() {
  // expected-error @+2 {{failed to parse GGemm_RoleAttr parameter 'role'}}
  // expected-error @+1 {{expected one of [producer, consumer, mma, epilogue, scales]}}
  ggemm.warp_specialize [#ggemm.role<loader, first_warp = 0, num_warps = 1, max_registers = 0>] {
    ggemm.yield
  }
  return
}

// -----

// The rules every #ggemm.kernel_plan obeys (whether it is its chip's plan
// for its problem is checked by the passes that read it).
// expected-error @+1 {{has 256 threads; its roles occupy 9 warps (288 threads)}}
func.func private @plan_threads() attributes {p = #ggemm.kernel_plan<threads = 256, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>}

// -----

// expected-error @+1 {{alignment of sfa is 12; it must be a power of two in [1, 256]}}
func.func private @plan_alignment() attributes {p = #ggemm.kernel_plan<threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 12, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>}

// -----

// expected-error @+1 {{alignment lists 4 values; it needs one for each of a, b, sfa, sfb, c}}
func.func private @plan_alignment_count() attributes {p = #ggemm.kernel_plan<threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>}

// -----

// expected-error @+1 {{swizzle must be "none" or "128B"; got "64B"}}
func.func private @plan_swizzle() attributes {p = #ggemm.kernel_plan<threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "64B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>}

// -----

// A schedule names a chip ggemm knows.
// expected-error @+2 {{expected one of [sm_90a, sm_100a] for the chip a schedule and its kernel are made for, got: sm_80}}
// expected-error @+1 {{failed to parse GGemm_ScheduleAttr parameter 'target'}}
func.func private @schedule_chip() attributes {s = #ggemm.schedule<target = sm_80, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>}

// -----

// A K tile is whole decode steps of 64.
func.func @decode_tokens_tile_k(%dst: i64, %a: i64, %sfa: i64, %rows: i32, %k: i32) {
  // expected-error @+1 {{'ggemm.decode_tokens' op tile_k = 96 must be a multiple of 64 in [64, 1024]}}
  ggemm.decode_tokens %dst, %a, %sfa, %rows, %k {tile_k = 96}
  return
}

// -----

// Predecoded tokens are the sm_90a kernel's.
// expected-error @+1 {{predecode (tokens decoded once per problem) is an sm_90a kernel's; the schedule targets sm_100a}}
func.func private @predecode_sm100() attributes {s = #ggemm.schedule<target = sm_100a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 148, stages = 4, predecode = true>}
