// A ggemm.tile in a function that is not an outlined kernel (a func.func
// carrying a ggemm.problem inside a gpu.module): ggemm-insert-tma-prefetch
// leaves it alone, as ggemm-pipeline-loads does, instead of dereferencing a
// null kernel (found with ggemm-fuzz's target on a seed edited by hand).
// RUN: gemm-opt %s --ggemm-insert-tma-prefetch=distance=1 | FileCheck %s

// CHECK-LABEL: func.func @f()
// CHECK-NOT: ggemm.prefetch_tile
// CHECK: ggemm.tile group
module attributes {gpu.container_module} {
  gpu.module @m {
    func.func @f() attributes {ggemm.problem = #ggemm.kernel_problem<rows = list, scales = row_major, alpha = false, groups = [128, 128, 256], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>} {
      %i = arith.constant 0 : index
      ggemm.tile group(%i) row_base(%i) at(%i, %i)
      return
    }
  }
}
