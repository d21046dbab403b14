// convert-ggemm-to-nvvm checks an outlined kernel's schedule
// against the same target description as ggemm-tile and
// ggemm-outline-kernel: tile N 48 and 208 (valid tcgen05.mma shapes, but
// without a confirmed Tensor Memory layout for the scale factors of B,
// docs/sm100-encodings.md) are refused at the kernel.
// RUN: gemm-opt %s -split-input-file --convert-ggemm-to-nvvm -verify-diagnostics

module attributes {gpu.container_module} {
  gpu.module @ggemm_k {
    // expected-error @+1 {{its problem has no plan on sm_100a: the sm_100a kernel takes tile N in {64, 128, 192, 256} (the widths whose tcgen05 scale-factor layout in Tensor Memory is confirmed; docs/sm100-encodings.md); got 48}}
    gpu.func @ggemm_k(%maps: memref<4x128xi8, 1>, %c: memref<1xi64, 1>, %s: memref<2xi64, 1>, %sizes: memref<1xi32, 1>, %alpha: memref<1xf32, 1>, %status: memref<2xi32, 1>) kernel attributes {ggemm.problem = #ggemm.kernel_problem<rows = list, scales = row_major, alpha = false, groups = [128, 128, 256], schedule = <target = sm_100a, tile = [128, 48, 256], raster = along_m, split_k = 1, grid = 148, stages = 2>>} {
      gpu.return
    }
  }
}

// -----

module attributes {gpu.container_module} {
  gpu.module @ggemm_k {
    // expected-error @+1 {{its problem has no plan on sm_100a: the sm_100a kernel takes tile N in {64, 128, 192, 256} (the widths whose tcgen05 scale-factor layout in Tensor Memory is confirmed; docs/sm100-encodings.md); got 208}}
    gpu.func @ggemm_k(%maps: memref<4x128xi8, 1>, %c: memref<1xi64, 1>, %s: memref<2xi64, 1>, %sizes: memref<1xi32, 1>, %alpha: memref<1xf32, 1>, %status: memref<2xi32, 1>) kernel attributes {ggemm.problem = #ggemm.kernel_problem<rows = list, scales = row_major, alpha = false, groups = [128, 208, 256], schedule = <target = sm_100a, tile = [128, 208, 256], raster = along_m, split_k = 1, grid = 148, stages = 2>>} {
      gpu.return
    }
  }
}
